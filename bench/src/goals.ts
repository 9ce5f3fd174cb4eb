import type { CentreResult } from './centre';
import type { MemoryResult } from './memory';
import type { QueueShape } from './queue';
import type { Skipped } from './stubs';
import type { QueueSizeResult } from './row1-queue';
import type { UiResult } from './row2-ui';
import type { RpcResult } from './row3-rpcs';
import type { SshCommandResult } from './row4-ssh';
import type { MagicResult } from './row5-magic';
import type { DaskResult } from './row6-dask';
import { round } from './stats';

/** One goal of issue 7 next to what this run measured. `pass` is null when not measured. */
export interface Goal {
  row: number | 'centre';
  goal: string;
  measured: string;
  pass: boolean | null;
}

/** A result measured on one queue shape (queue.ts). */
export type Shaped<T> = T & { shape: QueueShape };

export interface Measured {
  row1: Array<Shaped<QueueSizeResult>>;
  row2?: UiResult;
  row3: Array<Shaped<RpcResult> & { jobs: number }>;
  row4: SshCommandResult[];
  row5?: Array<Shaped<MagicResult>>;
  row6?: DaskResult;
  memory?: MemoryResult;
  centre?: CentreResult;
  stubs: Skipped[];
}

/** The last (biggest) result of each shape. */
function biggest<T extends { shape: QueueShape }>(results: readonly T[]): T[] {
  const last = new Map<QueueShape, T>();
  results.forEach(r => last.set(r.shape, r));
  return [...last.values()];
}

export function evaluateGoals(m: Measured): Goal[] {
  const goals: Goal[] = [];
  for (const big of biggest(m.row1)) {
    const at = `at ${big.jobs.toLocaleString('en')} jobs (${big.shape})`;
    // the median of per-round ratios (each poll over the raw squeue of its round): other work
    // on a shared machine comes in bursts that a ratio of two overall medians would not cancel
    const pollRatio = big.pollRatio.median;
    goals.push({
      row: 1,
      goal: `poll cycle (squeue + split + diff) after a 1% change ${at} ≤ 1.3× raw squeue`,
      measured:
        `${pollRatio.toFixed(2)}× (median of ${big.pollRatio.n} paired rounds; medians ` +
        `${round(big.changedPoll.median)} vs ${round(big.raw.median)} ms)`,
      pass: pollRatio <= 1.3
    });
    goals.push({
      row: 1,
      goal: `a new view served from the shared snapshot ${at} in ≤ 50 ms, no extra squeue`,
      measured: `${round(big.newView.median)} ms median (${round(big.newViewBytes / 2 ** 20)} MB), ${big.newViewExtraSqueues} extra squeue`,
      pass: big.newView.median <= 50 && big.newViewExtraSqueues === 0
    });
    goals.push({
      row: 1,
      goal: `companion RSS ≤ 120 MB holding the queue ${at}`,
      measured:
        `${round(big.rssMb)} MB RSS between polls (${round(big.rssAfterPollMb)} MB right after one; peak ` +
        `${round(big.hwmMb)} MB; a first full answer peaks at ${round(big.firstHwmMb)} MB)`,
      pass: big.rssMb <= 120
    });
  }
  if (m.row2) {
    const u = m.row2;
    const f = u.frames;
    goals.push({
      row: 2,
      goal: `UI: a 1% update painted ≤ 100 ms at ${u.jobs.toLocaleString('en')} rows, smooth scrolling`,
      measured:
        `${round(u.toPainted.median)} ms median update → painted (${u.toPainted.n} diffs of ${u.changedRows} rows; ` +
        `max ${round(u.toPainted.max)}); scroll frames p95 ${round(f.p95)} ms, ${round(f.over16 * 100)}% > 16.7 ms, ` +
        `${round(f.over50 * 100)}% > 50 ms`,
      pass: u.toPainted.median <= 100
    });
  }
  for (const r3 of m.row3) {
    const w = (views: number) => r3.windows.find(x => x.views === views);
    const [w0, w1, w10] = [w(0), w(1), w(10)];
    if (w0 && w1 && w10) {
      // slurmctld's count may include other clients' squeue: compare it net of the empty window
      const net = w10.jobInfoRpcs - w0.jobInfoRpcs;
      const pass =
        w10.companionSqueues <= w10.intervals &&
        Math.abs(w10.companionSqueues - w1.companionSqueues) <= 1 &&
        r3.subscribeExtraSqueues === 0 &&
        net <= w10.companionSqueues + 1;
      goals.push({
        row: 3,
        goal: `exactly one squeue per cluster per interval with 10 views open (${r3.jobs} jobs, ${r3.shape})`,
        measured:
          `${w10.companionSqueues} squeue in ${w10.intervals} intervals with 10 views, ${w1.companionSqueues} with 1; ` +
          `sdiag REQUEST_JOB_INFO ${w10.jobInfoRpcs} vs ${w1.jobInfoRpcs} (${w0.jobInfoRpcs} with no view)`,
        pass
      });
    }
  }
  const sq = m.row4.find(r => r.command.startsWith('squeue'));
  if (sq) {
    const ratio = sq.ssh2Ratio.median;
    goals.push({
      row: 4,
      goal: `\`${sq.command}\` over the warm ssh2 connection ≤ 1.3× run locally`,
      measured:
        `${ratio.toFixed(2)}× (median of ${sq.ssh2Ratio.n} paired calls; medians ` +
        `${round(sq.ssh2.median)} vs ${round(sq.local.median)} ms)`,
      pass: ratio <= 1.3
    });
  }
  for (const mg of biggest(m.row5 ?? [])) {
    const ratio = mg.ratio.median;
    const at = `${mg.jobs.toLocaleString('en')} jobs (${mg.shape})`;
    goals.push({
      row: 5,
      goal: `\`jobs = %squeue --cluster bench -a -t all\` in a kernel at ${at} ≤ 1.3× raw squeue`,
      measured:
        `${ratio.toFixed(2)}× (median of ${mg.ratio.n} paired rounds; medians ${round(mg.assign.median)} vs ` +
        `${round(mg.raw.median)} ms); displayed as the cell's value ${mg.displayRatio.median.toFixed(2)}×`,
      pass: ratio <= 1.3
    });
  }
  if (m.row6) {
    const d = m.row6;
    goals.push({
      row: 6,
      goal: '"Start Dask cluster": first worker connected − Slurm job start ≤ 1 s',
      measured:
        `${round(d.sinceJobStart.median / 1000, 2)} s after the job's batch script began, ` +
        `${round(d.sinceRunningSeen.median / 1000, 2)} s after squeue first showed RUNNING, ` +
        `${round(d.sinceStartTime.median / 1000, 2)} s after StartTime (whole seconds, truncated) ` +
        `(medians of ${d.runs.length}); ${d.jobsLeft} job left after DELETE`,
      // the job's start to the µs: when Slurm ran its batch script (StartTime is truncated to the second)
      pass: d.sinceJobStart.median <= 1000 && d.jobsLeft === 0
    });
  }
  goals.push(...memoryGoals(m));
  if (m.centre) {
    goals.push(...centreGoals(m.centre));
  }
  const targets: Record<number, string> = {
    2: 'UI: an update painted ≤ 100 ms at 100k rows, smooth scrolling',
    5: '`%squeue` ≤ 1.3× raw squeue',
    6: '"Start Dask cluster": first worker connected − job start ≤ 1 s'
  };
  for (const s of m.stubs) {
    goals.push({ row: s.row, goal: targets[s.row], measured: s.skipped, pass: null });
  }
  const order = (g: Goal) => (g.row === 'centre' ? 99 : g.row);
  return goals.sort((a, b) => order(a) - order(b));
}

