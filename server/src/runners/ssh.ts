import { readFile as readLocalFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { createLimiter } from '../util/limit';
import { KnownKey, keysForHost, knownHostsName } from './known-hosts';
import { shellCommand } from './shell-quote';
import { CommandResult, CommandRunner, FileSlice, RunOptions, SshTarget, TransportError } from './types';

export interface SshRunnerOptions extends SshTarget {
  timeoutMs?: number;
  /** Concurrent channels on the one connection (sshd's MaxSessions is 10). */
  maxChannels?: number;
  /** Reconnect backoff after failures: 1 s, 2 s, 4 s, ... up to this. */
  maxBackoffMs?: number;
  readyTimeoutMs?: number;
}

/** Key types in known_hosts → the host key algorithms that prove them. */
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521']
};

/**
 * Runs commands on a cluster's front-end over one warm ssh2 connection,
 * opened on first use and reopened (with backoff) when it drops.
 */
export function createSshRunner(options: SshRunnerOptions): CommandRunner {
  const port = options.port ?? 22;
  const label = `${options.user ? options.user + '@' : ''}${options.host}:${port}`;
  const limit = createLimiter(options.maxChannels ?? 8);
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const knownHostsFile = options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');

  let ready: Promise<Client> | undefined;
  let client: Client | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError: TransportError | undefined;
  const inFlight = new Set<(e: Error) => void>();
  // one SFTP session per connection, opened on the first file read
  const sftpSessions = new WeakMap<Client, Promise<SFTPWrapper>>();

  function sftp(c: Client): Promise<SFTPWrapper> {
    let session = sftpSessions.get(c);
    if (!session) {
      session = new Promise((resolve, reject) =>
        c.sftp((e, s) => (e ? reject(new TransportError(`SFTP on ${label}: ${e.message}`, 'ssh')) : resolve(s)))
      );
      sftpSessions.set(c, session);
      session.catch(() => sftpSessions.delete(c));
    }
    return session;
  }

  async function readFile(path: string, offset: number, maxBytes: number): Promise<FileSlice> {
    const s = await limit(async () => sftp(await connection()));
    const fail = (e: Error) => new TransportError(`cannot read ${path} on ${label}: ${e.message}`, 'ssh');
    const handle = await new Promise<Buffer>((resolve, reject) =>
      s.open(path, 'r', (e, h) => (e ? reject(fail(e)) : resolve(h)))
    );
    try {
      const size = await new Promise<number>((resolve, reject) =>
        s.fstat(handle, (e, st) => (e ? reject(fail(e)) : resolve(st.size)))
      );
      const start = Math.min(offset, size);
      const length = Math.max(0, Math.min(maxBytes, size - start));
      const buffer = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = await new Promise<number>((resolve, reject) =>
          s.read(handle, buffer, got, length - got, start + got, (e, bytes) => (e ? reject(fail(e)) : resolve(bytes)))
        );
        if (n === 0) {
          break;
        }
        got += n;
      }
      return { data: buffer.subarray(0, got).toString('utf8'), offset: start, nextOffset: start + got, size };
    } finally {
      s.close(handle, () => undefined);
    }
  }

  async function hostKeys(): Promise<KnownKey[]> {
    let text: string;
    try {
      text = await readLocalFile(knownHostsFile, 'utf8');
    } catch {
      throw new TransportError(`cannot read known_hosts file ${knownHostsFile}: host keys must be verified`, 'ssh');
    }
    const { accepted } = keysForHost(text, knownHostsName(options.host, port));
    if (accepted.length === 0) {
      throw new TransportError(
        `host ${knownHostsName(options.host, port)} is not in ${knownHostsFile}: refusing to connect to an unknown host ` +
          `(add its key, e.g. with ssh-keyscan after checking the fingerprint)`,
        'ssh'
      );
    }
    return accepted;
  }

  async function authConfig(): Promise<Partial<ConnectConfig>> {
    if (options.identityFile) {
      try {
        return { privateKey: await readLocalFile(options.identityFile) };
      } catch (e) {
        throw new TransportError(`cannot read identity file ${options.identityFile}: ${(e as Error).message}`, 'ssh');
      }
    }
    if (process.env.SSH_AUTH_SOCK) {
      return { agent: process.env.SSH_AUTH_SOCK };
    }
    throw new TransportError(`no identityFile configured and no SSH agent (SSH_AUTH_SOCK) for ${label}`, 'ssh');
  }

  async function open(): Promise<Client> {
    const known = await hostKeys();
    const auth = await authConfig();
    const algorithms = [...new Set(known.flatMap(k => ALGORITHMS_FOR_TYPE[k.type] ?? [k.type]))];
    return new Promise((resolve, reject) => {
      const c = new Client();
      let rejection: string | undefined;
      // Our own socket, so Nagle can be turned off: ~40 ms less per command.
      const sock = netConnect({ host: options.host, port });
      sock.setNoDelay(true);
      c.on('ready', () => {
        client = c;
        resolve(c);
      });
      c.on('error', (err: Error & { level?: string }) => {
        const why =
          rejection ??
          (err.level === 'client-authentication'
            ? `authentication to ${label} failed (${err.message})`
            : err.level === 'client-timeout'
              ? `${label} stopped answering keepalives`
              : `cannot connect to ${label}: ${err.message}`);
        const error = new TransportError(why, 'ssh');
        reject(error);
        drop(c, error);
      });
      c.on('close', () => drop(c, new TransportError(`connection to ${label} closed`, 'ssh')));
      c.connect({
        sock,
        host: options.host,
        port,
        username: options.user ?? process.env.USER ?? 'root',
        ...auth,
        readyTimeout: options.readyTimeoutMs ?? 10_000,
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        algorithms: { serverHostKey: algorithms as never },
        hostVerifier: (key: Buffer) => {
          if (known.some(k => k.key.equals(key))) {
            return true;
          }
          rejection =
            `HOST KEY MISMATCH for ${knownHostsName(options.host, port)}: the key it offered is not the one in ` +
            `${knownHostsFile}. Refusing to connect (the host may have been reinstalled, or someone is intercepting).`;
          return false;
        }
      });
    });
  }

  function drop(c: Client, error: TransportError): void {
    if (client === c) {
      client = undefined;
      ready = undefined;
    }
    for (const fail of inFlight) {
      fail(error);
    }
    c.end();
  }

  function connection(): Promise<Client> {
    if (ready) {
      return ready;
    }
    if (lastError && Date.now() < retryAt) {
      const s = Math.ceil((retryAt - Date.now()) / 1000);
      return Promise.reject(new TransportError(`${lastError.message} (retrying in ${s} s)`, 'ssh'));
    }
    const attempt = open().then(
      c => {
        failures = 0;
        lastError = undefined;
        return c;
      },
      (e: unknown) => {
        failures += 1;
        retryAt = Date.now() + Math.min(maxBackoffMs, 1000 * 2 ** (failures - 1));
        lastError = e instanceof TransportError ? e : new TransportError(String(e), 'ssh');
        if (ready === attempt) {
          ready = undefined;
        }
        throw lastError;
      }
    );
    ready = attempt;
    return attempt;
  }

  function exec(c: Client, argv: readonly string[], opts: RunOptions): Promise<CommandResult> {
    const command = shellCommand(argv, options.env);
    return new Promise((resolve, reject) => {
      let stream: ClientChannel | undefined;
      let aborted: CommandResult['aborted'];
      const out: string[] = [];
      const err: string[] = [];
      let stderrText = '';
      const fail = (e: Error) => finish(() => reject(e));
      inFlight.add(fail);
      const timer = setTimeout(() => stop('timeout'), opts.timeoutMs ?? options.timeoutMs ?? 30_000);
      let done = false;
      function finish(settle: () => void): void {
        if (!done) {
          done = true;
          clearTimeout(timer);
          inFlight.delete(fail);
          settle();
        }
      }
      function stop(why: NonNullable<CommandResult['aborted']>): void {
        aborted = why;
        stream?.signal('KILL');
        stream?.close();
        finish(() =>
          resolve({
            code: null,
            signal: 'KILL',
            stdout: out.join(''),
            stderr: err.join(''),
            aborted
          })
        );
      }
      // sshd frees a session slot a moment after the client sees a channel
      // close, so a full server may still refuse a channel: retry briefly.
      const open = (attempt: number): void => {
        c.exec(command, (e, ch) => {
          if (e) {
            if (/open failed|Channel open failure/i.test(e.message) && attempt < 8 && !done) {
              setTimeout(() => open(attempt + 1), 25 * 2 ** attempt);
            } else {
              fail(new TransportError(`cannot run a command on ${label}: ${e.message}`, 'ssh'));
            }
            return;
          }
          attach(ch);
        });
      };
      const attach = (ch: ClientChannel): void => {
        stream = ch;
        // decoded as it streams, as runProcess does: no second copy of a big output as a Buffer
        ch.setEncoding('utf8');
        ch.stderr.setEncoding('utf8');
        ch.on('data', (chunk: string) => out.push(chunk));
        ch.stderr.on('data', (chunk: string) => {
          err.push(chunk);
          if (opts.abortOn && !aborted) {
            stderrText += chunk;
            if (opts.abortOn.test(stderrText)) {
              stop('abortOn');
            }
          }
        });
        ch.on('close', (code: number | null, signal?: string) =>
          finish(() =>
            resolve({
              code: code ?? null,
              signal: signal ?? null,
              stdout: out.join(''),
              stderr: err.join(''),
              aborted
            })
          )
        );
        ch.end(opts.stdin ?? '');
      };
      open(0);
    });
  }

  return {
    label,
    run(argv, opts = {}) {
      if (argv.length === 0) {
        return Promise.reject(new TransportError('empty command', 'ssh'));
      }
      return limit(async () => exec(await connection(), argv, opts));
    },
    readFile,
    async close() {
      const c = client;
      ready = undefined;
      client = undefined;
      c?.end();
    }
  };
}
