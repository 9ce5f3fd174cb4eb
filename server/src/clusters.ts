import { userInfo } from 'node:os';
import type { ClusterStatus } from '../../protocol/clusters';
import { ClusterConfig } from './config';
import { QueuePoller, createQueuePoller } from './poller';
import { CommandRunner } from './runners/types';
import { CancelledJobs, createCancelledJobs } from './job-ends';
import { SlurmAdapter, createSlurmAdapter } from './slurm/adapter';
import { cached } from './util/cached';

export type { ClusterStatus };

export interface Cluster {
  readonly config: ClusterConfig;
  readonly runner: CommandRunner;
  readonly slurm: SlurmAdapter;
  /** The jobs the user cancelled through the companion: their ends are no warning. */
  readonly cancelled: CancelledJobs;
  /** Whose jobs are "my jobs" on this cluster. */
  readonly user: string;
  /**
   * The shared poll of the user's own jobs (`squeue --user=<user>`, filtered inside slurmctld):
   * "my jobs" views, the sets, job-ended notifications, the magics' default.
   */
  readonly queue: QueuePoller;
  /** The shared poll of every user's jobs (a full-queue squeue): only while someone asks for it. */
  readonly allQueue: QueuePoller;
  /** After an action through the companion: every scope someone watches shows its effect now. */
  afterAction(): void;
  /** Partitions (node states, CPUs, memory, GPUs, limits), shared by every caller for one poll interval. */
  status(): Promise<ClusterStatus>;
}

export interface ClusterRegistry {
  list(): Cluster[];
  get(name: string): Cluster | undefined;
  /** Replaces the user's clusters (from the Lab settings); same names win over the admin's. */
  setUserClusters(clusters: ClusterConfig[]): void;
  /** New poll intervals for every cluster, now and to come. */
  setIntervals(intervals: PollIntervals): void;
  close(): Promise<void>;
}

export interface ClusterRegistryDeps {
  adminClusters: ClusterConfig[];
  createRunner: (config: ClusterConfig) => CommandRunner;
  /** How long partitions stay cached (default: the own-jobs poll interval). */
  statusTtlMs?: number;
  pollIntervalMs?: number;
  /** Own jobs: the longest wait while none of them changes (default: pollIntervalMs, a fixed pace). */
  quietMaxMs?: number;
  /** Every user's jobs (default: pollIntervalMs). */
  allUsersIntervalMs?: number;
  /** Longest wait between polls of a failing cluster. */
  pollMaxBackoffMs?: number;
}

/** Milliseconds. */
export interface PollIntervals {
  mineMs: number;
  quietMaxMs: number;
  allMs: number;
}

/** Every cancel through the adapter (job actions, %scancel, a set's stop) is the user's own. */
function rememberCancellations(slurm: SlurmAdapter, cancelled: CancelledJobs): SlurmAdapter {
  return {
    ...slurm,
    async jobAction(action, ids) {
      // before scancel: the poll that sees the end may come before scancel returns
      if (action === 'cancel') {
        cancelled.mark(ids);
      }
      await slurm.jobAction(action, ids);
    }
  };
}

export function createClusterRegistry(deps: ClusterRegistryDeps): ClusterRegistry {
  let clusters = new Map<string, Cluster>();
  const mineMs = deps.pollIntervalMs ?? 5_000;
  const statusTtlMs = deps.statusTtlMs ?? mineMs;
  let intervals: PollIntervals = {
    mineMs,
    quietMaxMs: deps.quietMaxMs ?? mineMs,
    allMs: deps.allUsersIntervalMs ?? mineMs
  };

  function makeCluster(config: ClusterConfig): Cluster {
    const runner = deps.createRunner(config);
    const cancelled = createCancelledJobs();
    const slurm = rememberCancellations(createSlurmAdapter(runner, { binDir: config.slurmBinDir }), cancelled);
    const user = (config.transport !== 'local' && config.user) || userInfo().username;
    // two scopes, one poller each: they share nothing but the runner
    const queue = createQueuePoller({
      fetch: () => slurm.queue({ expandArrays: config.expandArrays, user }),
      intervalMs: intervals.mineMs,
      quietMaxMs: intervals.quietMaxMs,
      maxBackoffMs: deps.pollMaxBackoffMs
    });
    const allQueue = createQueuePoller({
      fetch: () => slurm.queue({ expandArrays: config.expandArrays }),
      intervalMs: intervals.allMs,
      maxBackoffMs: deps.pollMaxBackoffMs
    });
    const afterAction = (): void => {
      void queue.refresh().catch(() => undefined);
      if (allQueue.subscribers > 0) {
        void allQueue.refresh().catch(() => undefined);
      } else {
        allQueue.expire();
      }
    };
    const status = cached(async (): Promise<ClusterStatus> => {
      const base = { name: config.name, transport: config.transport ?? 'local', user };
      try {
        const partitions = await slurm.partitions();
        return { ...base, status: 'ok', partitions, updatedAt: new Date().toISOString() };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        return { ...base, status: 'error', error, partitions: [], updatedAt: new Date().toISOString() };
      }
    }, statusTtlMs);
    return { config, runner, slurm, cancelled, user, queue, allQueue, afterAction, status };
  }

  function apply(configs: ClusterConfig[]): void {
    const next = new Map<string, Cluster>();
    for (const config of configs) {
      const old = clusters.get(config.name);
      // Keep warm connections of clusters whose configuration did not change.
      next.set(config.name, old && JSON.stringify(old.config) === JSON.stringify(config) ? old : makeCluster(config));
    }
    for (const [name, old] of clusters) {
      if (next.get(name) !== old) {
        old.queue.dispose();
        old.allQueue.dispose();
        void old.runner.close().catch(() => undefined);
      }
    }
    clusters = next;
  }

  apply(deps.adminClusters);

  return {
    list: () => [...clusters.values()],
    get: name => clusters.get(name),
    setUserClusters(user) {
      const merged = new Map(deps.adminClusters.map(c => [c.name, c] as const));
      for (const c of user) {
        merged.set(c.name, c);
      }
      apply([...merged.values()]);
    },
    setIntervals(next) {
      intervals = next;
      for (const c of clusters.values()) {
        c.queue.setIntervals(next.mineMs, next.quietMaxMs);
        c.allQueue.setIntervals(next.allMs);
      }
    },
    async close() {
      for (const c of clusters.values()) {
        c.queue.dispose();
        c.allQueue.dispose();
      }
      await Promise.all([...clusters.values()].map(c => c.runner.close()));
    }
  };
}
