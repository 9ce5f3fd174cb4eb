import { isLive } from './state';
import { SetJob, SetWorker } from './types';

/**
 * Scaling a set down, as a plan: first drop worker jobs still pending (nothing
 * to retire there), then retire connected workers — those of the newest
 * scale-up jobs first, the head job's own workers last — and cancel the
 * scale-up jobs left empty. A retired worker exits cleanly; the head job keeps
 * running when its own worker step empties (its script waits for the head
 * only), so no plan ever ends the set. A set whose workers cannot be retired
 * one by one (a custom set) cancels whole scale-up jobs, newest first.
 */
export interface ScaleDownPlan {
  cancelPending: string[];
  /** Worker names for the monitor to retire. */
  retire: string[];
  /** Scale-up jobs every worker of which is retired. */
  cancelAfter: string[];
}

export function planScaleDown(
  jobs: SetJob[],
  requested: number,
  target: number,
  connected: SetWorker[],
  canRetire = true
): ScaleDownPlan {
  let excess = requested - target;
  const plan: ScaleDownPlan = { cancelPending: [], retire: [], cancelAfter: [] };
  const scaleJobs = jobs.filter(j => j.role === 'workers' && isLive(j)).reverse();
  for (const job of scaleJobs) {
    // a set that cannot retire single workers (a custom one) drops whole scale-up jobs, running ones too
    if ((job.state === 'PENDING' || !canRetire) && job.workers <= excess) {
      plan.cancelPending.push(job.id);
      excess -= job.workers;
    }
  }
  if (!canRetire) {
    return plan;
  }
  // the newest job first (its index in `jobs`), then the highest task number
  const order = new Map(jobs.map((j, i) => [j.id, j.role === 'head' ? -1 : i] as const));
  const rank = (w: SetWorker): number => (w.job !== null ? (order.get(w.job) ?? -1) : -1);
  const candidates = connected
    .filter(w => !plan.cancelPending.includes(w.job ?? ''))
    .sort((a, b) => rank(b) - rank(a) || b.name.localeCompare(a.name, 'en', { numeric: true }));
  plan.retire = candidates.slice(0, Math.max(0, excess)).map(w => w.name);
  for (const job of scaleJobs) {
    if (plan.cancelPending.includes(job.id)) {
      continue;
    }
    const mine = connected.filter(w => w.job === job.id);
    const retired = mine.filter(w => plan.retire.includes(w.name));
    if (retired.length > 0 && retired.length === mine.length && mine.length >= job.workers) {
      plan.cancelAfter.push(job.id);
    }
  }
  return plan;
}
