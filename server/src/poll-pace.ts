import { JOB_FIELD_NAMES } from '../../protocol/jobs';
import { recordFields } from './slurm/squeue';

/**
 * The pace of one poll scope (poller.ts). While the watched jobs do not change, the wait
 * doubles after each unchanged poll, up to `quietMaxMs`; any change, a new view or an action
 * through the companion brings it back to `baseMs` at once. With quietMaxMs = baseMs the
 * pace is fixed (the all-users scope).
 */
export interface PollPace {
  /** The wait before the next poll. */
  readonly delayMs: number;
  readonly baseMs: number;
  /** After a good poll: did the watched jobs change? */
  observe(changed: boolean): void;
  /** Back to the base interval (a change seen elsewhere, a new view, an action). */
  reset(): void;
  setIntervals(baseMs: number, quietMaxMs: number): void;
}

export function createPollPace(baseMs: number, quietMaxMs = baseMs): PollPace {
  let base = baseMs;
  let cap = Math.max(baseMs, quietMaxMs);
  let delay = base;
  return {
    get delayMs() {
      return delay;
    },
    get baseMs() {
      return base;
    },
    observe(changed) {
      delay = changed ? base : Math.min(cap, delay * 2);
    },
    reset() {
      delay = base;
    },
    setIntervals(nextBase, nextCap) {
      base = nextBase;
      cap = Math.max(nextBase, nextCap);
      delay = base;
    }
  };
}

/** Fields that tick on their own while a job runs: a change of these alone is no change of the job. */
const TICKING = new Set([JOB_FIELD_NAMES.indexOf('elapsed'), JOB_FIELD_NAMES.indexOf('timeLeft')]);

/** Whether a job's new record differs from its old one in more than its clocks. */
export function changedBeyondClocks(oldRecord: string, newRecord: string): boolean {
  const a = recordFields(oldRecord);
  const b = recordFields(newRecord);
  return a.length !== b.length || a.some((field, i) => field !== b[i] && !TICKING.has(i));
}
