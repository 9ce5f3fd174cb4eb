import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Job,
  TRUSTED_FIELD_COUNT,
  recordFields,
  splitRecords,
  squeueFormat,
  toJob
} from '../../server/src/slurm/squeue';
import { newNonce, readSqueueRecords } from '../../server/src/slurm/squeue-records';

// Real output of the fixture's squeue with the companion's format: capture-squeue-hostile.sh
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/slurm', name), 'utf8');
const NONCE = 'Tn0nce4Test1';
const clean = fixture('squeue-nonce-clean.txt');
const hostile = fixture('squeue-nonce-hostile.txt');

const jobsOf = (text: string): Job[] => splitRecords(text).map(r => toJob(recordFields(r)));

describe('squeue records bounded by a secret', () => {
  it('the captures were printed with the format the companion sends', () => {
    // After a change of protocol/jobs.ts: HPC_WRITE_FORMAT=1 npx jest test/unit/squeue-records.test.ts
    // writes the new format, then capture-squeue-hostile.sh captures with it.
    if (process.env.HPC_WRITE_FORMAT) {
      writeFileSync(join(__dirname, '../fixtures/slurm/squeue-nonce-format.txt'), squeueFormat(NONCE));
    }
    expect(fixture('squeue-nonce-format.txt')).toBe(squeueFormat(NONCE));
  });

  it('reads clean output as it is, minus the secret', () => {
    const read = readSqueueRecords(clean, NONCE);
    expect(read).toEqual({ text: clean.replaceAll(NONCE, ''), refused: [] });
    expect(jobsOf(read.text).map(j => [j.id, j.user, j.name])).toEqual([
      ['16_[0-2]', 'root', 'own-array'],
      ['15', 'root', 'own-plain']
    ]);
    expect(readSqueueRecords('', NONCE)).toEqual({ text: '', refused: [] });
  });

  it("shows other users' hostile text as data: separators visible, nothing forged, nothing refused", () => {
    const { text, refused } = readSqueueRecords(hostile, NONCE);
    expect(refused).toEqual([]);
    expect(text).not.toContain(NONCE);
    const jobs = jobsOf(text);
    // exactly the real jobs: the comment that imitates a record is not one
    expect(jobs.map(j => j.id)).toEqual(['21', '20', '19', '18', '17', '16_[0-2]', '15']);
    expect(jobs.filter(j => j.user === 'root').map(j => j.id)).toEqual(['16_[0-2]', '15']);
    const byId = new Map(jobs.map(j => [j.id, j]));
    expect(byId.get('17')).toMatchObject({ user: 'hpcuser', name: 'sep␟in␞name', state: 'PENDING' });
    expect(byId.get('18')).toMatchObject({ name: 'two\nlines', comment: 'say "hi" <script>alert(1)</script>' });
    expect(byId.get('19')).toMatchObject({ account: 'ac␟c', name: 'acct', comment: '' });
    const forged = byId.get('20')!;
    expect(forged).toMatchObject({ user: 'hpcuser', name: 'forger', reason: 'JobHeldUser' });
    expect(forged.comment).toMatch(/^x␞\n424242␟424242␟␟␟root␟batch␟RUNNING␟.*␟forged␟hpcset:abc␞$/);
    // Slurm takes at most 1024 bytes of a name or a comment (sbatch refuses 10 kB)
    const long = `${'L'.repeat(500)}␟${'M'.repeat(500)}␞<script>`;
    expect(byId.get('21')).toMatchObject({ name: long, comment: long });
  });

  it('refuses a record that does not fit alone, and reads every other one', () => {
    // a separator in a field Slurm fills (an admin's partition name, say): that record alone is refused
    const broken = hostile.replace(
      '\x1fdebug\x1fPENDING\x1fJobHeldUser\x1f0:00',
      '\x1fde\x1fbug\x1fPENDING\x1fJobHeldUser\x1f0:00'
    );
    const { text, refused } = readSqueueRecords(broken, NONCE);
    const why = `${TRUSTED_FIELD_COUNT + 1} fields before the job's own text, expected ${TRUSTED_FIELD_COUNT}`;
    expect(refused).toEqual([{ id: '21', why }]);
    expect(jobsOf(text).map(j => j.id)).toEqual(['20', '19', '18', '17', '16_[0-2]', '15']);
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
