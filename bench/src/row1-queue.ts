import { join } from 'node:path';
import { decodeRecords } from '../../protocol/records';
import { Companion, PollTiming } from './companion';
import { BenchQueue } from './queue';
import { RawRun, squeuePeakMb, timeRawSqueue } from './raw-squeue';
import { sleep } from './exec';
import { Summary, since, summarize } from './stats';
import { View } from './view';
import { BenchContext, benchCluster } from './context';

/**
 * Row 1: the companion next to raw squeue for the same queue, at one queue size.
 *  - raw: the companion's exact squeue argv, spawned and read through a pipe;
 *  - first: a freshly started companion's first full answer (GET .../jobs?all=true&format=records);
 *  - poll: one poll cycle (squeue + split + diff + emit) after 1% of the jobs changed,
 *    timed inside the companion (HPC_COMPANION_TIMINGS=1), raw runs interleaved;
 *  - new view: a second WebSocket view served from the shared snapshot (and no extra squeue);
 *  - memory of the companion holding the queue, and of squeue itself.
 */
export interface QueueSizeResult {
  jobs: number;
  rows: number;
  squeueBytes: number;
  raw: Summary;
  squeuePeakMb: number;
  companionStart: Summary;
  first: Summary;
  /** first answer / the raw squeue run just before it, per fresh companion. */
  firstRatio: Summary;
  firstBytes: number;
  firstRows: number;
  firstHwmMb: number;
  fullPoll: PollTiming;
  changedPoll: Summary;
  /** poll / the raw squeue run half an interval before it, per round: robust to a busy machine. */
  pollRatio: Summary;
  changedPollParts: { fetch: Summary; splitDiff: Summary; removed: Summary; emit: Summary };
  changedRows: number;
  unchangedPoll: Summary;
  newView: Summary;
  newViewBytes: number;
  newViewExtraSqueues: number;
  /** Resident memory holding the queue with one view open, between polls (half an interval after one). */
  rssMb: number;
  /** The same, right after a poll (its garbage just collected). */
  rssAfterPollMb: number;
  /** Peak resident memory of that companion (new views' snapshots included). */
  hwmMb: number;
}

/** Between two polls there must be time for the 1% change and one raw squeue (~0.5 s at 100k). */
const pollIntervalS = (jobs: number) => (jobs > 20_000 ? 3 : 2);

