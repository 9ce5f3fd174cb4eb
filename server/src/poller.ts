import { JOB_FIELD_NAMES, isFinalState } from '../../protocol/jobs';
import type { JobEndedEvent, QueueDiff, QueueState } from '../../protocol/queue';
import { forEachRecord } from '../../protocol/records';
import { arrayLive, createArrayEnds } from './job-ends';
import { changedBeyondClocks, createPollPace } from './poll-pace';
import { collectAfterBigPoll } from './util/memory';
import { recordFields, recordId } from './slurm/squeue';
import { RefusedRecord, SqueueRecords } from './slurm/squeue-records';

/**
 * One poll loop per cluster and scope (clusters.ts: the user's own jobs, or every user's),
 * shared by every subscriber (all browser tabs, the magics): one squeue per interval whatever
 * the number of views, none when nobody watches. Subscribers get the full snapshot once, then
 * diffs. While the jobs do not change the interval grows (poll-pace.ts) up to `quietMaxMs`.
 */
export type { JobEndedEvent, QueueDiff, QueueState, QueueStatus } from '../../protocol/queue';

export interface QueueSnapshot extends QueueState {
  fields: readonly string[];
  /** Every job's raw squeue record by id, in squeue's order (recordFields splits one); never mutated. */
  records: ReadonlyMap<string, string>;
  /** The same records as squeue printed them, for the wire (queue-wire.ts): no copy, no re-serialization. */
  text: string;
}

export interface QueueText extends QueueState {
  text: string;
}

export interface QueueListener {
  diff(diff: QueueDiff): void;
  ended?(events: JobEndedEvent[]): void;
}

export interface QueuePoller {
  /**
   * The snapshot comes at once from the last poll when there is one (then a fresh poll within
   * one base interval), else after the first poll.
   */
  subscribe(listener: QueueListener): { snapshot: Promise<QueueSnapshot>; unsubscribe(): void };
  /** The current snapshot; polls first only when it is older than one interval. */
  snapshot(): Promise<QueueSnapshot>;
  /**
   * Calls `use` with the queue as squeue printed it, under the same rule, as soon as squeue's
   * output arrives: the split and diff for the views wait for `use` to finish (at most
   * SEND_WAIT_MS), so a 14 MB answer (the magics') is not held up behind them.
   */
  withFreshText(use: (text: QueueText) => Promise<void>): Promise<void>;
  /** Poll now (after an action), sharing a poll already under way; back to the base interval. */
  refresh(): Promise<void>;
  /** The next snapshot() or withFreshText() polls first (an action nobody watched). */
  expire(): void;
  /** New intervals (the user's setting changed): the next poll comes within the new base. */
  setIntervals(intervalMs: number, quietMaxMs?: number): void;
  readonly subscribers: number;
  dispose(): void;
}

export interface QueuePollerOptions {
  fetch: () => Promise<SqueueRecords>;
  intervalMs: number;
  /** The longest wait while nothing changes (default intervalMs: a fixed pace). */
  quietMaxMs?: number;
  /** The longest wait between polls of a failing cluster. */
  maxBackoffMs?: number;
  now?: () => number;
}

/** How long a poll's split and diff wait for fresh answers to be sent. */
const SEND_WAIT_MS = 2_000;

const F_STATE = JOB_FIELD_NAMES.indexOf('state');
const F_NAME = JOB_FIELD_NAMES.indexOf('name');
const F_USER = JOB_FIELD_NAMES.indexOf('user');

// Opt-in poll timings for bench/ (env HPC_COMPANION_TIMINGS=1): one JSON line per poll on stderr,
// so the bench can time squeue + split + diff inside the real companion process.
const TIMINGS = process.env.HPC_COMPANION_TIMINGS === '1';

function stateOf(record: string): string {
  return recordFields(record)[F_STATE];
}

/** Refused records in words, e.g. "1 job record from squeue could not be read (job 123: …)". */
export function refusedWarning(refused: readonly RefusedRecord[]): string | undefined {
  if (refused.length === 0) {
    return undefined;
  }
  const plural = refused.length > 1 ? 's' : '';
  const ids = refused.slice(0, 5).map(r => r.id);
  const more = refused.length > ids.length ? ', …' : '';
  return (
    `${refused.length} job record${plural} from squeue could not be read ` +
    `(job${plural} ${ids.join(', ')}${more}: ${refused[0].why})`
  );
}

