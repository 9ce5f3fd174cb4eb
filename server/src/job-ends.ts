/**
 * What turns the poller's ended jobs into notifications a person wants: one per array (when its
 * last task ends, not one per task), and the jobs the user cancelled through us marked as such.
 */
import { isFinalState } from '../../protocol/jobs';
import type { JobEndedEvent } from '../../protocol/queue';

/**
 * Whether a task of the array is still in the queue, not ended ("123_4", "123_[5-10]"), among
 * squeue's records by id; `stateOf` reads a record's state.
 */
export function arrayLive(
  records: ReadonlyMap<string, string>,
  array: string,
  stateOf: (record: string) => string
): boolean {
  const prefix = `${array}_`;
  for (const [id, record] of records) {
    if (id.startsWith(prefix) && !isFinalState(stateOf(record))) {
      return true;
    }
  }
  return false;
}

/** "123_4" or "123_[5-10]" → "123"; undefined for a job that is not an array task. */
export function arrayJobOf(id: string): string | undefined {
  return /^(\d+)_/.exec(id)?.[1];
}

/**
 * The worst of the task states: any failure beats a cancellation, which beats a completion. A task
 * that left the queue unseen ('') counts as nothing known.
 */
const STATE_RANK = ['', 'COMPLETED', 'CANCELLED', 'PREEMPTED', 'REVOKED'];
function worse(a: string, b: string): string {
  const rank = (s: string): number => (STATE_RANK.includes(s) ? STATE_RANK.indexOf(s) : STATE_RANK.length);
  return rank(b) > rank(a) ? b : a;
}

export interface ArrayEnds {
  /**
   * The events to send for a poll's ended jobs: the others as they are, and for each array whose
   * tasks have all ended (`live(arrayId)` false) one event of all its tasks seen to end.
   */
  collect(events: readonly JobEndedEvent[], live: (arrayId: string) => boolean): JobEndedEvent[];
}

export function createArrayEnds(): ArrayEnds {
  // tasks seen to end, per array still running
  const pending = new Map<string, JobEndedEvent[]>();
  return {
    collect(events, live) {
      const out: JobEndedEvent[] = [];
      const touched = new Set<string>();
      for (const event of events) {
        const array = arrayJobOf(event.id);
        if (array === undefined) {
          out.push(event);
          continue;
        }
        if (event.id.includes('[') && !event.state) {
          // "123_[2-5]" became "123_[3-5]" as task 2 started: its tasks are seen on their own
          continue;
        }
        pending.set(array, [...(pending.get(array) ?? []), event]);
        touched.add(array);
      }
      for (const array of touched) {
        if (live(array)) {
          continue;
        }
        const tasks = pending.get(array) ?? [];
        pending.delete(array);
        const counts: Record<string, number> = {};
        let state = '';
        for (const task of tasks) {
          counts[task.state] = (counts[task.state] ?? 0) + 1;
          state = worse(state, task.state);
        }
        out.push({ id: array, name: tasks[0].name, user: tasks[0].user, state, tasks: counts });
      }
      return out;
    }
  };
}

/** How long a cancellation through us is remembered: far longer than any poll interval. */
const CANCELLED_TTL_MS = 60 * 60_000;

export interface CancelledJobs {
  /** The user cancelled these ids through the companion (an array's id stands for its tasks). */
  mark(ids: readonly string[]): void;
  /** Whether this job, its array or its het job was cancelled through us. */
  has(id: string): boolean;
}

export function createCancelledJobs(now: () => number = Date.now): CancelledJobs {
  const marked = new Map<string, number>();
  return {
    mark(ids) {
      const at = now();
      for (const [id, when] of marked) {
        if (at - when > CANCELLED_TTL_MS) {
          marked.delete(id);
        }
      }
      for (const id of ids) {
        marked.set(id, at);
      }
    },
    has(id) {
      const whole = /^\d+/.exec(id)?.[0];
      return marked.has(id) || (whole !== undefined && marked.has(whole));
    }
  };
}
