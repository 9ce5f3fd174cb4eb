import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_FIELDS } from '../../protocol/jobs';
import {
  parseSqueue,
  recordFields,
  recordId,
  splitRecords,
  squeueCommand,
  squeueFormat
} from '../../server/src/slurm/squeue';

const captured = readFileSync(join(__dirname, '../fixtures/slurm/squeue-mixed.txt'), 'utf8');

describe('squeue', () => {
  it("asks for every field untruncated, unit-separated, with a record separator, users' text last", () => {
    const format = squeueFormat('N0nce');
    expect(format.split('\x1f')).toHaveLength(JOB_FIELDS.length);
    expect(format).not.toMatch(/%\.?\d/); // no widths: nothing truncated
    // the text any user writes comes last, each field after the secret, and the secret ends a record
    expect(format.endsWith('\x1fN0nce%a\x1fN0nce%j\x1fN0nce%k\x1eN0nce')).toBe(true);
    expect(JOB_FIELDS.slice(-3).map(field => field.name)).toEqual(['account', 'name', 'comment']);
  });

  it('passes the format on stdin into the environment, never in an argv others can read', () => {
    const { argv, stdin } = squeueCommand('N0nce', '/opt/slurm/bin/squeue', {
      user: 'alice',
      jobs: ['1', '2_3'],
      expandArrays: true
    });
    expect(stdin).toBe(`${squeueFormat('N0nce')}\n`);
    expect(argv.join(' ')).not.toContain('N0nce');
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv.slice(3)).toEqual([
      'sh',
      '/opt/slurm/bin/squeue',
      '--noheader',
      '--states=all',
      '--array',
      '--user=alice',
      '--jobs=1,2_3'
    ]);
  });

  it('parses captured output of the local Slurm: arrays, spaces, separators, a newline in a name', () => {
    const jobs = parseSqueue(captured);
    const byId = new Map(jobs.map(j => [j.id, j]));
    expect(byId.get('4')).toMatchObject({
      name: 'name with spaces | and, commas',
      partition: 'batch',
      reason: 'JobHeldUser'
    });
    expect(byId.get('7_[0-2]')).toMatchObject({ jobId: '7', arrayJobId: '7', arrayTaskId: '0-2', name: 'arrrun' });
    expect(byId.get('6')!.name).toBe('new\nline');
    expect(byId.get('1')).toMatchObject({ state: 'COMPLETED', nodeList: 'vm', account: '', comment: '' });
    expect(byId.get('3')).toMatchObject({ state: 'PENDING', reason: 'Resources', startTime: '' });
    expect(jobs).toHaveLength(7);
  });

  it('splits records by index and finds ids without splitting fields', () => {
    const records = splitRecords(captured);
    expect(records.map(recordId)).toEqual(['4', '1', '2', '3', '7_[0-2]', '5_[0-9]', '6']);
    expect(recordFields(records[0])).toHaveLength(JOB_FIELDS.length);
  });

  it('handles an empty queue and throws on foreign output', () => {
    expect(parseSqueue('')).toEqual([]);
    expect(() => splitRecords('JOBID PARTITION NAME\n  12 debug x\n')).toThrow(/unexpected squeue output/);
    expect(() => recordFields('1\x1f2')).toThrow(new RegExp(`expected ${JOB_FIELDS.length}`));
  });
});
