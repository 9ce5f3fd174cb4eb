import { FIELD_SEP } from './fields';

/**
 * squeue in a delimited form: fields split by \x1f and every record ended by
 * \x1e, because job names may contain spaces, '|' and even newlines. Nothing
 * is truncated (no widths). Pending array tasks stay collapsed ("12_[3-9]"),
 * as squeue shows them, unless `expandArrays`.
 * Any user can put \x1f and \x1e in the free text of their own jobs: squeue's
 * raw output is read by squeue-records.ts, which bounds that text with a secret.
 */
export const RECORD_SEP = '\x1e';

/** Fields Slurm fills from its own state (ids, users, partitions, states, times, nodes). */
const TRUSTED_FIELDS = [
  ['id', '%i'],
  ['jobId', '%A'],
  ['arrayJobId', '%F'],
  ['arrayTaskId', '%K'],
  ['user', '%u'],
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
  ['startTime', '%S']
] as const;

/**
 * Text any user sets on their own jobs (the account too, when accounting does not enforce it):
 * last, so that it never shifts a trusted field, and bounded in squeue's output by a secret.
 */
const FREE_TEXT_FIELDS = [
  ['account', '%a'],
  ['name', '%j'],
  ['comment', '%k']
] as const;

/** The job fields, in wire order: the browser gets rows of these. */
export const JOB_FIELDS = [...TRUSTED_FIELDS, ...FREE_TEXT_FIELDS] as const;
export const TRUSTED_FIELD_COUNT = TRUSTED_FIELDS.length;
export const FREE_TEXT_FIELD_COUNT = FREE_TEXT_FIELDS.length;

export type JobField = (typeof JOB_FIELDS)[number][0];
export const JOB_FIELD_NAMES: JobField[] = JOB_FIELDS.map(([name]) => name);
export type Job = Record<JobField, string>;

/**
 * The format for one poll: `nonce` (a secret of that poll, see squeue-records.ts) starts
 * each free-text field and follows each record's end, where no user can write it.
 */
export function squeueFormat(nonce: string): string {
  const trusted = TRUSTED_FIELDS.map(([, spec]) => spec).join(FIELD_SEP);
  const free = FREE_TEXT_FIELDS.map(([, spec]) => FIELD_SEP + nonce + spec).join('');
  return trusted + free + RECORD_SEP + nonce;
}

export interface SqueueQuery {
  /** Include jobs that ended recently (kept for MinJobAge): needed to see final states. */
  allStates?: boolean;
  expandArrays?: boolean;
  user?: string;
  jobs?: string[];
}

/** squeue's own options; the format travels apart (squeueCommand). */
export function squeueArgv(squeue = 'squeue', query: SqueueQuery = {}): string[] {
  const argv = [squeue, '--noheader'];
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
 * A constant script: the first line of stdin becomes squeue's SQUEUE_FORMAT. The format holds
 * the poll's secret, so it must never be in an argv: any user can read /proc/PID/cmdline,
 * but a process's environment only as that process's user.
 */
const FORMAT_FROM_STDIN = 'IFS= read -r SQUEUE_FORMAT && export SQUEUE_FORMAT && exec "$@"';

export interface SqueueCommand {
  argv: string[];
  stdin: string;
}

export function squeueCommand(nonce: string, squeue = 'squeue', query: SqueueQuery = {}): SqueueCommand {
  return {
    argv: ['sh', '-c', FORMAT_FROM_STDIN, 'sh', ...squeueArgv(squeue, query)],
    stdin: `${squeueFormat(nonce)}\n`
  };
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
