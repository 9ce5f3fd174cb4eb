import { BenchContext, benchCluster } from './context';
import { sleep } from './exec';
import { startCompanion } from './row1-queue';
import { View } from './view';

/**
 * The companion's memory (issue 12 point 5), besides row 1's at 100k all-users:
 *  - idle: started as the launcher starts it, no view open;
 *  - own jobs: one "my jobs" view open on a queue of `ownJobs` jobs all of the user's (the
 *    bench's jobs are root's, as is the bench's companion), between polls.
 */
export interface MemoryResult {
  idleRssMb: number;
  ownJobs: number;
  ownRssMb: number;
  ownHwmMb: number;
}

const INTERVAL_S = 1;

export async function measureMemory(ctx: BenchContext, ownJobs: number): Promise<MemoryResult> {
  const companion = await startCompanion(ctx, 'memory', INTERVAL_S);
  let view: View | undefined;
  try {
    await sleep(3000);
    const idleRssMb = companion.memory().rssMb;
    view = await View.open(companion);
    await view.subscribe(benchCluster, false);
    let ownRssMb = 0;
    for (let i = 0; i < 3; i++) {
      await companion.waitForPoll(() => true, companion.polls.length, 10_000);
      await sleep(INTERVAL_S * 500);
      ownRssMb = Math.max(ownRssMb, companion.memory().rssMb);
    }
    return { idleRssMb, ownJobs, ownRssMb, ownHwmMb: companion.memory().hwmMb };
  } finally {
    view?.close();
    await companion.stop();
  }
}
