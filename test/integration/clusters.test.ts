import { buildApp } from '../../server/src/app';
import { createClusterRegistry } from '../../server/src/clusters';
import { createRunner } from '../../server/src/runners';
import { Served, body, serve } from '../helpers/http';
import { localConf, slurm, submitLocal } from '../helpers/slurm';

describe('GET /api/clusters on the real local Slurm', () => {
  let served: Served;
  beforeAll(async () => {
    const registry = createClusterRegistry({
      adminClusters: [
        { name: 'local', transport: 'local', env: { SLURM_CONF: localConf() } },
        { name: 'broken', transport: 'local', env: { SLURM_CONF: '/nonexistent/slurm.conf' } }
      ],
      createRunner,
      statusTtlMs: 0
    });
    served = await serve(buildApp({ token: 't', registry }), 't');
  });
  afterAll(() => served.close());

  it('reports the partitions and node counts that sinfo reports', async () => {
    const { clusters } = await body(await served.request('/api/clusters'));
    const local = clusters.find((c: { name: string }) => c.name === 'local');
    expect(local.status).toBe('ok');

    // ground truth: one line per partition and state, straight from sinfo
    const expected = new Map<string, number>();
    for (const line of slurm(localConf(), ['sinfo', '-h', '-o', '%R %D']).trim().split('\n')) {
      const [name, count] = line.split(' ');
      expected.set(name, (expected.get(name) ?? 0) + Number(count));
    }
    expect(local.partitions.map((p: { name: string }) => p.name).sort()).toEqual([...expected.keys()].sort());
    for (const p of local.partitions) {
      expect(p.nodes.total).toBe(expected.get(p.name));
    }
    expect(local.partitions.find((p: { default: boolean }) => p.default).name).toBe('debug');
  });

  it('reports CPUs idle/allocated/total per partition as sinfo -o %C does, during a running job', async () => {
    const job = submitLocal(['--cpus-per-task=3', '--output=/dev/null', '--wrap=sleep 300']);
    try {
      const deadline = Date.now() + 60_000;
      while (slurm(localConf(), ['squeue', '-h', '-j', job, '-o', '%T']).trim() !== 'RUNNING') {
        if (Date.now() > deadline) {
          throw new Error(`job ${job} did not start`);
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
      // other tests' jobs come and go on the shared fixture: compare answers taken together
      let last = '';
      for (let attempt = 0; attempt < 10; attempt++) {
        const { clusters } = await body(await served.request('/api/clusters'));
        const { partitions } = await body(await served.request('/api/clusters/local/partitions'));
        const ours = clusters.find((c: { name: string }) => c.name === 'local').partitions;
        const fromApi = (list: Array<{ name: string; cpus: Record<string, number> }>) =>
          list.map(p => `${p.name} ${p.cpus.allocated}/${p.cpus.idle}/${p.cpus.other}/${p.cpus.total}`).join('\n');
        const truth = ours
          .map(
            (p: { name: string }) => `${p.name} ${slurm(localConf(), ['sinfo', '-h', '-p', p.name, '-o', '%C']).trim()}`
          )
          .join('\n');
        last = `${fromApi(ours)} | ${fromApi(partitions)} | ${truth}`;
        if (fromApi(ours) === truth && fromApi(partitions) === truth) {
          const debug = ours.find((p: { name: string }) => p.name === 'debug');
          expect(debug.cpus.allocated).toBeGreaterThanOrEqual(3);
          expect(debug.limits).toMatchObject({ maxCpusPerNode: 8, maxMemPerNodeMB: 4000, maxTimeMinutes: null });
          expect(debug.memory.totalMB).toBe(4000);
          return;
        }
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
      throw new Error(`the companion's CPUs never matched sinfo: ${last}`);
    } finally {
      slurm(localConf(), ['scancel', job]);
    }
  });

  it('answers 404 for the partitions of a cluster it does not know', async () => {
    const response = await served.request('/api/clusters/nope/partitions');
    expect(response.status).toBe(404);
    expect((await body(response)).error).toBe('no cluster named "nope"');
  });

  it("shows a broken cluster's Slurm error at once, next to the working one", async () => {
    const started = Date.now();
    const { clusters } = await body(await served.request('/api/clusters'));
    const broken = clusters.find((c: { name: string }) => c.name === 'broken');
    expect(broken.status).toBe('error');
    expect(broken.error).toMatch(/sinfo: error: .*\/nonexistent\/slurm\.conf/);
    expect(Date.now() - started).toBeLessThan(10_000); // not Slurm's 60 s retry
    expect(clusters.find((c: { name: string }) => c.name === 'local').status).toBe('ok');
  });
});
