/**
 * Finished (and running) jobs as Slurm's accounting remembers them: the companion asks sacct
 * for these fields (server/src/slurm/sacct.ts), `GET hpc/api/clusters/<c>/history` answers
 * HistoryReply, the History view and `%sacct` show it, the kernel hands the jobs to code as
 * dicts. Efficiency is computed here, once, so the browser and Python say the same numbers.
 *
 * Pure data and pure functions: no DOM, no Node, and nothing imported at run time (the build
 * loads this file alone to write jupyterlab_hpc/protocol.json).
 */

export interface SacctFieldDefinition {
  /** The key in raw sacct rows (server side). */
  readonly name: string;
  /** sacct's --format field. */
  readonly spec: string;
  /**
   * Text a user sets on their own jobs (name, working directory, account, comment): last in the
   * format, so a newline or separator in it never shifts a field Slurm fills (the companion
   * bounds every field by a secret of the run, as it does for squeue: server/src/slurm/sacct.ts).
   */
  readonly freeText: boolean;
}

/**
 * The sacct fields in format order: Slurm's own first (JobID first of all), the free text last.
 * Raw values; HistoryJob below is what they become once a job's steps are folded into it.
 */
export const SACCT_FIELDS = [
  // `123`, `123_4` (array task), `123_[5-9]` (pending tasks), `123.batch`, `123.0` (steps)
  { name: 'jobId', spec: 'JobID', freeText: false },
  { name: 'jobIdRaw', spec: 'JobIDRaw', freeText: false },
  // `CANCELLED by 1001`: the first word is the state
  { name: 'state', spec: 'State', freeText: false },
  // `code:signal`
  { name: 'exitCode', spec: 'ExitCode', freeText: false },
  { name: 'elapsedRaw', spec: 'ElapsedRaw', freeText: false },
  { name: 'timelimitRaw', spec: 'TimelimitRaw', freeText: false },
  { name: 'submit', spec: 'Submit', freeText: false },
  { name: 'start', spec: 'Start', freeText: false },
  { name: 'end', spec: 'End', freeText: false },
  { name: 'user', spec: 'User', freeText: false },
  { name: 'partition', spec: 'Partition', freeText: false },
  { name: 'qos', spec: 'QOS', freeText: false },
  { name: 'nnodes', spec: 'NNodes', freeText: false },
  { name: 'nodeList', spec: 'NodeList', freeText: false },
  { name: 'reqCpus', spec: 'ReqCPUS', freeText: false },
  { name: 'allocCpus', spec: 'AllocCPUS', freeText: false },
  // `billing=4,cpu=4,mem=1G,node=1`: the memory the job asked for, whatever the per-node/per-CPU form
  { name: 'reqTres', spec: 'ReqTRES', freeText: false },
  // steps only: the largest resident set of any task of the step
  { name: 'maxRss', spec: 'MaxRSS', freeText: false },
  // [D-[HH:]]MM:SS.mmm, user + system CPU of the step's processes
  { name: 'totalCpu', spec: 'TotalCPU', freeText: false },
  { name: 'account', spec: 'Account', freeText: true },
  { name: 'workDir', spec: 'WorkDir', freeText: true },
  { name: 'name', spec: 'JobName', freeText: true }
] as const satisfies readonly SacctFieldDefinition[];

export type SacctField = (typeof SACCT_FIELDS)[number]['name'];

/** One line of sacct (a job, an array task, or a step), placeholders made empty. */
export type SacctRow = Record<SacctField, string>;

/** A job's record in the history: its steps folded in (MaxRSS the largest, TotalCPU the sum). */
export interface HistoryJob {
  /** `123` or `123_4` (an array task) or `123_[5-9]` (tasks that never started). */
  id: string;
  /** Slurm's own number for this job or task (JobIDRaw). */
  jobId: string;
  /** With array tasks: the array's job id and the task's index; '' otherwise. */
  arrayJobId: string;
  arrayTaskId: string;
  name: string;
  user: string;
  account: string;
  partition: string;
  qos: string;
  /** The state word (`COMPLETED`, `FAILED`, `TIMEOUT`, `CANCELLED`, `RUNNING`, …). */
  state: string;
  /** sacct's whole state text, e.g. `CANCELLED by 1001`. */
  stateText: string;
  /** The batch script's exit code, and the signal that ended it (0 when none). */
  exitCode: number | null;
  signal: number | null;
  /** ISO-like times as sacct prints them; '' when none (`Unknown`, never started). */
  submitTime: string;
  startTime: string;
  endTime: string;
  elapsedSeconds: number;
  /** Minutes; null for UNLIMITED or unknown. */
  timeLimitMinutes: number | null;
  nodes: number;
  nodeList: string;
  reqCpus: number;
  allocCpus: number;
  /** Requested memory of the whole job (ReqTRES mem), MB; null when none was recorded. */
  reqMemMB: number | null;
  /** The largest MaxRSS of the job's steps, MB; null before any sample. */
  maxRssMB: number | null;
  /** User + system CPU seconds of all steps. */
  totalCpuSeconds: number;
  workDir: string;
  /**
   * The output file: `exact` when the companion submitted the job and recorded its path,
   * otherwise Slurm's default (`<workDir>/slurm-<id>.out`), which a `--output` would have moved.
   */
  output: { path: string; exact: boolean } | null;
  efficiency: Efficiency;
}

