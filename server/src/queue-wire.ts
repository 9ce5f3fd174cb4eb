import { FINAL_STATES, JOB_FIELD_NAMES, NONE_VALUES, RECORD_SEP, recordField } from './slurm/squeue';

/**
 * A queue on the wire, built for 100k-job queues: one JSON header line, then
 * the jobs as squeue printed them (fields split by \x1f, each record ended by
 * \x1e and a newline). Field names and Slurm's "nothing" placeholders
 * travel once, in the header; the rows are never re-serialized, so a new view
 * of a whole queue costs one copy of squeue's output instead of 100k arrays
 * and 16 MB of JSON. Decoders: `src/ws.ts` (the sidebar) and
 * `jupyterlab_hpc/records.py` (the magics).
 */
export const RECORDS_CONTENT_TYPE = 'application/vnd.jupyterlab-hpc.records; charset=utf-8';

/**
 * The header line and the records text, to be sent one after the other (as two fragments of one
 * WebSocket message, or two chunks of one HTTP body): joining them would copy 14 MB per view.
 * JSON escapes every newline, so the first one ends the header.
 */
export function encodeRecords(header: object, text: string): [string, string] {
  return [`${JSON.stringify({ ...header, fields: JOB_FIELD_NAMES, none: NONE_VALUES })}\n`, text];
}

/** Which jobs an answer carries; absent parts do not filter. */
export interface JobFilter {
  user?: string;
  /** State names, or 'active' for every state but the final ones (squeue's default). */
  states?: ReadonlySet<string> | 'active';
  /** Job ids; an array task also matches its array's id. */
  ids?: ReadonlySet<string>;
}

const F_ID = JOB_FIELD_NAMES.indexOf('id');
const F_JOB_ID = JOB_FIELD_NAMES.indexOf('jobId');
const F_ARRAY_JOB_ID = JOB_FIELD_NAMES.indexOf('arrayJobId');
const F_USER = JOB_FIELD_NAMES.indexOf('user');
const F_STATE = JOB_FIELD_NAMES.indexOf('state');

/** A predicate over raw records reading only the filtered fields; undefined when nothing filters. */
export function recordMatcher(filter: JobFilter): ((record: string) => boolean) | undefined {
  const tests: Array<(record: string) => boolean> = [];
  const { user, states, ids } = filter;
  if (user !== undefined) {
    tests.push(r => recordField(r, F_USER) === user);
  }
  if (states === 'active') {
    tests.push(r => !FINAL_STATES.has(recordField(r, F_STATE)));
  } else if (states !== undefined) {
    tests.push(r => states.has(recordField(r, F_STATE)));
  }
  if (ids !== undefined) {
    tests.push(
      r => ids.has(recordField(r, F_ID)) || ids.has(recordField(r, F_JOB_ID)) || ids.has(recordField(r, F_ARRAY_JOB_ID))
    );
  }
  if (tests.length === 0) {
    return undefined;
  }
  return r => tests.every(t => t(r));
}

/** The matching records in wire form, and how many. */
export function selectRecords(
  records: Iterable<string>,
  match: (record: string) => boolean
): { text: string; count: number } {
  const kept: string[] = [];
  for (const r of records) {
    if (match(r)) {
      kept.push(r);
    }
  }
  // ended as squeue ends them (\x1e and a newline): one form for decoders whether filtered or not
  const end = `${RECORD_SEP}\n`;
  return { text: kept.length ? kept.join(end) + end : '', count: kept.length };
}

/** How many records squeue text holds. */
export function countRecords(text: string): number {
  let n = 0;
  for (let i = text.indexOf(RECORD_SEP); i >= 0; i = text.indexOf(RECORD_SEP, i + 1)) {
    n += 1;
  }
  return n;
}
