/**
 * When the companion should stop on its own: its parent (the Jupyter server or
 * kernel that started it) is gone, or nobody used it for `idleTimeoutMs`.
 */
export interface LifecycleOptions {
  parentPid?: number;
  idleTimeoutMs: number;
  /** Something still needs the companion even without requests (e.g. an open WebSocket). */
  busy?: () => boolean;
  /** `cause` tells a server that ended ('parent-gone') from a companion nobody used ('idle'). */
  onStop: (reason: string, cause: StopCause) => void;
  checkEveryMs?: number;
}

export type StopCause = 'parent-gone' | 'idle' | 'signal';

export interface Lifecycle {
  touch(): void;
  dispose(): void;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function watchLifecycle(options: LifecycleOptions): Lifecycle {
  let lastActivity = Date.now();
  const timer = setInterval(() => {
    if (options.parentPid && !isAlive(options.parentPid)) {
      options.onStop(`parent process ${options.parentPid} is gone`, 'parent-gone');
    } else if (
      options.idleTimeoutMs > 0 &&
      Date.now() - lastActivity > options.idleTimeoutMs &&
      !(options.busy?.() ?? false)
    ) {
      options.onStop(`idle for ${Math.round(options.idleTimeoutMs / 1000)} s`, 'idle');
    }
  }, options.checkEveryMs ?? 2_000);
  timer.unref();
  return {
    touch: () => {
      lastActivity = Date.now();
    },
    dispose: () => clearInterval(timer)
  };
}
