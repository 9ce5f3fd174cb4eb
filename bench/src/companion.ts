import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig } from '../../server/src/config';
import { sleep } from './exec';
import { since } from './stats';

/** One line the companion's poller prints with HPC_COMPANION_TIMINGS=1 (server/src/poller.ts). */
export interface PollTiming {
  poll: number;
  rows: number;
  added: number;
  changed: number;
  removed: number;
  /** squeue through the runner, to its whole output. */
  fetchMs: number;
  /** One pass: split into records, build the id map, compare with the last poll. */
  splitDiffMs: number;
  /** Looking for ids that left the queue (skipped when every old id was seen again). */
  removedMs: number;
  /** Handing the diff to every subscriber (serialized for each open WebSocket). */
  emitMs: number;
  totalMs: number;
}

export interface CompanionOptions {
  /** The companion bundle (jupyterlab_hpc/companion/main.js or the bench's own build). */
  bundle: string;
  /** Scratch directory for its runtime dir, config, data dir and log. */
  dir: string;
  clusters: ClusterConfig[];
  /** Seconds between polls while someone watches. */
  pollInterval: number;
  /** More environment for the companion (e.g. HPC_SET_PYTHON). */
  env?: NodeJS.ProcessEnv;
  /** Node flags and environment as the launcher gives them (launcherSettings). */
  launch: LaunchSettings;
  /** Run as this Unix user (the centre row's users): `dir` is theirs and their HOME. */
  user?: { name: string; uid: number; gid: number };
  /** More members of the config file (e.g. the all-users floor). */
  config?: Record<string, unknown>;
}

export interface LaunchSettings {
  flags: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * The node flags and environment jupyterlab_hpc's launcher starts the companion with, asked
 * of the package itself so that the bench measures the companion as users run it.
 */
export function launcherSettings(python: string): LaunchSettings {
  const code =
    'import json, os\n' +
    'from jupyterlab_hpc.shared.process import NODE_FLAGS, companion_env\n' +
    'print(json.dumps({"flags": list(NODE_FLAGS), "env": companion_env(os.environ)}))';
  return JSON.parse(execFileSync(python, ['-c', code], { encoding: 'utf8' })) as LaunchSettings;
}

/**
 * A real companion process, started the way the Python launcher starts it (the bundle, a
 * runtime dir, a config file), with the poller's timing lines captured from its stderr.
 */
export class Companion {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    /** Every poll so far, appended as the companion prints them. */
    readonly polls: PollTiming[],
    readonly url: string,
    readonly token: string,
    /** Milliseconds from spawn to the connection file being written. */
    readonly startMs: number
  ) {
    child.on('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  static async start(options: CompanionOptions): Promise<Companion> {
    const runtimeDir = join(options.dir, 'runtime');
    mkdirSync(runtimeDir, { recursive: true });
    const config = join(options.dir, 'config.json');
    // The bench's views watch every user's jobs at the bench's own interval: the admin floor for
    // all-users polls (30 s by default, issue 12) is set to it, as a centre could.
    const limits = { minAllUsersInterval: Math.max(0.5, options.pollInterval) };
    const settings = { clusters: options.clusters, pollInterval: options.pollInterval, limits, ...options.config };
    writeFileSync(config, JSON.stringify(settings));
    const user = options.user;
    if (user) {
      chownSync(runtimeDir, user.uid, user.gid);
    }
    const connectionFile = join(runtimeDir, `jupyterlab-hpc-${hostname()}.json`);
    const log = createWriteStream(join(options.dir, 'companion.log'), { flags: 'a' });
    const start = performance.now();
    const args = [options.bundle, '--runtime-dir', runtimeDir, '--config', config];
    // --parent-pid: the companion stops by itself if the bench dies without stopping it
    args.push('--data-dir', join(options.dir, 'data'), '--parent-pid', String(process.pid), '--idle-timeout', '900');
    const child = spawn(process.execPath, [...options.launch.flags, ...args], {
      env: {
        ...options.launch.env,
        ...(user && { HOME: options.dir, USER: user.name, LOGNAME: user.name }),
        ...options.env,
        HPC_COMPANION_TIMINGS: '1'
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user && { uid: user.uid, gid: user.gid })
    });
    const polls: PollTiming[] = [];
    child.stdout?.pipe(log);
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('HPC_TIMING ')) {
          polls.push(JSON.parse(line.slice('HPC_TIMING '.length)) as PollTiming);
        }
      }
    });
    let exitCode: number | null | undefined;
    child.on('exit', code => (exitCode = code));
    for (;;) {
      if (existsSync(connectionFile)) {
        const info = JSON.parse(readFileSync(connectionFile, 'utf8')) as { url: string; token: string };
        return new Companion(child, polls, info.url, info.token, since(start));
      }
      if (exitCode !== undefined) {
        throw new Error(`the companion exited (${exitCode}) before listening: see ${options.dir}/companion.log`);
      }
      if (since(start) > 30_000) {
        child.kill('SIGKILL');
        throw new Error(`the companion did not write ${connectionFile} within 30 s`);
      }
      await sleep(20);
    }
  }

  /** GET with the token; `ms` runs from the request to the last byte of the body. */
  get(path: string): Promise<{ ms: number; bytes: number; body: Buffer; status: number }> {
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const req = request(`${this.url}${path}`, { headers: { authorization: `token ${this.token}` } }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = since(start);
          const body = Buffer.concat(chunks);
          resolve({ ms, bytes: body.length, body, status: res.statusCode ?? 0 });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** A JSON request with the token (POST/DELETE...); the decoded answer. */
  send(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { authorization: `token ${this.token}` };
      if (data) {
        headers['content-type'] = 'application/json';
      }
      const req = request(`${this.url}${path}`, { method, headers }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  /** Resident and peak memory (MB) of the companion process, from /proc. */
  memory(): { rssMb: number; hwmMb: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  }

  /** Waits for a poll timing line matching `pred` (after index `from`). */
  async waitForPoll(pred: (p: PollTiming) => boolean, from: number, timeoutMs: number): Promise<PollTiming> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.polls.slice(from).find(pred);
      if (hit) {
        return hit;
      }
      if (this.exited) {
        throw new Error('the companion exited while the bench waited for a poll');
      }
      if (performance.now() > deadline) {
        throw new Error(`no matching companion poll within ${timeoutMs} ms`);
      }
      await sleep(10);
    }
  }

  async stop(): Promise<void> {
    if (this.exited) {
      return;
    }
    const gone = new Promise<void>(resolve => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 6_000);
    await gone;
    clearTimeout(timer);
  }
}
