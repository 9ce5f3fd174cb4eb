import { FIELD_SEP } from './fields';

/**
 * squeue in a delimited form: fields split by \x1f and every record ended by
 * \x1e, because job names may contain spaces, '|' and even newlines. Nothing
 * is truncated (no widths). Pending array tasks stay collapsed ("12_[3-9]"),
 * as squeue shows them, unless `expandArrays`.
 */
export const RECORD_SEP = '\x1e';

/** The job fields, in wire order: the browser gets rows of these. */
export const JOB_FIELDS = [
  ['id', '%i'],
  ['jobId', '%A'],
  ['arrayJobId', '%F'],
  ['arrayTaskId', '%K'],
  ['name', '%j'],
  ['user', '%u'],
  ['account', '%a'],
  ['partition', '%P'],
  ['state', '%T'],
  ['reason', '%r'],
  ['elapsed', '%M'],
  ['timeLimit', '%l'],
  ['timeLeft', '%L'],
  ['nodes', '%D'],
  ['cpus', '%C'],
  ['nodeList', '%N'],
  ['submitTime', '%V'],
  ['startTime', '%S'],
  ['comment', '%k']
] as const;

export type JobField = (typeof JOB_FIELDS)[number][0];
export const JOB_FIELD_NAMES: JobField[] = JOB_FIELDS.map(([name]) => name);
export type Job = Record<JobField, string>;

const FORMAT = JOB_FIELDS.map(([, spec]) => spec).join(FIELD_SEP) + RECORD_SEP;

export interface SqueueQuery {
  /** Include jobs that ended recently (kept for MinJobAge): needed to see final states. */
  allStates?: boolean;
  expandArrays?: boolean;
  user?: string;
  jobs?: string[];
}

export function squeueArgv(squeue = 'squeue', query: SqueueQuery = {}): string[] {
  const argv = [squeue, '--noheader', '--format', FORMAT];
  if (query.allStates ?? true) {
    argv.push('--states=all');
  }
  if (query.expandArrays) {
    argv.push('--array');
  }
  if (query.user) {
    argv.push(`--user=${query.user}`);
  }
  if (query.jobs?.length) {
    argv.push(`--jobs=${query.jobs.join(',')}`);
  }
  return argv;
}

/**
 * Calls `fn` with every raw record of squeue output, split by index (no regex, no per-line
 * arrays): at 100k jobs this is the companion's hot path. Throws when the output is not in
 * our format (after the records before the bad part).
 */
export function forEachRecord(output: string, fn: (record: string) => void): void {
  let start = 0;
  for (;;) {
    const end = output.indexOf(RECORD_SEP, start);
    if (end < 0) {
      break;
    }
    fn(output.slice(start, end));
    start = end + 1;
    if (output.charCodeAt(start) === 10) {
      start += 1;
    }
  }
  if (output.slice(start).trim() !== '') {
    throw new Error(`unexpected squeue output: ${JSON.stringify(output.slice(start, start + 200))}`);
  }
}

/** Splits squeue output into raw records; throws when it is not in our format. */
export function splitRecords(output: string): string[] {
  const records: string[] = [];
  forEachRecord(output, r => records.push(r));
  return records;
}

/** The job id of a raw record: its first field. */
export function recordId(record: string): string {
  const end = record.indexOf(FIELD_SEP);
  return end < 0 ? record : record.slice(0, end);
}

/** Slurm's placeholders for "nothing": empty fields once parsed (the wire names them for decoders). */
export const NONE_VALUES: readonly string[] = ['(null)', 'N/A', 'n/a', '(None)'];
const NONE = new Set(NONE_VALUES);

/**
 * One field of a raw record without splitting the others (placeholders made empty): filters
 * over 100k records read one or two fields each.
 */
export function recordField(record: string, index: number): string {
  let start = 0;
  for (let i = 0; i < index; i++) {
    start = record.indexOf(FIELD_SEP, start) + 1;
    if (start === 0) {
      return '';
    }
  }
  const end = record.indexOf(FIELD_SEP, start);
  const value = end < 0 ? record.slice(start) : record.slice(start, end);
  return NONE.has(value) ? '' : value;
}

/** The fields of a raw record, with Slurm's placeholders for "nothing" made empty. */
export function recordFields(record: string): string[] {
  const fields = record.split(FIELD_SEP);
  if (fields.length !== JOB_FIELDS.length) {
    throw new Error(
      `unexpected squeue record (${fields.length} fields, expected ${JOB_FIELDS.length}): ${JSON.stringify(record.slice(0, 200))}`
    );
  }
  for (let i = 0; i < fields.length; i++) {
    if (NONE.has(fields[i])) {
      fields[i] = '';
    }
  }
  return fields;
}

export function toJob(fields: string[]): Job {
  const job = {} as Job;
  JOB_FIELD_NAMES.forEach((name, i) => {
    job[name] = fields[i];
  });
  return job;
}

export function parseSqueue(output: string): Job[] {
  return splitRecords(output).map(r => toJob(recordFields(r)));
}

/** States after which a job never runs again. */
export const FINAL_STATES = new Set([
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
