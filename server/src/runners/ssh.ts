import { readFile as readLocalFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client, ClientChannel, ConnectConfig, SFTPWrapper, Stats } from 'ssh2';
import { createLimiter } from '../util/limit';
import { KnownKey, judgeHostKey, keysForHost, knownHostsName } from './known-hosts';
import { NotRegularFileError, READ_TIMEOUT_MS, irregularKind, withDeadline } from './output-file';
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
      const opened: Promise<SFTPWrapper> = new Promise((resolve, reject) =>
        c.sftp((e, s) => {
          if (e) {
            reject(new TransportError(`SFTP on ${label}: ${e.message}`, 'ssh'));
            return;
          }
          // a session that ends (or breaks: an unheard 'error' would crash the companion) is forgotten
          const forget = () => sftpSessions.get(c) === opened && sftpSessions.delete(c);
          s.on('close', forget);
          s.on('error', forget);
          resolve(s);
        })
      );
      session = opened;
      sftpSessions.set(c, session);
      session.catch(() => sftpSessions.delete(c));
    }
    return session;
  }

  /**
   * One slice of a regular file over SFTP. lstat first: the server's
   * sftp-server answers one request at a time, so an open of a named pipe
   * would stall every later read on that session. Each step shares one
   * deadline; past it the session is given up (a new one serves the next read).
   */
  async function readFile(path: string, offset: number, maxBytes: number): Promise<FileSlice> {
    const c = await connection();
    const deadline = Date.now() + READ_TIMEOUT_MS;
    const fail = (e: Error) => new TransportError(`cannot read ${path} on ${label}: ${e.message}`, 'ssh');
    const session = sftp(c);
    const giveUp = () => {
      if (sftpSessions.get(c) === session) {
        sftpSessions.delete(c);
      }
      void session.then(
        s => s.end(),
        () => undefined
      );
    };
    const s = await withDeadline(session, READ_TIMEOUT_MS, () => {
      giveUp();
      return fail(new Error(`SFTP did not start within ${READ_TIMEOUT_MS / 1000} s`));
    });
    const step = <T>(what: string, op: (done: (e: Error | undefined, value: T) => void) => void): Promise<T> =>
      withDeadline(
        new Promise<T>((resolve, reject) => op((e, value) => (e ? reject(fail(e)) : resolve(value)))),
        Math.max(0, deadline - Date.now()),
        () => {
          // a stuck session (e.g. its server blocked in an open) serves nothing more
          giveUp();
          return new TransportError(
            `reading ${path} on ${label} took over ${READ_TIMEOUT_MS / 1000} s (${what}): gave up`,
            'ssh'
          );
        }
      );
    const checkKind = (mode: number) => {
      const kind = irregularKind(mode);
      if (kind) {
        throw new NotRegularFileError(path, kind);
      }
    };
    checkKind((await step<Stats>('lstat', done => s.lstat(path, done))).mode);
    const handle = await step<Buffer>('open', done => s.open(path, 'r', done));
    try {
      const st = await step<Stats>('fstat', done => s.fstat(handle, done));
      checkKind(st.mode);
      const start = Math.min(offset, st.size);
      const length = Math.max(0, Math.min(maxBytes, st.size - start));
      const buffer = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = await step<number>('read', done =>
          s.read(handle, buffer, got, length - got, start + got, (e, bytes) => done(e, bytes))
        );
        if (n === 0) {
          break;
        }
        got += n;
      }
      return { data: buffer.subarray(0, got).toString('utf8'), offset: start, nextOffset: start + got, size: st.size };
    } finally {
      s.close(handle, () => undefined);
    }
  }

  async function hostKeys(): Promise<{ accepted: KnownKey[]; revoked: KnownKey[] }> {
    let text: string;
    try {
      text = await readLocalFile(knownHostsFile, 'utf8');
    } catch {
      throw new TransportError(`cannot read known_hosts file ${knownHostsFile}: host keys must be verified`, 'ssh');
    }
    const known = keysForHost(text, knownHostsName(options.host, port));
    if (known.accepted.length === 0) {
      throw new TransportError(
        `host ${knownHostsName(options.host, port)} is not in ${knownHostsFile}: refusing to connect to an unknown host ` +
          `(add its key, e.g. with ssh-keyscan after checking the fingerprint)`,
        'ssh'
      );
    }
    return known;
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
    const algorithms = [...new Set(known.accepted.flatMap(k => ALGORITHMS_FOR_TYPE[k.type] ?? [k.type]))];
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
          const verdict = judgeHostKey(known, key);
          const name = knownHostsName(options.host, port);
          if (verdict === 'revoked') {
            rejection =
              `HOST KEY REVOKED for ${name}: the key it offered is marked @revoked in ${knownHostsFile}. ` +
              `Refusing to connect (a stolen key may be in use to impersonate the host).`;
          } else if (verdict === 'mismatch') {
            rejection =
              `HOST KEY MISMATCH for ${name}: the key it offered is not the one in ${knownHostsFile}. ` +
              `Refusing to connect (the host may have been reinstalled, or someone is intercepting).`;
          }
          return verdict === 'ok';
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
