/**
 * The `jupyterlab-hpc` kernel comm between the Lab (src/kernel/comms.ts) and the kernel
 * (jupyterlab_hpc/kernel/comm.py, which reads the target, version and message types from
 * protocol.json): what a cell did reaches the sidebar, and "Use in notebook" reaches the kernel.
 *
 * Pure data and pure functions: no DOM, no Node, and nothing imported at run time (the build
 * loads this file alone to write jupyterlab_hpc/protocol.json).
 */

/** The comm target name, on both sides. */
export const COMM_TARGET = 'jupyterlab-hpc';

/** The protocol version this side speaks (the kernel says its own in `hello`). */
export const COMM_PROTOCOL = 1;

/** The `type` of each message the kernel sends to the Lab. */
export const KERNEL_EVENTS = {
  hello: 'hello',
  jobSubmitted: 'job-submitted',
  setStarted: 'set-started',
  setConnected: 'set-connected',
  error: 'error'
} as const;

/** The `type` of each message the Lab sends to the kernel. */
export const LAB_MESSAGES = {
  /** Define a client variable for a set (answered by `set-connected` or `error`). */
  connectSet: 'connect-set',
  /** Answered with a `hello`. */
  ping: 'ping'
} as const;

/** The kernel loaded the extension (also the answer to a `ping`). */
export interface HelloEvent {
  type: typeof KERNEL_EVENTS.hello;
  protocol: number;
  version: string;
  pid: number;
}

/** A cell submitted a job (`%sbatch`, `%%sbatch`, `%sbatch --template`). */
export interface JobSubmittedEvent {
  type: typeof KERNEL_EVENTS.jobSubmitted;
  cluster: string;
  jobId: string;
}

/** A cell started a Dask or IPyParallel set (`%ipcluster start`, `%dask start`). */
export interface SetStartedEvent {
  type: typeof KERNEL_EVENTS.setStarted;
  setId: string;
  cluster?: string;
  kind?: 'dask' | 'ipyparallel';
}

/** The kernel defined a client variable for a set (answer to `connect-set`). */
export interface SetConnectedEvent {
  type: typeof KERNEL_EVENTS.setConnected;
  setId: string;
  variable: string;
  kind: string;
  cluster?: string;
  /** Engines or workers connected when the variable was defined. */
  workers: number;
  /** What the kernel printed, e.g. "Defined rc: ipyparallel.Client with 2 engines of …". */
  message: string;
  requestId?: string;
}

/** A request from the Lab failed; `message` is one line fit to show. */
export interface KernelErrorEvent {
  type: typeof KERNEL_EVENTS.error;
  request: typeof LAB_MESSAGES.connectSet;
  setId?: string;
  message: string;
  requestId?: string;
}

export type KernelEvent = HelloEvent | JobSubmittedEvent | SetStartedEvent | SetConnectedEvent | KernelErrorEvent;

/**
 * `connect-set`: `variable` defaults to `rc` (IPyParallel) or `client` (Dask). Type aliases,
 * not interfaces, so that they are JSON objects to a comm's `send`.
 */
export type ConnectSetMessage = {
  type: typeof LAB_MESSAGES.connectSet;
  setId: string;
  requestId: string;
  variable?: string;
};

export type PingMessage = { type: typeof LAB_MESSAGES.ping };

export type LabMessage = ConnectSetMessage | PingMessage;

const KNOWN_EVENTS: ReadonlySet<string> = new Set(Object.values(KERNEL_EVENTS));

/** The event in a comm message's data, or null for anything we do not know. */
export function asKernelEvent(data: unknown): KernelEvent | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return null;
  }
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && KNOWN_EVENTS.has(type) ? (data as KernelEvent) : null;
}
