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
jest.setTimeout(240_000);

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

  beforeAll(async () => {
    const centre = join(__dirname, '..', '..', 'templates', 'centre');
    c = await startSetsCompanion([localCluster()], { templates: createTemplateStore({ centreDirs: [centre] }) });
  });
  afterAll(async () => {
    for (const s of c.sets.list()) {
      await (s.state !== 'ended' ? c.sets.stop(s.id) : c.sets.forget(s.id)).catch(() => undefined);
    }
    await c.close();
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
});
