import type { HpcSocket } from '../shared/ws';
import { fieldIndex, FieldIndex, IQueueJob, toJob } from './jobs';

/**
 * The state of a cluster's queue as the view shows it: `loading` until the
 * first snapshot; then the companion's status (`stale`/`error` keep the last
 * rows and carry Slurm's message).
 */
export type QueueStatus = 'loading' | 'ok' | 'error' | 'stale';

/**
 * What a snapshot or diff changed, for the views to follow: a reset means
 * every job may have changed; otherwise `removed` holds the old versions of
 * removed and changed jobs and `added` the new versions of added and changed
 * ones.
 */
export type StoreChange =
  { reset: true } | { reset: false; removed: ReadonlyArray<IQueueJob>; added: ReadonlyArray<IQueueJob> };

/**
 * One cluster's jobs, kept in a Map by id so a diff costs what it changed,
 * not the size of the queue; with per-state and per-partition counts kept
 * the same way, for the filters' menus.
 */
export class ClusterJobs {
  constructor(readonly cluster: string) {}

  /**
   * The jobs by id. Read only: change them with `applySnapshot`/`applyDiff`.
   */
  get jobs(): ReadonlyMap<string, IQueueJob> {
    return this._jobs;
  }

  get status(): QueueStatus {
    return this._status;
  }

  /**
   * Slurm's (or the companion's) message while the status is not `ok`.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Why some rows may be missing while the status is `ok` (e.g. records
   * Slurm printed that the companion could not read); null when none.
   */
  get warning(): string | null {
    return this._warning;
  }

  /**
   * When the companion's poll last succeeded, as it reports it; never the
   * time a message arrived, so an idle queue and a frozen one differ.
   */
  get updatedAt(): Date | null {
    return this._updatedAt;
  }

  /**
   * Number of jobs in each state.
   */
  get stateCounts(): ReadonlyMap<string, number> {
    return this._states;
  }

  /**
   * Number of jobs that may run in each partition.
   */
  get partitionCounts(): ReadonlyMap<string, number> {
    return this._partitions;
  }

  /**
   * Replace every job; the fields' order of the snapshot applies to the
   * diffs that follow it.
   */
  applySnapshot(message: HpcSocket.ISnapshotMessage): StoreChange {
    this._index = fieldIndex(message.fields);
    this._jobs = new Map();
    this._states = new Map();
    this._partitions = new Map();
    for (const row of message.rows) {
      const job = toJob(row, this._index);
      this._jobs.set(job.id, job);
      this._count(job, 1);
    }
    this._applyState(message);
    this._awaitingSnapshot = false;
    return { reset: true };
  }

  /**
   * Apply a diff in O(changed). A diff without rows and a non-ok status
   * says Slurm failed: the rows stay, with the message.
   */
  applyDiff(message: HpcSocket.IDiffMessage): StoreChange {
    const removed: IQueueJob[] = [];
    if (this._awaitingSnapshot) {
      // Diffs of rows we do not hold would show a wrong queue as a right one.
      return { reset: false, removed, added: [] };
    }
    const added: IQueueJob[] = [];
    for (const id of message.removed) {
      const old = this._jobs.get(id);
      // Other users' jobs leave the queue too: a "my jobs" subscription
      // gets their ids, which are simply not here.
      if (old) {
        this._jobs.delete(id);
        this._count(old, -1);
        removed.push(old);
      }
    }
    for (const row of [...message.added, ...message.changed]) {
      const job = toJob(row, this._index);
      const old = this._jobs.get(job.id);
      if (old) {
        this._count(old, -1);
        removed.push(old);
      }
      this._jobs.set(job.id, job);
      this._count(job, 1);
      added.push(job);
    }
    this._applyState(message);
    return { reset: false, removed, added };
  }

  /**
   * Show an error that came outside a diff (the subscription failed, or its
   * snapshot could not be read): the rows stay, marked out of date, and
   * diffs are ignored until a snapshot replaces them.
   */
  setError(error: string): void {
    this._status = 'error';
    this._error = error;
    this._awaitingSnapshot = true;
  }

  /**
   * Back to loading, keeping the rows, until the next snapshot (e.g. after
   * asking for all users' jobs instead of mine).
   */
  setLoading(): void {
    this._status = 'loading';
    this._error = null;
  }

  private _applyState(message: HpcSocket.IQueueState): void {
    this._status = message.status === 'ok' || message.status === 'error' ? message.status : 'stale';
    this._error = message.status === 'ok' ? null : (message.error ?? null);
    this._warning = typeof message.warning === 'string' && message.warning !== '' ? message.warning : null;
    if (message.updatedAt) {
      const updated = new Date(message.updatedAt);
      this._updatedAt = isNaN(updated.getTime()) ? this._updatedAt : updated;
    }
  }

  private _count(job: IQueueJob, delta: 1 | -1): void {
    bump(this._states, job.state, delta);
    for (const partition of job.partitions) {
      bump(this._partitions, partition, delta);
    }
  }

  private _awaitingSnapshot = false;
  private _error: string | null = null;
  private _index: FieldIndex = fieldIndex();
  private _jobs = new Map<string, IQueueJob>();
  private _partitions = new Map<string, number>();
  private _states = new Map<string, number>();
  private _status: QueueStatus = 'loading';
  private _updatedAt: Date | null = null;
  private _warning: string | null = null;
}

function bump(counts: Map<string, number>, key: string, delta: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n > 0) {
    counts.set(key, n);
  } else {
    counts.delete(key);
  }
}
