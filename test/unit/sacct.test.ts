import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SACCT_FIELDS, formatShare, jobEfficiency } from '../../protocol/history';
import type { HistoryJob } from '../../protocol/history';
import { parseAssociations, parseBatchScript } from '../../server/src/slurm/accounting';
import { cpuSeconds, foldSteps, groupArrays } from '../../server/src/slurm/history';
import { readSacctRows, sacctArgv } from '../../server/src/slurm/sacct';

// Real output of the fixture's sacct with the companion's format: capture-sacct.sh
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/slurm', name), 'utf8');
const NONCE = 'Tn0nce4Test1';
const captured = fixture('sacct-nonce.txt');

/** sacct's own `-P` lines for the same jobs, by JobID: the numbers to agree with. */
function plain(): Map<string, Record<string, string>> {
  const [header, ...lines] = fixture('sacct-plain.txt').trim().split('\n');
  const keys = header.split('|');
  return new Map(
    lines.map(line => {
      const values = line.split('|');
      return [values[0], Object.fromEntries(keys.map((k, i) => [k, values[i]]))];
    })
  );
}

const jobs = (): Map<string, HistoryJob> =>
  new Map(foldSteps(readSacctRows(captured, NONCE).rows).map(job => [job.name, job]));

describe('sacct', () => {
  it('the capture was printed with the format the companion sends', () => {
    expect(fixture('sacct-format.txt').trim()).toBe(SACCT_FIELDS.map(f => f.spec).join(','));
    const argv = sacctArgv(NONCE, 'hpcuser', { start: 'now-1hours', state: 'CD,F', name: 'a b', jobs: '12,13_2' });
    expect(argv).toEqual([
      'sacct',
      '--noheader',
      '--parsable2',
      `--delimiter=\x1f${NONCE}`,
      `--format=${fixture('sacct-format.txt').trim()}`,
      '--user=hpcuser',
      '--starttime=now-1hours',
      '--endtime=now',
      '--state=CD,F',
      '--name=a b',
      '--jobs=12,13_2'
    ]);
  });

  it('refuses query values that sacct would misread', () => {
    expect(() => sacctArgv(NONCE, 'u', { start: '--allusers' })).not.toThrow(); // one word: --starttime=--allusers
    expect(() => sacctArgv(NONCE, 'u', { start: 'now 1' })).toThrow(/not a sacct time/);
    expect(() => sacctArgv(NONCE, 'u', { jobs: '1;2' })).toThrow(/job ids/);
    expect(() => sacctArgv(NONCE, 'u', { state: 'CD F' })).toThrow(/states/);
  });

  it("reads hpcuser's hostile names and working directory as data, every line in place", () => {
    const { rows, refused } = readSacctRows(captured, NONCE);
    expect(refused).toEqual([]);
    const names = rows.filter(r => !r.jobId.includes('.')).map(r => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['done', 'exit3', 'limit', 'cancel', 'idle4', 'mem100', 'arr', 'sep\x1fin\x1ename|pipe'])
    );
    expect(names).toContain('two\nlines');
    const twoLines = rows.find(r => r.name === 'two\nlines')!;
    expect(twoLines.workDir).toBe('/tmp/hist-capture/dir\nwith\x1fsep|');
    expect(twoLines.user).toBe('hpcuser');
    expect(twoLines.state).toBe('COMPLETED');
    expect(readSacctRows('', NONCE)).toEqual({ rows: [], refused: [] });
    expect(() => readSacctRows('sacct: error: something\n', NONCE)).toThrow(/unexpected sacct output/);
  });

  it('gives the four ends their states, exit codes and elapsed times', () => {
    const byName = jobs();
    expect(byName.get('done')).toMatchObject({ state: 'COMPLETED', exitCode: 0, signal: 0 });
    expect(byName.get('exit3')).toMatchObject({ state: 'FAILED', exitCode: 3, signal: 0 });
    expect(byName.get('limit')).toMatchObject({ state: 'TIMEOUT', timeLimitMinutes: 1 });
    expect(byName.get('limit')!.elapsedSeconds).toBeGreaterThanOrEqual(60);
    expect(byName.get('cancel')).toMatchObject({ state: 'CANCELLED', stateText: 'CANCELLED by 1001' });
  });

  it("folds steps into their job with sacct's own numbers: MaxRSS the largest, TotalCPU the sum", () => {
    const sacct = plain();
    for (const job of jobs().values()) {
      const own = sacct.get(job.id)!;
      expect(job.elapsedSeconds).toBe(Number(own.ElapsedRaw));
      expect(job.allocCpus).toBe(Number(own.AllocCPUS));
      // the job line's TotalCPU is the sum of its steps'
      expect(job.totalCpuSeconds).toBeCloseTo(cpuSeconds(own.TotalCPU), 3);
      const rss = [...sacct.entries()]
        .filter(([id, line]) => id.startsWith(`${job.id}.`) && line.MaxRSS)
        .map(([, line]) => Number(line.MaxRSS.replace(/K$/, '')) / 1024);
      expect(job.maxRssMB).toBe(rss.length ? Math.max(...rss) : null);
    }
  });

  it('shows a 4-CPU sleep below 10 % CPU and 100 MB in 1 GB as its memory share, with a hint', () => {
    const byName = jobs();
    const idle = byName.get('idle4')!;
    expect(idle.allocCpus).toBe(4);
    expect(idle.efficiency.cpu).toBeLessThan(0.1);
    expect(idle.efficiency.hint).toMatch(/asked 4 CPUs, kept 0 busy on average: ask for 1 CPU next time/);
    const mem = byName.get('mem100')!;
    expect(mem.reqMemMB).toBe(1024);
    expect(mem.maxRssMB).toBeGreaterThan(100);
    expect(mem.efficiency.memory).toBeCloseTo(mem.maxRssMB! / 1024, 6);
    expect(mem.efficiency.hint).toMatch(/^asked 1 GB, peaked at 1\d\d MB: ask for 256 MB next time$/);
  });

  it('groups an array under its job id, tasks in order', () => {
    const groups = groupArrays(foldSteps(readSacctRows(captured, NONCE).rows));
    const array = groups.find(g => g.array)!;
    expect(array.jobs.map(j => j.arrayTaskId)).toEqual(['0', '1', '2']);
    expect(array.jobs.every(j => j.arrayJobId === array.id && j.name === 'arr')).toBe(true);
    expect(groups.filter(g => !g.array).every(g => g.jobs.length === 1)).toBe(true);
  });
});

