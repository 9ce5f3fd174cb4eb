/**
 * Runs at most `max` tasks at once; the rest wait in order. sshd refuses the
 * 11th concurrent channel on one connection outright (MaxSessions 10), so the
 * SSH runner queues instead.
 */
export function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const next = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return task =>
    new Promise((resolve, reject) => {
      const start = () => {
        active += 1;
        task().then(resolve, reject).finally(next);
      };
      if (active < max) {
        start();
      } else {
        waiting.push(start);
      }
    });
}
