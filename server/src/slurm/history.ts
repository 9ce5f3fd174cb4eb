import { jobEfficiency } from '../../../protocol/history';
import { isFinalState } from '../../../protocol/jobs';
import type { HistoryGroup, HistoryJob, SacctRow } from '../../../protocol/history';
import { slurmMemoryMB } from '../../../protocol/slurm-units';

/**
 * sacct's lines made into the history's jobs: each job's steps (`123.batch`, `123.0`, `123.extern`)
 * folded into it, array tasks grouped under their array. Pure.
 */

/** Seconds of sacct's TotalCPU: `[D-][HH:]MM:SS[.mmm]`; 0 when empty. */
export function cpuSeconds(text: string): number {
  if (!text) {
    return 0;
  }
  const dash = text.indexOf('-');
  const days = dash > 0 ? Number(text.slice(0, dash)) : 0;
  const parts = text
    .slice(dash + 1)
    .split(':')
    .map(Number);
  if (parts.some(n => Number.isNaN(n)) || parts.length < 2 || parts.length > 3) {
    throw new Error(`unexpected sacct CPU time ${JSON.stringify(text)}`);
  }
  const [h, m, s] = parts.length === 3 ? parts : [0, ...parts];
  return ((days * 24 + h) * 60 + m) * 60 + s;
}

/** MB of the `mem=` member of a TRES list (`billing=4,cpu=4,mem=1G,node=1`); null when absent. */
export function tresMemoryMB(tres: string): number | null {
  const mem = tres.split(',').find(item => item.startsWith('mem='));
  return mem === undefined ? null : (slurmMemoryMB(mem.slice(4)) ?? null);
}

/** MB of a MaxRSS value (`102400K`, `97.66M`, `0`); null when none was sampled. */
function rssMB(text: string): number | null {
  if (!text) {
    return null;
  }
  // sacct prints MaxRSS in bytes-scaled units; a bare number is bytes only with --noconvert
  return slurmMemoryMB(/^\d+(\.\d+)?$/.test(text) ? `${text}K` : text) ?? null;
}

function int(text: string): number {
  const n = Number.parseInt(text, 10);
  return Number.isNaN(n) ? 0 : n;
}

function exitParts(text: string): [number | null, number | null] {
  const m = /^(\d+):(\d+)$/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [null, null];
}

/** The job a line belongs to (`123_4.batch` → `123_4`), and whether it is a step. */
function ownerOf(jobId: string): { owner: string; step: boolean } {
  const dot = jobId.indexOf('.');
  return dot < 0 ? { owner: jobId, step: false } : { owner: jobId.slice(0, dot), step: true };
}

function jobOf(row: SacctRow): HistoryJob {
  const [arrayJobId, arrayTaskId] = row.jobId.includes('_') ? row.jobId.split('_', 2) : ['', ''];
  const [exitCode, signal] = exitParts(row.exitCode);
  const limit = Number.parseInt(row.timelimitRaw, 10);
  return {
    id: row.jobId,
    jobId: row.jobIdRaw,
    arrayJobId,
    arrayTaskId,
    name: row.name,
    user: row.user,
    account: row.account,
    partition: row.partition,
    qos: row.qos,
    state: row.state.split(' ')[0],
    stateText: row.state,
    exitCode,
    signal,
    submitTime: row.submit,
    startTime: row.start,
    endTime: row.end,
    elapsedSeconds: int(row.elapsedRaw),
    timeLimitMinutes: Number.isNaN(limit) ? null : limit,
    nodes: int(row.nnodes),
    nodeList: row.nodeList,
    reqCpus: int(row.reqCpus),
    allocCpus: int(row.allocCpus),
    reqMemMB: tresMemoryMB(row.reqTres),
    maxRssMB: rssMB(row.maxRss),
    totalCpuSeconds: cpuSeconds(row.totalCpu),
    workDir: row.workDir,
    output: row.workDir ? { path: `${row.workDir.replace(/\/$/, '')}/slurm-${row.jobId}.out`, exact: false } : null,
    efficiency: { cpu: null, memory: null, suggestedMemMB: null, suggestedCpus: null, hint: null }
  };
}

/**
 * The jobs of sacct's lines, steps folded in: MaxRSS is the largest of the steps' (each step's
 * is already the largest of its tasks), TotalCPU the sum of the steps' (what each step's
 * processes used; the job's own line adds nothing of its own). Jobs keep sacct's order.
 */
export function foldSteps(rows: readonly SacctRow[]): HistoryJob[] {
  const jobs = new Map<string, HistoryJob>();
  const steps = new Map<string, SacctRow[]>();
  for (const row of rows) {
    const { owner, step } = ownerOf(row.jobId);
    if (step) {
      steps.set(owner, [...(steps.get(owner) ?? []), row]);
    } else {
      jobs.set(owner, jobOf(row));
    }
  }
  for (const job of jobs.values()) {
    const own = steps.get(job.id) ?? [];
    if (own.length) {
      const rss = own.map(s => rssMB(s.maxRss)).filter((mb): mb is number => mb !== null);
      job.maxRssMB = rss.length ? Math.max(...rss) : job.maxRssMB;
      job.totalCpuSeconds = own.reduce((sum, s) => sum + cpuSeconds(s.totalCpu), 0);
    }
    job.efficiency = jobEfficiency({ ...job, ended: isFinalState(job.state) });
  }
  return [...jobs.values()];
}

/** Jobs as the history's rows: an array's tasks under one group (in task order), others alone. */
export function groupArrays(jobs: readonly HistoryJob[]): HistoryGroup[] {
  const groups: HistoryGroup[] = [];
  const arrays = new Map<string, HistoryGroup>();
  for (const job of jobs) {
    if (!job.arrayJobId) {
      groups.push({ id: job.id, array: false, jobs: [job] });
      continue;
    }
    let group = arrays.get(job.arrayJobId);
    if (!group) {
      group = { id: job.arrayJobId, array: true, jobs: [] };
      arrays.set(job.arrayJobId, group);
      groups.push(group);
    }
    group.jobs.push(job);
  }
  const task = (job: HistoryJob): number => Number.parseInt(job.arrayTaskId.replace(/^\[/, ''), 10);
  for (const group of arrays.values()) {
    group.jobs.sort((a, b) => task(a) - task(b));
  }
  return groups;
}
