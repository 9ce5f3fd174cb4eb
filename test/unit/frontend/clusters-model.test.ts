/**
 * The sidebar's clusters model (src/clusters/model.ts) fed the `GET clusters` reply captured
 * from the real companion (test/fixtures/wire/clusters.json: the fixture's local cluster, and
 * one whose Slurm cannot be reached): what it lists, the stale state when the companion
 * fails, and the user's own clusters sent once more when a restarted companion forgot them.
 */
import { ClustersModel } from '../../../src/clusters/model';
import type { IHpcClusterConfig } from '../../../src/tokens';
import { json, labSettings, replies, wireText } from '../../fixtures/frontend/companion';
import { until } from '../../fixtures/frontend/until';

const REPLY = JSON.parse(wireText('clusters.json')) as { clusters: Array<{ name: string }> };
const MINE: IHpcClusterConfig = { name: 'mine', transport: 'ssh', host: 'login.example.org' } as IHpcClusterConfig;

const models: ClustersModel[] = [];

function clustersModel(answer: Parameters<typeof labSettings>[0]): ClustersModel {
  const model = new ClustersModel({ auto: false, serverSettings: labSettings(answer) });
  models.push(model);
  return model;
}

/** One fetch, done. */
async function fetched(model: ClustersModel): Promise<void> {
  const before = model.lastUpdated;
  const error = model.error;
  void model.refresh();
  await until(() => !model.refreshing && (model.lastUpdated !== before || model.error !== error));
}

afterEach(() => models.splice(0).forEach(model => model.dispose()));

describe('ClustersModel', () => {
  it("lists the companion's clusters, with Slurm's own message for one it cannot reach", async () => {
    const model = clustersModel(replies({ 'GET clusters': REPLY }));
    expect(model.loaded).toBe(false);
    await fetched(model);
    expect([model.loaded, model.stale, model.error]).toEqual([true, false, null]);
    const [local, unreachable] = model.clusters;
    expect([local.name, local.status, local.error]).toEqual(['local', 'ok', undefined]);
    expect(local.partitions.map(p => [p.name, p.default])).toEqual([
      ['debug', true],
      ['batch', false]
    ]);
    expect([unreachable.name, unreachable.status, unreachable.partitions]).toEqual(['unreachable', 'error', []]);
    expect(unreachable.error).toMatch(/^sinfo: error: s_p_parse_file: cannot stat file \/nonexistent\/slurm.conf/);
  });

  it('keeps the last clusters, stale, while the companion fails, until it answers again', async () => {
    let down = false;
    const model = clustersModel(
      replies({
        'GET clusters': () => (down ? json(503, { error: 'the HPC companion is restarting' }) : json(200, REPLY))
      })
    );
    await fetched(model);
    down = true;
    await fetched(model);
    expect([model.stale, model.error, model.clusters.length]).toEqual([true, 'the HPC companion is restarting', 2]);
    down = false;
    await fetched(model);
    expect([model.stale, model.error]).toEqual([false, null]);
  });

  it("sends the user's clusters, and once more (not in a loop) when the companion's reply lacks them", async () => {
    const sent: string[] = [];
    const model = clustersModel(async (method, endPoint, body) => {
      if (method === 'PUT' && endPoint === 'config/user-clusters') {
        sent.push(body);
        return json(200, { clusters: [] });
      }
      return json(200, REPLY);
    });
    await model.setUserClusters([MINE]);
    expect(sent.map(body => JSON.parse(body))).toEqual([{ clusters: [MINE] }]);
    // the reply after the PUT lacks `mine` (a restarted companion): sent again, once
    await until(() => sent.length === 2);
    await fetched(model);
    await fetched(model);
    expect(sent).toHaveLength(2);
    expect(model.configError).toBeNull();
  });
});
