import { FINAL_STATES } from '../slurm/squeue';
import { formatDuration, parseSlurmDuration } from './durations';
import { EndReason, MonitorStatus, SetJob, StoredSet } from './types';
import { neverStarts } from '../../../protocol/pending-reasons';

/**
 * The state machine of a set, as a pure function of what was last seen:
 * pending (Slurm's reason) → starting → running (k/N workers) → stopping →
 * ended (with the reason). Side effects (cancelling the jobs left over, reading
 * the log) are the manager's.
 */

/** A job that left squeue before we saw its final state. Not a Slurm state. */
export const GONE = 'GONE';

/** What squeue said about one job of the set. */
export interface JobView {
  id: string;
  name: string;
  state: string;
  reason: string;
  timeLimit: string;
  timeLeft: string;
  startTime: string;
}

export interface Observation {
  /** When the squeue snapshot was taken (ms since the epoch). */
  at: number;
  /** The set's jobs in that snapshot; a job absent from it is not in squeue. */
  jobs: Map<string, JobView>;
  /** The monitor's status.json, when read. */
  status?: MonitorStatus;
}

/** A just-submitted job may be missing from a snapshot taken before sbatch returned. */
const GONE_AFTER_MS = 10_000;

export const isLive = (job: SetJob): boolean => job.state !== GONE && !FINAL_STATES.has(job.state);
export const headOf = (stored: StoredSet): SetJob | undefined => stored.jobs.find(j => j.role === 'head');
/** Still to be followed: not ended, or ended with a job left to cancel. */
export const isActive = (stored: StoredSet): boolean => stored.record.state !== 'ended' || stored.jobs.some(isLive);

/** The walltime warning: under 5 min left, or under 20 % of a limit shorter than 25 min. */
export function walltimeWarning(timeLeft: number | undefined, timeLimit: number | undefined): string | undefined {
  if (timeLeft === undefined) {
    return undefined;
  }
  const threshold = Math.min(300, timeLimit !== undefined ? 0.2 * timeLimit : 300);
  return timeLeft < threshold ? `the walltime runs out in ${formatDuration(timeLeft)}` : undefined;
}

function endReason(stored: StoredSet, finalState: string): EndReason {
  switch (finalState) {
    case 'CANCELLED':
      return 'cancelled';
    case 'TIMEOUT':
    case 'DEADLINE':
      return 'time limit';
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return 'node failure';
    case 'PREEMPTED':
      return 'preempted';
    case GONE:
      return stored.stopRequested ? 'cancelled' : 'lost';
    case 'COMPLETED':
      return stored.seenRunning ? 'completed' : 'failed to start';
    default:
      return stored.seenRunning ? 'failed' : 'failed to start';
  }
}

function endMessage(stored: StoredSet, reason: EndReason, head: SetJob): string {
  switch (reason) {
    case 'cancelled':
      return stored.stopRequested ? 'stopped' : `job ${head.id} was cancelled outside jupyterlab-hpc`;
    case 'time limit':
      return `job ${head.id} reached its time limit`;
    case 'node failure':
      return `a node of job ${head.id} failed`;
    case 'lost':
      return `job ${head.id} left the queue while nobody watched: its final state is unknown`;
    default:
      return `job ${head.id} ended ${head.state}`;
  }
}

function updateJobs(jobs: SetJob[], obs: Observation): SetJob[] {
  return jobs.map(job => {
    const row = obs.jobs.get(job.id);
    if (row) {
      return { ...job, state: row.state, reason: row.state === 'PENDING' ? row.reason : undefined };
    }
    if (isLive(job) && obs.at - Date.parse(job.submittedAt) > GONE_AFTER_MS) {
      return { ...job, state: GONE, reason: undefined };
    }
    return job;
  });
}

function pendingMessage(reason: string | undefined): string {
  if (neverStarts(reason)) {
    return `will never run: ${reason} (the request exceeds what the partition allows); stop it and ask for less`;
  }
  return reason && reason !== 'None' ? `waiting in the queue: ${reason}` : 'waiting in the queue';
}

