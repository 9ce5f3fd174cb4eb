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
    // Decoded as it streams: a 14 MB squeue output never exists as a Buffer too, which V8 frees
    // only well after the string is made (issue 7: the companion's resident size).
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const out: string[] = [];
    const err: string[] = [];
    let stderrText = '';
    let aborted: CommandResult['aborted'];
    const timer = setTimeout(() => {
      aborted = 'timeout';
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);

    child.stdout.on('data', (chunk: string) => out.push(chunk));
    child.stderr.on('data', (chunk: string) => {
      err.push(chunk);
      if (opts.abortOn && !aborted) {
        stderrText += chunk;
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
        stdout: out.join(''),
        stderr: err.join(''),
        aborted
      });
    });
    // A command that does not read stdin may close it first: ignore EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}
