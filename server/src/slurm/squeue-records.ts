import { randomInt } from 'node:crypto';
import { JOB_FIELDS } from '../../../protocol/jobs';
import { FIELD_SEP, RECORD_END, RECORD_SEP, VISIBLE_FIELD_SEP, VISIBLE_RECORD_SEP } from '../../../protocol/records';
import { FREE_TEXT_FIELD_COUNT, TRUSTED_FIELD_COUNT } from './squeue';

/**
 * squeue's raw output made into the records form (protocol/records.ts: fields split by
 * FIELD_SEP, records ended by RECORD_END), whatever other users put in their jobs' free text.
 *
 * The format (squeueFormat) writes a secret of the poll, the nonce, at the start of every
 * free-text field and after every record's RECORD_SEP. No user can write the nonce into a job, so a
 * record ends only where squeue ended it, and the free text lies between known marks: a separator
 * inside it is data, shown as the visible ␟ (U+241F) or ␞ (U+241E). A record that
 * still does not fit (a trusted field with a separator) is refused alone, never the poll.
 */
export interface RefusedRecord {
  /** The job id as squeue printed it (the record's first field, at most 40 characters). */
  id: string;
  why: string;
}

export interface SqueueRecords {
  /** The records in wire form, no nonce left. */
  text: string;
  refused: RefusedRecord[];
}

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const NONCE_LENGTH = 12;

/** A fresh secret for one squeue run: 12 letters or digits (71 bits), from the system CSPRNG. */
export function newNonce(): string {
  let nonce = '';
  for (let i = 0; i < NONCE_LENGTH; i++) {
    nonce += NONCE_CHARS[randomInt(NONCE_CHARS.length)];
  }
  return nonce;
}

/** Separators inside every record of a clean output: between all fields, none in the data. */
const SEPS_PER_RECORD = JOB_FIELDS.length - 1;

function count(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length)) {
    n += 1;
  }
  return n;
}

/** The output's length without what follows the last record end (whitespace only, or it is not ours). */
function recordsEnd(output: string, recordEnd: string): number {
  const last = output.lastIndexOf(recordEnd);
  const end = last < 0 ? 0 : last + recordEnd.length;
  if (output.slice(end).trim() !== '') {
    throw new Error(`unexpected squeue output: ${JSON.stringify(output.slice(end, end + 200))}`);
  }
  return end;
}

/**
 * Reads squeue output printed with squeueFormat(nonce). Throws only when the output is not in
 * that format at all (e.g. an error text on stdout).
 */
export function readSqueueRecords(output: string, nonce: string): SqueueRecords {
  const recordEnd = `${RECORD_SEP}${nonce}\n`; // RECORD_END once the nonce is gone
  const end = recordsEnd(output, recordEnd);
  // The hot path (100k jobs): counting proves every record clean. Each record has at least its
  // format's separators and exactly one end (the nonce is secret), so equal counts leave none
  // for the data.
  const records = count(output, recordEnd);
  if (
    end === output.length &&
    count(output, RECORD_SEP) === records &&
    count(output, FIELD_SEP) === SEPS_PER_RECORD * records
  ) {
    return { text: output.replaceAll(nonce, ''), refused: [] };
  }
  return readOneByOne(output.slice(0, end), nonce, recordEnd);
}

/** Free text made fit for the wire: its separators become visible symbols; the rest is data as is. */
function visible(text: string): string {
  return text.replaceAll(FIELD_SEP, VISIBLE_FIELD_SEP).replaceAll(RECORD_SEP, VISIBLE_RECORD_SEP);
}

/** Whether the record in output[start, end) holds exactly its format's separators. */
function isClean(output: string, start: number, end: number): boolean {
  let seps = 0;
  for (let i = output.indexOf(FIELD_SEP, start); i >= 0 && i < end; i = output.indexOf(FIELD_SEP, i + 1)) {
    seps += 1;
  }
  return seps === SEPS_PER_RECORD && output.indexOf(RECORD_SEP, start) === end;
}

/** One record with separators in its text, in wire form; undefined (and why, in `refused`) if unreadable. */
function readRecord(record: string, nonce: string, refused: RefusedRecord[]): string | undefined {
  const [trusted, ...free] = record.split(FIELD_SEP + nonce);
  const trustedFields = trusted.split(FIELD_SEP);
  const id = visible(trustedFields[0].slice(0, 40));
  if (trusted.includes(RECORD_SEP)) {
    refused.push({ id, why: 'a record separator in a field Slurm fills' });
  } else if (trustedFields.length !== TRUSTED_FIELD_COUNT) {
    refused.push({
      id,
      why: `${trustedFields.length} fields before the job's own text, expected ${TRUSTED_FIELD_COUNT}`
    });
  } else if (free.length !== FREE_TEXT_FIELD_COUNT) {
    refused.push({ id, why: `${free.length} text fields, expected ${FREE_TEXT_FIELD_COUNT}` });
  } else {
    return trusted + FIELD_SEP + free.map(visible).join(FIELD_SEP) + RECORD_END;
  }
  return undefined;
}

/**
 * Record by record: one hostile job must not make a 100k-job poll slow. Runs of clean records
 * are kept as they are (minus the nonce); only the others are split and rebuilt.
 */
function readOneByOne(output: string, nonce: string, recordEnd: string): SqueueRecords {
  const parts: string[] = [];
  const refused: RefusedRecord[] = [];
  let cleanFrom = 0;
  for (let start = 0; start < output.length;) {
    const end = output.indexOf(recordEnd, start);
    const next = end + recordEnd.length;
    if (!isClean(output, start, end)) {
      parts.push(output.slice(cleanFrom, start).replaceAll(nonce, ''));
      parts.push(readRecord(output.slice(start, end), nonce, refused) ?? '');
      cleanFrom = next;
    }
    start = next;
  }
  parts.push(output.slice(cleanFrom).replaceAll(nonce, ''));
  return { text: parts.join(''), refused };
}
