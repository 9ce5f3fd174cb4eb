import { neverStarts } from '../../../protocol/pending-reasons';
import { SetManager } from './manager';
import { SetRecord } from './types';

/**
 * Waiting for a set in the companion, so a kernel makes one request instead
 * of polling: `%dask start` waits for its workers, `%dask stop` for the jobs
 * to be gone.
 */

/**
 * How a wait ended: the goal reached, the set ended (or is ending) first, a job of the set
 * pends for a reason that means it will never start (PartitionNodeLimit…), or the time is up.
 */
export type WaitOutcome = 'ready' | 'ended' | 'never' | 'timeout';

/** A set is ready for `workers` when it runs with that many connected; stopping or ended, it never will be. */
export function readiness(record: SetRecord, workers: number): WaitOutcome | undefined {
  if (record.state === 'stopping' || record.state === 'ended') {
    return 'ended';
  }
  if ((record.jobs ?? []).some(job => job.state === 'PENDING' && neverStarts(job.reason))) {
    return 'never';
  }
  return record.state === 'running' && record.workers.connected >= workers ? 'ready' : undefined;
}

/** Stopped: the set's jobs are gone from Slurm. */
export function stopped(record: SetRecord): WaitOutcome | undefined {
  return record.state === 'ended' ? 'ended' : undefined;
}

export interface WatchOptions {
  /** The wait's verdict on a record; undefined: go on waiting. */
  verdict: (record: SetRecord) => WaitOutcome | undefined;
  timeoutMs: number;
  /** Also called this often with the record as it is (a waiting kernel shows the time going by). */
  tickMs?: number;
  /** Every record seen before the verdict. */
  onRecord?: (record: SetRecord) => void;
  /** Gives up early (the waiting client went away). */
  signal?: AbortSignal;
}

/**
 * Resolves with the set's last record and the verdict, at the first change
 * (or tick) that gives one, or with 'timeout'. A set forgotten meanwhile
 * (only an ended set can be) counts as ended.
 */
export function watchSet(
  sets: SetManager,
  id: string,
  options: WatchOptions
): Promise<{ record: SetRecord; outcome: WaitOutcome }> {
  const first = sets.get(id);
  if (!first) {
    return Promise.reject(Object.assign(new Error(`no set with id ${JSON.stringify(id)}`), { statusCode: 404 }));
  }
  return new Promise(resolve => {
    let last = first;
    const finish = (outcome: WaitOutcome): void => {
      unsubscribe();
      clearInterval(ticker);
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', aborted);
      resolve({ record: last, outcome });
    };
    const see = (record: SetRecord | undefined): void => {
      if (!record) {
        finish('ended');
        return;
      }
      last = record;
      const outcome = options.verdict(record);
      if (outcome) {
        finish(outcome);
      } else {
        options.onRecord?.(record);
      }
    };
    const aborted = (): void => finish('timeout');
    const unsubscribe = sets.onChange(record => {
      if (record.id === id) {
        see(record);
      }
    });
    const ticker = setInterval(() => see(sets.get(id)), options.tickMs ?? 1_000);
    const deadline = setTimeout(() => finish('timeout'), options.timeoutMs);
    options.signal?.addEventListener('abort', aborted);
    see(first);
  });
}
