import { spawn } from 'node:child_process';
import { CommandResult, CommandRunner, RunOptions, TransportError } from './types';

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

  return { label: 'local', run, close: async () => undefined };
}
