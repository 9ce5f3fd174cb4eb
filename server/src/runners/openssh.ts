import { mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createLimiter } from '../util/limit';
import { runProcess } from './process';
import { shellCommand, shellQuote } from './shell-quote';
import { CommandResult, CommandRunner, FileSlice, RunOptions, SshTarget, TransportError } from './types';

export interface OpensshRunnerOptions extends SshTarget {
  /** Extra `-o Key=Value` options, e.g. ProxyJump=gateway (the user's own ssh settings). */
  sshOptions?: string[];
  timeoutMs?: number;
  /** Where the ControlMaster sockets live (a private directory). */
  controlDir?: string;
}

/**
 * The system `ssh` client, for sites that need what ssh2 lacks (Kerberos/GSSAPI,
 * ProxyJump, the user's ~/.ssh/config). One multiplexed master connection per
 * cluster keeps commands warm, like the ssh2 transport.
 */
export function createOpensshRunner(options: OpensshRunnerOptions): CommandRunner {
  const label = `${options.user ? options.user + '@' : ''}${options.host}:${options.port ?? 22} (openssh)`;
  const controlDir = options.controlDir ?? join(tmpdir(), `jupyterlab-hpc-ssh-${userInfo().uid}`);
  mkdirSync(controlDir, { recursive: true, mode: 0o700 });
  // sessions multiplexed on the master count against sshd's MaxSessions (10)
  const limit = createLimiter(8);

  const sshArgv = (remoteCommand: string): string[] => {
    const argv = [
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPath=${join(controlDir, '%C')}`,
      '-o',
      'ControlPersist=300',
      '-o',
      'ServerAliveInterval=10'
    ];
    if (options.knownHostsFile) {
      argv.push('-o', `UserKnownHostsFile=${options.knownHostsFile}`);
    }
    for (const o of options.sshOptions ?? []) {
      argv.push('-o', o);
    }
    if (options.port) {
      argv.push('-p', String(options.port));
    }
    if (options.identityFile) {
      argv.push('-i', options.identityFile, '-o', 'IdentitiesOnly=yes');
    }
    if (options.user) {
      argv.push('-l', options.user);
    }
    // '--': the host can never be read as an option
    return [...argv, '--', options.host, remoteCommand];
  };

  /** ssh itself failed (exit 255): that is the transport's error, not the command's. */
  function checkTransport(result: CommandResult): CommandResult {
    if (result.code === 255) {
      const why = result.stderr.trim().split('\n').pop() || 'ssh failed';
      throw new TransportError(`${label}: ${why}`, 'openssh');
    }
    return result;
  }

  async function run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const result = await limit(() =>
      runProcess(
        sshArgv(shellCommand(argv, options.env)),
        process.env,
        { ...opts, timeoutMs: opts.timeoutMs ?? options.timeoutMs ?? 30_000 },
        'openssh'
      )
    );
    return checkTransport(result);
  }

  async function readFile(path: string, offset: number, maxBytes: number): Promise<FileSlice> {
    const q = shellQuote(path);
    // size, then the slice: `tail -c +N` counts from 1
    const line = `stat -L -c %s -- ${q} && tail -c +${offset + 1} -- ${q} | head -c ${maxBytes}`;
    const result = checkTransport(
      await limit(() => runProcess(sshArgv(line), process.env, { timeoutMs: 30_000 }, 'openssh'))
    );
    if (result.code !== 0) {
      throw new TransportError(`cannot read ${path} on ${label}: ${result.stderr.trim()}`, 'openssh');
    }
    const nl = result.stdout.indexOf('\n');
    const size = Number(result.stdout.slice(0, nl));
    const data = result.stdout.slice(nl + 1);
    const start = Math.min(offset, size);
    return { data, offset: start, nextOffset: start + Buffer.byteLength(data), size };
  }

  return {
    label,
    run,
    readFile,
    async close() {
      // ask the master connection to exit: the same port and user, or ssh computes another ControlPath
      const target = [
        ...(options.port ? ['-p', String(options.port)] : []),
        ...(options.user ? ['-l', options.user] : [])
      ];
      await runProcess(
        ['ssh', '-o', `ControlPath=${join(controlDir, '%C')}`, ...target, '-O', 'exit', '--', options.host],
        process.env,
        { timeoutMs: 5_000 },
        'openssh'
      ).catch(() => undefined);
    }
  };
}
