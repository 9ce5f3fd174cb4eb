import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HistoryAnswer, HistoryJob, HistoryReply, RerunReply } from '../../protocol/history';
import { FINAL_STATES } from '../../protocol/jobs';
import type { AccountsReply } from '../../protocol/resources';
import { localCluster, remoteCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf, scaleConf, slurm, submitRemote } from '../helpers/slurm';
import { TemplateCompanion, startTemplateCompanion } from '../fixtures/templates/companion';

const probeDir = resolve(__dirname, '../fixtures/templates/centre');
const post = (data: unknown) => ({ method: 'POST', body: JSON.stringify(data) });
const FINAL = new Set<string>(FINAL_STATES);
/** Between two sacct calls of a wait: slurmdbd is shared by every test. */
const pause = (ms: number): Promise<undefined> => new Promise(r => setTimeout(() => r(undefined), ms));

/** sacct's own `-P` lines (root's jobs on local), by JobID: the ground truth. */
function sacct(ids: string[], format: string): Map<string, Record<string, string>> {
  const out = slurm(localConf(), ['sacct', '-P', `--format=${format}`, `--jobs=${ids.join(',')}`]);
  const [header, ...lines] = out.trim().split('\n');
  const keys = header.split('|');
  return new Map(
    lines.map(line => {
      const values = line.split('|');
      return [values[0], Object.fromEntries(keys.map((k, i) => [k, values[i]]))];
    })
  );
}

