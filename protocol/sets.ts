/**
 * A *set*: a head process (Dask scheduler, ipcontroller, ...) and N worker processes in
 * Slurm allocations. The shapes the companion's REST API and WebSocket send, the sidebar
 * shows and the kernel reads: defined once here (pure types and constants).
 */

import type { SetCommands } from './template.gen';

/** A `custom` set's commands, from its template's `set` (the cluster controls run them). */
export type { SetCommands };

/** `custom`: a set of a template's own head and worker commands (its `set`), started from that template. */
export const SET_KINDS = ['dask', 'ipyparallel', 'custom'] as const;
export type SetKind = (typeof SET_KINDS)[number];

export type SetState = 'pending' | 'starting' | 'running' | 'stopping' | 'ended';

export type EndReason =
  | 'cancelled'
  | 'time limit'
  | 'node failure'
  | 'failed to start'
  | 'failed'
  | 'completed'
  | 'preempted'
  /** Every job left squeue while nobody watched (longer than MinJobAge): the final state is unknown. */
  | 'lost';

/** What a user asked for, validated and normalised (see spec.ts). */
export interface SetSpec {
  cluster: string;
  kind: SetKind;
  name: string;
  workers: number;
  nodes?: number;
  workersPerNode?: number;
  /** Threads (CPUs) per worker; absent with workersPerNode: whole nodes, cores / workers per node. */
  threads?: number;
  /** Memory per worker in MiB. */
  memoryMiB?: number;
  /** Slurm's --time value, as Slurm accepts it. */
  time?: string;
  partition?: string;
  account?: string;
  /** The Python that runs head and workers: an absolute path or a command name. */
  python: string;
  /** The user's own shell lines (modules, venv activation), run before anything else. */
  setup: string[];
  /** IPyParallel: engines initialise MPI (mpi4py), one COMM_WORLD per srun step. */
  mpi?: boolean;
  /**
   * Dask: each worker runs under a nanny (Client.restart(), a worker over its
   * memory limit killed and restarted, a crashed one restarted), at the price of
   * a second Python process per worker: the start takes ~1 s longer.
   */
  nanny?: boolean;
  /** A custom set's commands (from a template), kept with the set so a restart can carry on. */
  template?: SetCommands;
  /** The template the set started from, with the parameter values given ("start again" reuses them). */
  fromTemplate?: SetTemplateRef;
  /** The template's module loads and set-up, rendered by the companion: one shell text, run before `setup`. */
  environment?: string;
  /** sbatch options from the template's resources that the set has no field for (qos, gres, constraint). */
  options?: string[];
}

/** A job template by id, where it lives, and the values of its parameters. */
export interface SetTemplateRef {
  id: string;
  source?: 'centre' | 'personal';
  params: Record<string, unknown>;
}

export type JobRole = 'head' | 'workers';

export interface SetJob {
  id: string;
  role: JobRole;
  /** Worker processes this job starts. */
  workers: number;
  /** Slurm's state as last seen ('' before the first sighting). */
  state: string;
  /** Slurm's reason while pending. */
  reason?: string;
  submittedAt: string;
}

export interface SetWorker {
  /** Dask: the worker name "<job>-<task>"; IPyParallel: the engine id. */
  name: string;
  /** The Slurm job the worker runs in, when known. */
  job: string | null;
}

/** The record every client sees. */
export interface SetRecord {
  id: string;
  cluster: string;
  kind: SetKind;
  name: string;
  state: SetState;
  reason?: EndReason;
  /** Why the set is in its state, in words (Slurm's reason, the log line that says why). */
  message?: string;
  /** The last lines of the head job's output, once the set ended (or failed). */
  logTail?: string[];
  jobs: Array<Pick<SetJob, 'id' | 'role' | 'state' | 'workers' | 'reason'>>;
  workers: { requested: number; connected: number };
  /** Seconds. */
  timeLimit?: number;
  /** Seconds, as of `updatedAt`. */
  timeLeft?: number;
  /** Set while the walltime is running out. */
  warning?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Dask: the scheduler's address and its dashboard (on the compute node). */
  address?: string;
  dashboard?: string;
  /** A custom set: the connection values its template shows, and its web UIs (opened through the proxy). */
  fields?: SetField[];
  webUIs?: SetLink[];
  /** The set's directory on the cluster (connection file, logs, status.json). */
  setDir: string;
  /** The request, as validated (for cards and for "start another like this"). */
  spec: SetSpec;
}

/** A Dask set's CA, certificate and key: PEM contents, or paths (distributed's Security takes both). */
export interface SetTls {
  ca: string;
  cert: string;
  key: string;
}

export type SetConnection =
  | {
      kind: 'dask';
      address: string;
      dashboard?: string;
      schedulerFile: string;
      /** With a tls:// address: what a client presents (PEM contents). */
      tls?: SetTls;
      /** The same by path, when the set's files are on the companion's (and the kernels') host. */
      tlsFiles?: SetTls;
      /** What the dashboard's HTTP server asks of every request: this cookie (name) with this value. */
      dashboardSecret?: string;
      dashboardCookie?: string;
    }
  | {
      kind: 'ipyparallel';
      clientFile: Record<string, unknown>;
      path: string;
      /** The client file is on the companion's (and the kernels') host: a kernel can open it by path. */
      local?: boolean;
    }
  | {
      kind: 'custom';
      /** The connection file the head wrote (it may hold a secret: owner only). */
      connection: Record<string, unknown>;
      path: string;
      fields: SetField[];
      webUIs: SetLink[];
      /** The template's snippet with the connection's values in it: what "Use in notebook" inserts. */
      code?: string;
    };

/** A labelled value on a set's card. */
export interface SetField {
  label: string;
  value: string;
}

/** A web page of a set (on a compute node: opened through the Jupyter server's proxy). */
export interface SetLink {
  label: string;
  url: string;
}

/**
 * The body of `POST /api/sets` (the companion's schema in server/src/sets/spec.ts checks it).
 * Numbers a form could not read are sent as typed: the refusal names the field.
 */
export interface StartSetRequest {
  cluster: string;
  kind: SetKind;
  workers: number | string;
  nodes?: number | string;
  workersPerNode?: number | string;
  threads?: number | string;
  memory?: string;
  time?: string | number;
  partition?: string;
  account?: string;
  python?: string;
  setup?: string[];
  name?: string;
  mpi?: boolean;
  nanny?: boolean;
  /**
   * A job template of the set's kind: the companion renders its modules, set-up and resources
   * (the request's own fields win over the template's resources). Required for a `custom` set:
   * its head and worker commands are the template's.
   */
  template?: string;
  source?: 'centre' | 'personal';
  params?: Record<string, unknown>;
}
