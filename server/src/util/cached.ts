/**
 * Wraps an async function so that concurrent callers share one call and
 * callers within `ttlMs` of its end reuse the result: many open views cost
 * Slurm one command.
 */
export function cached<T>(fn: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (inFlight) {
      return inFlight;
    }
    if (last && now() - last.at < ttlMs) {
      return last.value;
    }
    const p = fn();
    inFlight = p;
    const settle = () => {
      inFlight = undefined;
      last = { at: now(), value: p };
    };
    p.then(settle, settle);
    return p;
  };
}
