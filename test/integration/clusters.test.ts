import { buildApp } from '../../server/src/app';
import { createClusterRegistry } from '../../server/src/clusters';
import { createRunner } from '../../server/src/runners';
import { Served, body, serve } from '../helpers/http';
import { localConf, slurm } from '../helpers/slurm';

describe('GET /api/clusters on the real local Slurm', () => {
  let served: Served;
  beforeAll(async () => {
    const registry = createClusterRegistry({
      adminClusters: [
        { name: 'local', transport: 'local', env: { SLURM_CONF: localConf() } },
        { name: 'broken', transport: 'local', env: { SLURM_CONF: '/nonexistent/slurm.conf' } }
      ],
      createRunner
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