export async function measureQueueSize(ctx: BenchContext, queue: BenchQueue): Promise<QueueSizeResult> {
  const raws: RawRun[] = [];
  const rawOnce = async (): Promise<number> => {
    const r = await timeRawSqueue(ctx.benchConf);
    raws.push(r);
    return r.ms;
  };
  const log = (s: string) => ctx.log(`  [${queue.size} jobs] ${s}`);

  // warm slurmctld and the page cache once, untimed
  await timeRawSqueue(ctx.benchConf);
  const squeuePeak = await squeuePeakMb(ctx.benchConf);

  log(`first answers of ${ctx.runs.first} fresh companions, raw squeue interleaved`);
  const starts: number[] = [];
  const firsts: number[] = [];
  const firstRatios: number[] = [];
  let firstBytes = 0;
  let firstRows = 0;
  let firstHwmMb = 0;
  for (let i = 0; i < ctx.runs.first; i++) {
    const rawMs = await rawOnce();
    const companion = await startCompanion(ctx, `first-${queue.size}-${i}`, 60);
    try {
      starts.push(companion.startMs);
      // the records encoding: what the sidebar's socket and the magics get (queue-wire.ts)
      const res = await companion.get(`/api/clusters/${benchCluster}/jobs?all=true&format=records`);
      if (res.status !== 200) {
        throw new Error(`GET jobs answered ${res.status}: ${res.body.toString().slice(0, 300)}`);
      }
      firsts.push(res.ms);
      firstRatios.push(res.ms / rawMs);
      firstBytes = res.bytes;
      firstRows = (decodeRecords(res.body.toString()) as { rows: unknown[] }).rows.length;
      firstHwmMb = Math.max(firstHwmMb, companion.memory().hwmMb);
    } finally {
      await companion.stop();
    }
  }
  while (raws.length < ctx.runs.raw) {
    await rawOnce();
  }

  log(`${ctx.runs.rounds} poll cycles after 1% of the jobs changed (${queue.changedPerRound} jobs)`);
  const interval = pollIntervalS(queue.size);
  const waitMs = interval * 3000;
  const companion = await startCompanion(ctx, `poll-${queue.size}`, interval);
  const views: View[] = [];
  try {
    const first = await View.open(companion);
    views.push(first);
    await first.subscribe(benchCluster);
    const fullPoll = companion.polls[0];
    // chained rounds: right after a poll (the first: the subscription's), change 1%; half an
    // interval later one raw squeue (as far from the change as from the poll, so slurmctld's
    // work after the update weighs on neither); the timer's next poll sees the change
    const changed: PollTiming[] = [];
    const pollRatios: number[] = [];
    for (let serial = 1; changed.length < ctx.runs.rounds; serial++) {
      if (serial > ctx.runs.rounds * 3) {
        throw new Error(`the companion's polls kept missing the 1% changes (${changed.length} clean rounds)`);
      }
      const from = companion.polls.length;
      const changedAt = performance.now();
      await queue.change1pct(serial);
      await sleep(Math.max(0, (interval * 1000) / 2 - since(changedAt)));
      const rawMs = await rawOnce();
      const after = await companion.waitForPoll(() => true, from, waitMs);
      if (after.changed >= queue.changedPerRound) {
        changed.push(after);
        pollRatios.push(after.totalMs / rawMs);
      } else {
        // the change raced the poll (the next one sees the rest): count whole rounds only
        log(`a poll saw ${after.changed} of ${queue.changedPerRound} changes: round repeated`);
      }
    }
    // holding the queue (one view open): RSS right after polls that changed nothing, and half an
    // interval later, between polls, where the companion spends most of its time
    const unchanged: PollTiming[] = [];
    let holdingMb = 0;
    let afterPollMb = 0;
    for (let i = 0; i < 2; i++) {
      unchanged.push(await companion.waitForPoll(() => true, companion.polls.length, waitMs));
      afterPollMb = Math.max(afterPollMb, companion.memory().rssMb);
      await sleep(interval * 500);
      holdingMb = Math.max(holdingMb, companion.memory().rssMb);
    }

    log('new views served from the shared snapshot');
    const newViews: number[] = [];
    let newViewBytes = 0;
    let extra = 0;
    for (let i = 0; i < ctx.runs.views; i++) {
      // right after a poll, so the timer's next poll is an interval away
      await companion.waitForPoll(() => true, companion.polls.length, waitMs);
      const before = companion.polls.length;
      const view = await View.open(companion);
      views.push(view);
      const { ms, bytes } = await view.subscribe(benchCluster);
      extra += companion.polls.length - before;
      newViews.push(ms);
      newViewBytes = bytes;
    }
    const mem = companion.memory();
    const part = (k: keyof PollTiming) => summarize(changed.map(p => p[k]));
    return {
      jobs: queue.size,
      rows: raws[raws.length - 1].rows,
      squeueBytes: raws[raws.length - 1].bytes,
      raw: summarize(raws.map(r => r.ms)),
      squeuePeakMb: squeuePeak,
      companionStart: summarize(starts),
      first: summarize(firsts),
      firstRatio: summarize(firstRatios),
      firstBytes,
      firstRows,
      firstHwmMb,
      fullPoll,
      changedPoll: part('totalMs'),
      pollRatio: summarize(pollRatios),
      changedPollParts: {
        fetch: part('fetchMs'),
        splitDiff: part('splitDiffMs'),
        removed: part('removedMs'),
        emit: part('emitMs')
      },
      changedRows: Math.min(...changed.map(p => p.changed)),
      unchangedPoll: summarize(unchanged.map(p => p.totalMs)),
      newView: summarize(newViews),
      newViewBytes,
      newViewExtraSqueues: extra,
      rssMb: holdingMb,
      rssAfterPollMb: afterPollMb,
      hwmMb: mem.hwmMb
    };
  } finally {
    views.forEach(v => v.close());
    await companion.stop();
  }
}

export function startCompanion(ctx: BenchContext, name: string, pollInterval: number): Promise<Companion> {
  return Companion.start({
    bundle: ctx.bundle,
    dir: join(ctx.scratch, name),
    clusters: [{ name: benchCluster, transport: 'local', env: { SLURM_CONF: ctx.benchConf }, expandArrays: true }],
    pollInterval,
    launch: ctx.launch
  });
}