describe('job history from Slurm accounting (real slurmdbd)', () => {
  let c: TemplateCompanion;
  let dataDir: string;
  const submitted: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hpc-hist-'));
    const scale = { name: 'scale', transport: 'local' as const, env: { SLURM_CONF: scaleConf() } };
    c = await startTemplateCompanion([localCluster(), remoteCluster(), scale], { templateDirs: [probeDir], dataDir });
  });
  afterAll(async () => {
    if (submitted.length) {
      slurm(localConf(), ['scancel', ...submitted]);
    }
    await c.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function submit(options: string[], script: string): Promise<string> {
    const res = await c.served.request(
      '/api/clusters/local/submit',
      post({ script, args: ['--chdir=/tmp', ...options] })
    );
    expect(res.status).toBe(200);
    const { jobId } = (await body(res)) as { jobId: string };
    submitted.push(jobId);
    return jobId;
  }

  async function history(query: Record<string, string>, cluster = 'local'): Promise<HistoryAnswer> {
    const res = await c.served.request(`/api/clusters/${cluster}/history?${new URLSearchParams(query)}`);
    expect(res.status).toBe(200);
    return (await body(res)) as HistoryAnswer;
  }

  const jobsOf = (answer: HistoryAnswer): Map<string, HistoryJob> => {
    expect(answer.accounting).toBe(true);
    return new Map((answer as HistoryReply).groups.flatMap(g => g.jobs).map(j => [j.id, j]));
  };

  it('shows jobs that completed, failed with exit 3, hit their time limit or were cancelled, and their efficiency, as sacct counts them', async () => {
    const hold = (seconds: number) =>
      `#!/bin/bash\npython3 -c 'import time; b = bytearray(100 << 20); b[::4096] = b"x" * len(b[::4096]); time.sleep(${seconds})'\n`;
    const ids = {
      done: await submit(['-J', 'hist-done', '-o', '/dev/null'], '#!/bin/bash\ntrue\n'),
      exit3: await submit(['-J', 'hist-exit3', '-o', '/dev/null'], '#!/bin/bash\nexit 3\n'),
      limit: await submit(['-J', 'hist-limit', '-t', '1', '-o', '/dev/null'], '#!/bin/bash\nsleep 300\n'),
      cancel: await submit(['-J', 'hist-cancel', '-o', '/dev/null'], '#!/bin/bash\nsleep 300\n'),
      idle4: await submit(['-J', 'hist-idle4', '-c', '4', '-o', '/dev/null'], '#!/bin/bash\nsleep 8\n'),
      mem: await submit(['-J', 'hist-mem', '--mem=1G', '-o', '/dev/null'], hold(6))
    };
    const all = Object.values(ids);
    // cancel once it runs (a pending job's cancel has no elapsed time to show)
    await waitUntil(
      async () => jobsOf(await history({ jobs: ids.cancel })).get(ids.cancel)?.state === 'RUNNING' || pause(500),
      60_000,
      'the job to cancel running'
    );
    const cancel = await c.served.request(
      '/api/clusters/local/jobs/actions',
      post({ action: 'cancel', ids: [ids.cancel] })
    );
    expect(cancel.status).toBe(200);

    // all ended, as the history route says (sacct has them at once; the time limit takes 1-2 min)
    const ended = await waitUntil(
      async () => {
        const jobs = jobsOf(await history({ jobs: all.join(',') }));
        return all.every(id => FINAL.has(jobs.get(id)?.state ?? '')) ? jobs : pause(2000);
      },
      180_000,
      'every job ended in the history'
    );
    expect(ended.get(ids.done)).toMatchObject({ state: 'COMPLETED', exitCode: 0, signal: 0, name: 'hist-done' });
    expect(ended.get(ids.exit3)).toMatchObject({ state: 'FAILED', exitCode: 3, signal: 0 });
    expect(ended.get(ids.limit)).toMatchObject({ state: 'TIMEOUT', timeLimitMinutes: 1 });
    expect(ended.get(ids.limit)!.elapsedSeconds).toBeGreaterThanOrEqual(60);
    expect(ended.get(ids.cancel)).toMatchObject({ state: 'CANCELLED' });
    expect(ended.get(ids.cancel)!.elapsedSeconds).toBeGreaterThan(0);

    // the numbers are sacct's own
    const truth = sacct(all, 'JobID,State,ExitCode,ElapsedRaw,AllocCPUS,MaxRSS');
    for (const id of all) {
      const job = ended.get(id)!;
      expect([job.stateText, `${job.exitCode}:${job.signal}`, job.elapsedSeconds, job.allocCpus]).toEqual([
        truth.get(id)!.State,
        truth.get(id)!.ExitCode,
        Number(truth.get(id)!.ElapsedRaw),
        Number(truth.get(id)!.AllocCPUS)
      ]);
    }
    const idle = ended.get(ids.idle4)!;
    expect(idle.allocCpus).toBe(4);
    expect(idle.efficiency.cpu).toBeLessThan(0.1);
    const mem = ended.get(ids.mem)!;
    const batchRss = Number(truth.get(`${ids.mem}.batch`)!.MaxRSS.replace(/K$/, '')) / 1024;
    expect(mem.maxRssMB).toBe(batchRss);
    expect(mem.maxRssMB).toBeGreaterThanOrEqual(100);
    expect(mem.reqMemMB).toBe(1024);
    expect(mem.efficiency.memory).toBeCloseTo(batchRss / 1024, 6);
    expect(mem.efficiency.hint).toMatch(/^asked 1 GB, peaked at \d+ MB: ask for 256 MB next time$/);
  }, 300_000);

  it('"Run again" on a template job gives its template and values; submitting them gives a new job', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'hpc-hist-out-'));
    const params = { outdir, cpus: 1, text: 'again', count: 7, choice: 'fast', flag: false };
    const first = await c.served.request(
      '/api/templates/submit',
      post({ id: 'probe', source: 'centre', cluster: 'local', params })
    );
    expect(first.status).toBe(200);
    const { jobId, script } = (await body(first)) as { jobId: string; script: string };
    submitted.push(jobId);
    expect(statSync(join(dataDir, 'submissions.jsonl')).mode & 0o777).toBe(0o600);

    const rerun = await waitUntil(
      async () => {
        const res = await c.served.request(`/api/clusters/local/history/${jobId}/rerun`);
        // until slurmdbd has the script (it comes with the job's start), it is the one the companion submitted
        const answer = res.status === 200 ? ((await body(res)) as RerunReply) : undefined;
        if (answer && answer.scriptSource !== 'accounting') {
          expect(answer).toMatchObject({ scriptSource: 'submitted', script, template: { id: 'probe', params } });
        }
        return answer?.scriptSource === 'accounting' ? answer : pause(500);
      },
      30_000,
      'the job in accounting'
    );
    expect(rerun).toMatchObject({
      cluster: 'local',
      id: jobId,
      template: { id: 'probe', source: 'centre', params },
      scriptSource: 'accounting',
      script
    });

    // the output file is the one Slurm resolved at submission (the template's `{{outdir}}/probe-%j.out`)
    const listed = jobsOf(await history({ jobs: jobId })).get(jobId)!;
    expect(listed.output).toEqual({ path: join(outdir, `probe-${jobId}.out`), exact: true });

    const again = await c.served.request(
      '/api/templates/submit',
      post({ id: rerun.template!.id, source: rerun.template!.source, cluster: 'local', params: rerun.template!.params })
    );
    expect(again.status).toBe(200);
    const second = ((await body(again)) as { jobId: string }).jobId;
    submitted.push(second);
    expect(second).not.toBe(jobId);
    const [shown] = slurm(localConf(), ['squeue', '-h', '-t', 'all', '-j', second, '-o', '%j']).trim().split('\n');
    expect(shown).toBe('probe');
    rmSync(outdir, { recursive: true, force: true });
  }, 60_000);

  it('says in one line that a cluster keeps no accounting, and offers no accounts there', async () => {
    expect(await history({}, 'scale')).toEqual({
      cluster: 'scale',
      accounting: false,
      message: 'Job history is not available: accounting is not enabled on this cluster.'
    });
    const res = await c.served.request('/api/clusters/scale/accounts');
    expect(await body(res)).toEqual({ cluster: 'scale', accounting: false, defaultAccount: '', accounts: [] });
    // the rest works there as ever
    expect((await c.served.request('/api/clusters/scale/partitions')).status).toBe(200);
  });

  it("offers the user's accounts and QOS (hpcuser over ssh) and reads the remote history as that user", async () => {
    const res = await c.served.request('/api/clusters/remote/accounts');
    expect(await body(res)).toEqual({
      cluster: 'remote',
      accounting: true,
      defaultAccount: 'research',
      accounts: [
        { account: 'research', qos: ['long', 'normal'], defaultQos: '' },
        { account: 'teaching', qos: ['long', 'normal'], defaultQos: '' }
      ]
    } satisfies AccountsReply);
    // hpcuser's own job, named with both separators and a newline, read back over ssh
    const name = 'over\x1fssh\x1e\nname';
    const id = submitRemote(['-J', name, '-o', '/dev/null', '--wrap', 'true']);
    const job = await waitUntil(
      async () => jobsOf(await history({ jobs: id }, 'remote')).get(id) ?? pause(500),
      30_000,
      'the remote job in sacct'
    );
    expect(job).toMatchObject({ user: 'hpcuser', name, account: 'research' });
    const remote = await history({ start: 'now-1hours' }, 'remote');
    expect(jobsOf(remote).get(id)).toMatchObject({ name });
    expect([...jobsOf(remote).values()].every(j => j.user === 'hpcuser')).toBe(true);
  });

  it('refuses a query sacct would misread, in words', async () => {
    const res = await c.served.request('/api/clusters/local/history?start=now%201');
    expect(res.status).toBe(400);
    expect(await body(res)).toEqual({ error: expect.stringMatching(/^start: "now 1" is not a sacct time/) });
  });
});
