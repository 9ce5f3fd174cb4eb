import { CommandRunner } from '../../server/src/runners/types';
import { TestCompanion, WsClient, remoteCluster, startCompanion, waitUntil } from '../helpers/companion';
import { scaleConf, sdiagCounts, sdiagReset } from '../helpers/slurm';

/**
 * What the companion's polls cost slurmctld, counted by slurmctld itself (sdiag) on the
 * fixture's controller-only cluster `scale`, which no other test or agent talks to: the
 * counters there are this test's own. Own jobs: REQUEST_JOB_USER_INFO (squeue --user,
 * filtered inside slurmctld); every user's: REQUEST_JOB_INFO (a full-queue answer).
 * The companion reaches it as hpcuser over ssh: for root, squeue asks for the whole queue
 * even with --user (uid 0 means "no user" in squeue's request), and no centre user is root.
 */
const scaleCluster = () => remoteCluster({ name: 'scale', env: { SLURM_CONF: scaleConf() } });
const OWN = 'REQUEST_JOB_USER_INFO';
const FULL = 'REQUEST_JOB_INFO';
const INTERVAL_MS = 1000;
const ALL_USERS_FLOOR_S = 3;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const rpcs = () => sdiagCounts(scaleConf());
const count = (counts: Map<string, number>, rpc: string) => counts.get(rpc) ?? 0;

describe('poll scopes on a real slurmctld (sdiag)', () => {
  let c: TestCompanion;
  const argvs: string[][] = [];
  beforeAll(async () => {
    c = await startCompanion([scaleCluster()], INTERVAL_MS, {
      minPollInterval: 1,
      minAllUsersInterval: ALL_USERS_FLOOR_S
    });
    // every command the companion runs on the cluster, to check what a poll never runs
    const cluster = c.registry.get('scale');
    const runner = cluster?.runner as CommandRunner;
    const run = runner.run.bind(runner);
    runner.run = (argv, opts) => (argvs.push([...argv]), run(argv, opts));
  });
  afterAll(() => c.close());

  it('a "my jobs" view costs only own-jobs RPCs; an all-users view adds full-queue ones at its floor, until it closes', async () => {
    sdiagReset(scaleConf());
    const mine = await WsClient.open(c.wsUrl);
    mine.send({ type: 'subscribe', cluster: 'scale' });
    await mine.waitFor(m => m.type === 'snapshot');
    await sleep(3 * INTERVAL_MS + 300);
    let counts = rpcs();
    // three intervals, backing off while nothing changes: polls at 0, 1 and 3 s
    expect(count(counts, OWN)).toBeGreaterThanOrEqual(2);
    expect(count(counts, FULL)).toBe(0);

    sdiagReset(scaleConf());
    const everyone = await WsClient.open(c.wsUrl);
    everyone.send({ type: 'subscribe', cluster: 'scale', all: true });
    await everyone.waitFor(m => m.type === 'snapshot');
    await sleep(2 * ALL_USERS_FLOOR_S * 1000 + 500);
    counts = rpcs();
    // the first at once, then one per floor: 3 in 6.5 s (never one per second)
    expect(count(counts, FULL)).toBeGreaterThanOrEqual(2);
    expect(count(counts, FULL)).toBeLessThanOrEqual(4);
    expect(count(counts, OWN)).toBeGreaterThanOrEqual(1); // "my jobs" go on beside it

    everyone.close();
    await sleep(500);
    sdiagReset(scaleConf());
    await sleep(2 * ALL_USERS_FLOOR_S * 1000);
    expect(count(rpcs(), FULL)).toBe(0);

    mine.close();
    await sleep(500);
    sdiagReset(scaleConf());
    await sleep(3 * INTERVAL_MS);
    // nobody watching: no squeue at all
    expect(count(rpcs(), OWN) + count(rpcs(), FULL)).toBe(0);

    // the polls never ran the on-demand detail commands
    const squeues = argvs.filter(argv => argv.includes('--noheader'));
    expect(squeues.length).toBeGreaterThan(5);
    expect(argvs.flat().filter(word => word === '--start' || word === 'scontrol')).toEqual([]);
  }, 60_000);

  it('job details ask for the expected start, for that job only', async () => {
    const res = await c.served.request('/api/clusters/scale/jobs/1');
    expect([200, 502]).toContain(res.status); // job 1 may be long gone: Slurm's own message
    const detail = argvs.filter(argv => argv.includes('--start'));
    expect(detail).toEqual([expect.arrayContaining(['--start', '--jobs=1'])]);
  });
});

describe('all users turned off by the admin', () => {
  let c: TestCompanion;
  const reason = 'PrivateData=jobs on this cluster: ask hpc@example.org';
  beforeAll(async () => {
    c = await startCompanion([scaleCluster()], INTERVAL_MS, {
      allowAllUsers: false,
      allUsersDisabledReason: reason
    });
  });
  afterAll(() => c.close());

  it("answers 403 with the admin's reason over REST and on the WebSocket; my jobs still come", async () => {
    for (const query of ['all=true', 'user=someone-else', 'all=true&format=records']) {
      const res = await c.served.request(`/api/clusters/scale/jobs?${query}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: reason });
    }
    expect((await c.served.request('/api/clusters/scale/jobs')).status).toBe(200);
    const ws = await WsClient.open(c.wsUrl);
    try {
      ws.send({ type: 'subscribe', cluster: 'scale', all: true });
      expect(await ws.waitFor(m => m.type === 'error')).toEqual({ type: 'error', cluster: 'scale', error: reason });
      ws.send({ type: 'subscribe', cluster: 'scale', all: false });
      await ws.waitFor(m => m.type === 'snapshot');
      expect(await (await c.served.request('/api/poll')).json()).toMatchObject({
        allowAllUsers: false,
        allUsersDisabledReason: reason
      });
    } finally {
      ws.close();
    }
    await waitUntil(() => c.registry.get('scale')?.allQueue.subscribers === 0 || undefined, 5_000, 'no all-users poll');
  });
});
