import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createLimiter } from '../util/limit';
import { controlDirChooser, ensurePrivateDir } from './control-dir';
import { NotRegularFileError, READ_TIMEOUT_MS, irregularKind } from './output-file';
import { runProcess } from './process';
import { shellCommand } from './shell-quote';
import { CommandResult, CommandRunner, FileSlice, RunOptions, SshTarget, TransportError } from './types';

export interface OpensshRunnerOptions extends SshTarget {
  /** Extra `-o Key=Value` options, e.g. ProxyJump=gateway (the user's own ssh settings). */
  sshOptions?: string[];
  timeoutMs?: number;
  /** Where the ControlMaster sockets live: a directory of ours, mode 0700 (made if missing, checked before each use). */
  controlDir?: string;
  /** The companion's runtime directory: the sockets' default home when $XDG_RUNTIME_DIR is not usable. */
  runtimeDir?: string;
}

/**
 * The system `ssh` client, for sites that need what ssh2 lacks (Kerberos/GSSAPI,
 * ProxyJump, the user's ~/.ssh/config). One multiplexed master connection per
 * cluster keeps commands warm, like the ssh2 transport.
 */
export function createOpensshRunner(options: OpensshRunnerOptions): CommandRunner {
  const label = `${options.user ? options.user + '@' : ''}${options.host}:${options.port ?? 22} (openssh)`;
  const chooseDir = options.controlDir
    ? async () => options.controlDir as string
    : controlDirChooser(options.runtimeDir);
  // Our own short name for the master's socket rather than ssh's 40-hex %C: it keeps the path
  // within a socket's ~104 bytes under a deep home directory. It covers what %C does (this host,
  // the target, the user) and the settings that make it a different connection (a master opened
  // with another known_hosts file must not serve this one).
  const socketName = createHash('sha256')
    .update(
      JSON.stringify([
        hostname(),
        options.host,
        options.port,
        options.user,
        options.identityFile,
        options.knownHostsFile,
        options.sshOptions
      ])
    )
    .digest('hex')
    .slice(0, 16);
  /** The ControlPath, after checking (before every use) that the directory is still private and ours. */
  const controlPath = async () => join(await ensurePrivateDir(await chooseDir()), socketName);
  // sessions multiplexed on the master count against sshd's MaxSessions (10)
  const limit = createLimiter(8);

  const sshArgv = (controlPath: string, remoteCommand: string): string[] => {
    const argv = [
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPath=${controlPath}`,
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
      const lines = result.stderr
        .trim()
        .split('\n')
        .map(l => l.trim());
      // ssh's banner for a revoked key ends with a generic line: name the cause
      const why = lines.find(l => /marked as revoked|was revoked/.test(l)) ?? (lines.pop() || 'ssh failed');
      throw new TransportError(`${label}: ${why}`, 'openssh');
    }
    return result;
  }

  async function run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const result = await limit(async () =>
      runProcess(
        sshArgv(await controlPath(), shellCommand(argv, options.env)),
        process.env,
        { ...opts, timeoutMs: opts.timeoutMs ?? options.timeoutMs ?? 30_000 },
        'openssh'
      )
    );
    return checkTransport(result);
  }

  async function readFile(path: string, offset: number, maxBytes: number): Promise<FileSlice> {
    // One remote sh, the path and numbers as its arguments (never in the script): the file's
    // type and size without following a link, then the slice only if it is a regular file;
    // `timeout` bounds it all, so a pipe swapped in after the check cannot hold a session.
    const script =
      'stat -c "%f %s" -- "$1" || exit 3; [ -f "$1" ] && [ ! -h "$1" ] || exit 0; ' +
      'tail -c +"$2" -- "$1" | head -c "$3"';
    const remoteSeconds = READ_TIMEOUT_MS / 1000 - 1;
    const argv = [
      'timeout',
      String(remoteSeconds),
      'sh',
      '-c',
      script,
      'sh',
      path,
      String(offset + 1),
      String(maxBytes)
    ];
    const result = checkTransport(
      await limit(async () =>
        runProcess(
          sshArgv(await controlPath(), shellCommand(argv)),
          process.env,
          { timeoutMs: READ_TIMEOUT_MS },
          'openssh'
        )
      )
    );
    if (result.aborted || result.code === 124) {
      throw new TransportError(`reading ${path} on ${label} took over ${remoteSeconds} s: gave up`, 'openssh');
    }
    if (result.code !== 0) {
      throw new TransportError(`cannot read ${path} on ${label}: ${result.stderr.trim()}`, 'openssh');
    }
    const nl = result.stdout.indexOf('\n');
    const [mode, sizeText] = result.stdout.slice(0, nl).split(' ');
    const kind = irregularKind(parseInt(mode, 16));
    if (kind) {
      throw new NotRegularFileError(path, kind);
    }
    const size = Number(sizeText);
    const data = result.stdout.slice(nl + 1);
    const start = Math.min(offset, size);
    return { data, offset: start, nextOffset: start + Buffer.byteLength(data), size };
  }

  return {
    label,
    run,
    readFile,
    async close() {
      // ask the master connection to exit
      const path = await controlPath().catch(() => undefined);
      if (!path) {
        return; // no private directory: no master of ours to stop
      }
      await runProcess(
        ['ssh', '-o', `ControlPath=${path}`, '-O', 'exit', '--', options.host],
        process.env,
        { timeoutMs: 5_000 },
        'openssh'
      ).catch(() => undefined);
    }
  };
}
