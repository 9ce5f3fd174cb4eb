import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf, slurm } from '../helpers/slurm';
import { TemplateCompanion, startTemplateCompanion } from '../fixtures/templates/companion';

const shippedDir = resolve(__dirname, '../../templates/centre');
const post = (data: unknown) => ({ method: 'POST', body: JSON.stringify(data) });

/** Forms checked against the chosen cluster's partitions, and Slurm's --test-only answer. */
describe('template forms checked against the real local Slurm', () => {
  let c: TemplateCompanion;
  let work: string;
  const cwd = process.cwd();
  const jobs: string[] = [];
  beforeAll(async () => {
    // jobs without --chdir write their output where the companion runs sbatch: not the repository
    work = mkdtempSync(join(tmpdir(), 'hpc-tpl-check-'));
    process.chdir(work);
    c = await startTemplateCompanion([localCluster()], { templateDirs: [shippedDir] });
  });
  afterAll(async () => {
    if (jobs.length) {
      slurm(localConf(), ['scancel', ...jobs]);
    }
    await c.close();
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
  });

  it.each(['thalamus-analysis', 'mpi-application'])(
    'submits the shipped template %s with its defaults on local, and its job starts',
    async id => {
      const res = await c.served.request('/api/templates/submit', post({ id, cluster: 'local', params: {} }));
      const answer = await body(res);
      expect({ status: res.status, answer }).toMatchObject({ status: 200, answer: { jobId: expect.any(String) } });
      jobs.push(answer.jobId);
      // started: RUNNING or already done, never stuck PENDING (the old 4G on a 4000M node)
      const state = await waitUntil(
        () => {
          const text = slurm(localConf(), ['scontrol', 'show', 'job', answer.jobId]);
          const [, jobState] = /JobState=(\S+)/.exec(text) ?? [];
          return jobState && jobState !== 'PENDING' ? jobState : undefined;
        },
        60_000,
        `job ${answer.jobId} of ${id} starting`
      );
      expect(state).toMatch(/RUNNING|COMPLETING|COMPLETED|FAILED/);
    }
  );

  it("refuses 16 cores on the 8-CPU partition, naming the partition's limit", async () => {
    for (const route of ['/api/templates/render', '/api/templates/test-only', '/api/templates/submit']) {
      const res = await c.served.request(
        route,
        post({ id: 'thalamus-analysis', cluster: 'local', params: { cores: 16, partition: 'debug' } })
      );
      expect(res.status).toBe(400);
      expect((await body(res)).errors).toEqual([
        { field: '/resources/cpusPerTask', message: "16 cores is more than partition debug's 8 CPUs per node" }
      ]);
    }
  });

  it("refuses memory over the node's, and a partition the cluster does not have", async () => {
    const res = await c.served.request(
      '/api/templates/render',
      post({ id: 'thalamus-analysis', cluster: 'local', params: { memory: '4G', partition: 'nosuch' } })
    );
    expect((await body(res)).errors).toEqual([
      { field: '/resources/partition', message: "partition 'nosuch' does not exist on local (it has debug, batch)" }
    ]);
    const mem = await c.served.request(
      '/api/templates/render',
      post({ id: 'thalamus-analysis', cluster: 'local', params: { memory: '4G' } })
    );
    expect((await body(mem)).errors).toEqual([
      {
        field: '/resources/memory',
        message: "4G (4096 MB) is more than partition debug's 4000 MB (3.9 GB) per node"
      }
    ]);
  });

  it('accepts 2-00:00:00 where the partition has no time limit, and in words refuses no time', async () => {
    const ok = await c.served.request(
      '/api/templates/render',
      post({ id: 'mpi-application', cluster: 'local', params: { time: '2-00:00:00' } })
    );
    expect(ok.status).toBe(200);
    expect((await body(ok)).options).toContain('--time=2-00:00:00');
    const bad = await c.served.request(
      '/api/templates/render',
      post({ id: 'mpi-application', cluster: 'local', params: { time: 'two days' } })
    );
    const { errors } = await body(bad);
    expect(errors).toEqual([
      {
        field: '/resources/time',
        message:
          '"two days" (from {{time}}) is not valid: expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS'
      }
    ]);
  });

  it("shows sbatch --test-only's answer: when and where the job would start", async () => {
    const res = await c.served.request(
      '/api/templates/test-only',
      post({ id: 'mpi-application', cluster: 'local', params: { time: '2-00:00:00', partition: 'batch' } })
    );
    expect(res.status).toBe(200);
    const answer = await body(res);
    expect(answer).toMatchObject({
      cluster: 'local',
      ok: true,
      message: expect.stringMatching(/^Job \d+ to start at \S+ using 4 processors on nodes vm in partition batch$/),
      nodes: 'vm',
      partition: 'batch'
    });
    expect(Number.isNaN(Date.parse(answer.start))).toBe(false);
  });
});
