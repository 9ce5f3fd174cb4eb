import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetRecord } from '../../server/src/sets/types';
import { localCluster, waitUntil } from '../helpers/companion';
import { CompanionProcess, spawnCompanion } from '../helpers/companion-process';
import { body } from '../helpers/http';
import { DASK_CONNECT_PY, liveSetJobs, runPython, venvPython } from '../helpers/sets';
import { localConf } from '../helpers/slurm';

const DASK_SUM = `${DASK_CONNECT_PY}
import sys
with dask_client(sys.argv[1]) as c:
    print(c.submit(sum, [1, 2, 3]).result(timeout=60))
`;

async function setRecord(c: CompanionProcess, id: string): Promise<SetRecord | undefined> {
  const res = await c.request(`/api/sets/${id}`);
  return res.status === 200 ? body<SetRecord>(res) : undefined;
}

describe('a companion killed while a set runs', () => {
  it('SIGKILL, then a new companion on the same data dir lists the set as running and it is still usable', async () => {
    const runtimeDir = mkdtempSync(join(tmpdir(), 'hpc-kill-rt-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'hpc-kill-data-'));
    const options = { runtimeDir, dataDir, clusters: [localCluster()], env: { HPC_SET_PYTHON: venvPython() } };
    let companion = await spawnCompanion(options);
    let id = '';
    try {
      const created = await companion.request('/api/sets', {
        method: 'POST',
        body: JSON.stringify({ cluster: 'local', kind: 'dask', workers: 1, time: '00:10:00', name: 'kill-me' })
      });
      expect(created.status).toBe(201);
      id = (await body<SetRecord>(created)).id;
      await waitUntil(
        async () => ((await setRecord(companion, id))?.workers.connected === 1 ? true : undefined),
        90_000,
        'the set running with its worker'
      );

      companion.child.kill('SIGKILL'); // no chance to save anything on the way out
      await new Promise(r => companion.child.once('exit', r));
      expect(liveSetJobs(localConf(), id).length).toBeGreaterThan(0); // the set outlives its companion

      companion = await spawnCompanion(options);
      const again = await waitUntil(
        async () => {
          const r = await setRecord(companion, id);
          return r?.state === 'running' && r.workers.connected === 1 ? r : undefined;
        },
        30_000,
        'the new companion to re-attach'
      );
      expect(again.name).toBe('kill-me');
      const conn = await body(await companion.request(`/api/sets/${id}/connection`));
      expect((await runPython(DASK_SUM, [JSON.stringify(conn)])).trim()).toBe('6');
    } finally {
      if (id) {
        await companion.request(`/api/sets/${id}`, { method: 'DELETE' }).catch(() => undefined);
        await waitUntil(() => (liveSetJobs(localConf(), id).length === 0 ? true : undefined), 30_000, 'no job left');
      }
      companion.child.kill('SIGKILL');
    }
  }, 180_000);
});