/** A job, or an array with its tasks: the history's rows. */
export interface HistoryGroup {
  /** The job id, or the array's job id. */
  id: string;
  array: boolean;
  /** The job itself, or the array's tasks in task order. */
  jobs: HistoryJob[];
}

/** `GET hpc/api/clusters/<c>/history` query: sacct's own options, all optional. */
export interface HistoryQuery {
  /** sacct --starttime (`now-1hours`, `2026-12-03T10:00`, …); sacct's default: today 00:00. */
  start?: string;
  /** sacct --endtime. */
  end?: string;
  /** sacct --state: comma-separated state names or codes. */
  state?: string;
  /** sacct --name: comma-separated job names. */
  name?: string;
  /** sacct --jobs: comma-separated job ids. */
  jobs?: string;
}

/** The answer of the history route when the cluster keeps accounting. */
export interface HistoryReply {
  cluster: string;
  accounting: true;
  query: HistoryQuery;
  groups: HistoryGroup[];
  /** Jobs and array tasks in `groups`. */
  count: number;
  /** sacct lines that could not be read (never the whole answer), with why. */
  refused: Array<{ id: string; why: string }>;
  updatedAt: string;
}

/** The answer (HTTP 200) on a cluster without accounting: one line for the view to show. */
export interface NoAccountingReply {
  cluster: string;
  accounting: false;
  message: string;
}

export type HistoryAnswer = HistoryReply | NoAccountingReply;

/** The one line a view shows for a cluster without accounting. */
export const NO_ACCOUNTING_MESSAGE = 'Job history is not available: accounting is not enabled on this cluster.';

/**
 * `GET hpc/api/clusters/<c>/history/<id>/rerun`: what a "Run again" form starts from. The
 * template and its values when the companion submitted the job from one; the batch script
 * (sacct --batch-script where the site stores scripts, else the one the companion submitted).
 */
export interface RerunReply {
  cluster: string;
  id: string;
  script: string | null;
  /** Where `script` comes from. */
  scriptSource: 'accounting' | 'submitted' | null;
  workDir: string;
  template: { id: string; source: 'centre' | 'personal'; params: Record<string, unknown> } | null;
  /** Resources for the next run, from this run's efficiency; absent: keep what it asked. */
  suggested: { memMB?: number; cpus?: number };
}

/** How well a job used what it asked for; null where the numbers do not say (no time, no sample). */
export interface Efficiency {
  /** TotalCPU / (Elapsed × AllocCPUS), 0..1 (a little over 1 is measurement noise). */
  cpu: number | null;
  /** MaxRSS / requested memory, 0..1 (over 1 when the job outgrew a soft limit). */
  memory: number | null;
  /** A next-time size when a job used far less than it asked (what `hint` says). */
  suggestedMemMB: number | null;
  suggestedCpus: number | null;
  /** Plain words for a user, e.g. "asked 4 GB, peaked at 300 MB: ask for 512 MB next time". */
  hint: string | null;
}

export interface EfficiencyInput {
  /**
   * Whether the job has ended: sacct counts a step's CPU time and MaxRSS when the step ends, so
   * a running job's numbers say nothing yet (all null).
   */
  ended: boolean;
  totalCpuSeconds: number;
  elapsedSeconds: number;
  allocCpus: number;
  maxRssMB: number | null;
  reqMemMB: number | null;
}

/** Below this share of what it asked, a job gets a hint. */
export const WASTE_THRESHOLD = 0.5;
/** Headroom over the peak in a suggestion. */
const HEADROOM = 1.25;
/** No memory suggestion below this (MB): the savings are noise. */
const MIN_MEM_SUGGESTION_MB = 128;

