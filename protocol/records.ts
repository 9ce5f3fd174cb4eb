/**
 * The records encoding, built for 100k-job queues: one JSON header line, then the jobs as
 * squeue printed them, fields split by FIELD_SEP and every record ended by RECORD_END. Field
 * names and Slurm's placeholders for "nothing" travel once, in the header; the rows are never
 * re-serialized, so a view of a whole queue costs one copy of squeue's output instead of 100k
 * arrays and 16 MB of JSON.
 *
 * The encoder is the companion's (server/src/queue-wire.ts); this file holds the one
 * TypeScript decoder (the sidebar, the companion's own reading of squeue, the tests), and
 * jupyterlab_hpc/records.py the kernel's, both tested on test/fixtures/wire/.
 *
 * Pure data and pure functions: no DOM, no Node, and nothing imported at run time (the build
 * loads this file alone to write jupyterlab_hpc/protocol.json).
 */

/** Between the fields of a record (ASCII unit separator): job names hold spaces, '|', ','. */
export const FIELD_SEP = '\x1f';
/** After every record (ASCII record separator), then a newline: names may hold newlines too. */
export const RECORD_SEP = '\x1e';
export const RECORD_END = `${RECORD_SEP}\n`;

/**
 * What a separator inside a job's free text (name, comment, account: any user writes them)
 * becomes on the wire: the visible ␟ (U+241F) and ␞ (U+241E), so it never splits a record.
 */
export const VISIBLE_FIELD_SEP = '\u241f';
export const VISIBLE_RECORD_SEP = '\u241e';

/** The HTTP content type of an answer in this encoding (`?format=records`). */
export const RECORDS_CONTENT_TYPE = 'application/vnd.jupyterlab-hpc.records; charset=utf-8';

/** The header line: `fields` and `none` always, plus the answer's own members (cluster, status, …). */
export interface RecordsHeader {
  /** The field names of every record, in order. */
  fields: readonly string[];
  /** Values that mean "nothing": decoded as ''. */
  none: readonly string[];
  /** How many records follow. */
  count?: number;
  [member: string]: unknown;
}

/** A decoded answer: the header's members and the rows, in `fields` order. */
export type DecodedRecords = RecordsHeader & { rows: string[][] };

/**
 * Calls `fn` with every raw record of `text` from `start`, split by index (no regex, no
 * per-line arrays): at 100k jobs this is the companion's hot path. Throws when what follows
 * the last record is not whitespace (output that is not in this encoding), after the records
 * before it.
 */
export function forEachRecord(text: string, fn: (record: string) => void, start = 0): void {
  for (;;) {
    const end = text.indexOf(RECORD_END, start);
    if (end < 0) {
      break;
    }
    fn(text.slice(start, end));
    start = end + RECORD_END.length;
  }
  if (text.slice(start).trim() !== '') {
    throw new Error(`unexpected squeue output: ${JSON.stringify(text.slice(start, start + 200))}`);
  }
}

/** A raw record's fields with placeholders made empty; null when it has not `width` fields. */
export function splitRecord(record: string, width: number, none: ReadonlySet<string>): string[] | null {
  const fields = record.split(FIELD_SEP);
  if (fields.length !== width) {
    return null;
  }
  for (let i = 0; i < fields.length; i++) {
    if (none.has(fields[i])) {
      fields[i] = '';
    }
  }
  return fields;
}

/**
 * One field of a raw record without splitting the others (a placeholder made empty): filters
 * over 100k records read one or two fields each.
 */
export function recordField(record: string, index: number, none: ReadonlySet<string>): string {
  let start = 0;
  for (let i = 0; i < index; i++) {
    start = record.indexOf(FIELD_SEP, start) + 1;
    if (start === 0) {
      return '';
    }
  }
  const end = record.indexOf(FIELD_SEP, start);
  const value = end < 0 ? record.slice(start) : record.slice(start, end);
  return none.has(value) ? '' : value;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === 'string');
}

/**
 * The header's members plus `rows`, or null when `text` is not in the encoding (a plain JSON
 * message has no newline: JSON escapes them) or a record has another number of fields.
 */
export function decodeRecords(text: string): DecodedRecords | null {
  const newline = text.indexOf('\n');
  if (newline < 0) {
    return null;
  }
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, newline));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return null;
  }
  const { fields, none = [] } = header as { fields?: unknown; none?: unknown };
  if (!isStrings(fields) || !isStrings(none)) {
    return null;
  }
  const empty = new Set(none);
  const rows: string[][] = [];
  try {
    forEachRecord(
      text,
      record => {
        const row = splitRecord(record, fields.length, empty);
        if (row === null) {
          throw new Error('a record of another width');
        }
        rows.push(row);
      },
      newline + 1
    );
  } catch {
    return null;
  }
  return { ...(header as RecordsHeader), none, rows };
}
