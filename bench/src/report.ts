import { Goal, Measured } from './goals';
import { centreSection, memorySection, table } from './report-centre';
import type { Machine } from './machine';
import { fmt, round } from './stats';

export interface Results extends Measured {
  machine: Machine;
  options: { sizes: number[]; shapes: string[]; users: number; quick: boolean; bundle: string; benchCluster: string };
  durationS: number;
  goals: Goal[];
}

const ratio = (a: number, b: number) => `${round(a / b, 2)}×`;

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

export function markdown(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# jupyterlab-hpc bench — ${m.date.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Linux ${m.kernel}; ${m.slurm}; Node ${m.node}; ${m.python}; ` +
      `commit ${m.commit}; load average ${round(m.loadStart, 2)} at the start, ${round(m.loadEnd ?? NaN, 2)} at the end. ` +
      `${r.options.quick ? 'Quick run' : 'Full run'} (sizes ${r.options.sizes.join(', ')}) in ` +
      `${Math.round(r.durationS)} s. Times in ms as min/median/max; ratios compare medians measured in this run.`
  );
  out.push('');
  out.push('## Goals');
  out.push('');
  out.push(
    table(
      ['row', 'goal', 'measured', 'result'],
      r.goals.map(g => [g.row, g.goal, g.measured, g.pass === null ? 'SKIPPED' : g.pass ? 'PASS' : 'FAIL'])
    )
  );
  if (r.row1.length) {
    out.push('');
    out.push(
      '## 1. The queue: companion vs raw `squeue` (same argv, same queue, one row per array task; queues of arrays and of individual jobs)'
    );
    out.push('');
    out.push(
      table(
        ['jobs', 'rows', 'raw squeue', 'first answer (fresh companion)', '× raw', 'poll after 1% change', '× raw'],
        r.row1.map(x => [
          `${x.jobs} ${x.shape}`,
          x.rows,
          fmt(x.raw),
          fmt(x.first),
          `${fmt(x.firstRatio, 2)}`,
          fmt(x.changedPoll),
          `${fmt(x.pollRatio, 2)}`
        ])
      )
    );
    out.push('');
    out.push(
      table(
        ['jobs', 'poll: squeue / split+diff / removed / emit (medians)', 'unchanged poll', 'first poll', 'new view'],
        r.row1.map(x => {
          const p = x.changedPollParts;
          const parts = [p.fetch, p.splitDiff, p.removed, p.emit].map(s => round(s.median)).join(' / ');
          return [`${x.jobs} ${x.shape}`, parts, fmt(x.unchangedPoll), round(x.fullPoll.totalMs), fmt(x.newView)];
        })
      )
    );
    out.push('');
    out.push(
      table(
        [
          'jobs',
          'squeue output MB',
          'answer MB',
          'squeue peak MB',
          'companion RSS between polls / after a poll / peak MB',
          'first answer peak MB'
        ],
        r.row1.map(x => [
          `${x.jobs} ${x.shape}`,
          mb(x.squeueBytes),
          mb(x.firstBytes),
          round(x.squeuePeakMb),
          `${round(x.rssMb)} / ${round(x.rssAfterPollMb)} / ${round(x.hwmMb)}`,
          round(x.firstHwmMb)
        ])
      )
    );
    out.push('');
    out.push(
      '× raw: min/median/max of per-run ratios, each over the raw squeue run next to it (same round). ' +
        "Raw squeue: spawned, stdout read through a pipe and dropped. First answer: `GET /api/clusters/bench/jobs?all=true&format=records` (the records encoding: a JSON header line, then squeue's own records) " +
        'on a companion process started for it (spawn → connection file not counted), to the last byte. Poll: timed inside ' +
        'the companion (`HPC_COMPANION_TIMINGS=1`); emit = diffs serialized to the open view. New view: a WebSocket ' +
        'subscribe → whole snapshot received, while another view is open.'
    );
  }
  if (r.memory) {
    out.push(...memorySection(r.memory));
  }
  for (const r3 of r.row3) {
    out.push('');
    out.push(
      `## 3. slurmctld RPCs with 1 and 10 open views (poll interval ${r3.pollIntervalS} s; ${r3.jobs} jobs, ${r3.shape})`
    );
    out.push('');
    out.push(
      table(
        [
          'views',
          'window s',
          'intervals',
          'companion squeue runs',
          'sdiag REQUEST_JOB_INFO',
          'sdiag REQUEST_PARTITION_INFO'
        ],
        r3.windows.map(w => [w.views, w.seconds, w.intervals, w.companionSqueues, w.jobInfoRpcs, w.partitionInfoRpcs])
      )
    );
    out.push('');
    out.push(
      `9 more views subscribed in ${fmt(r3.subscribe)} ms with ${r3.subscribeExtraSqueues} extra squeue. ` +
        'sdiag counts every client of that slurmctld (other tests too); the window with no view shows that background. ' +
        'Each squeue costs one REQUEST_JOB_INFO and one REQUEST_PARTITION_INFO.'
    );
  }
  if (r.row4.length) {
    out.push('');
    out.push('## 4. One command: warm ssh2 vs local vs a fresh ssh per call');
    out.push('');
    out.push(
      table(
        [
          'command',
          'local runner',
          'ssh2 runner (warm)',
          '× local',
          'bare ssh2 (floor)',
          'openssh (ControlMaster)',
          'fresh ssh',
          '× local'
        ],
        r.row4.map(x => [
          `\`${x.command}\``,
          fmt(x.local),
          fmt(x.ssh2),
          fmt(x.ssh2Ratio, 2),
          fmt(x.bareSsh2),
          fmt(x.openssh),
          fmt(x.freshSsh),
          ratio(x.freshSsh.median, x.local.median)
        ])
      )
    );
  }
  if (r.row5?.length) {
    out.push('');
    out.push('## 5. `%squeue` in an IPython kernel vs raw `squeue` (same queue, interleaved)');
    out.push('');
    out.push(
      table(
        [
          'jobs',
          'rows',
          'raw squeue',
          '`jobs = %squeue …`',
          '× raw',
          '`%squeue …` displayed',
          '× raw',
          'kernel companion poll (squeue)'
        ],
        r.row5.map(x => [
          `${x.jobs} ${x.shape}`,
          x.rows,
          fmt(x.raw),
          fmt(x.assign),
          fmt(x.ratio, 2),
          fmt(x.display),
          fmt(x.displayRatio, 2),
          `${round(x.poll.median)} (${round(x.pollFetch.median)})`
        ])
      )
    );
    out.push('');
    out.push(
      table(
        [
          'jobs',
          'HTTP GET (poll + answer)',
          'answer MB',
          'decode (records)',
          'whole magic',
          'HTML table',
          'HTML MB',
          'mime bundle + json.dumps',
          'bundle MB'
        ],
        r.row5.map(x => {
          const p = x.parts;
          return [
            `${x.jobs} ${x.shape}`,
            round(p.http),
            mb(p.bytes),
            round(p.decode),
            round(p.magic),
            round(p.rowsPrep + p.html),
            mb(p.htmlBytes),
            round(p.bundle + p.bundleJson),
            mb(p.bundleBytes)
          ];
        })
      )
    );
    out.push('');
    out.push(
      'A kernel started with jupyter_client from the project venv (`bench/squeue_kernel.py`), `%load_ext jupyterlab_hpc` ' +
        'and one `%squeue` untimed; clusters from an isolated JUPYTER_CONFIG_DIR (poll_interval 0.5 s), its own companion ' +
        '(the bundle under test). Times: execute_request → execute_reply (displayed: and the execute_result on iopub). ' +
        'Every %squeue runs ≥ 0.6 s after the last poll, so the companion runs squeue for it (rounds answered from the ' +
        'snapshot are dropped: ' +
        r.row5.map(x => x.cachedRounds).join('/') +
        '). Second table: one pass of each part timed inside the kernel, ms; "whole magic" = HTTP + JSON + filtering ' +
        'the jobs into the JobList (the HTTP GET itself includes a fresh poll).'
    );
  }
  if (r.row2) {
    const u = r.row2;
    const f = u.frames;
    out.push('');
    out.push(`## 2. The Queue section in Chromium at ${u.jobs.toLocaleString('en')} rows (faked companion socket)`);
    out.push('');
    out.push(
      table(
        ['measure', 'n', 'ms (min/median/max)'],
        [
          [`diff of ${u.changedRows} changed rows: message → cell text in the DOM`, u.toDom.n, fmt(u.toDom)],
          ['diff: message → next frame painted', u.toPainted.n, fmt(u.toPainted)],
          [`scroll frame times (${u.scrollSteps} steps of ${u.scrollStepPx} px)`, f.n, fmt(f)]
        ]
      )
    );
    out.push('');
    out.push(
      `Scroll frames: p95 ${round(f.p95)} ms, ${round(f.over16 * 100)}% over 16.7 ms, ${round(f.over50 * 100)}% over 50 ms (rAF timestamps jitter by ±0.1 ms: a 16.8 ms frame is on time at 60 Hz). ` +
        `Chromium ${u.chromium} (headless, /usr/bin/chromium, the UI tests' flags, 1280×800) against a real JupyterLab ` +
        '(test/ui/global-setup.ts startLab); the socket and clusters API played as in test/ui/queue-virtual.spec.ts. ' +
        "Timed in the page from the diff's WebSocket message event (a listener registered before the app's) to a " +
        "MutationObserver seeing the top row's changed name, then to a task queued from the next " +
        'requestAnimationFrame (after that frame is painted). Scrolling: scrollTop += step, then one rAF, ' +
        'deltas of rAF timestamps.'
    );
  }
  if (r.row6) {
    const d = r.row6;
    out.push('');
    out.push('## 6. "Start Dask cluster" on the fixture\'s `local` cluster (1 worker)');
    out.push('');
    out.push(
      table(
        [
          'head job',
          'POST → RUNNING seen',
          'POST → worker connected',
          'connected − script began',
          'connected − StartTime',
          'connected − RUNNING seen',
          'jobs left'
        ],
        d.runs.map(x => [
          x.headJob,
          x.postToRunningMs,
          x.postToConnectedMs,
          Math.round(x.sinceJobStartMs),
          x.sinceStartTimeMs,
          x.sinceRunningSeenMs,
          x.jobsLeft
        ])
      )
    );
    out.push('');
    out.push(
      'ms. POST /api/sets {kind: dask, workers: 1, time: 00:05:00} to a companion started by the bench ' +
        '(HPC_SET_PYTHON = the project venv), then GET /api/sets/:id every 50 ms until workers.connected ≥ 1. ' +
        "The job's start: its batch script's first line writes bash's $EPOCHREALTIME to the set dir (µs). " +
        "Slurm's StartTime (scontrol) has whole seconds, truncated: the true start is up to 1 s after it, so " +
        '"connected − StartTime" overstates by 0–1 s; "RUNNING seen" is squeue polled every 100 ms alongside (late by ' +
        '≤ 100 ms + one squeue). Then DELETE /api/sets/:id, and no job of the set left in squeue.'
    );
  }
  if (r.stubs.length) {
    out.push('');
    out.push('## Rows not measured');
    out.push('');
    for (const s of r.stubs) {
      out.push(`- ${s.row}. ${s.what}: ${s.skipped}`);
    }
  }
  if (r.centre) {
    out.push(...centreSection(r.centre));
  }
  return out.join('\n') + '\n';
}
