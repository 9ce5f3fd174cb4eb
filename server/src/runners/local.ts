import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { CommandResult, CommandRunner, FileSlice, RunOptions, TransportError } from './types';

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

  function run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    if (argv.length === 0) {
      return Promise.reject(new TransportError('empty command', 'local'));
    }
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), {
        env,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe']
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let stderrText = '';
      let aborted: CommandResult['aborted'];
      const timer = setTimeout(() => {
        aborted = 'timeout';
        child.kill('SIGKILL');
      }, opts.timeoutMs ?? defaultTimeout);

      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        err.push(chunk);
        if (opts.abortOn && !aborted) {
          stderrText += chunk.toString('utf8');
          if (opts.abortOn.test(stderrText)) {
            aborted = 'abortOn';
            child.kill('SIGKILL');
          }
        }
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = e.code === 'ENOENT' ? `command not found: ${argv[0]}` : e.message;
        reject(new TransportError(why, 'local'));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          aborted
        });
      });
      // A command that does not read stdin may close it first: ignore EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

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

  return { label: 'local', run, readFile, close: async () => undefined };
}
