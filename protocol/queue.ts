/**
 * The queue on the companion's live channel (`hpc/api/ws`): what a browser may send, and the
 * snapshot, diffs and job-ended events the companion sends back. Rows are string arrays in
 * the order of the snapshot's `fields` (protocol/jobs.ts JOB_FIELD_NAMES); a snapshot travels
 * in the records encoding (protocol/records.ts), every other message as one JSON object.
 */
import type { JTDDataType } from 'ajv/dist/jtd';

export type QueueStatus = 'ok' | 'error' | 'stale';

/** The state of a cluster's shared poll. */
export interface QueueState {
  status: QueueStatus;
  /** Slurm's (or the transport's) message while status is not 'ok'. */
  error?: string;
  /** ISO time of the last successful squeue. */
  updatedAt?: string;
  /** With status 'ok': records squeue printed that could not be read (every other job is shown). */
  warning?: string;
  /** Grows with every poll that changed something; diffs older than a snapshot are dropped. */
  version: number;
}

/** What changed since the previous poll; no rows and a non-ok status: Slurm failed, the rows stand. */
export interface QueueDiff extends QueueState {
  added: string[][];
  changed: string[][];
  /** Ids of the jobs that left the queue. */
  removed: string[];
}

/** The state of a cluster's poll, as each message names it. */
export interface QueueStateMessage extends QueueState {
  cluster: string;
}

/** A snapshot's header line (a RecordsHeader): the records of the subscription's jobs follow. */
export interface SnapshotHeader extends QueueStateMessage {
  type: 'snapshot';
  /** How many records follow. */
  count: number;
  fields: readonly string[];
  none: readonly string[];
}

/** A cluster's whole queue (of the subscription's users), decoded: rows in `fields` order. */
export interface SnapshotMessage extends QueueStateMessage {
  type: 'snapshot';
  fields: string[];
  rows: string[][];
  count?: number;
}

export interface DiffMessage extends QueueDiff {
  type: 'diff';
  cluster: string;
}

/** A job of the watched queue reached a final state or left the queue. */
export interface JobEndedEvent {
  id: string;
  name: string;
  user: string;
  /** The final state, or '' when the job left the queue before one was seen. */
  state: string;
  /** Slurm's `exit:signal`, when scontrol still knew the job. */
  exitCode?: string;
  /** Cancelled through the companion (a job action, `%scancel`, a set's stop): the user's own doing. */
  byUser?: boolean;
  /**
   * An array's end, one event for all its tasks (`id` is the array's): how many tasks ended in
   * each state (`state` is the worst of them).
   */
  tasks?: Record<string, number>;
}

/** Sent to one connection of those that asked for notifications, so several tabs notify once. */
export interface JobEndedMessage {
  type: 'job-ended';
  cluster: string;
  events: JobEndedEvent[];
}

export interface ErrorMessage {
  type: 'error';
  cluster?: string;
  error: string;
}

export type QueueServerMessage = SnapshotMessage | DiffMessage | JobEndedMessage | ErrorMessage;

/**
 * What a browser may send (JSON Type Definition, RFC 8927): the companion parses every frame
 * with it and closes the connection on anything else.
 */
export const CLIENT_MESSAGE_SCHEMA = {
  discriminator: 'type',
  mapping: {
    subscribe: { properties: { cluster: { type: 'string' } }, optionalProperties: { all: { type: 'boolean' } } },
    unsubscribe: { properties: { cluster: { type: 'string' } } },
    notifications: { properties: { enabled: { type: 'boolean' } } }
  }
} as const;

export type ClientMessage = JTDDataType<typeof CLIENT_MESSAGE_SCHEMA>;

/** The longest frame a browser has any reason to send (cluster names are short). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** WebSocket close code 1008: the message violates the policy of the endpoint. */
export const CLOSE_POLICY = 1008;
