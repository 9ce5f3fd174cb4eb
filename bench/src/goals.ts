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
  row: number;
  goal: string;
  measured: string;
  pass: boolean | null;
}

export interface Measured {
  row1: QueueSizeResult[];
  row2?: UiResult;
  row3?: RpcResult;
  row4: SshCommandResult[];
  row5?: MagicResult[];
  row6?: DaskResult;
  stubs: Skipped[];
}

export function evaluateGoals(m: Measured): Goal[] {
  const goals: Goal[] = [];
  const big = m.row1[m.row1.length - 1];
  if (big) {
    const at = `at ${big.jobs.toLocaleString('en')} jobs`;
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
  if (m.row3) {
    const w = (views: number) => m.row3?.windows.find(x => x.views === views);
    const [w0, w1, w10] = [w(0), w(1), w(10)];
    if (w0 && w1 && w10) {
      // slurmctld's count may include other clients' squeue: compare it net of the empty window
      const net = w10.jobInfoRpcs - w0.jobInfoRpcs;
      const pass =
        w10.companionSqueues <= w10.intervals &&
        Math.abs(w10.companionSqueues - w1.companionSqueues) <= 1 &&
        m.row3.subscribeExtraSqueues === 0 &&
        net <= w10.companionSqueues + 1;
      goals.push({
        row: 3,
        goal: 'exactly one squeue per cluster per interval with 10 views open',
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
  const mg = m.row5?.[m.row5.length - 1];
  if (mg) {
    const ratio = mg.ratio.median;
    goals.push({
      row: 5,
      goal: `\`jobs = %squeue --cluster bench -a -t all\` in a kernel at ${mg.jobs.toLocaleString('en')} jobs ≤ 1.3× raw squeue`,
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
  const targets: Record<number, string> = {
    2: 'UI: an update painted ≤ 100 ms at 100k rows, smooth scrolling',
    5: '`%squeue` ≤ 1.3× raw squeue',
    6: '"Start Dask cluster": first worker connected − job start ≤ 1 s'
  };
  for (const s of m.stubs) {
    goals.push({ row: s.row, goal: targets[s.row], measured: s.skipped, pass: null });
  }
  return goals.sort((a, b) => a.row - b.row);
}
