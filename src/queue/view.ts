import type { JobField } from '../../protocol/jobs';
import type { IQueueJob } from './jobs';
import type { StoreChange } from './store';

/**
 * What the queue table sorts by: any job field (its columns: protocol/jobs.ts QUEUE_TABLE_COLUMNS).
 */
export type SortColumn = JobField;

export interface ISort {
  column: SortColumn;
  ascending: boolean;
}

/**
 * What the table shows of a cluster's jobs.
 */
export interface IQueueQuery {
  /** Case-insensitive text searched in id, name, user, partition and reason. */
  text: string;
  /** A Slurm state, or '' for every state. */
  state: string;
  /** A partition, or '' for every partition. */
  partition: string;
  sort: ISort;
}

/**
 * Newest jobs first, no filter.
 */
export const DEFAULT_QUERY: IQueueQuery = {
  text: '',
  state: '',
  partition: '',
  sort: { column: 'id', ascending: false }
};

/**
 * Above this many changed jobs, a diff rebuilds the view instead of moving
 * each job: one sort beats thousands of array splices.
 */
const INCREMENTAL_LIMIT = 2000;

/**
 * The filtered, sorted jobs of one cluster. Built lazily, once per query;
 * then kept up to date by each diff in O(changed × log n) searches plus
 * array moves, so a 100,000-job queue is never re-sorted because a few jobs
 * changed, nor on renders that change nothing.
 *
 * `rows` is a new array whenever its content changes and the same array
 * otherwise, so it can be compared by identity.
 */
export class JobView {
  constructor(jobs: ReadonlyMap<string, IQueueJob>, query: IQueueQuery) {
    this._jobs = jobs;
    this._query = query;
    this._match = matcher(query);
    this._compare = comparator(query.sort);
  }

  get query(): IQueueQuery {
    return this._query;
  }

  set query(query: IQueueQuery) {
    if (sameQuery(query, this._query)) {
      return;
    }
    this._query = query;
    this._match = matcher(query);
    this._compare = comparator(query.sort);
    this._rows = null;
  }

  /**
   * The jobs to show, in order.
   */
  get rows(): ReadonlyArray<IQueueJob> {
    if (this._rows === null) {
      const rows: IQueueJob[] = [];
      for (const job of this._jobs.values()) {
        if (this._match(job)) {
          rows.push(job);
        }
      }
      this._rows = rows.sort(this._compare);
    }
    return this._rows;
  }

  /**
   * Follow a change of the jobs. `jobs` is the store's current Map (a
   * snapshot replaces it).
   */
  update(jobs: ReadonlyMap<string, IQueueJob>, change: StoreChange): void {
    this._jobs = jobs;
    if (this._rows === null) {
      return;
    }
    if (change.reset || change.removed.length + change.added.length > INCREMENTAL_LIMIT) {
      this._rows = null;
      return;
    }
    let rows: IQueueJob[] | null = null;
    for (const job of change.removed) {
      const i = this._search(rows ?? this._rows, job);
      if (i >= 0) {
        rows ??= this._rows.slice();
        rows.splice(i, 1);
      }
    }
    for (const job of change.added) {
      if (this._match(job)) {
        rows ??= this._rows.slice();
        const i = this._search(rows, job);
        rows.splice(i < 0 ? -i - 1 : i, i < 0 ? 0 : 1, job);
      }
    }
    if (rows !== null) {
      this._rows = rows;
    }
  }

  /**
   * The row index of a job, or -1 if the view does not show it.
   */
  indexOf(id: string): number {
    const job = this._jobs.get(id);
    if (!job || !this._match(job)) {
      return -1;
    }
    const rows = this.rows;
    const i = this._search(rows, job);
    // A changed job's sort key may differ from the version in the rows
    // only transiently (between a store change and `update`): never here.
    return i >= 0 && rows[i].id === id ? i : -1;
  }

  /**
   * Binary search of `job` by sort order (ids break ties, so the order is
   * total): its index, or `-(insertion point) - 1` when absent.
   */
  private _search(rows: ReadonlyArray<IQueueJob>, job: IQueueJob): number {
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this._compare(rows[mid], job);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  private _compare: (a: IQueueJob, b: IQueueJob) => number;
  private _jobs: ReadonlyMap<string, IQueueJob>;
  private _match: (job: IQueueJob) => boolean;
  private _query: IQueueQuery;
  private _rows: IQueueJob[] | null = null;
}

function sameQuery(a: IQueueQuery, b: IQueueQuery): boolean {
  return (
    a.text === b.text &&
    a.state === b.state &&
    a.partition === b.partition &&
    a.sort.column === b.sort.column &&
    a.sort.ascending === b.sort.ascending
  );
}

function matcher(query: IQueueQuery): (job: IQueueJob) => boolean {
  const text = query.text.trim().toLowerCase();
  const { state, partition } = query;
  return job =>
    (state === '' || job.state === state) &&
    (partition === '' || job.partitions.includes(partition)) &&
    (text === '' || job.search.includes(text));
}

function compareStrings(a: string, b: string): number {
  // Code-unit order: a locale collator is several times slower, which
  // shows when sorting 100,000 rows.
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIds(a: IQueueJob, b: IQueueJob): number {
  return compareNumbers(a.idMajor, b.idMajor) || compareNumbers(a.idMinor, b.idMinor) || compareStrings(a.id, b.id);
}

/** Fields that sort by a precomputed key; every other field sorts as text. */
const KEYS: { [C in SortColumn]?: (a: IQueueJob, b: IQueueJob) => number } = {
  id: () => 0,
  elapsed: (a, b) => compareNumbers(a.elapsedSeconds, b.elapsedSeconds),
  timeLeft: (a, b) => compareNumbers(a.timeLeftSeconds, b.timeLeftSeconds),
  nodes: (a, b) => compareNumbers(a.nodeCount, b.nodeCount)
};

function comparator(sort: ISort): (a: IQueueJob, b: IQueueJob) => number {
  const { column } = sort;
  const key = KEYS[column] ?? ((a: IQueueJob, b: IQueueJob) => compareStrings(a[column], b[column]));
  const sign = sort.ascending ? 1 : -1;
  return (a, b) => sign * (key(a, b) || compareIds(a, b));
}
