/**
 * Jobs as the queue view holds them: the companion's row arrays turned into
 * objects once, with the keys that sorting and filtering need computed at
 * the same time, so that neither has to parse anything per comparison.
 */

/**
 * The squeue fields of a job, as the companion sends them (all strings, as
 * Slurm prints them).
 */
export interface IHpcJob {
  /** Unique key: `123`, `123_4` (array task), `123_[5-9]` (pending tasks), `123+0` (het component). */
  readonly id: string;
  readonly jobId: string;
  readonly arrayJobId: string;
  readonly arrayTaskId: string;
  readonly name: string;
  readonly user: string;
  readonly account: string;
  /** May list several partitions (`debug,batch`) while the job is pending. */
  readonly partition: string;
  readonly state: string;
  readonly reason: string;
  readonly elapsed: string;
  readonly timeLimit: string;
  readonly timeLeft: string;
  readonly nodes: string;
  readonly cpus: string;
  readonly nodeList: string;
  readonly submitTime: string;
  readonly startTime: string;
  readonly comment: string;
}

/**
 * The field names of `IHpcJob`, in the companion's documented wire order;
 * used until a snapshot says otherwise.
 */
export const JOB_FIELDS: ReadonlyArray<keyof IHpcJob> = [
  'id',
  'jobId',
  'arrayJobId',
  'arrayTaskId',
  'name',
  'user',
  'account',
  'partition',
  'state',
  'reason',
  'elapsed',
  'timeLimit',
  'timeLeft',
  'nodes',
  'cpus',
  'nodeList',
  'submitTime',
  'startTime',
  'comment'
];

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
 * Where each job field sits in a row (-1: not sent).
 */
export type FieldIndex = { readonly [K in keyof IHpcJob]: number };

/**
 * The field positions for a snapshot's `fields`; unknown names are ignored
 * and missing ones read as empty strings.
 */
export function fieldIndex(fields: ReadonlyArray<string> = JOB_FIELDS): FieldIndex {
  const index = {} as { -readonly [K in keyof IHpcJob]: number };
  for (const name of JOB_FIELDS) {
    index[name] = fields.indexOf(name);
  }
  return index;
}

/**
 * A companion row as a queue job. Built as one object literal, so that
 * 100,000 jobs share one hidden class: filling an object field by field
 * from a loop is ten times slower in V8, which shows on large snapshots.
 */
export function toJob(row: ReadonlyArray<string>, ix: FieldIndex): IQueueJob {
  const get = (i: number): string => {
    const value = i >= 0 ? row[i] : undefined;
    return typeof value === 'string' ? value : '';
  };
  const id = get(ix.id);
  const name = get(ix.name);
  const user = get(ix.user);
  const partition = get(ix.partition);
  const reason = get(ix.reason);
  const elapsed = get(ix.elapsed);
  const timeLeft = get(ix.timeLeft);
  const nodes = get(ix.nodes);
  const [idMajor, idMinor] = idKeys(id);
  return {
    id,
    jobId: get(ix.jobId),
    arrayJobId: get(ix.arrayJobId),
    arrayTaskId: get(ix.arrayTaskId),
    name,
    user,
    account: get(ix.account),
    partition,
    state: get(ix.state),
    reason,
    elapsed,
    timeLimit: get(ix.timeLimit),
    timeLeft,
    nodes,
    cpus: get(ix.cpus),
    nodeList: get(ix.nodeList),
    submitTime: get(ix.submitTime),
    startTime: get(ix.startTime),
    comment: get(ix.comment),
    idMajor,
    idMinor,
    elapsedSeconds: slurmSeconds(elapsed),
    timeLeftSeconds: slurmSeconds(timeLeft),
    nodeCount: Number.parseInt(nodes, 10) || 0,
    // "None" is squeue's way of saying there is no reason: not searchable.
    search: `${id}\n${name}\n${user}\n${partition}\n${shownReason({ reason })}`.toLowerCase(),
    partitions: partition.includes(',') ? partition.split(',').filter(Boolean) : partition ? [partition] : []
  };
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

/**
 * The pending reason worth showing: squeue says `None` when there is none.
 */
export function shownReason(job: Pick<IHpcJob, 'reason'>): string {
  return job.reason === 'None' || job.reason === '(null)' ? '' : job.reason;
}

/**
 * Whether Slurm holds the job (until someone releases it).
 */
export function isHeld(job: Pick<IHpcJob, 'state' | 'reason'>): boolean {
  return job.state === 'PENDING' && /^JobHeld/.test(job.reason);
}

/**
 * States after which a job never runs again (as the companion's list).
 */
const FINAL_STATES = new Set([
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT',
  'TIMEOUT'
]);

/**
 * Whether a job's state is final: nothing left to cancel.
 */
export function isFinal(job: Pick<IHpcJob, 'state'>): boolean {
  return FINAL_STATES.has(job.state);
}
