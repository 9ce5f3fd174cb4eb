import type { CentrePhase, CentreResult } from './centre';
import type { MemoryResult } from './memory';
import { fmt, round } from './stats';

/** A markdown table. */
export const table = (head: string[], rows: Array<Array<string | number>>): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map(r => `| ${r.join(' | ')} |`)].join(
    '\n'
  );

const rpc = (p: CentrePhase, key: 'jobInfo' | 'jobUserInfo') => `${p[key].count} / ${round(p[key].totalUs / 1000)} ms`;

/** The centre row (issue 12): K users' companions, "my jobs" views next to the full-queue baseline. */
export function centreSection(c: CentreResult): string[] {
  const phases: Array<[string, CentrePhase]> = [
    ['"my jobs" (all=false)', c.mine],
    ['baseline: all users (full-queue polls)', c.baseline]
  ];
  const ratio = c.baseline.msPerInterval / c.mine.msPerInterval;
  return [
    '',
    `## Centre: ${c.users} users, each with a companion and one view, on ${c.queueJobs.toLocaleString('en')} jobs (${c.queueShape})`,
    '',
    table(
      [
        'views',
        'slurmctld ms per interval',
        'REQUEST_JOB_INFO count / total',
        'REQUEST_JOB_USER_INFO count / total',
        'companion polls',
        'summed RSS MB',
        'RSS per companion MB',
        'subscribe → snapshot ms'
      ],
      phases.map(([name, p]) => [
        name,
        round(p.msPerInterval),
        rpc(p, 'jobInfo'),
        rpc(p, 'jobUserInfo'),
        p.companionPolls,
        round(p.rssSumMb),
        fmt(p.rss),
        fmt(p.subscribe)
      ])
    ),
    '',
    `"my jobs" cost ${round(c.mine.msPerInterval)} ms of slurmctld per ${c.pollIntervalS} s interval, ` +
      `${round(ratio, 2)}× below the baseline (${round(c.baseline.msPerInterval)} ms); one full-queue squeue costs it ` +
      `${round(c.fullSqueueMs)} ms. Each user (hpc-bench-uNN, created for the run) owns ${c.jobsPerUser} held jobs; ` +
      `its companion runs as that user, started as the launcher starts it (start ${fmt(c.companionStart)} ms; idle RSS ` +
      `${fmt(c.idleRss)} MB, ${round(c.idleRssSumMb)} MB summed). Each phase: every companion's view subscribed over ` +
      `the WebSocket, one interval to settle, \`sdiag -r\`, ${c.mine.intervals} intervals, then sdiag's total_time of ` +
      `REQUEST_JOB_INFO + REQUEST_JOB_USER_INFO / intervals (every client of that slurmctld is counted) and VmRSS. ` +
      'Baseline: the same companions with all-users views and the admin limit `limits.minAllUsersInterval` = the interval, i.e. one ' +
      'full-queue squeue per companion per interval, as every view polled before issue 12.'
  ];
}

/** Issue 12 point 5: the companion idle and with a small own queue. */
export function memorySection(m: MemoryResult): string[] {
  return [
    '',
    '## Companion memory',
    '',
    table(
      ['state', 'RSS MB', 'peak MB'],
      [
        ['idle (started as the launcher starts it, no view)', round(m.idleRssMb), '–'],
        [`"my jobs" view of ${m.ownJobs} own jobs, between polls`, round(m.ownRssMb), round(m.ownHwmMb)]
      ]
    ),
    '',
    'VmRSS/VmHWM from /proc. All users at the biggest queue: row 1 ("companion RSS between polls").'
  ];
}
