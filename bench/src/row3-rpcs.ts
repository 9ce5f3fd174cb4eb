import { BenchContext, benchCluster } from './context';
import { sleep } from './exec';
import { startCompanion } from './row1-queue';
import { delta, rpcCounts } from './sdiag';
import { Summary, summarize } from './stats';
import { View } from './view';

/**
 * Row 3: slurmctld load per refresh with 1 and with 10 open views of one cluster. Two
 * counts per window: the companion's own squeue runs (its poll lines) and slurmctld's
 * REQUEST_JOB_INFO counter (sdiag), which also counts anyone else's squeue on that
 * slurmctld: a window with no view open measures that background.
 */
export interface RpcWindow {
  views: number;
  seconds: number;
  /** Poll intervals that fit in the window. */
  intervals: number;
  companionSqueues: number;
  jobInfoRpcs: number;
  partitionInfoRpcs: number;
}

export interface RpcResult {
  pollIntervalS: number;
  windows: RpcWindow[];
  /** Subscribe → snapshot of the 10 views opened on a live poll (ms). */
  subscribe: Summary;
  /** squeue runs the 10 subscriptions caused beyond the timer's. */
  subscribeExtraSqueues: number;
}

const POLL_INTERVAL_S = 1;

export async function measureRpcs(ctx: BenchContext): Promise<RpcResult> {
  const companion = await startCompanion(ctx, 'rpcs', POLL_INTERVAL_S);
  const views: View[] = [];
  const windows: RpcWindow[] = [];
  const windowMs = ctx.runs.rpcWindowS * 1000;
  const window = async (n: number) => {
    const polls = companion.polls.length;
    const before = await rpcCounts(ctx.benchConf);
    await sleep(windowMs);
    const after = await rpcCounts(ctx.benchConf);
    windows.push({
      views: n,
      seconds: ctx.runs.rpcWindowS,
      intervals: ctx.runs.rpcWindowS / POLL_INTERVAL_S,
      companionSqueues: companion.polls.length - polls,
      jobInfoRpcs: delta(before, after, 'REQUEST_JOB_INFO'),
      partitionInfoRpcs: delta(before, after, 'REQUEST_PARTITION_INFO')
    });
  };
  try {
    ctx.log(`  background: ${ctx.runs.rpcWindowS} s with no view open`);
    await window(0);
    ctx.log(`  1 view: ${ctx.runs.rpcWindowS} s`);
    views.push(await View.open(companion));
    await views[0].subscribe(benchCluster);
    await window(1);
    ctx.log(`  10 views: ${ctx.runs.rpcWindowS} s`);
    // subscribe right after a poll: any squeue before the timer's next one is extra
    await companion.waitForPoll(() => true, companion.polls.length, 5_000);
    const polls = companion.polls.length;
    const opened = await Promise.all(Array.from({ length: 9 }, () => View.open(companion)));
    views.push(...opened);
    const subs = await Promise.all(opened.map(v => v.subscribe(benchCluster)));
    const extra = companion.polls.length - polls;
    await window(10);
    return {
      pollIntervalS: POLL_INTERVAL_S,
      windows,
      subscribe: summarize(subs.map(s => s.ms)),
      subscribeExtraSqueues: extra
    };
  } finally {
    views.forEach(v => v.close());
    await companion.stop();
  }
}
