import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetRecord } from '../../server/src/sets/types';
import { createTemplateStore } from '../../server/src/templates/store';
import { localCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf } from '../helpers/slurm';
import { SetsCompanion, liveSetJobs, startSetsCompanion, venvPython, waitForSet } from '../helpers/sets';

/**
 * Sets from job templates on the real local Slurm: the companion renders the template's modules,
 * set-up and resources into the set's job; and a set that reaches its time limit.
 */
jest.setTimeout(240_000);

/** The kernel's own Dask client (jupyterlab_hpc.kernel.set_clients), driven line by line from stdin. */
const DASK_DRIVER = `
import json, os, sys, time
from jupyterlab_hpc.kernel.set_clients import make_client
client = make_client("dask", json.loads(sys.argv[1]))
# os.getenv, not os.environ.get: a bound method of os.environ pickles the client's environment
print(json.dumps({"env": client.run(os.getenv, "HPC_GREETING")}), flush=True)
for line in sys.stdin:
    t0 = time.monotonic()
    try:
        value = client.submit(lambda x: x + 1, 41, pure=False).result(timeout=120)
        print(json.dumps({"value": value, "s": time.monotonic() - t0}), flush=True)
    except Exception as e:
        print(json.dumps({"error": type(e).__name__ + ": " + str(e), "s": time.monotonic() - t0}), flush=True)
`;

/** A running driver: `ask()` submits one task and resolves with what the driver printed. */
function daskDriver(connection: object) {
  const child = spawn(venvPython(), ['-c', DASK_DRIVER, JSON.stringify(connection)], { stdio: 'pipe' });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const next = (ms: number) =>
    waitUntil(() => lines.shift(), ms, 'a line from the Dask driver').then(
      line => JSON.parse(line) as Record<string, unknown>,
      e => Promise.reject(new Error(`${(e as Error).message}\n${stderr}`))
    );
  return {
    next,
    ask: (ms: number) => {
      child.stdin.write('submit\n');
      return next(ms);
    },
    close: () => child.kill()
  };
}

describe('sets from templates on the local cluster', () => {
  let c: SetsCompanion;
  let centre: string;

  const start = async (payload: object) =>
    c.served.request('/api/sets', { method: 'POST', body: JSON.stringify({ cluster: 'local', ...payload }) });

  beforeAll(async () => {
    centre = mkdtempSync(join(tmpdir(), 'hpc-set-templates-'));
    const template = (id: string, data: object) =>
      writeFileSync(join(centre, `${id}.json`), JSON.stringify({ id, ...data }));
    template('dask-greeting', {
      title: 'Dask with a greeting',
      kind: 'dask',
      script: '',
      // no `module` command on the fixture's nodes: the job says so and goes on
      modules: ['gcc/12'],
      setup: ['export HPC_GREETING={{greeting}}'],
      resources: { time: '{{minutes}}', qos: 'normal' },
      parameters: {
        greeting: { type: 'string', default: 'hello' },
        minutes: { type: 'integer', default: 10, minimum: 1, maximum: 60 }
      }
    });
    template('batch-job', { title: 'A batch job', script: 'echo hi' });
    c = await startSetsCompanion([localCluster()], { templates: createTemplateStore({ centreDirs: [centre] }) });
  });
  afterAll(async () => {
    for (const s of c.sets.list()) {
      await (s.state !== 'ended' ? c.sets.stop(s.id) : c.sets.forget(s.id)).catch(() => undefined);
    }
    await c.close();
    rmSync(c.dataDir, { recursive: true, force: true });
    rmSync(centre, { recursive: true, force: true });
  });

  it("runs the template's set-up before head and workers; a parameter's value stays data", async () => {
    const greeting = `hi $(touch /tmp/pwned-${process.pid}) 'there' "\`id\`"`;
    const res = await start({ kind: 'dask', workers: 2, template: 'dask-greeting', params: { greeting, minutes: 7 } });
    const created = await body<SetRecord>(res);
    expect({ status: res.status, created }).toMatchObject({ status: 201 });
    expect(created.spec).toMatchObject({
      time: '7',
      options: ['--qos=normal'],
      fromTemplate: { id: 'dask-greeting', source: 'centre', params: { greeting, minutes: 7 } }
    });
    const running = await waitForSet(
      c.served,
      created.id,
      r => r.state === 'running' && r.workers.connected === 2,
      120_000,
      'the template set running with 2 workers'
    );
    const connection = await body(await c.served.request(`/api/sets/${running.id}/connection`));
    const driver = daskDriver(connection);
    try {
      const seen = (await driver.next(60_000)).env as Record<string, string>;
      expect(Object.values(seen)).toEqual([greeting, greeting]);
    } finally {
      driver.close();
    }
    expect(existsSync(`/tmp/pwned-${process.pid}`)).toBe(false);
    await c.sets.stop(created.id);
    await waitUntil(() => liveSetJobs(localConf(), created.id).length === 0, 30_000, 'no job of the set left');
  });

  it('refuses a template of another kind, an unknown one and a bad parameter, in words', async () => {
    const before = c.sets.list().length;
    const batch = await start({ kind: 'dask', workers: 1, template: 'batch-job' });
    expect(batch.status).toBe(400);
    expect((await body(batch)).error).toMatch(/batch template, not one for a dask set/);
    const missing = await start({ kind: 'dask', workers: 1, template: 'nope' });
    expect(missing.status).toBe(404);
    const bad = await start({ kind: 'dask', workers: 1, template: 'dask-greeting', params: { minutes: 999 } });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error).toMatch(/minutes.*≤ 60/);
    const kindless = await start({ kind: 'ipyparallel', workers: 1, template: 'dask-greeting' });
    expect((await body(kindless)).error).toMatch(/dask template/);
    expect(c.sets.list().length).toBe(before);
  });

  it('at its time limit the set ends with "time limit" and a client errors within 10 s', async () => {
    const res = await start({ kind: 'dask', workers: 1, time: 2, name: 'two minutes' });
    const created = await body<SetRecord>(res);
    expect(res.status).toBe(201);
    const running = await waitForSet(c.served, created.id, r => r.state === 'running', 120_000, 'running');
    expect(running.timeLimit).toBe(120);
    const connection = await body(await c.served.request(`/api/sets/${running.id}/connection`));
    const driver = daskDriver(connection);
    try {
      await driver.next(60_000);
      expect(await driver.ask(60_000)).toMatchObject({ value: 42 });
      const ended = await waitUntil(
        async () => {
          const r = await body<SetRecord>(await c.served.request(`/api/sets/${created.id}`));
          return r.state === 'ended' ? r : undefined;
        },
        200_000,
        'the time limit'
      );
      expect(ended).toMatchObject({ reason: 'time limit' });
      const after = await driver.ask(30_000);
      expect(after).toMatchObject({ error: expect.any(String) });
      expect(after.s).toBeLessThanOrEqual(10);
    } finally {
      driver.close();
    }
    expect(liveSetJobs(localConf(), created.id)).toEqual([]);
  });
});
