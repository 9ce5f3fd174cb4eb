import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetRecord } from '../../server/src/sets/types';
import { localCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf } from '../helpers/slurm';
import {
  DASK_CONNECT_PY,
  SetsCompanion,
  liveSetJobs,
  runPython,
  startSetsCompanion,
  venvPython,
  waitForSet
} from '../helpers/sets';

/**
 * Dask and IPyParallel sets on the real local Slurm, with distributed and
 * ipyparallel from the venv. The time-limit set runs beside the others: it is
 * started first and checked last (Slurm ends a 1-minute job at ~1:18).
 */
const DASK_CLIENT = `${DASK_CONNECT_PY}
import sys
from distributed import get_worker
with dask_client(sys.argv[1]) as c:
    fut = c.submit(lambda x: (x * 2, get_worker().name), 21)
    print(json.dumps(fut.result(timeout=60)))
`;

const IPP_CLIENT = `
import json, os, sys
import ipyparallel as ipp
rc = ipp.Client(json.loads(sys.argv[1]), timeout=30)
rc.wait_for_engines(int(sys.argv[2]), timeout=60)
print(json.dumps(rc[:].apply_sync(os.getpid)))
rc.close()
`;

// Bounds, not speed: the fixture's 8 CPUs are shared, and a job may wait for another to end.
jest.setTimeout(180_000);

