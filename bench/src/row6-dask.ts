import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Companion } from './companion';
import { BenchContext } from './context';
import { run, sleep, slurmEnv } from './exec';
import { Summary, summarize } from './stats';

/**
 * Row 6: "Start Dask cluster" through a companion: POST /api/sets {kind: 'dask', workers: 1},
 * GET /api/sets/:id every 50 ms until workers.connected ≥ 1. What the set costs over Slurm
 * is that moment minus the head job's start: when its batch script began (the script's first
 * line records bash's $EPOCHREALTIME in the set dir), Slurm's StartTime (scontrol, whole
 * seconds, truncated) and when squeue (polled every 100 ms alongside) first showed it RUNNING. Then DELETE /api/sets/:id and check no job of the set is left. On the fixture's
 * `local` cluster (sets need compute, not a big queue), after the big queues are gone.
 */
export const SET_CLUSTER = 'local';

export interface DaskRun {
  /** POST → first GET with workers.connected ≥ 1. */
  postToConnectedMs: number;
  /** POST → squeue first showed the head job RUNNING. */
  postToRunningMs: number;
  /** first worker connected − Slurm's StartTime (1 s resolution: the true start is up to 1 s later). */
  sinceStartTimeMs: number;
  /** first worker connected − squeue first showed RUNNING (≤ ~100 ms + one squeue late). */
  sinceRunningSeenMs: number;
  /** first worker connected − the head job's batch script began (µs resolution). */
  sinceJobStartMs: number;
  headJob: string;
  jobsLeft: number;
}

export interface DaskResult {
  runs: DaskRun[];
  sinceStartTime: Summary;
  sinceRunningSeen: Summary;
  sinceJobStart: Summary;
  postToConnected: Summary;
  postToRunning: Summary;
  jobsLeft: number;
}

/** The epoch ms a set's batch script wrote when it began ($EPOCHREALTIME; NaN if missing). */
function readJobStart(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8').trim().replace(',', '.')) * 1000;
  } catch {
    return NaN;
  }
}

interface SetRecord {
  id: string;
  setDir?: string;
  state: string;
  message?: string;
  jobs: Array<{ id: string; role: string; state: string }>;
  workers: { requested: number; connected: number };
}

/** `2026-11-23T01:25:11` (slurm.conf's local time, no zone) → epoch ms. */
function slurmTime(s: string): number {
  const t = new Date(s).getTime();
  if (!Number.isFinite(t)) {
    throw new Error(`unexpected Slurm time ${JSON.stringify(s)}`);
  }
  return t;
}

