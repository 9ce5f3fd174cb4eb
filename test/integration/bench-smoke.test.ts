import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteConf, slurm } from '../helpers/slurm';

const REPO = join(__dirname, '../..');

/**
 * Keeps bench/ working: the bench at 1k jobs, rows 1/3/4, memory and a centre row of 2 users. It asserts that the bench
 * completes, writes its table and leaves no job and no bench user behind; never how fast anything was (the
 * bench's results are ratios for people to read, not test verdicts).
 */
describe('bench/run.sh --sizes 1000 --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'hpc-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('completes, writes the results table (markdown + JSON) and leaves no bench job', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(resolve =>
      execFile(
        'bash',
        // two centre users: the row runs and its users and their jobs are gone after
        [join(REPO, 'bench/run.sh'), '--sizes', '1000', '--quick', '--users', '2', '--out', out],
        { cwd: REPO, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HPC_BENCH_NO_SETUP: '1' } },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
      )
    );
    if (code !== 0) {
      throw new Error(`bench/run.sh exited ${code}:\n${stderr.slice(-4000)}`);
    }
    expect(existsSync(join(out, 'latest.md'))).toBe(true);
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(stdout).toContain('## Goals');
    expect(md).toBe(stdout);
    for (const section of ['## 1.', '## 3.', '## 4.', '## Centre: 2 users', '## Companion memory']) {
      expect(md).toContain(section);
    }
    const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(results.row1).toHaveLength(1);
    expect(results.row1[0].jobs).toBe(1000);
    // the companion answered with every row squeue printed (the queue is the bench's plus others')
    expect(results.row1[0].firstRows).toBeGreaterThanOrEqual(1000);
    expect(results.row1[0].shape).toBe('arrays');
    expect(results.row3[0].windows.map((w: { views: number }) => w.views)).toEqual([0, 1, 10]);
    // both phases measured by sdiag: the "my jobs" views and the full-queue baseline
    expect(results.centre.users).toBe(2);
    expect(results.centre.baseline.jobInfo.count).toBeGreaterThan(0);
    expect(results.row4.map((r: { command: string }) => r.command.split(' ')[0])).toEqual(['squeue', 'true']);
    expect(results.machine.cores).toBeGreaterThan(0);
    for (const g of results.goals) {
      expect(['boolean', 'object']).toContain(typeof g.pass);
    }
    // no job left behind, interrupted or not (bench/cleanup.sh runs on exit)
    const left = slurm(remoteConf(), ['squeue', '--noheader', '--user=root', '--format=%j']);
    expect(left.split('\n').filter(name => name.startsWith('hpc-bench-'))).toEqual([]);
    const users = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .filter(line => line.startsWith('hpc-bench-u'));
    expect(users).toEqual([]);
    const theirs = slurm(remoteConf(), ['squeue', '--noheader', '--format=%u']);
    expect(theirs.split('\n').filter(user => user.startsWith('hpc-bench-u'))).toEqual([]);
  }, 600_000);
});
