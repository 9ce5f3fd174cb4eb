/**
 * Jobs as the queue view holds them: the companion's row arrays turned into
 * objects once, with the keys that sorting and filtering need computed at
 * the same time, so that neither has to parse anything per comparison.
 */

import { isFinalState, Job, JOB_FIELD_NAMES, JobField, NONE_VALUES } from '../../protocol/jobs';

/**
 * The squeue fields of a job (protocol/jobs.ts), as the companion sends them (all strings,
 * as Slurm prints them, placeholders for "nothing" made empty).
 */
export type IHpcJob = Readonly<Job>;

/**
 * A job of the queue view: its fields plus precomputed keys.
 */
export interface IQueueJob extends IHpcJob {
  /** The numeric job id before any `_` or `+`. */
  readonly idMajor: number;
  /** The array task or het component number; -1 for none or a pending range. */
  readonly idMinor: number;
  readonly elapsedSeconds: number;
  readonly timeLeftSeconds: number;
  readonly nodeCount: number;
  /** The lower-cased text the filter box searches. */
  readonly search: string;
  /** The partitions the job may run in. */
  readonly partitions: ReadonlyArray<string>;
}

/**
 * How to read the rows of one snapshot (and the diffs that follow it): where each job field
 * sits in a row (-1: not sent) and the function that reads them.
 */
export interface FieldIndex {
  readonly positions: { readonly [K in JobField]: number };
  readonly read: (row: ReadonlyArray<string>) => IQueueJob;
}

/** Only strings are fields; anything else (a short row, a bad value) reads as empty. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const NO_PARTITIONS: ReadonlyArray<string> = [];

/**
 * A function that makes a row into a job as ONE object literal with every field and key in a
 * fixed order, so that 100,000 jobs share one hidden class: filling an object field by field
 * from a loop is three times slower in V8 (80 vs 250 ms at 100k jobs), which shows on large
 * snapshots. The literal is generated from protocol/jobs.ts's field names (constants, never
 * wire data) and the row positions (integers). Where a Content-Security-Policy forbids
 * generating code (JupyterLab's own settings need it), the loop.
 */
function rowReader(positions: ReadonlyArray<number>): (row: ReadonlyArray<string>) => IQueueJob {
  const members = JOB_FIELD_NAMES.map((name, k) => `${JSON.stringify(name)}: text(row[${positions[k]}])`);
  const keys =
    'idMajor: 0, idMinor: 0, elapsedSeconds: 0, timeLeftSeconds: 0, nodeCount: 0, search: "", partitions: none';
  try {
    const literal = new Function('row', 'text', 'none', `return { ${members.join(', ')}, ${keys} };`);
    return row => withKeys(literal(row, text, NO_PARTITIONS) as Mutable<IQueueJob>);
  } catch {
    return row => {
      const job = {} as Mutable<IQueueJob>;
      JOB_FIELD_NAMES.forEach((name, k) => (job[name] = text(row[positions[k]])));
      return withKeys(job);
    };
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The job with its precomputed keys set (the literal has them already, in place). */
function withKeys(job: Mutable<IQueueJob>): IQueueJob {
  const { id, name, user, partition, elapsed, timeLeft, nodes } = job;
  [job.idMajor, job.idMinor] = idKeys(id);
  job.elapsedSeconds = slurmSeconds(elapsed);
  job.timeLeftSeconds = slurmSeconds(timeLeft);
  job.nodeCount = Number.parseInt(nodes, 10) || 0;
  // "None" is squeue's way of saying there is no reason: not searchable.
  job.search = `${id}\n${name}\n${user}\n${partition}\n${shownReason(job)}`.toLowerCase();
  job.partitions = partition.includes(',') ? partition.split(',').filter(Boolean) : partition ? [partition] : [];
  return job;
}

/**
 * The field positions for a snapshot's `fields`; unknown names are ignored and missing ones
 * read as empty strings.
 */
export function fieldIndex(fields: ReadonlyArray<string> = JOB_FIELD_NAMES): FieldIndex {
  const list = JOB_FIELD_NAMES.map(name => fields.indexOf(name));
  const positions = {} as { -readonly [K in JobField]: number };
  JOB_FIELD_NAMES.forEach((name, k) => (positions[name] = list[k]));
  return { positions, read: rowReader(list) };
}

/**
 * A companion row as a queue job.
 */
export function toJob(row: ReadonlyArray<string>, ix: FieldIndex): IQueueJob {
  return ix.read(row);
}

/**
 * The sort keys of a job id: `123_4` → [123, 4], `123_[5-9]` → [123, -1],
 * `123+1` → [123, 1]. Ids that are not numbers sort first.
 */
export function idKeys(id: string): [number, number] {
  const match = /^(\d+)(?:[_+](\d+))?/.exec(id);
  if (!match) {
    return [-1, -1];
  }
  return [Number(match[1]), match[2] === undefined ? -1 : Number(match[2])];
}

/**
 * Seconds of a Slurm duration (`[days-]hours:minutes:seconds`,
 * `minutes:seconds`); `UNLIMITED` is infinite; anything else (`INVALID`,
 * `NOT_SET`, empty) is -1 so it sorts first.
 */
export function slurmSeconds(value: string): number {
  if (value === 'UNLIMITED' || value === 'Partition_Limit') {
    return Infinity;
  }
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(value);
  if (!match) {
    return -1;
  }
  const [, days, hours, minutes, seconds] = match;
  return ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

const NO_VALUE: ReadonlySet<string> = new Set(NONE_VALUES);

/**
 * The pending reason worth showing: squeue says `None` when there is none (and a job
 * that did not come through a decoder may still hold one of Slurm's placeholders).
 */
export function shownReason(job: Pick<IHpcJob, 'reason'>): string {
  return job.reason === 'None' || NO_VALUE.has(job.reason) ? '' : job.reason;
}

/**
 * Whether Slurm holds the job (until someone releases it).
 */
export function isHeld(job: Pick<IHpcJob, 'state' | 'reason'>): boolean {
  return job.state === 'PENDING' && /^JobHeld/.test(job.reason);
}

/**
 * Whether a job's state is final: nothing left to cancel.
 */
export function isFinal(job: Pick<IHpcJob, 'state'>): boolean {
  return isFinalState(job.state);
}
