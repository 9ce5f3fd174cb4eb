/**
 * The messages of the `jupyterlab-hpc` kernel comm, as the kernel side
 * (`jupyterlab_hpc/comm.py`) sends them.
 */

/**
 * The comm target name, on both sides.
 */
export const COMM_TARGET = 'jupyterlab-hpc';

/**
 * The protocol version this side speaks (the kernel says its own in `hello`).
 */
export const COMM_PROTOCOL = 1;

/**
 * The kernel loaded the extension (also the answer to a `ping`).
 */
export interface IHelloEvent {
  type: 'hello';
  protocol: number;
  version: string;
  pid: number;
}

/**
 * A cell submitted a job (`%sbatch`, `%%sbatch`, `%sbatch --template`).
 */
export interface IJobSubmittedEvent {
  type: 'job-submitted';
  cluster: string;
  jobId: string;
}

/**
 * A cell started a Dask or IPyParallel set (`%ipcluster start`, `%dask start`).
 */
export interface ISetStartedEvent {
  type: 'set-started';
  setId: string;
  cluster?: string;
  kind?: 'dask' | 'ipyparallel';
}

/**
 * The kernel defined a client variable for a set (answer to `connect-set`).
 */
export interface ISetConnectedEvent {
  type: 'set-connected';
  setId: string;
  variable: string;
  kind: string;
  cluster?: string;
  /**
   * Engines or workers connected when the variable was defined.
   */
  workers: number;
  /**
   * What the kernel printed, e.g. "Defined rc: ipyparallel.Client with 2 engines of …".
   */
  message: string;
  requestId?: string;
}

/**
 * A request from the Lab failed; `message` is one line fit to show.
 */
export interface IKernelErrorEvent {
  type: 'error';
  request: 'connect-set';
  setId?: string;
  message: string;
  requestId?: string;
}

export type HpcKernelEvent =
  IHelloEvent | IJobSubmittedEvent | ISetStartedEvent | ISetConnectedEvent | IKernelErrorEvent;

/**
 * A document widget with a kernel: a `NotebookPanel` (or a console panel).
 */

/**
 * The event in a comm message's data, or null for anything we do not know.
 */
export function asEvent(data: unknown): HpcKernelEvent | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return null;
  }
  const type = (data as { type?: unknown }).type;
  const known = ['hello', 'job-submitted', 'set-started', 'set-connected', 'error'];
  return typeof type === 'string' && known.includes(type) ? (data as HpcKernelEvent) : null;
}