describe('sets on the local cluster', () => {
  let c: SetsCompanion;
  let timeLimited: SetRecord;

  const post = async (path: string, payload: object) =>
    c.served.request(path, { method: 'POST', body: JSON.stringify(payload) });
  const start = async (payload: object): Promise<SetRecord> => {
    const res = await post('/api/sets', { cluster: 'local', ...payload });
    const record = await body(res);
    expect({ status: res.status, record }).toMatchObject({ status: 201 });
    return record;
  };
  const stopAndCheck = async (id: string) => {
    const res = await c.served.request(`/api/sets/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(['stopping', 'ended']).toContain((await body(res)).state);
    const ended = await waitForSet(c.served, id, r => r.state === 'ended', 30_000, 'the stopped set to end').catch(
      async () => body<SetRecord>(await c.served.request(`/api/sets/${id}`))
    );
    expect(ended).toMatchObject({ state: 'ended', reason: 'cancelled' });
    await waitUntil(() => liveSetJobs(localConf(), id).length === 0, 20_000, 'no job of the set left in squeue');
  };

  beforeAll(async () => {
    c = await startSetsCompanion([localCluster()]);
    timeLimited = await start({ kind: 'dask', workers: 1, time: 1, name: 'one minute' });
  });
  afterAll(async () => {
    // nothing a test started outlives the suite
    for (const s of c.sets.list()) {
      if (s.state !== 'ended') {
        await c.sets.stop(s.id).catch(() => undefined);
      } else {
        await c.sets.forget(s.id).catch(() => undefined); // the set dirs of this run go too
      }
    }
    await c.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  });

  it('dask: 2 workers compute, scale to 3 and back to 2, stop leaves no job', async () => {
    const created = await start({ kind: 'dask', workers: 2, memory: '1G', name: 'my dask' });
    expect(created).toMatchObject({ kind: 'dask', name: 'my dask', workers: { requested: 2 } });
    expect(['pending', 'starting', 'running']).toContain(created.state);
    const running = await waitForSet(
      c.served,
      created.id,
      r => r.state === 'running' && r.workers.connected === 2,
      90_000,
      'dask running with 2 workers'
    );
    expect(running.dashboard).toMatch(/^http:\/\/.+:\d+\/status$/);
    const conn = await body(await c.served.request(`/api/sets/${created.id}/connection`));
    expect(conn).toMatchObject({ kind: 'dask', address: expect.stringMatching(/^tls:\/\//) });
    // the dashboard pages come a moment after the scheduler (the set's preload), on the same port,
    // for requests with the set's secret only
    const withSecret = { headers: { Cookie: `${conn.dashboardCookie}=${conn.dashboardSecret}` } };
    const page = (init?: RequestInit) => fetch(running.dashboard as string, init).catch(() => undefined);
    await waitUntil(async () => (await page(withSecret))?.status === 200 || undefined, 30_000, 'the dashboard page');
    expect((await page())?.status).toBe(403);
    expect(conn.schedulerFile).toBe(join(running.setDir, 'scheduler.json'));

    const [value, worker] = JSON.parse(await runPython(DASK_CLIENT, [JSON.stringify(conn)]));
    expect(value).toBe(42);
    const headJob = running.jobs[0].id;
    expect(worker).toMatch(new RegExp(`^${headJob}-[01]$`)); // computed on a worker of the set's job

    expect((await post(`/api/sets/${created.id}/scale`, { workers: 3 })).status).toBe(200);
    const scaled = await waitForSet(c.served, created.id, r => r.workers.connected === 3, 90_000, '3 workers');
    expect(scaled.jobs.map(j => j.role)).toEqual(['head', 'workers']);
    expect(scaled.workers.requested).toBe(3);

    // down: the scale-up job's worker is retired and its job goes
    const down = await body(await post(`/api/sets/${created.id}/scale`, { workers: 2 }));
    expect(down.workers.requested).toBe(2);
    const two = await waitForSet(c.served, created.id, r => r.workers.connected === 2, 30_000, 'back to 2 workers');
    expect(two.state).toBe('running');
    await waitUntil(
      () =>
        liveSetJobs(localConf(), created.id)
          .map(j => j.id)
          .join() === headJob || undefined,
      20_000,
      'only the head job left'
    );
    expect(JSON.parse(await runPython(DASK_CLIENT, [JSON.stringify(conn)]))[0]).toBe(42);

    const forgetRunning = await c.served.request(`/api/sets/${created.id}?forget=true`, { method: 'DELETE' });
    expect(forgetRunning.status).toBe(409);
    await stopAndCheck(created.id);
  });

  it('ipyparallel: one pid per engine, scale up and down change the count', async () => {
    const created = await start({ kind: 'ipyparallel', workers: 2 });
    await waitForSet(
      c.served,
      created.id,
      r => r.state === 'running' && r.workers.connected === 2,
      90_000,
      'ipyparallel with 2 engines'
    );
    const conn = await body(await c.served.request(`/api/sets/${created.id}/connection`));
    expect(conn).toMatchObject({ kind: 'ipyparallel', clientFile: { key: expect.any(String) } });
    const pids = JSON.parse(await runPython(IPP_CLIENT, [JSON.stringify(conn.clientFile), '2']));
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);

    await post(`/api/sets/${created.id}/scale`, { workers: 3 });
    await waitForSet(c.served, created.id, r => r.workers.connected === 3, 90_000, '3 engines');
    expect(JSON.parse(await runPython(IPP_CLIENT, [JSON.stringify(conn.clientFile), '3']))).toHaveLength(3);

    const down = await post(`/api/sets/${created.id}/scale`, { workers: 1 });
    expect(down.status).toBe(200);
    const one = await waitForSet(c.served, created.id, r => r.workers.connected === 1, 30_000, '1 engine');
    expect(one.state).toBe('running');
    expect(JSON.parse(await runPython(IPP_CLIENT, [JSON.stringify(conn.clientFile), '1']))).toHaveLength(1);

    await stopAndCheck(created.id);
  });

  it('a restarted companion lists a running set as running, and the set stays usable', async () => {
    const created = await start({ kind: 'dask', workers: 1, name: 'survivor' });
    await waitForSet(c.served, created.id, r => r.state === 'running' && r.workers.connected === 1, 90_000, 'running');
    const file = join(c.dataDir, 'sets', `${created.id}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // the companion goes away (app, manager, connections); the data dir and the jobs stay
    const dataDir = c.dataDir;
    await c.close();
    c = await startSetsCompanion([localCluster()], { dataDir });
    const { sets } = await body<{ sets: SetRecord[] }>(await c.served.request('/api/sets'));
    expect(sets.find(s => s.id === created.id)).toMatchObject({ state: 'running', name: 'survivor' });
    // the time-limited set is carried over too (checked by the last test)
    expect(sets.map(s => s.id)).toContain(timeLimited.id);
    await waitForSet(
      c.served,
      created.id,
      r => r.state === 'running' && r.workers.connected === 1,
      30_000,
      're-attached'
    );
    const conn = await body(await c.served.request(`/api/sets/${created.id}/connection`));
    expect(JSON.parse(await runPython(DASK_CLIENT, [JSON.stringify(conn)]))[0]).toBe(42);
    await stopAndCheck(created.id);
  });

  it('the companion waits for a kernel: workers connected, a timeout, the jobs gone after a stop', async () => {
    const created = await start({ kind: 'ipyparallel', workers: 1, name: 'waited for' });
    const lines = async (query: string) => {
      const res = await c.served.request(`/api/sets/${created.id}/wait?${query}`);
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      return (await res.text())
        .trim()
        .split('\n')
        .map(line => JSON.parse(line) as { record: SetRecord; outcome?: string });
    };
    // one request: a line per change (and per second) until the set is running with its engine
    const ready = await lines('workers=1&timeout=120');
    const last = ready[ready.length - 1];
    expect(last.outcome).toBe('ready');
    expect(last.record).toMatchObject({ id: created.id, state: 'running', workers: { connected: 1 } });
    expect(ready.slice(0, -1).every(line => line.outcome === undefined)).toBe(true);
    // two engines never come: the wait ends at its timeout with the set as it is
    const timedOut = await lines('workers=2&timeout=1');
    expect(timedOut[timedOut.length - 1]).toMatchObject({ outcome: 'timeout', record: { state: 'running' } });
    expect((await c.served.request(`/api/sets/${created.id}/wait?workers=0&timeout=1`)).status).toBe(400);

    // stop, answered once Slurm has no job of the set left
    const res = await c.served.request(`/api/sets/${created.id}?wait=60`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ state: 'ended', reason: 'cancelled' });
    expect(liveSetJobs(localConf(), created.id)).toEqual([]);
    const after = await lines('workers=1&timeout=60');
    expect(after).toEqual([expect.objectContaining({ outcome: 'ended' })]);
    expect((await c.served.request('/api/sets/zzzz9999/wait?workers=1&timeout=1')).status).toBe(404);
  });

  it('a set that cannot start ends with the log lines that say why', async () => {
    const created = await start({ kind: 'ipyparallel', workers: 1, python: '/nonexistent/venv/bin/python' });
    const ended = await waitForSet(c.served, created.id, r => r.state === 'ended', 90_000, 'the set to fail');
    expect(ended.reason).toBe('failed to start');
    expect(ended.message).toContain('python not found or not executable: /nonexistent/venv/bin/python');
    expect(ended.logTail).toEqual(expect.arrayContaining([expect.stringContaining('/nonexistent/venv/bin/python')]));
    expect(liveSetJobs(localConf(), created.id)).toEqual([]);

    // an ended set can be forgotten: its record and its set dir go
    expect(existsSync(ended.setDir)).toBe(true);
    const forget = await c.served.request(`/api/sets/${created.id}?forget=true`, { method: 'DELETE' });
    expect(forget.status).toBe(204);
    expect((await c.served.request(`/api/sets/${created.id}`)).status).toBe(404);
    expect(existsSync(ended.setDir)).toBe(false);
    expect(existsSync(join(c.dataDir, 'sets', `${created.id}.json`))).toBe(false);
  });

  it('a request Slurm can never satisfy is shown as "will never run"', async () => {
    const created = await start({ kind: 'dask', workers: 2, nodes: 2 }); // the fixture has one node
    const pending = await waitForSet(
      c.served,
      created.id,
      r => r.state === 'pending' && /will never run/.test(r.message ?? ''),
      20_000,
      'a will-never-run message'
    );
    expect(['PartitionNodeLimit', 'PartitionConfig']).toContain(pending.jobs[0].reason);
    await stopAndCheck(created.id);
  });

  it('hostile form values are refused or stay data in their place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-sets-hostile-'));
    const marker = (n: string) => join(dir, `pwned-${n}`);
    const before = (await body<{ sets: SetRecord[] }>(await c.served.request('/api/sets'))).sets.length;
    const refused: object[] = [
      { kind: 'dask', workers: 1, partition: `debug; touch ${marker('p')}` },
      { kind: 'dask', workers: 1, partition: `--wrap=touch ${marker('w')}` },
      { kind: 'dask', workers: 1, account: `$(touch ${marker('a')})` },
      { kind: 'dask', workers: 1, python: `${venvPython()}\ntouch ${marker('py')}` },
      { kind: 'dask', workers: 1, python: `-c touch ${marker('opt')}` },
      { kind: 'dask', workers: 1, setup: [`true\ntouch ${marker('nl')}`] },
      { kind: 'dask', workers: 1, setup: [`true\rtouch ${marker('cr')}`] },
      { kind: 'dask', workers: 1, name: `x\ntouch ${marker('n')}` },
      { kind: 'dask', workers: 1, memory: `1G; touch ${marker('m')}` },
      { kind: 'dask', workers: 1, time: `1; touch ${marker('t')}` },
      { kind: 'dask', workers: `1; touch ${marker('k')}` },
      { kind: `dask; touch ${marker('kind')}`, workers: 1 },
      { kind: 'dask', workers: 1, mpi: true }
    ];
    for (const payload of refused) {
      const res = await post('/api/sets', { cluster: 'local', ...payload });
      expect({ payload, status: res.status }).toEqual({ payload, status: 400 });
    }
    const unknown = await post('/api/sets', { cluster: `local; touch ${marker('c')}`, kind: 'dask', workers: 1 });
    expect(unknown.status).toBe(404);
    // what only Slurm can refuse comes back as Slurm's own message, and leaves no record
    const noPartition = await post('/api/sets', { cluster: 'local', kind: 'dask', workers: 1, partition: 'nosuch' });
    expect(noPartition.status).toBe(502);
    expect((await body(noPartition)).error).toMatch(/invalid partition/i);
    expect((await body<{ sets: SetRecord[] }>(await c.served.request('/api/sets'))).sets).toHaveLength(before);

    // accepted values are data: a name, a path with shell syntax, set-up lines trying to break out
    const evilPython = `${dir}/with space/$(touch ${marker('py2')})/\`touch ${marker('py3')}\`/python`;
    const created = await start({
      kind: 'dask',
      workers: 1,
      name: `$(touch ${marker('name')}) \`touch ${marker('name2')}\``,
      python: evilPython,
      setup: [
        `echo 'unterminated`,
        `echo "unterminated`,
        'HPC_MONITOR_PY_EOF',
        `' ; touch ${marker('s')} ; '`,
        // the user's own line runs, in the job, after the broken ones
        `touch ${join(dir, 'setup-ran')}`
      ]
    });
    expect(created.name).toBe(`$(touch ${marker('name')}) \`touch ${marker('name2')}\``);
    const ended = await waitForSet(c.served, created.id, r => r.state === 'ended', 90_000, 'the set to fail');
    expect(ended.reason).toBe('failed to start');
    expect(ended.message).toContain(`python not found or not executable: ${evilPython}`);
    expect(existsSync(join(dir, 'setup-ran'))).toBe(true);
    const log = (ended.logTail ?? []).join('\n');
    expect(log).toMatch(/set-up line 1 failed/);
    expect(log).toMatch(/set-up line 4 failed/);
    for (const n of [
      'p',
      'w',
      'a',
      'py',
      'opt',
      'nl',
      'cr',
      'n',
      'm',
      't',
      'k',
      'kind',
      'c',
      'py2',
      'py3',
      'name',
      'name2',
      's'
    ]) {
      expect({ marker: n, exists: existsSync(marker(n)) }).toEqual({ marker: n, exists: false });
    }
  });

  it('a set whose job hits its time limit ends with reason "time limit"', async () => {
    const ended = await waitForSet(
      c.served,
      timeLimited.id,
      r => r.state === 'ended' || r.warning !== undefined,
      100_000,
      'a walltime warning'
    );
    if (ended.state !== 'ended') {
      expect(ended.warning).toMatch(/walltime runs out in/);
    }
    const final = await waitUntil(
      async () => {
        const r = await body<SetRecord>(await c.served.request(`/api/sets/${timeLimited.id}`));
        return r.state === 'ended' ? r : undefined;
      },
      100_000,
      'the time limit'
    );
    expect(final).toMatchObject({ state: 'ended', reason: 'time limit' });
    expect(final.logTail?.join('\n')).toMatch(/DUE TO TIME LIMIT/);
    expect(liveSetJobs(localConf(), timeLimited.id)).toEqual([]);
  }, 120_000);
});