/** Issue 12 point 5: a light companion. */
function memoryGoals(m: Measured): Goal[] {
  const goals: Goal[] = [];
  if (m.memory) {
    const { idleRssMb, ownJobs, ownRssMb } = m.memory;
    goals.push({
      row: 1,
      goal: 'companion RSS idle ≤ 60 MB',
      measured: `${round(idleRssMb)} MB`,
      pass: idleRssMb <= 60
    });
    goals.push({
      row: 1,
      goal: `companion RSS with a "my jobs" view of ${ownJobs.toLocaleString('en')} own jobs ≤ 70 MB`,
      measured: `${round(ownRssMb)} MB between polls`,
      pass: ownRssMb <= 70
    });
  }
  return goals;
}

/** Issue 12: K users' "my jobs" views cost slurmctld less than one full-queue squeue per interval. */
function centreGoals(c: CentreResult): Goal[] {
  const at = `${c.users} users, ${c.queueJobs.toLocaleString('en')} jobs (${c.queueShape})`;
  const ratio = c.baseline.msPerInterval / c.mine.msPerInterval;
  return [
    {
      row: 'centre',
      goal:
        `"my jobs" views of ${at}: slurmctld time per interval ≤ one full-queue squeue ` +
        `(≥ 50× below the baseline of full-queue polls; never < 20×)`,
      measured:
        `${round(c.mine.msPerInterval)} ms per interval vs ${round(c.baseline.msPerInterval)} ms baseline ` +
        `(${round(ratio, 2)}× below); one full-queue squeue ${round(c.fullSqueueMs)} ms`,
      pass: c.mine.msPerInterval <= c.fullSqueueMs && ratio >= 20
    },
    {
      row: 'centre',
      goal: `summed RSS of the ${c.users} companions ≤ ${c.users} × 70 MB`,
      measured: `${round(c.mine.rssSumMb)} MB with "my jobs" views (${round(c.baseline.rssSumMb)} MB in the baseline)`,
      pass: c.mine.rssSumMb <= c.users * 70
    }
  ];
}
