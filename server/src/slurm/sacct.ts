import { SACCT_FIELDS, SacctRow } from '../../../protocol/history';
import type { HistoryQuery } from '../../../protocol/history';
import { NONE_VALUES } from '../../../protocol/jobs';
import { FIELD_SEP } from '../../../protocol/records';

/**
 * sacct in a delimited form that other users' text cannot break (sacct prints any user's
 * jobs to root or with PrivateData off, and the user's own names hold anything): each field
 * ends with FIELD_SEP followed by a secret of the run (newNonce, as for squeue), given as
 * sacct's `--delimiter`. No job text can hold the secret, so every field boundary is known;
 * free-text fields come last, so a newline in them is told from the newline that ends a line
 * (the line's first field, JobID, never holds one).
 *
 * The secret is in sacct's argv (it reads no delimiter from the environment): it is visible
 * in /proc only while sacct runs, after the text it bounds was written to the database.
 */

if (SACCT_FIELDS.some((field, i) => field.freeText !== i >= SACCT_FIELDS.filter(f => !f.freeText).length)) {
  throw new Error('protocol/history.ts: the free-text sacct fields must come last');
}
if (SACCT_FIELDS[0].spec !== 'JobID') {
  throw new Error('protocol/history.ts: JobID must be the first sacct field');
}

const WIDTH = SACCT_FIELDS.length;
const NONE: ReadonlySet<string> = new Set([...NONE_VALUES, 'Unknown', 'None']);
const TIME_WORD = /^[\w:.+-]{1,64}$/;
const STATE_LIST = /^[A-Za-z_]+(,[A-Za-z_]+)*$/;
const JOB_LIST = /^\d+(_\d+)?(\.\w+)?(,\d+(_\d+)?(\.\w+)?)*$/;

/** A query value sacct would misread, in words (a 400 for the route). */
export class HistoryQueryError extends Error {
  readonly statusCode = 400;
}

/** Checks the query's values; each becomes one `--option=value` word, never an option of its own. */
export function checkHistoryQuery(query: HistoryQuery): void {
  for (const key of ['start', 'end'] as const) {
    const v = query[key];
    if (v !== undefined && !TIME_WORD.test(v)) {
      throw new HistoryQueryError(
        `${key}: ${JSON.stringify(v)} is not a sacct time (e.g. now-1hours, 2026-12-03T10:00)`
      );
    }
  }
  if (query.state !== undefined && !STATE_LIST.test(query.state)) {
    throw new HistoryQueryError(`state: ${JSON.stringify(query.state)} is not a comma-separated list of states`);
  }
  if (query.jobs !== undefined && !JOB_LIST.test(query.jobs)) {
    throw new HistoryQueryError(`jobs: ${JSON.stringify(query.jobs)} is not a comma-separated list of job ids`);
  }
  if (query.name !== undefined && (query.name === '' || /[\n\r\0]/.test(query.name))) {
    throw new HistoryQueryError('name: give one or more job names, separated by commas');
  }
}

/** sacct's argv for the user's jobs (`user`: whose), every step included (steps carry MaxRSS and CPU). */
export function sacctArgv(nonce: string, user: string, query: HistoryQuery, sacct = 'sacct'): string[] {
  checkHistoryQuery(query);
  const argv = [
    sacct,
    '--noheader',
    '--parsable2',
    `--delimiter=${FIELD_SEP}${nonce}`,
    `--format=${SACCT_FIELDS.map(f => f.spec).join(',')}`,
    `--user=${user}`
  ];
  if (query.start !== undefined) {
    argv.push(`--starttime=${query.start}`);
  }
  if (query.end !== undefined) {
    argv.push(`--endtime=${query.end}`);
  } else if (query.state !== undefined) {
    // with --state and no --endtime sacct ends the window at its start: nothing would match
    argv.push('--endtime=now');
  }
  if (query.state !== undefined) {
    argv.push(`--state=${query.state}`);
  }
  if (query.name !== undefined) {
    argv.push(`--name=${query.name}`);
  }
  if (query.jobs !== undefined) {
    argv.push(`--jobs=${query.jobs}`);
  }
  return argv;
}

export interface SacctRows {
  rows: SacctRow[];
  refused: Array<{ id: string; why: string }>;
}

const CONTROL = /[\x00-\x1f\x7f]/;

function toRow(fields: string[]): SacctRow {
  const row = {} as SacctRow;
  SACCT_FIELDS.forEach((field, i) => {
    row[field.name] = NONE.has(fields[i]) ? '' : fields[i];
  });
  return row;
}

/**
 * Reads sacct output printed with sacctArgv(nonce). Throws when the output is not in that
 * form at all (e.g. an error text on stdout); a line whose Slurm fields are not Slurm's (a
 * control character) is refused alone.
 */
export function readSacctRows(output: string, nonce: string): SacctRows {
  const rows: SacctRow[] = [];
  const refused: SacctRows['refused'] = [];
  if (output.trim() === '') {
    return { rows, refused };
  }
  const parts = output.split(FIELD_SEP + nonce);
  if ((parts.length - 1) % (WIDTH - 1) !== 0 || !output.endsWith('\n')) {
    throw new Error(`unexpected sacct output: ${JSON.stringify(output.slice(0, 200))}`);
  }
  const count = (parts.length - 1) / (WIDTH - 1);
  let first = parts[0];
  for (let r = 0; r < count; r++) {
    const base = r * (WIDTH - 1);
    const fields = [first, ...parts.slice(base + 1, base + WIDTH - 1)];
    // the junction holds this line's last field, the newline that ends it, and the next JobID
    const junction = parts[base + WIDTH - 1];
    const cut = junction.lastIndexOf('\n');
    if (cut < 0) {
      throw new Error(`unexpected sacct output: no line end after job ${JSON.stringify(first.slice(0, 40))}`);
    }
    fields.push(junction.slice(0, cut));
    first = junction.slice(cut + 1);
    const trusted = fields.slice(
      0,
      SACCT_FIELDS.findIndex(f => f.freeText)
    );
    const bad = trusted.findIndex(value => CONTROL.test(value));
    if (bad >= 0) {
      refused.push({ id: fields[0].slice(0, 40), why: `a control character in ${SACCT_FIELDS[bad].spec}` });
    } else {
      rows.push(toRow(fields));
    }
  }
  if (first !== '') {
    throw new Error(`unexpected sacct output after the last line: ${JSON.stringify(first.slice(0, 200))}`);
  }
  return { rows, refused };
}
