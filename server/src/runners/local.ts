import { constants } from 'node:fs';
import { FileHandle, lstat, open } from 'node:fs/promises';
import { NotRegularFileError, READ_TIMEOUT_MS, irregularKind, withDeadline } from './output-file';
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
    const timedOut = () =>
      new TransportError(`reading ${path} took over ${READ_TIMEOUT_MS / 1000} s: gave up`, 'local');
    return withDeadline(readSlice(path, offset, maxBytes), READ_TIMEOUT_MS, timedOut);
  }

  return {
    label: 'local',
    run: (argv, opts: RunOptions = {}) =>
      runProcess(argv, env, { ...opts, timeoutMs: opts.timeoutMs ?? defaultTimeout }, 'local'),
    readFile,
    close: async () => undefined
  };
}

function cannotRead(path: string, e: unknown): TransportError {
  return new TransportError(
    `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    'local'
  );
}

/**
 * One slice of a regular file. lstat first, so a device or a pipe is never
 * opened at all; then open without blocking (O_NONBLOCK: a pipe with no writer
 * would otherwise hold a libuv thread forever) and without following a link
 * swapped in meanwhile, and check what was opened with fstat.
 */
async function readSlice(path: string, offset: number, maxBytes: number): Promise<FileSlice> {
  const before = await lstat(path).catch((e: unknown) => {
    throw cannotRead(path, e);
  });
  const kind = irregularKind(before.mode);
  if (kind) {
    throw new NotRegularFileError(path, kind);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new NotRegularFileError(path, 'a symbolic link');
    }
    throw cannotRead(path, e);
  }
  try {
    const { size, mode } = await handle.stat();
    const opened = irregularKind(mode);
    if (opened) {
      throw new NotRegularFileError(path, opened);
    }
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