export function createQueuePoller(options: QueuePollerOptions): QueuePoller {
  const now = options.now ?? Date.now;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const listeners = new Set<QueueListener>();
  const arrayEnds = createArrayEnds();
  let records = new Map<string, string>();
  // squeue's output of the last good poll: exactly `records`, in order (see snapshotNow)
  let text = '';
  let state: QueueState = { status: 'stale', version: 0 };
  let lastPollAt = -Infinity;
  let failures = 0;
  const pace = createPollPace(options.intervalMs, options.quietMaxMs);
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Infinity;
  let inFlight: Promise<void> | undefined;
  let disposed = false;
  // withFreshText() callers waiting for the poll under way
  let textWaiters: Array<(t: QueueText) => Promise<void>> = [];

  // Shared by every view: no per-view copy of 100k rows (issue 7: a new view in ≤ 50 ms).
  function snapshotNow(): QueueSnapshot {
    return { ...state, fields: JOB_FIELD_NAMES, records, text };
  }

  async function pollOnce(): Promise<void> {
    let output: string;
    // squeue may take many seconds to fail when slurmctld is down: say the
    // view is stale as soon as a poll outlives one interval.
    const started = now();
    const t0 = TIMINGS ? performance.now() : 0;
    // said again each interval, so the count goes on growing while squeue hangs
    const staleTimer = setInterval(() => {
      if (state.status !== 'error') {
        const s = Math.round((now() - started) / 1000);
        state = { ...state, status: 'stale', error: `Slurm has not answered for ${s} s` };
        emit({ ...state, added: [], changed: [], removed: [] }, []);
      }
    }, pace.baseMs);
    staleTimer.unref?.();
    let warning: string | undefined;
    try {
      const read = await options.fetch();
      output = read.text;
      warning = refusedWarning(read.refused);
    } catch (e) {
      failures += 1;
      const error = e instanceof Error ? e.message : String(e);
      const changed = state.status === 'ok' || state.error !== error;
      state = { ...state, status: 'error', error };
      if (changed) {
        emit({ ...state, version: state.version, added: [], changed: [], removed: [] }, []);
      }
      return;
    } finally {
      clearInterval(staleTimer);
      lastPollAt = now();
    }
    failures = 0;
    const tFetched = TIMINGS ? performance.now() : 0;
    if (textWaiters.length) {
      // the text is the answer (queue-wire.ts): send it, then split and diff on the next turn
      const answered = answerText({
        status: 'ok',
        updatedAt: new Date(now()).toISOString(),
        version: state.version + 1,
        ...(warning && { warning }),
        text: output
      });
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([answered, new Promise(resolve => (waited = setTimeout(resolve, SEND_WAIT_MS)))]);
      clearTimeout(waited);
    }
    const first = state.version === 0;
    const next = new Map<string, string>();
    const added: string[][] = [];
    const changed: string[][] = [];
    const removed: string[] = [];
    const ended: JobEndedEvent[] = [];
    // Split and diff in one pass, with no intermediate arrays: at 100k jobs this loop is the
    // companion's whole cost over squeue itself (issue 7: ≤ 1.3× raw squeue).
    let kept = 0;
    // beyond running jobs' clocks: the pace's measure of "the jobs changed"
    let moved = first;
    try {
      forEachRecord(output, record => {
        const id = recordId(record);
        const size = next.size;
        next.set(id, record);
        if (next.size === size) {
          throw new Error(`unexpected squeue output: job ${JSON.stringify(id)} appears twice`);
        }
        const old = records.get(id);
        if (old === undefined) {
          // the first poll's diff is superseded by the snapshot every subscriber gets (ws.ts keeps
          // only newer versions): splitting 100k rows for it would be thrown away
          if (!first) {
            const fields = recordFields(record);
            added.push(fields);
            // a short job can start and end between two polls: first seen already ended
            if (isFinalState(fields[F_STATE])) {
              ended.push({ id, name: fields[F_NAME], user: fields[F_USER], state: fields[F_STATE] });
            }
          }
        } else {
          kept += 1;
          if (old !== record) {
            moved ||= changedBeyondClocks(old, record);
            const fields = recordFields(record);
            changed.push(fields);
            if (isFinalState(fields[F_STATE]) && !isFinalState(stateOf(old))) {
              ended.push({ id, name: fields[F_NAME], user: fields[F_USER], state: fields[F_STATE] });
            }
          }
        }
      });
    } catch (e) {
      // the views show it at once: the queue they hold is no longer current
      const error = e instanceof Error ? e.message : String(e);
      const changed = state.status === 'ok' || state.error !== error;
      state = { ...state, status: 'error', error };
      if (changed) {
        emit({ ...state, added: [], changed: [], removed: [] }, []);
      }
      return;
    }
    const tSplit = TIMINGS ? performance.now() : 0;
    // every old id seen again: nothing left the queue, no need to walk the old map
    if (kept < records.size) {
      for (const [id, old] of records) {
        if (!next.has(id)) {
          removed.push(id);
          const fields = recordFields(old);
          if (!isFinalState(fields[F_STATE])) {
            ended.push({ id, name: fields[F_NAME], user: fields[F_USER], state: '' });
          }
        }
      }
    }
    pace.observe(moved || added.length > 0 || removed.length > 0);
    const tDiffed = TIMINGS ? performance.now() : 0;
    records = next;
    text = output;
    state = {
      status: 'ok',
      updatedAt: new Date(now()).toISOString(),
      version: state.version + 1,
      ...(warning && { warning })
    };
    // sent even when nothing changed: the views' "Last updated" is the last good poll, so a quiet
    // queue and a frozen one look different; the first poll has nothing to compare with (no ended events)
    // an array's tasks: one event when the last one ends
    const ends = first || ended.length === 0 ? [] : arrayEnds.collect(ended, array => arrayLive(next, array, stateOf));
    emit({ ...state, added, changed, removed }, ends);
    if (!TIMINGS) {
      collectAfterBigPoll(output.length);
      return;
    }
    const tEmitted = performance.now();
    const ms = (a: number, b: number) => Math.round((b - a) * 100) / 100;
    const counts = { rows: next.size, added: added.length, changed: changed.length, removed: removed.length };
    const times = { fetchMs: ms(t0, tFetched), splitDiffMs: ms(tFetched, tSplit), removedMs: ms(tSplit, tDiffed) };
    const cycle = { emitMs: ms(tDiffed, tEmitted), totalMs: ms(t0, tEmitted) };
    const version = state.version;
    collectAfterBigPoll(output.length, gcMs => {
      // after the collection: what the queue holds, not the poll's garbage
      const m = process.memoryUsage();
      const mb = (n: number) => Math.round(n / 1e5) / 10;
      const memory = { heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) };
      const line = { poll: version, ...counts, ...times, ...cycle, gcMs: ms(0, gcMs), ...memory };
      process.stderr.write(`HPC_TIMING ${JSON.stringify(line)}\n`);
    });
  }

  function emit(diff: QueueDiff, ended: JobEndedEvent[]): void {
    for (const l of listeners) {
      l.diff(diff);
      if (ended.length) {
        l.ended?.(ended);
      }
    }
  }

  /** Hands the text to every waiter; settles when they are done with it. */
  function answerText(answer: QueueText): Promise<unknown> {
    const waiters = textWaiters;
    textWaiters = [];
    return Promise.allSettled(waiters.map(use => use(answer)));
  }

  function poll(): Promise<void> {
    inFlight ??= pollOnce().finally(() => {
      inFlight = undefined;
      // a failed poll (or one joined after its output came): the state as it stands
      void answerText({ ...state, text });
    });
    return inFlight;
  }

  function schedule(delay = failures ? Math.min(maxBackoffMs, pace.baseMs * 2 ** (failures - 1)) : pace.delayMs): void {
    clearTimeout(timer);
    timer = undefined;
    timerDue = Infinity;
    if (disposed || listeners.size === 0) {
      return;
    }
    timerDue = now() + delay;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Infinity;
      void poll().finally(() => schedule());
    }, delay);
    timer.unref?.();
  }

  /** Back to the base pace: the next poll at most one base interval after the last one. */
  function hurry(): void {
    pace.reset();
    if (inFlight) {
      // a poll is on its way (maybe asked by a REST read, with no timer after it)
      if (!timer) {
        schedule();
      }
      return;
    }
    const due = Math.max(0, lastPollAt + pace.baseMs - now());
    if (now() + due < timerDue) {
      schedule(due);
    }
  }

  async function snapshot(): Promise<QueueSnapshot> {
    if (inFlight) {
      await inFlight;
    } else if (now() - lastPollAt >= pace.baseMs || state.version === 0) {
      await poll();
    }
    return snapshotNow();
  }

  async function withFreshText(use: (t: QueueText) => Promise<void>): Promise<void> {
    if (!inFlight && now() - lastPollAt < pace.baseMs && state.version > 0) {
      return use({ ...state, text });
    }
    const done = new Promise<void>((resolve, reject) =>
      textWaiters.push(t => use(t).then(resolve, (e: unknown) => (reject(e), undefined)))
    );
    void poll();
    return done;
  }

  return {
    withFreshText,
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && state.version === 0) {
        schedule();
      } else {
        hurry();
      }
      return {
        snapshot: state.version > 0 ? Promise.resolve(snapshotNow()) : snapshot(),
        unsubscribe() {
          listeners.delete(listener);
          if (listeners.size === 0) {
            clearTimeout(timer);
            timer = undefined;
            timerDue = Infinity;
          }
        }
      };
    },
    snapshot,
    async refresh() {
      await poll();
      // the action's effects (a job starting, ending) come over the next polls: from the base pace
      pace.reset();
      schedule();
    },
    expire() {
      lastPollAt = -Infinity;
    },
    setIntervals(intervalMs, quietMaxMs = intervalMs) {
      pace.setIntervals(intervalMs, quietMaxMs);
      if (listeners.size > 0) {
        timerDue = Infinity;
        hurry();
      }
    },
    get subscribers() {
      return listeners.size;
    },
    dispose() {
      disposed = true;
      listeners.clear();
      clearTimeout(timer);
    }
  };
}
