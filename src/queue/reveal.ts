/**
 * Showing one job that may not be in the queue yet (just submitted): the
 * pending request, settled when the job arrives or at a deadline.
 */
import type { IQueueJob } from './jobs';

export class PendingReveal {
  /**
   * The cluster of the pending request, or null.
   */
  get cluster(): string | null {
    return this._pending?.cluster ?? null;
  }

  /**
   * Wait for `id` on `cluster` (an earlier request resolves with false).
   * `id` may be what `sbatch --parsable` printed (`123;cluster`); an array
   * or het job's id matches all its tasks or components.
   *
   * @returns Whether the job was shown within `timeout` ms.
   */
  start(cluster: string, id: string, timeout: number): Promise<boolean> {
    this.settle(false);
    return new Promise<boolean>(resolve => {
      const timer = setTimeout(() => this.settle(false), timeout);
      // sbatch --parsable prints "id;cluster" on multi-cluster sites.
      this._pending = { cluster, id: id.split(';')[0].trim(), resolve, timer };
    });
  }

  /**
   * The ids among `jobs` of the pending request's job, if it is on `cluster`.
   */
  match(cluster: string | null, jobs: Iterable<IQueueJob>): string[] {
    const pending = this._pending;
    if (!pending || pending.cluster !== cluster) {
      return [];
    }
    const ids: string[] = [];
    for (const job of jobs) {
      if (job.id === pending.id || job.jobId === pending.id || job.arrayJobId === pending.id) {
        ids.push(job.id);
      }
    }
    return ids;
  }

  settle(shown: boolean): void {
    const pending = this._pending;
    if (pending) {
      this._pending = null;
      clearTimeout(pending.timer);
      pending.resolve(shown);
    }
  }

  private _pending: {
    cluster: string;
    id: string;
    resolve: (shown: boolean) => void;
    timer: ReturnType<typeof setTimeout>;
  } | null = null;
}
