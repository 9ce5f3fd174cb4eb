import { spawn } from 'node:child_process';
import { CommandResult, RunOptions, TransportError } from './types';

/**
 * Runs one process from an argv array (never a shell), collecting its output,
 * feeding stdin, enforcing the timeout and abortOn. Shared by the transports
 * that run a local process: `local` (the Slurm command itself) and `openssh`
 * (the system ssh client).
 */
export function runProcess(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: RunOptions,
  transport: string
): Promise<CommandResult> {
  if (argv.length === 0) {
    return Promise.reject(new TransportError('empty command', transport));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let stderrText = '';
    let aborted: CommandResult['aborted'];
    const timer = setTimeout(() => {
      aborted = 'timeout';
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);

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
      reject(new TransportError(e.code === 'ENOENT' ? `command not found: ${argv[0]}` : e.message, transport));
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
