import { rmSync } from 'node:fs';
import { SetRecord } from '../../server/src/sets/types';
import { localCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf, slurm } from '../helpers/slurm';
import { SetsCompanion, liveSetJobs, runPython, startSetsCompanion, waitForSet } from '../helpers/sets';

/**
 * IPyParallel engines as MPI ranks on the real local Slurm (Debian's Open MPI, mpi4py from the
 * venv): the cluster's own MPI plugin reaches srun, each srun step of engines is one COMM_WORLD.
 */
const RANKS_PY = `
import json, sys
import ipyparallel as ipp
rc = ipp.Client(json.loads(sys.argv[1]), timeout=30)
rc.wait_for_engines(int(sys.argv[2]), timeout=60)
def rank():
    from mpi4py import MPI
    return [MPI.COMM_WORLD.Get_rank(), MPI.COMM_WORLD.Get_size()]
print(json.dumps(dict(zip(rc.ids, rc[:].apply_sync(rank)))))
rc.close()
`;

// Bounds, not speed: the fixture's 8 CPUs are shared, a set may wait for other jobs to end.
jest.setTimeout(420_000);

describe('MPI engines', () => {
  let c: SetsCompanion;

  beforeAll(async () => {
    // pmix_v4: a plugin the default (pmix) would not name, so the script can only have it from here
    c = await startSetsCompanion([{ ...localCluster(), mpiPlugin: 'pmix_v4' }]);
  });
  afterAll(async () => {
    for (const s of c.sets.list()) {
      await (s.state === 'ended' ? c.sets.forget(s.id) : c.sets.stop(s.id)).catch(() => undefined);
    }
    await c.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  });

  it("run with the cluster's MPI plugin, one COMM_WORLD per srun step", async () => {
    const res = await c.served.request('/api/sets', {
      method: 'POST',
      body: JSON.stringify({ cluster: 'local', kind: 'ipyparallel', workers: 2, mpi: true, time: 10 })
    });
    expect(res.status).toBe(201);
    const { id } = await body<SetRecord>(res);
    const running = await waitForSet(
      c.served,
      id,
      r => r.state === 'running' && r.workers.connected === 2,
      180_000,
      '2 MPI engines'
    );
    const head = running.jobs.find(j => j.role === 'head')?.id ?? '';
    expect(slurm(localConf(), ['scontrol', 'write', 'batch_script', head, '-'])).toMatch(
      / --mpi=pmix_v4 .*ipyparallel\.engine .* --mpi &$/m
    );
    const conn = await body<{ clientFile: object }>(await c.served.request(`/api/sets/${id}/connection`));
    const ranks = async (n: number): Promise<Record<string, [number, number]>> =>
      JSON.parse(await runPython(RANKS_PY, [JSON.stringify(conn.clientFile), String(n)]));
    expect(await ranks(2)).toEqual({ 0: [0, 2], 1: [1, 2] });

    // two more engines: a job of their own, their own COMM_WORLD of 2 (the hub gives them new ids)
    expect((await c.served.request(`/api/sets/${id}/scale`, { method: 'POST', body: '{"workers":4}' })).status).toBe(
      200
    );
    await waitForSet(c.served, id, r => r.workers.connected === 4, 180_000, '4 engines');
    const all = await ranks(4);
    expect(Object.keys(all).sort()).toEqual(['0', '1', '2', '3']);
    expect([all[2], all[3]].sort()).toEqual([
      [0, 2],
      [1, 2]
    ]);

    expect((await c.served.request(`/api/sets/${id}`, { method: 'DELETE' })).status).toBe(200);
    await waitUntil(() => liveSetJobs(localConf(), id).length === 0, 30_000, 'no job of the MPI set left');
  });
});