describe('efficiency', () => {
  it('says in plain words what to ask next time, only when a job used far less', () => {
    const e = jobEfficiency({
      ended: true,
      totalCpuSeconds: 60,
      elapsedSeconds: 60,
      allocCpus: 1,
      maxRssMB: 300,
      reqMemMB: 4096
    });
    expect(e).toMatchObject({ cpu: 1, suggestedMemMB: 512, suggestedCpus: null });
    expect(e.hint).toBe('asked 4 GB, peaked at 300 MB: ask for 512 MB next time');
    const fine = jobEfficiency({
      ended: true,
      totalCpuSeconds: 100,
      elapsedSeconds: 60,
      allocCpus: 2,
      maxRssMB: 800,
      reqMemMB: 1024
    });
    expect(fine.hint).toBeNull();
    expect(
      jobEfficiency({
        ended: true,
        totalCpuSeconds: 0,
        elapsedSeconds: 0,
        allocCpus: 1,
        maxRssMB: null,
        reqMemMB: null
      })
    ).toEqual({
      cpu: null,
      memory: null,
      suggestedMemMB: null,
      suggestedCpus: null,
      hint: null
    });
    // a running job's steps have not reported yet: no numbers, no hint
    expect(
      jobEfficiency({
        ended: false,
        totalCpuSeconds: 0,
        elapsedSeconds: 600,
        allocCpus: 4,
        maxRssMB: null,
        reqMemMB: 4096
      })
    ).toMatchObject({ cpu: null, memory: null, hint: null });
    expect(formatShare(0.071)).toBe('7 %');
    expect(formatShare(0.0004)).toBe('0 %');
    expect(formatShare(null)).toBe('');
  });

  it('reads TotalCPU in all its forms', () => {
    expect(cpuSeconds('00:00.117')).toBeCloseTo(0.117);
    expect(cpuSeconds('01:02:03')).toBe(3723);
    expect(cpuSeconds('1-00:00:01')).toBe(86401);
    expect(cpuSeconds('')).toBe(0);
  });
});

describe('accounts and scripts', () => {
  it("reads sacctmgr's associations of a user", () => {
    // `sacctmgr -nP show user hpcuser withassoc where cluster=local format=defaultaccount,account,qos,defaultqos`
    const out = 'research|teaching|long,normal|\nresearch|research|long,normal|\n';
    expect(parseAssociations(out)).toEqual({
      defaultAccount: 'research',
      accounts: [
        { account: 'research', qos: ['long', 'normal'], defaultQos: '' },
        { account: 'teaching', qos: ['long', 'normal'], defaultQos: '' }
      ]
    });
    expect(parseAssociations('')).toEqual({ defaultAccount: '', accounts: [] });
  });

  it('takes the script out of sacct --batch-script', () => {
    // as sacct prints it for the fixture's `sbatch --wrap true`
    expect(parseBatchScript('Batch Script for 21\n----------\n#!/bin/sh\n\ntrue\n\n')).toBe('#!/bin/sh\n\ntrue\n');
    expect(parseBatchScript('Batch Script for 12\n----------\nNONE\n')).toBeNull();
    expect(parseBatchScript('')).toBeNull();
  });
});
