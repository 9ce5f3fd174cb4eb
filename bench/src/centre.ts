import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Companion } from './companion';
import { BenchContext, benchCluster } from './context';
import { sleep } from './exec';
import { RpcStat, resetSdiag, rpcStats } from './sdiag';
import { Summary, summarize } from './stats';
import { BenchUser, createBenchUsers, submitUserJobs } from './users';
import { View } from './view';

/**
 * The centre row (issue 12): K users of one cluster, each with their own companion (started as
 * that Unix user, created by the bench) and a few jobs of their own, each with one view open
 * over the WebSocket, for ≥ 6 poll intervals on a big queue. What it costs slurmctld per
 * interval (sdiag's total_time of REQUEST_JOB_INFO + REQUEST_JOB_USER_INFO, counters reset
 * before the window) and the companions' summed RSS.
 *
 * Two phases on the same companions:
 *  - "my jobs": every view subscribes with all=false (the default view);
 *  - baseline, today's design: every view asks for all users, with the all-users floor set to
 *    the normal interval (the admin limit `limits.minAllUsersInterval` in the companion's config), i.e. one full-queue
 *    squeue per companion per interval, as every view cost before issue 12 whatever it showed.
 */
/** The companions' poll interval (the default setting); --quick uses 2 s. */
export const CENTRE_INTERVAL_S = 5;
export const CENTRE_INTERVALS = 6;
export const JOBS_PER_USER = 3;

export interface CentrePhase {
  /** Which view every companion held. */
  all: boolean;
  intervals: number;
  seconds: number;
  jobInfo: RpcStat;
  jobUserInfo: RpcStat;
  /** slurmctld time of both per interval, ms. */
  msPerInterval: number;
  /** squeue runs of all companions in the window (their poll lines). */
  companionPolls: number;
  /** RSS of every companion at the end of the window, MB. */
  rssSumMb: number;
  rss: Summary;
  /** Subscribe → snapshot received, per view (ms). */
  subscribe: Summary;
}

export interface CentreResult {
  users: number;
  jobsPerUser: number;
  /** Jobs in the queue besides the users' own (the bench's queue). */
  queueJobs: number;
  queueShape: string;
  pollIntervalS: number;
  companionStart: Summary;
  /** RSS of every companion started, no view open, MB. */
  idleRss: Summary;
  idleRssSumMb: number;
  mine: CentrePhase;
  baseline: CentrePhase;
  /** slurmctld time of one full-queue squeue (REQUEST_JOB_INFO's average in the baseline), ms. */
  fullSqueueMs: number;
}

const BATCH = 5;

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    out.push(...(await Promise.all(items.slice(i, i + BATCH).map(fn))));
  }
  return out;
}

function rssOf(companions: readonly Companion[]): number[] {
  return companions.map(c => c.memory().rssMb);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

async function phase(
  ctx: BenchContext,
  companions: readonly Companion[],
  all: boolean,
  intervalS: number
): Promise<CentrePhase> {
  const label = all ? 'all-users views (baseline)' : '"my jobs" views';
  ctx.log(`  ${companions.length} ${label}: subscribing`);
  const views: View[] = [];
  try {
    const subs = await inBatches(companions, async c => {
      const view = await View.open(c);
      views.push(view);
      return (await view.subscribe(benchCluster, all)).ms;
    });
    // settled: every companion past its subscription's poll
    await sleep(intervalS * 1000);
    ctx.log(`  ${label}: ${CENTRE_INTERVALS} intervals of ${intervalS} s (sdiag reset)`);
    const polls = sum(companions.map(c => c.polls.length));
    await resetSdiag(ctx.benchConf);
    const started = performance.now();
    await sleep(CENTRE_INTERVALS * intervalS * 1000);
    const stats = await rpcStats(ctx.benchConf);
    const seconds = (performance.now() - started) / 1000;
    const rss = rssOf(companions);
    const zero = { count: 0, totalUs: 0 };
    const jobInfo = stats.get('REQUEST_JOB_INFO') ?? zero;
    const jobUserInfo = stats.get('REQUEST_JOB_USER_INFO') ?? zero;
    return {
      all,
      intervals: CENTRE_INTERVALS,
      seconds,
      jobInfo,
      jobUserInfo,
      msPerInterval: (jobInfo.totalUs + jobUserInfo.totalUs) / 1000 / CENTRE_INTERVALS,
      companionPolls: sum(companions.map(c => c.polls.length)) - polls,
      rssSumMb: sum(rss),
      rss: summarize(rss),
      subscribe: summarize(subs)
    };
  } finally {
    views.forEach(v => v.close());
  }
}

export async function measureCentre(
  ctx: BenchContext,
  userCount: number,
  queue: { size: number; shape: string },
  intervalS = CENTRE_INTERVAL_S
): Promise<CentreResult> {
  // the users' homes where they can reach them: --out may be a private dir (the smoke test's mkdtemp)
  const dir = mkdtempSync(join(tmpdir(), 'hpc-bench-centre-'));
  chmodSync(dir, 0o755);
  ctx.log(`  creating ${userCount} users with ${JOBS_PER_USER} held jobs each`);
  const users: BenchUser[] = await createBenchUsers(userCount, dir);
  await submitUserJobs(users, JOBS_PER_USER, ctx.benchConf);
  ctx.log(`  starting ${userCount} companions, each as its user`);
  const companions: Companion[] = [];
  try {
    await inBatches(users, async user => {
      const c = await Companion.start({
        bundle: ctx.bundle,
        dir: user.home,
        user,
        clusters: [{ name: benchCluster, transport: 'local', env: { SLURM_CONF: ctx.benchConf }, expandArrays: true }],
        pollInterval: intervalS,
        config: { limits: { minAllUsersInterval: intervalS } },
        launch: ctx.launch
      });
      companions.push(c);
    });
    await sleep(3000);
    const idle = rssOf(companions);
    const mine = await phase(ctx, companions, false, intervalS);
    // the "my jobs" polls stop with their views: one interval before the baseline starts
    await sleep(intervalS * 1000);
    const baseline = await phase(ctx, companions, true, intervalS);
    const full = baseline.jobInfo;
    return {
      users: userCount,
      jobsPerUser: JOBS_PER_USER,
      queueJobs: queue.size,
      queueShape: queue.shape,
      pollIntervalS: intervalS,
      companionStart: summarize(companions.map(c => c.startMs)),
      idleRss: summarize(idle),
      idleRssSumMb: sum(idle),
      mine,
      baseline,
      fullSqueueMs: full.count ? full.totalUs / 1000 / full.count : NaN
    };
  } finally {
    await Promise.all(companions.map(c => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
