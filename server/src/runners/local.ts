import { open } from 'node:fs/promises';
import { runProcess } from './process';
import { CommandRunner, FileSlice, RunOptions, TransportError } from './types';

export interface LocalRunnerOptions {
  /** Extra environment (e.g. SLURM_CONF) layered over the companion's own. */
  env?: Record<string, string>;
  /** Default timeout when a call gives none. */
  timeoutMs?: number;
}

/** Runs commands on this host with an argv array and no shell. */
export function createLocalRunner(options: LocalRunnerOptions = {}): CommandRunner {
  const env = { ...process.env, ...(options.env ?? {}) };
  const defaultTimeout = options.timeoutMs ?? 30_000;

  async function readFile(path: string, offset: number, maxBytes: number): Promise<FileSlice> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      throw new TransportError(
        `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'local'
      );
    }
    try {
      const { size } = await handle.stat();
      const start = Math.min(offset, size);
      const buffer = Buffer.alloc(Math.max(0, Math.min(maxBytes, size - start)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return {
        data: buffer.subarray(0, bytesRead).toString('utf8'),
        offset: start,
        nextOffset: start + bytesRead,
        size
      };
    } finally {
      await handle.close();
    }
  }

  return {
    label: 'local',
    run: (argv, opts: RunOptions = {}) =>
      runProcess(argv, env, { ...opts, timeoutMs: opts.timeoutMs ?? defaultTimeout }, 'local'),
    readFile,
    close: async () => undefined
  };
}
