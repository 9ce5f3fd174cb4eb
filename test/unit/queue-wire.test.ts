import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecords, recordMatcher, selectRecords } from '../../server/src/queue-wire';
import { JOB_FIELD_NAMES, recordField, recordFields, splitRecords } from '../../server/src/slurm/squeue';
import { decodeRecords } from '../../protocol/records';

// real output of the local Slurm: arrays, a name with spaces and '|', a newline in a name, N/A and (null)
const captured = readFileSync(join(__dirname, '../fixtures/slurm/squeue-mixed.txt'), 'utf8');
const records = splitRecords(captured);
const F = (name: string) => JOB_FIELD_NAMES.indexOf(name as never);

describe('the records encoding (queue-wire.ts → protocol/records.ts)', () => {
  it("carries squeue's own text and decodes to the rows the companion parses", () => {
    const decoded = decodeRecords(encodeRecords({ type: 'snapshot', cluster: 'c', version: 3 }, captured).join(''));
    expect(decoded).toMatchObject({ type: 'snapshot', cluster: 'c', version: 3, fields: JOB_FIELD_NAMES });
    expect(decoded!.rows).toEqual(records.map(recordFields));
    expect((decoded!.rows as string[][]).find(r => r[0] === '6')![F('name')]).toBe('new\nline');
  });

  it('decodes selected records and an empty queue; refuses what is not the encoding', () => {
    const some = selectRecords(records, r => recordField(r, F('state')) === 'PENDING');
    expect(some.count).toBeGreaterThan(0);
    expect(decodeRecords(encodeRecords({}, some.text).join(''))!.rows).toHaveLength(some.count);
    expect(decodeRecords(encodeRecords({}, '').join(''))!.rows).toEqual([]);
    expect(decodeRecords('{"type":"diff"}')).toBeNull();
    expect(decodeRecords('{"fields":["a","b"]}\nx\x1fy\x1fz\x1e\n')).toBeNull(); // wrong width
    expect(decodeRecords('{"fields":["a"]}\nx\x1etrailing')).toBeNull();
  });

  it('reads one field without splitting, placeholders made empty', () => {
    for (const r of records) {
      const fields = recordFields(r);
      JOB_FIELD_NAMES.forEach((_, i) => expect(recordField(r, i)).toBe(fields[i]));
    }
  });

  it('filters by user, states (or the active ones) and job ids, arrays matching their tasks', () => {
    const ids = (match?: (r: string) => boolean) =>
      records.filter(r => !match || match(r)).map(r => recordFields(r)[0]);
    expect(recordMatcher({})).toBeUndefined();
    const user = recordFields(records[0])[F('user')];
    expect(ids(recordMatcher({ user }))).toHaveLength(records.length);
    expect(ids(recordMatcher({ user: 'nobody-else' }))).toEqual([]);
    expect(ids(recordMatcher({ states: new Set(['COMPLETED']) }))).toEqual(['1']);
    expect(ids(recordMatcher({ states: 'active' }))).not.toContain('1');
    expect(ids(recordMatcher({ ids: new Set(['7']) }))).toEqual(['7_[0-2]']);
    expect(ids(recordMatcher({ ids: new Set(['4']), states: new Set(['RUNNING']) }))).toEqual([]);
  });
});
