import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_FIELDS, JOB_FIELD_NAMES } from '../../protocol/jobs';
import { decodeRecords, recordField, RECORD_END } from '../../protocol/records';

/**
 * The TypeScript decoder on the golden files that test/python/test_records.py decodes too:
 * answers captured from the real companion (test/fixtures/wire/capture.mjs) and encodings
 * both decoders must refuse.
 */
const WIRE = join(__dirname, '../fixtures/wire');
const golden = readdirSync(WIRE).filter(f => f.endsWith('.records'));
const refused = readdirSync(join(WIRE, 'refused'));

describe('the records decoder (protocol/records.ts)', () => {
  it('has golden files to decode', () => {
    expect(golden).toEqual(expect.arrayContaining(['mixed.records', 'filtered.records', 'empty.records']));
    expect(refused.length).toBeGreaterThanOrEqual(5);
  });

  it.each(golden)('decodes %s into the rows the companion sent as JSON', name => {
    const text = readFileSync(join(WIRE, name), 'utf8');
    const expected = JSON.parse(readFileSync(join(WIRE, name.replace(/\.records$/, '.json')), 'utf8'));
    expect(decodeRecords(text)).toEqual({ ...expected.header, rows: expected.rows });
  });

  it('gives free text as data: spaces, a newline, separators shown as ␟/␞, placeholders empty', () => {
    const answer = decodeRecords(readFileSync(join(WIRE, 'mixed.records'), 'utf8'))!;
    const jobs = answer.rows.map(row => Object.fromEntries(answer.fields.map((f, i) => [f, row[i]])));
    const names = jobs.map(job => job.name);
    expect(names).toEqual(
      expect.arrayContaining(['name with spaces | and, commas', 'two\nlines', 'sep␟in␞name', 'arr'])
    );
    expect(jobs.find(job => job.name === 'acct')).toMatchObject({ account: 'ac␟c', startTime: '', comment: '' });
    expect(jobs.find(job => job.name === 'arr')).toMatchObject({ arrayTaskId: '0-2', jobId: expect.any(String) });
  });

  it.each(refused)('refuses %s', name => {
    expect(decodeRecords(readFileSync(join(WIRE, 'refused', name), 'utf8'))).toBeNull();
  });

  it('reads one field of a raw record without splitting the others', () => {
    const none = new Set(['N/A']);
    expect(recordField('a\x1fN/A\x1fc', 1, none)).toBe('');
    expect(recordField('a\x1fb\x1fc', 2, none)).toBe('c');
    expect(recordField('a', 3, none)).toBe('');
    expect(RECORD_END).toBe('\x1e\n');
  });
});

describe('the job fields (protocol/jobs.ts)', () => {
  it('puts the free text other users write last, after every field Slurm fills', () => {
    const firstFree = JOB_FIELDS.findIndex(field => field.freeText);
    expect(JOB_FIELDS.slice(firstFree).every(field => field.freeText)).toBe(true);
    expect(JOB_FIELDS.filter(field => field.freeText).map(field => field.name)).toEqual(
      expect.arrayContaining(['account', 'name', 'comment'])
    );
  });

  it('names each field once, with its own squeue spec', () => {
    expect(new Set(JOB_FIELD_NAMES).size).toBe(JOB_FIELDS.length);
    expect(new Set(JOB_FIELDS.map(field => field.spec)).size).toBe(JOB_FIELDS.length);
    expect(JOB_FIELDS.every(field => /^%[a-zA-Z]$/.test(field.spec))).toBe(true);
  });
});
