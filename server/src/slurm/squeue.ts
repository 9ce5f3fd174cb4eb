import {
  FINAL_STATES as FINAL_STATE_LIST,
  JOB_FIELD_NAMES,
  JOB_FIELDS,
  Job,
  NONE_VALUES
} from '../../../protocol/jobs';
import { FIELD_SEP, RECORD_SEP, forEachRecord, recordField as fieldOf, splitRecord } from '../../../protocol/records';

export { JOB_FIELD_NAMES, NONE_VALUES, forEachRecord };
export type { Job, JobField } from '../../../protocol/jobs';

/**
 * squeue in the records form (protocol/records.ts): fields split by FIELD_SEP and every
 * record ended by RECORD_SEP, because job names may contain spaces, '|' and even newlines.
 * Nothing is truncated (no widths). Pending array tasks stay collapsed ("12_[3-9]"), as
 * squeue shows them, unless `expandArrays`.
 * Any user can put both separators in the free text of their own jobs: squeue's raw output
 * is read by squeue-records.ts, which bounds that text with a secret.
 */

/** Fields Slurm fills from its own state (ids, users, partitions, states, times, nodes). */
const TRUSTED_FIELDS = JOB_FIELDS.filter(field => !field.freeText);
/** Text any user sets on their own jobs: last, so that it never shifts a trusted field. */
const FREE_TEXT_FIELDS = JOB_FIELDS.filter(field => field.freeText);
if (JOB_FIELDS.some((field, i) => field.freeText !== i >= TRUSTED_FIELDS.length)) {
  throw new Error('protocol/jobs.ts: the free-text job fields must come last');
}
export const TRUSTED_FIELD_COUNT = TRUSTED_FIELDS.length;
export const FREE_TEXT_FIELD_COUNT = FREE_TEXT_FIELDS.length;

/**
 * The format for one poll: `nonce` (a secret of that poll, see squeue-records.ts) starts
 * each free-text field and follows each record's end, where no user can write it.
 */
export function squeueFormat(nonce: string): string {
  const trusted = TRUSTED_FIELDS.map(field => field.spec).join(FIELD_SEP);
  const free = FREE_TEXT_FIELDS.map(field => FIELD_SEP + nonce + field.spec).join('');
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

const NONE: ReadonlySet<string> = new Set(NONE_VALUES);

/**
 * One field of a raw record without splitting the others (placeholders made empty): filters
 * over 100k records read one or two fields each.
 */
export function recordField(record: string, index: number): string {
  return fieldOf(record, index, NONE);
}

/** The fields of a raw record, with Slurm's placeholders for "nothing" made empty. */
export function recordFields(record: string): string[] {
  const fields = splitRecord(record, JOB_FIELDS.length, NONE);
  if (fields === null) {
    const count = record.split(FIELD_SEP).length;
    throw new Error(
      `unexpected squeue record (${count} fields, expected ${JOB_FIELDS.length}): ${JSON.stringify(record.slice(0, 200))}`
    );
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
export const FINAL_STATES: ReadonlySet<string> = new Set(FINAL_STATE_LIST);
