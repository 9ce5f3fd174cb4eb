/**
 * The Job History's model (src/history/model.ts) against the companion's own history route
 * (server/src/app.ts served in this process) on the fixture's real Slurm: `local` keeps
 * accounting (slurmdbd), `scale` is controller-only. Jobs finished by this test are found by
 * date range, state and name; an array is one row until opened; a cluster without accounting
 * is the companion's one line.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { NO_ACCOUNTING_MESSAGE } from '../../../protocol/history';
import { ClustersModel } from '../../../src/clusters/model';
import { HistoryModel, isoDay } from '../../../src/history/model';
import { historyCell } from '../../../src/history/rows';
import { buildApp } from '../../../server/src/app';
import { ClusterRegistry, createClusterRegistry } from '../../../server/src/clusters';
import { createRunner } from '../../../server/src/runners';
import { fromCompanion, labSettings } from '../../fixtures/frontend/companion';
import { until } from '../../fixtures/frontend/until';
import { serve, Served } from '../../helpers/http';
import { localConf, scaleConf, submitLocal } from '../../helpers/slurm';

const TOKEN = 'companion-token';
const TAG = randomBytes(4).toString('hex');

let registry: ClusterRegistry;
let clusters: ClustersModel;
let model: HistoryModel;
let dataDir: string;
let served: Served;
let done: string;
let failed: string;
let array: string;

beforeAll(async () => {
  // finished before the history is asked for: sacct has them once they end
  done = submitLocal(['-J', `hist-done-${TAG}`, '--wrap', 'true']);
  failed = submitLocal(['-J', `hist-failed-${TAG}`, '--wrap', 'exit 3']);
  array = submitLocal(['-J', `hist-array-${TAG}`, '--array=0-2', '--wrap', 'true']);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpc-history-model-'));
  registry = createClusterRegistry({
    adminClusters: [
      { name: 'local', transport: 'local', env: { SLURM_CONF: localConf() } },
      { name: 'scale', transport: 'local', env: { SLURM_CONF: scaleConf() } }
    ],
    createRunner,
    statusTtlMs: 0
  });
  served = await serve(buildApp({ token: TOKEN, registry, dataDir }), TOKEN);
  const serverSettings = labSettings(fromCompanion(served));
  clusters = new ClustersModel({ auto: false, serverSettings });
  void clusters.refresh();
  await until(() => clusters.loaded, 60_000);
  model = new HistoryModel({ clusters, serverSettings });
});

afterAll(async () => {
  model.dispose();
  clusters.dispose();
  await served.close();
  await registry.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Ask again until `condition` holds of the answer (a job reaches sacct when it ends). */
async function refreshUntil(condition: () => boolean, deadlineMs = 90_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    await model.refresh();
    if (condition() || Date.now() > end) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

const row = (id: string) => model.rows.find(r => r.id === id);

describe('HistoryModel', () => {
  it("shows this week's finished jobs of the first cluster, with exit codes, arrays grouped", async () => {
    expect(model.cluster).toBe('local');
    const weekAgo = new Date();
    weekAgo.setDate(weekAgo.getDate() - 7);
    expect(model.filters).toEqual({ start: isoDay(weekAgo), end: '', state: '', name: '' });
    const arrayRow = `${array}_*`;
    await refreshUntil(
      () =>
        row(done)?.state === 'COMPLETED' &&
        row(failed)?.state === 'FAILED' &&
        row(arrayRow)?.tasks?.every(t => t.state === 'COMPLETED') === true
    );
    expect(model.status).toBe('ok');
    expect([historyCell(row(done)!, 'exit'), historyCell(row(failed)!, 'exit')]).toEqual(['0:0', '3:0']);
    expect(historyCell(row(done)!, 'name')).toBe(`hist-done-${TAG}`);

    // the array is one row (its tasks counted) until it is opened
    expect(row(`${array}_0`)).toBeUndefined();
    expect(historyCell(row(arrayRow)!, 'state')).toBe('3 COMPLETED');
    model.toggle(arrayRow);
    const at = model.rows.findIndex(r => r.id === arrayRow);
    expect(model.rows.slice(at, at + 4).map(r => r.id)).toEqual([arrayRow, `${array}_0`, `${array}_1`, `${array}_2`]);
    model.toggle(arrayRow);
    expect(row(`${array}_0`)).toBeUndefined();
  });

  it('filters by name here, by state and date range in sacct', async () => {
    model.setFilters({ name: `HIST-DONE-${TAG}` });
    expect(model.rows.map(r => r.id)).toEqual([done]);
    model.setFilters({ name: TAG });
    expect(model.rows.map(r => r.id).sort()).toEqual([done, failed, `${array}_*`].sort());

    model.setFilters({ state: 'FAILED' });
    await until(() => model.status === 'ok', 60_000);
    expect(model.rows.map(r => r.id)).toEqual([failed]);

    // a range that ended before these jobs ran
    model.setFilters({ state: '', start: '2020-01-01', end: '2020-01-02' });
    await until(() => model.status === 'ok', 60_000);
    expect(model.rows).toEqual([]);
    model.setFilters({ start: isoDay(new Date()), end: isoDay(new Date()) });
    await until(() => model.status === 'ok' && model.rows.length === 3, 60_000);
  });

  it('says in one line that a cluster without accounting has no history', async () => {
    model.cluster = 'scale';
    await until(() => model.status !== 'loading', 60_000);
    expect([model.status, model.message, model.rows]).toEqual(['unavailable', NO_ACCOUNTING_MESSAGE, []]);
    model.cluster = 'local';
    await until(() => model.status === 'ok', 60_000);
    expect(model.rows.length).toBe(3);
  });
});
