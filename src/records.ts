/**
 * Decodes the companion's records encoding (server/src/queue-wire.ts), used
 * for whole queues: a JSON header line (with `fields` and `none`, Slurm's
 * placeholders for "nothing"), then the jobs as squeue printed them: fields
 * split by \x1f, each record ended by \x1e and maybe a newline.
 */
const FIELD_SEP = '\x1f';
const RECORD_SEP = '\x1e';

/**
 * The header's members plus `rows`, or null when `text` is not in the
 * encoding (plain JSON messages have no newline: JSON escapes them).
 */
export function decodeRecords(text: string): { [key: string]: unknown } | null {
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
  const { fields, none } = header as { fields?: unknown; none?: unknown };
  if (!Array.isArray(fields) || (none !== undefined && !Array.isArray(none))) {
    return null;
  }
  const empty = new Set<unknown>(none ?? []);
  const rows: string[][] = [];
  let start = newline + 1;
  for (;;) {
    const end = text.indexOf(RECORD_SEP, start);
    if (end < 0) {
      break;
    }
    const row = text.slice(start, end).split(FIELD_SEP);
    if (row.length !== fields.length) {
      return null;
    }
    for (let i = 0; i < row.length; i++) {
      if (empty.has(row[i])) {
        row[i] = '';
      }
    }
    rows.push(row);
    start = end + 1;
    if (text.charCodeAt(start) === 10) {
      start += 1;
    }
  }
  if (text.slice(start).trim() !== '') {
    return null;
  }
  return { ...header, rows };
}