export async function measureDask(ctx: BenchContext, conf: string, python: string, runs: number): Promise<DaskResult> {
  const companion = await Companion.start({
    bundle: ctx.bundle,
    dir: join(ctx.scratch, 'dask'),
    clusters: [{ name: SET_CLUSTER, transport: 'local', env: { SLURM_CONF: conf } }],
    pollInterval: 1,
    env: { HPC_SET_PYTHON: python },
    launch: ctx.launch
  });
  const env = slurmEnv(conf);
  const out: DaskRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = Date.now();
      const post = await companion.send('POST', '/api/sets', {
        cluster: SET_CLUSTER,
        kind: 'dask',
        workers: 1,
        time: '00:05:00',
        name: `hpc-bench-dask-${i}`
      });
      if (post.status >= 300) {
        throw new Error(`POST /api/sets answered ${post.status}: ${JSON.stringify(post.json)}`);
      }
      const id = (post.json as SetRecord).id;
      let deleted = false;
      let head = '';
      let runningSeen = 0;
      let connectedAt = 0;
      let record = post.json as SetRecord;
      // squeue alongside, every 100 ms, for the head job's RUNNING to the ms
      let watching = true;
      const watcher = (async () => {
        while (watching && !runningSeen) {
          if (head) {
            const state = (await run(['squeue', '-h', '-j', head, '-o', '%T'], env).catch(() => '')).trim();
            if (state && state !== 'PENDING' && state !== 'CONFIGURING') {
              runningSeen = Date.now();
            }
          }
          await sleep(100);
        }
      })();
      try {
        try {
          while (!connectedAt) {
            if (Date.now() - t0 > 180_000) {
              throw new Error(`set ${id}: no worker connected within 180 s (${record.state}: ${record.message ?? ''})`);
            }
            const got = await companion.send('GET', `/api/sets/${id}`);
            record = got.json as SetRecord;
            head ||= record.jobs?.find(j => j.role === 'head')?.id ?? '';
            if (record.workers?.connected >= 1) {
              connectedAt = Date.now();
              break;
            }
            if (record.state === 'ended' || record.state === 'failed') {
              throw new Error(`set ${id} ended before a worker connected: ${record.message ?? JSON.stringify(record)}`);
            }
            await sleep(50);
          }
          // the watcher may not have seen RUNNING yet if the job started in the last 100 ms
          for (let k = 0; k < 30 && !runningSeen; k++) {
            await sleep(50);
          }
        } finally {
          watching = false;
          await watcher;
        }
        const show = await run(['scontrol', 'show', 'job', '-o', head], env);
        const startTime = /\bStartTime=(\S+)/.exec(show)?.[1] ?? '';
        const start = slurmTime(startTime);
        const jobStart = record.setDir ? readJobStart(join(record.setDir, `job-start-${head}`)) : NaN;
        const del = await companion.send('DELETE', `/api/sets/${id}`);
        if (del.status >= 300) {
          throw new Error(`DELETE /api/sets/${id} answered ${del.status}: ${JSON.stringify(del.json)}`);
        }
        deleted = true;
        // every job of the set gone from the queue (cancelled ones leave squeue's active states)
        const ids = (record.jobs ?? []).map(j => j.id.split('_')[0]);
        let left = ids.length;
        for (let k = 0; k < 100 && left > 0; k++) {
          const q = await run(['squeue', '-h', '-j', ids.join(','), '-t', 'PD,R,CG,CF,S', '-o', '%i'], env).catch(
            () => ''
          );
          left = q.trim() ? q.trim().split('\n').length : 0;
          if (left) {
            await sleep(200);
          }
        }
        out.push({
          postToConnectedMs: connectedAt - t0,
          postToRunningMs: runningSeen ? runningSeen - t0 : NaN,
          sinceStartTimeMs: connectedAt - start,
          sinceRunningSeenMs: runningSeen ? connectedAt - runningSeen : NaN,
          sinceJobStartMs: connectedAt - jobStart,
          headJob: head,
          jobsLeft: left
        });
        ctx.log(`  set ${id}: ${JSON.stringify(out[out.length - 1])}`);
      } finally {
        if (!deleted) {
          // a failed run: stop the set, and cancel its jobs whatever the companion says
          await companion.send('DELETE', `/api/sets/${id}`).catch(() => undefined);
          const got = await companion.send('GET', `/api/sets/${id}`).catch(() => undefined);
          const ids = ((got?.json as SetRecord | undefined)?.jobs ?? record.jobs ?? []).map(j => j.id.split('_')[0]);
          if (ids.length) {
            await run(['scancel', ...ids], env).catch(() => undefined);
          }
        }
      }
    }
  } finally {
    await companion.stop();
  }
  const col = (k: keyof DaskRun) => summarize(out.map(r => r[k] as number).filter(Number.isFinite));
  return {
    runs: out,
    sinceStartTime: col('sinceStartTimeMs'),
    sinceJobStart: col('sinceJobStartMs'),
    sinceRunningSeen: col('sinceRunningSeenMs'),
    postToConnected: col('postToConnectedMs'),
    postToRunning: col('postToRunningMs'),
    jobsLeft: out.reduce((n, r) => n + r.jobsLeft, 0)
  };
}
