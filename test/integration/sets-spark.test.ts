import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SetConnection, SetRecord } from '../../server/src/sets/types';
import { createTemplateStore } from '../../server/src/templates/store';
import { localCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf } from '../helpers/slurm';
import { SetsCompanion, liveSetJobs, runPython, startSetsCompanion, waitForSet } from '../helpers/sets';

/**
 * A custom set from the shipped centre template spark-standalone, on the real local Slurm:
 * a Spark master and 2 workers (one allocation, srun steps), counted from the master's JSON;
 * the SparkSession of the snippet the template declares counts with 2 executors; stop leaves
 * no job. Needs pyspark in the venv and Java 17 (scripts/setup.sh installs both).
 */
// above the sum of each test's own deadlines (start 150 s + the count 180 s + stop 30 s; scale:
// 150 + 120 + 60 + 90 + 60 s), so a slow machine fails at the step that was slow, with its words
jest.setTimeout(540_000);

/** Runs the template's snippet, waits for 2 executors, counts, and reports what the master says. */
const SPARK_CHECK = `
import json, sys, time, urllib.request
exec(sys.argv[1])
tracker = spark.sparkContext._jsc.sc().statusTracker()
deadline = time.time() + 90
while len(tracker.getExecutorInfos()) - 1 < 2 and time.time() < deadline:  # minus the driver
    time.sleep(0.5)
executors = len(tracker.getExecutorInfos()) - 1
count = spark.range(1_000_000).count()
with urllib.request.urlopen(sys.argv[2].rstrip("/") + "/json/", timeout=10) as r:
    master = json.load(r)
spark.stop()
print(json.dumps({"executors": executors, "count": count, "apps": len(master["activeapps"]),
                  "alive": master["aliveworkers"], "secret": "spark.authenticate.secret" in sys.argv[1]}))
`;

describe('the spark-standalone template on the local cluster', () => {
  let c: SetsCompanion;
  const companion = (dataDir?: string) =>
    startSetsCompanion([localCluster()], {
      ...(dataDir ? { dataDir } : {}),
      templates: createTemplateStore({ centreDirs: [join(__dirname, '..', '..', 'templates', 'centre')] })
    });

  beforeAll(async () => {
    c = await companion();
  });
  afterAll(async () => {
    for (const s of c.sets.list()) {
      await (s.state !== 'ended' ? c.sets.stop(s.id) : c.sets.forget(s.id)).catch(() => undefined);
    }
    await c.close();
  });

  it('refuses a custom set without a template, and a custom template for another kind, in words', async () => {
    const start = (payload: object) =>
      c.served.request('/api/sets', { method: 'POST', body: JSON.stringify({ cluster: 'local', ...payload }) });
    const bare = await start({ kind: 'custom', workers: 1 });
    expect({ status: bare.status, error: (await body(bare)).error }).toEqual({
      status: 400,
      error: 'a custom set starts from a template: give the id of a custom template'
    });
    const asDask = await start({ kind: 'dask', workers: 1, template: 'spark-standalone' });
    expect((await body(asDask)).error).toMatch(/custom template, not one for a dask set/);
    const batch = await start({ kind: 'custom', workers: 1, template: 'thalamus-analysis' });
    expect((await body(batch)).error).toMatch(/batch template, not one for a custom set/);
    expect(c.sets.list()).toEqual([]);
  });

  it('starts a master and 2 workers; the declared snippet counts on 2 executors; stop leaves no job', async () => {
    const res = await c.served.request('/api/sets', {
      method: 'POST',
      body: JSON.stringify({ cluster: 'local', kind: 'custom', workers: 2, template: 'spark-standalone' })
    });
    const created = await body<SetRecord>(res);
    expect({ status: res.status, kind: created.kind, name: created.name }).toEqual({
      status: 201,
      kind: 'custom',
      name: 'Spark standalone × 2'
    });
    const running = await waitForSet(
      c.served,
      created.id,
      r => r.state === 'running' && r.workers.connected === 2 && r.webUIs !== undefined,
      150_000,
      'the Spark master with 2 workers'
    );
    // one allocation: the head job runs master and workers
    expect(running.jobs.map(j => j.role)).toEqual(['head']);
    const ui = running.webUIs?.[0];
    expect(ui?.label).toBe('Spark master UI');
    expect(running.fields?.find(f => f.label === 'Master')?.value).toMatch(/^spark:\/\/[^/]+:\d+$/);
    const connection = await body<Extract<SetConnection, { kind: 'custom' }>>(
      await c.served.request(`/api/sets/${created.id}/connection`)
    );
    expect(connection.kind).toBe('custom');
    expect(connection.code).toContain(`SparkSession.builder.master(${JSON.stringify(connection.connection.master)})`);
    // the set's secret stays in its private dir: the snippet reads it from there
    expect(statSync(String(connection.connection.propertiesFile)).mode & 0o077).toBe(0);

    const out = JSON.parse(await runPython(SPARK_CHECK, [connection.code ?? '', ui?.url ?? ''], 180_000)) as object;
    expect(out).toEqual({ executors: 2, count: 1_000_000, apps: 1, alive: 2, secret: false });

    await c.sets.stop(created.id);
    await waitUntil(() => liveSetJobs(localConf(), created.id).length === 0, 30_000, 'no job of the set left');
  });

  it('scales up by a workers job, carries on after a companion restart, scales down by cancelling it', async () => {
    const res = await c.served.request('/api/sets', {
      method: 'POST',
      body: JSON.stringify({ cluster: 'local', kind: 'custom', workers: 1, template: 'spark-standalone' })
    });
    const created = await body<SetRecord>(res);
    expect(res.status).toBe(201);
    const one = (r: SetRecord) => r.state === 'running' && r.workers.connected === 1;
    await waitForSet(c.served, created.id, one, 150_000, 'the Spark master with 1 worker');
    const up = await c.served.request(`/api/sets/${created.id}/scale`, {
      method: 'POST',
      body: JSON.stringify({ workers: 2 })
    });
    expect((await body<SetRecord>(up)).jobs.map(j => j.role)).toEqual(['head', 'workers']);
    const two = (r: SetRecord) => r.state === 'running' && r.workers.connected === 2;
    await waitForSet(c.served, created.id, two, 120_000, 'the scale-up worker registered');

    // a new companion on the same data dir re-attaches to the running set
    await c.close();
    c = await companion(c.dataDir);
    const again = await waitForSet(c.served, created.id, two, 60_000, 'the set seen again after the restart');
    expect(again.webUIs?.[0]?.url).toMatch(/^http:\/\/[^/]+:\d+$/);

    const down = await c.served.request(`/api/sets/${created.id}/scale`, {
      method: 'POST',
      body: JSON.stringify({ workers: 1 })
    });
    expect(down.status).toBe(200);
    await waitForSet(c.served, created.id, one, 90_000, 'the master without the scale-up worker');
    const workersJob = again.jobs.find(j => j.role === 'workers')?.id ?? '';
    await waitUntil(
      () => liveSetJobs(localConf(), created.id).every(j => j.id !== workersJob),
      30_000,
      'the workers job gone'
    );
    await c.sets.stop(created.id);
    await waitUntil(() => liveSetJobs(localConf(), created.id).length === 0, 30_000, 'no job of the set left');
  });
});
