import { JOB_FIELD_NAMES, NONE_VALUES, isFinalState } from '../../protocol/jobs';
import { RECORD_END, RecordsHeader } from '../../protocol/records';
import { recordField } from './slurm/squeue';

/**
 * A queue on the wire in the records encoding (protocol/records.ts): one JSON header line,
 * then the jobs as squeue printed them. Decoders: protocol/records.ts (the sidebar) and
 * jupyterlab_hpc/records.py (the magics).
 */

/**
 * The header line and the records text, to be sent one after the other (as two fragments of one
 * WebSocket message, or two chunks of one HTTP body): joining them would copy 14 MB per view.
 * JSON escapes every newline, so the first one ends the header.
 */
export function encodeRecords(header: object, text: string): [string, string] {
  const line: RecordsHeader = { ...header, fields: JOB_FIELD_NAMES, none: NONE_VALUES };
  return [`${JSON.stringify(line)}\n`, text];
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
    tests.push(r => !isFinalState(recordField(r, F_STATE)));
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
  // ended as squeue's are: one form for decoders whether filtered or not
  return { text: kept.length ? kept.join(RECORD_END) + RECORD_END : '', count: kept.length };
}

/** How many records squeue text holds. */
export function countRecords(text: string): number {
  let n = 0;
  for (let i = text.indexOf(RECORD_END); i >= 0; i = text.indexOf(RECORD_END, i + RECORD_END.length)) {
    n += 1;
  }
  return n;
}
