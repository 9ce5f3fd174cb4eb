import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The companion lives for hours holding one big generation (a 100k-job queue
 * is ~13 MB of squeue text) and replaces it every poll. V8's defaults suit
 * throughput, not that: young generations grow to 3×16 MB, the old
 * generation keeps each poll's garbage until it feels pressure, and glibc
 * keeps freed output buffers, so the process sat at ~230 MB holding ~25 MB
 * of queue (issue 7: ≤ 120 MB). A small young generation, a full collection
 * after each big poll and mmap'd big buffers keep the resident size near the
 * live size, for ~1% of a core at 100k jobs.
 */
// The young generation's size is fixed at start: the launcher passes --max-semi-space-size=1
// (jupyterlab_hpc/shared/launcher.py NODE_FLAGS) and MALLOC_MMAP_THRESHOLD_ for glibc, which reads it
// at start too. The launcher names what it added: Slurm commands and jobs must not inherit it.
for (const name of (process.env.HPC_COMPANION_ONLY_ENV ?? '').split(',').filter(Boolean)) {
  delete process.env[name];
}
delete process.env.HPC_COMPANION_ONLY_ENV;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

/** Output sizes from which a poll is followed by a full collection. */
const BIG_OUTPUT = 2 * 1024 * 1024;

/**
 * A full collection after a poll of `outputLength` characters, when it was big: on the next
 * turn of the event loop, once the poll's own frames have let go of the old generation. Then
 * `then` with the milliseconds it took (0 when there was nothing to do).
 */
export function collectAfterBigPoll(outputLength: number, then?: (gcMs: number) => void): void {
  if (!gc || outputLength < BIG_OUTPUT) {
    then?.(0);
    return;
  }
  const collect = gc;
  setImmediate(() => {
    const start = performance.now();
    collect();
    then?.(performance.now() - start);
  });
}

/**
 * One full collection once the companion has started: loading the bundle, building the app and
 * its route schemas leave ~5 MB of garbage in a heap too small to feel pressure for hours
 * (issue 12: idle RSS ≤ 60 MB).
 */
export function collectAfterStart(delayMs = 1_000): void {
  const collect = gc;
  if (collect) {
    setTimeout(collect, delayMs).unref();
  }
}