/** Megabytes for a reader: "300 MB", "4 GB", "1.5 GB". */
export function formatMegabytes(mb: number): string {
  if (mb >= 1024) {
    const gb = Math.round((mb / 1024) * 10) / 10;
    return `${gb} GB`;
  }
  return `${Math.round(mb)} MB`;
}

/** The next power of two in MB at or above `mb` (a request size people recognise). */
function roundUpSize(mb: number): number {
  let size = MIN_MEM_SUGGESTION_MB;
  while (size < mb) {
    size *= 2;
  }
  return size;
}

/** CPU and memory efficiency of a job, and a hint in plain words when it asked far too much. */
export function jobEfficiency(input: EfficiencyInput): Efficiency {
  const { ended, totalCpuSeconds, elapsedSeconds, allocCpus, maxRssMB, reqMemMB } = input;
  if (!ended) {
    return { cpu: null, memory: null, suggestedMemMB: null, suggestedCpus: null, hint: null };
  }
  const cpu = elapsedSeconds > 0 && allocCpus > 0 ? totalCpuSeconds / (elapsedSeconds * allocCpus) : null;
  const memory = maxRssMB !== null && reqMemMB !== null && reqMemMB > 0 ? maxRssMB / reqMemMB : null;
  const hints: string[] = [];
  let suggestedMemMB: number | null = null;
  let suggestedCpus: number | null = null;
  if (memory !== null && memory < WASTE_THRESHOLD && maxRssMB !== null && reqMemMB !== null) {
    const next = roundUpSize(maxRssMB * HEADROOM);
    if (next < reqMemMB) {
      suggestedMemMB = next;
      hints.push(
        `asked ${formatMegabytes(reqMemMB)}, peaked at ${formatMegabytes(maxRssMB)}: ask for ${formatMegabytes(next)} next time`
      );
    }
  }
  if (cpu !== null && cpu < WASTE_THRESHOLD && allocCpus > 1) {
    const busy = totalCpuSeconds / elapsedSeconds;
    const next = Math.max(1, Math.ceil(busy * HEADROOM));
    if (next < allocCpus) {
      suggestedCpus = next;
      const used = Math.round(busy * 10) / 10;
      hints.push(
        `asked ${allocCpus} CPUs, kept ${used} busy on average: ask for ${next} CPU${next === 1 ? '' : 's'} next time`
      );
    }
  }
  return { cpu, memory, suggestedMemMB, suggestedCpus, hint: hints.length ? hints.join('; ') : null };
}

/** A share as a percentage for a reader ("7 %", "0.4 %"); '' when unknown. */
export function formatShare(share: number | null): string {
  if (share === null) {
    return '';
  }
  const pct = share * 100;
  return `${pct < 1 ? Math.round(pct * 10) / 10 : Math.round(pct)} %`;
}

/**
 * The columns of `%sacct`'s tables (text and HTML) and of the History view: `key` is a
 * HistoryJob member, or one of the shown forms `exit` (code:signal), `elapsed` (HH:MM:SS),
 * `cpuEfficiency`, `memoryEfficiency` (shares), `maxRss` and `reqMem` (sizes), `hint`.
 */
export const HISTORY_COLUMNS = [
  { key: 'id', label: 'ID', header: 'JOBID' },
  { key: 'name', label: 'Name', header: 'JOBNAME' },
  { key: 'partition', label: 'Partition', header: 'PARTITION' },
  { key: 'state', label: 'State', header: 'STATE' },
  { key: 'exit', label: 'Exit code', header: 'EXITCODE' },
  { key: 'elapsed', label: 'Elapsed', header: 'ELAPSED' },
  { key: 'allocCpus', label: 'CPUs', header: 'ALLOCCPUS' },
  { key: 'cpuEfficiency', label: 'CPU efficiency', header: 'CPU_EFF' },
  { key: 'reqMem', label: 'Memory asked', header: 'REQMEM' },
  { key: 'maxRss', label: 'Memory peak', header: 'MAXRSS' },
  { key: 'memoryEfficiency', label: 'Memory efficiency', header: 'MEM_EFF' },
  { key: 'hint', label: 'Next time', header: 'HINT' }
] as const;

/** Seconds as sacct's Elapsed: `HH:MM:SS`, `D-HH:MM:SS` past a day. */
export function formatElapsed(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((seconds % 86400) / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}
