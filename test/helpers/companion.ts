import WebSocket from 'ws';
import { buildApp } from '../../server/src/app';
import { ClusterRegistry, createClusterRegistry } from '../../server/src/clusters';
import { ClusterConfig } from '../../server/src/config';
import { PollLimits, createPollControl } from '../../server/src/poll-limits';
import { createRunner } from '../../server/src/runners';
import { POLL_LIMIT_DEFAULTS } from '../../protocol/poll';
import { CommandRunner } from '../../server/src/runners/types';
import { decodeRecords } from '../../protocol/records';
import { Served, serve } from './http';
import { localConf, sshFixture } from './slurm';

export const localCluster = (): ClusterConfig => ({
  name: 'local',
  transport: 'local',
  env: { SLURM_CONF: localConf() }
});
export const remoteCluster = (over: Partial<ClusterConfig> = {}): ClusterConfig => ({
  name: 'remote',
  transport: 'ssh',
  ...sshFixture(),
  ...over
});

/** Counts every command each cluster runs, by command name (e.g. squeue). */
export class CommandCounter {
  readonly counts = new Map<string, number>();
  wrap(cluster: string, runner: CommandRunner): CommandRunner {
    return {
      label: runner.label,
      close: () => runner.close(),
      readFile: (path, offset, max) => runner.readFile(path, offset, max),
      run: (argv, opts) => {
        // named by the program run, also when sh starts it (squeue gets its format on stdin)
        const program = argv[0] === 'sh' && argv[1] === '-c' ? argv[4] : argv[0];
        const key = `${cluster}:${program.split('/').pop()}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        return runner.run(argv, opts);
      }
    };
  }
  get(cluster: string, command: string): number {
    return this.counts.get(`${cluster}:${command}`) ?? 0;
  }
}

export interface TestCompanion {
  served: Served;
  registry: ClusterRegistry;
  counter: CommandCounter;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * A real companion app (real runners, real Slurm) on a loopback port. With `limits`: the
 * admin's poll limits (poll-limits.ts) over the intervals, as main.ts applies them.
 */
export async function startCompanion(
  clusters: ClusterConfig[],
  pollIntervalMs = 1000,
  limits?: Partial<PollLimits>
): Promise<TestCompanion> {
  const counter = new CommandCounter();
  const registry = createClusterRegistry({
    adminClusters: clusters,
    createRunner: c => counter.wrap(c.name, createRunner(c)),
    pollIntervalMs,
    pollMaxBackoffMs: 4_000,
    statusTtlMs: 0
  });
  const poll =
    limits &&
    createPollControl({ ...POLL_LIMIT_DEFAULTS, ...limits }, pollIntervalMs / 1000, s =>
      registry.setIntervals({
        mineMs: s.interval * 1000,
        quietMaxMs: s.quietMaxInterval * 1000,
        allMs: s.allUsersInterval * 1000
      })
    );
  const served = await serve(buildApp({ token: 'test-token', registry, poll }), 'test-token');
  return {
    served,
    registry,
    counter,
    wsUrl: served.url.replace('http', 'ws') + '/api/ws',
    async close() {
      await served.close();
      await registry.close();
    }
  };
}

/** A WebSocket client that records every message. */
export class WsClient {
  readonly messages: Array<Record<string, unknown>> = [];
  private constructor(readonly socket: WebSocket) {
    // snapshots come in the records encoding, decoded as the sidebar decodes them
    socket.on('message', data => {
      const text = String(data);
      this.messages.push(decodeRecords(text) ?? JSON.parse(text));
    });
  }
  static open(url: string, token = 'test-token'): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { authorization: `token ${token}` } });
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }
  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }
  async waitFor(pred: (m: Record<string, unknown>) => boolean, ms = 15_000): Promise<Record<string, unknown>> {
    return waitUntil(() => this.messages.find(pred), ms, 'a WebSocket message');
  }
  close(): void {
    this.socket.close();
  }
}

export async function waitUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 150));
  }
}
