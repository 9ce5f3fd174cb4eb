/**
 * A *set*: a head process (Dask scheduler, ipcontroller, ...) and N worker
 * processes in Slurm allocations, started by a generated batch script. These
 * are the shapes the REST API, the WebSocket and the data dir share.
 */
import type {
  EndReason,
  JobRole,
  SetConnection,
  SetField,
  SetJob,
  SetLink,
  SetKind,
  SetRecord,
  SetSpec,
  SetState,
  SetTls,
  SetWorker
} from '../../../protocol/sets';

export { SET_KINDS } from '../../../protocol/sets';
export type {
  EndReason,
  JobRole,
  SetConnection,
  SetField,
  SetJob,
  SetLink,
  SetKind,
  SetRecord,
  SetSpec,
  SetState,
  SetTls,
  SetWorker
};

/** What the data dir holds: the record plus what the companion needs to carry on. */
export interface StoredSet {
  version: 1;
  record: SetRecord;
  jobs: SetJob[];
  /** The user asked to stop: cancellations were sent. */
  stopRequested?: boolean;
  /** The set was running at least once (distinguishes "failed to start" from "failed"). */
  seenRunning?: boolean;
}

/** status.json, written by the monitor inside the head job. */
export interface MonitorStatus {
  v: 1;
  job: string;
  time?: number;
  /** 'ok' once the monitor talks to the head. */
  head: 'connecting' | 'ok' | 'unreachable';
  error?: string | null;
  workers: SetWorker[];
  responses?: Record<string, { ok: boolean; error?: string; retired?: string[] }>;
}