/** The set after an observation. `nowIso` stamps endings. */
export function observe(stored: StoredSet, obs: Observation, nowIso: string): StoredSet {
  const jobs = updateJobs(stored.jobs, obs);
  const next: StoredSet = { ...stored, jobs, record: { ...stored.record } };
  const record = next.record;
  record.jobs = jobs.map(({ id, role, state, workers, reason }) => ({ id, role, state, workers, reason }));
  if (record.state === 'ended') {
    return next;
  }
  const head = headOf(next);
  const row = head ? obs.jobs.get(head.id) : undefined;
  if (!head) {
    if (obs.at - Date.parse(record.createdAt) > 60_000) {
      return ended(next, 'failed to start', 'the head job was never submitted', nowIso);
    }
    return next;
  }
  if (!isLive(head)) {
    const reason = endReason(next, head.state);
    return ended(next, reason, endMessage(next, reason, head), nowIso);
  }
  const status = obs.status && obs.status.job === head.id ? obs.status : undefined;
  record.workers = { ...record.workers, connected: status?.workers.length ?? 0 };
  record.timeLimit = row ? parseSlurmDuration(row.timeLimit) : record.timeLimit;
  record.message = undefined;
  record.warning = undefined;
  if (head.state === 'PENDING' || head.state === '') {
    record.state = next.stopRequested ? 'stopping' : 'pending';
    record.message = head.state === '' ? 'submitted' : pendingMessage(head.reason);
    record.timeLeft = undefined;
    return next;
  }
  record.timeLeft = row ? parseSlurmDuration(row.timeLeft) : record.timeLeft;
  if (row?.startTime && !record.startedAt && /^\d{4}-/.test(row.startTime)) {
    record.startedAt = row.startTime;
  }
  if (next.stopRequested) {
    record.state = 'stopping';
    return next;
  }
  record.warning = walltimeWarning(record.timeLeft, record.timeLimit);
  if (status?.head === 'ok') {
    record.state = 'running';
    next.seenRunning = true;
  } else {
    record.state = next.seenRunning ? 'running' : 'starting';
    if (status?.head === 'unreachable') {
      record.message = `the head does not answer: ${status.error ?? 'no reason given'}`;
    }
  }
  if (head.state === 'SUSPENDED') {
    record.message = 'suspended by Slurm';
  }
  return next;
}

function ended(next: StoredSet, reason: EndReason, message: string, nowIso: string): StoredSet {
  Object.assign(next.record, {
    state: 'ended',
    reason,
    message,
    warning: undefined,
    timeLeft: undefined,
    endedAt: nowIso,
    workers: { ...next.record.workers, connected: 0 }
  });
  return next;
}

const TELLING =
  /error|exception|traceback|not found|no such file|denied|exited with code|cancelled at|due to|killed|fatal/i;
/** Lines of our own script and of Slurm: they say what happened to the set. */
const OURS = /^(jupyterlab-hpc:|slurmstepd|srun: (error|fatal)|sbatch: )/;

/**
 * The lines of a job's log worth showing: ours, Slurm's and errors, plus the
 * last few lines for context, in their order. Dask and IPyParallel log a lot
 * of routine lines on the way down that would bury "DUE TO TIME LIMIT".
 */
export function tellingTail(lines: string[], max = 20, context = 5): string[] {
  const keep = lines.map((line, i) => i >= lines.length - context || OURS.test(line) || TELLING.test(line));
  return lines.filter((_, i) => keep[i]).slice(-max);
}

/** The line of a log that best says why a set ended. */
export function whyLine(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (TELLING.test(lines[i])) {
      return lines[i].trim();
    }
  }
  return undefined;
}

/** A set whose jobs vanished unseen: the log may still tell how it ended. */
export function reasonFromLog(lines: string[]): EndReason | undefined {
  const text = lines.join('\n');
  if (/DUE TO TIME LIMIT/.test(text)) {
    return 'time limit';
  }
  if (/DUE TO NODE FAIL/.test(text)) {
    return 'node failure';
  }
  if (/DUE TO PREEMPTION/.test(text)) {
    return 'preempted';
  }
  if (/CANCELLED AT/.test(text)) {
    return 'cancelled';
  }
  return undefined;
}
