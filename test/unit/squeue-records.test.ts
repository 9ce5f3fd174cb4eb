import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job, recordFields, splitRecords, squeueFormat, toJob } from '../../server/src/slurm/squeue';
import { newNonce, readSqueueRecords } from '../../server/src/slurm/squeue-records';

// Real output of the fixture's squeue with the companion's format: capture-squeue-hostile.sh
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/slurm', name), 'utf8');
const NONCE = 'Tn0nce4Test1';
const clean = fixture('squeue-nonce-clean.txt');
const hostile = fixture('squeue-nonce-hostile.txt');

const jobsOf = (text: string): Job[] => splitRecords(text).map(r => toJob(recordFields(r)));

describe('squeue records bounded by a secret', () => {
  it('the captures were printed with the format the companion sends', () => {
    expect(fixture('squeue-nonce-format.txt')).toBe(squeueFormat(NONCE));
  });

  it('reads clean output as it is, minus the secret', () => {
    const read = readSqueueRecords(clean, NONCE);
    expect(read).toEqual({ text: clean.replaceAll(NONCE, ''), refused: [] });
    expect(jobsOf(read.text).map(j => [j.id, j.user, j.name])).toEqual([
      ['43_[0-2]', 'root', 'own-array'],
      ['42', 'root', 'own-plain']
    ]);
    expect(readSqueueRecords('', NONCE)).toEqual({ text: '', refused: [] });
  });

  it("shows other users' hostile text as data: separators visible, nothing forged, nothing refused", () => {
    const { text, refused } = readSqueueRecords(hostile, NONCE);
    expect(refused).toEqual([]);
    expect(text).not.toContain(NONCE);
    const jobs = jobsOf(text);
    // exactly the real jobs: the comment that imitates a record is not one
    expect(jobs.map(j => j.id)).toEqual(['48', '47', '46', '45', '44', '43_[0-2]', '42']);
    expect(jobs.filter(j => j.user === 'root').map(j => j.id)).toEqual(['43_[0-2]', '42']);
    const byId = new Map(jobs.map(j => [j.id, j]));
    expect(byId.get('44')).toMatchObject({ user: 'hpcuser', name: 'sep␟in␞name', state: 'PENDING' });
    expect(byId.get('45')).toMatchObject({ name: 'two\nlines', comment: 'say "hi" <script>alert(1)</script>' });
    expect(byId.get('46')).toMatchObject({ account: 'ac␟c', name: 'acct', comment: '' });
    const forged = byId.get('47')!;
    expect(forged).toMatchObject({ user: 'hpcuser', name: 'forger', reason: 'JobHeldUser' });
    expect(forged.comment).toMatch(/^x␞\n424242␟424242␟␟␟root␟batch␟RUNNING␟.*␟forged␟hpcset:abc␞$/);
    // Slurm takes at most 1024 bytes of a name or a comment (sbatch refuses 10 kB)
    const long = `${'L'.repeat(500)}␟${'M'.repeat(500)}␞<script>`;
    expect(byId.get('48')).toMatchObject({ name: long, comment: long });
  });

  it('refuses a record that does not fit alone, and reads every other one', () => {
    // a separator in a field Slurm fills (an admin's partition name, say): that record alone is refused
    const broken = hostile.replace(
      '\x1fdebug\x1fPENDING\x1fJobHeldUser\x1f0:00',
      '\x1fde\x1fbug\x1fPENDING\x1fJobHeldUser\x1f0:00'
    );
    const { text, refused } = readSqueueRecords(broken, NONCE);
    expect(refused).toEqual([{ id: '48', why: "17 fields before the job's own text, expected 16" }]);
    expect(jobsOf(text).map(j => j.id)).toEqual(['47', '46', '45', '44', '43_[0-2]', '42']);
  });

  it('throws on output in another format (squeue ignored the format)', () => {
    expect(() => readSqueueRecords('JOBID PARTITION NAME\n  12 debug x\n', NONCE)).toThrow(/unexpected squeue output/);
    expect(() => readSqueueRecords(clean.replaceAll(NONCE, ''), NONCE)).toThrow(/unexpected squeue output/);
  });

  it('makes a new 12-character secret for every run', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) {
      expect(n).toMatch(/^[A-Za-z0-9]{12}$/);
    }
  });
});
