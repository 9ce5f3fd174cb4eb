import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SetRecord } from '../../server/src/sets/types';
import { remoteCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { remoteConf } from '../helpers/slurm';
import {
  DASK_CONNECT_PY,
  SetsCompanion,
  liveSetJobs,
  runPython,
  startSetsCompanion,
  venv,
  waitForSet
} from '../helpers/sets';

/**
 * A set on the `remote` cluster, reached over ssh2 as the non-root hpcuser:
 * sbatch through the ssh runner, status and connection files read over SFTP,
 * the scale-down request written with tee/mv, the set dir in hpcuser's home.
 * The venv's own interpreter links into /root (not readable by hpcuser): the
 * set uses the system Python 3.11 with the venv's packages, set up by a set-up
 * line, as a user would with a module or a shared install.
 */
const sitePackages = (): string => {
  const lib = join(venv(), 'lib');
  return join(lib, readdirSync(lib).find(d => d.startsWith('python3')) ?? 'python3', 'site-packages');
};
const DASK_CLIENT = `${DASK_CONNECT_PY}
import sys
from distributed import get_worker
with dask_client(sys.argv[1]) as c:
    print(json.dumps(c.submit(lambda x: (x + 1, get_worker().name), 41).result(timeout=60)))
`;

jest.setTimeout(180_000);

describe('sets over ssh', () => {
  let c: SetsCompanion;
  beforeAll(async () => {
    c = await startSetsCompanion([remoteCluster()]);
  });
  afterAll(async () => {
    for (const s of c.sets.list()) {
      if (s.state !== 'ended') {
        await c.sets.stop(s.id).catch(() => undefined);
      } else {
        await c.sets.forget(s.id).catch(() => undefined); // rm -rf over ssh, as hpcuser
      }
    }
    await c.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  });

  it('remote: a dask set runs as the ssh user, scales up and down, and stops', async () => {
    const res = await c.served.request('/api/sets', {
      method: 'POST',
      body: JSON.stringify({
        cluster: 'remote',
        kind: 'dask',
        workers: 1,
        python: '/usr/bin/python3',
        setup: [`export PYTHONPATH=${sitePackages()}`]
      })
    });
    expect(res.status).toBe(201);
    const created = await body<SetRecord>(res);
    expect(created.setDir).toMatch(/^\/home\/hpcuser\/\.jupyterlab-hpc\/sets\//);
    await waitForSet(c.served, created.id, r => r.state === 'running' && r.workers.connected === 1, 90_000, 'running');
    const conn = await body(await c.served.request(`/api/sets/${created.id}/connection`));
    expect(JSON.parse(await runPython(DASK_CLIENT, [JSON.stringify(conn)]))[0]).toBe(42);

    const scale = (workers: number) =>
      c.served.request(`/api/sets/${created.id}/scale`, { method: 'POST', body: JSON.stringify({ workers }) });
    expect((await scale(2)).status).toBe(200);
    await waitForSet(c.served, created.id, r => r.workers.connected === 2, 90_000, '2 workers');
    expect((await scale(1)).status).toBe(200);
    await waitForSet(c.served, created.id, r => r.workers.connected === 1, 30_000, 'back to 1 worker');

    await c.served.request(`/api/sets/${created.id}`, { method: 'DELETE' });
    await waitForSet(c.served, created.id, r => r.state === 'ended', 30_000, 'ended');
    await waitUntil(() => liveSetJobs(remoteConf(), created.id).length === 0, 20_000, 'no job left');
  });
});
