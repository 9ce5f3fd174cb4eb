import { ServerConnection } from '@jupyterlab/services';
import { VDomModel } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';

import { requestAPI } from '../shared/api';
import type { PartitionResources } from '../../protocol/resources';
import type { IHpcCluster, IHpcClusterConfig, IHpcClusters, IHpcNodeCounts, IHpcPartition } from '../tokens';

/**
 * Default seconds between fetches (the `refreshInterval` setting's default).
 */
export const DEFAULT_REFRESH_INTERVAL = 5;

/**
 * The clusters model: polls `GET hpc/api/clusters` and keeps the last good
 * reply, the last error, and whether a fetch is under way.
 */
export class ClustersModel extends VDomModel implements IHpcClusters {
  constructor(options: ClustersModel.IOptions = {}) {
    super();
    this._serverSettings = options.serverSettings ?? ServerConnection.makeSettings();
    this._interval = validInterval(options.refreshInterval);
    this._poll = new Poll({
      auto: options.auto ?? true,
      factory: () => this._fetch(),
      frequency: frequency(this._interval),
      name: 'jupyterlab-hpc:clusters',
      // Slurm queries are not free for the cluster: stop asking while the
      // browser tab is hidden.
      standby: 'when-hidden'
    });
  }

  get clusters(): ReadonlyArray<IHpcCluster> {
    return this._clusters;
  }

  get loaded(): boolean {
    return this._lastUpdated !== null;
  }

  get refreshing(): boolean {
    return this._pending > 0;
  }

  get error(): string | null {
    return this._error;
  }

  get lastUpdated(): Date | null {
    return this._lastUpdated;
  }

  get stale(): boolean {
    return this.loaded && this._error !== null;
  }

  get configError(): string | null {
    return this._configError;
  }

  get refreshInterval(): number {
    return this._interval;
  }
  set refreshInterval(seconds: number) {
    const interval = validInterval(seconds);
    if (interval === this._interval) {
      return;
    }
    this._interval = interval;
    // The new frequency only applies from the next scheduled tick, which
    // may be a long interval away: refresh so it takes effect now.
    this._poll.frequency = frequency(interval);
    void this._poll.refresh();
  }

  refresh(): Promise<void> {
    return this._poll.refresh();
  }

  setUserClusters(clusters: ReadonlyArray<IHpcClusterConfig>): Promise<void> {
    this._resendArmed = true;
    return this._queueSend(clusters, false);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    super.dispose();
  }

  private _queueSend(clusters: ReadonlyArray<IHpcClusterConfig>, again: boolean): Promise<void> {
    const body = JSON.stringify({ clusters });
    // Chain the sends so the companion receives them in the order the
    // settings changed; a failed send does not block later ones.
    const sent = this._configQueue.then(() => this._sendUserClusters(clusters, body, again));
    this._configQueue = sent.catch(() => undefined);
    return sent;
  }

  /**
   * PUT the user's clusters, unless they are what was last sent (settings
   * also change for other reasons) and this is not a deliberate resend.
   */
  private async _sendUserClusters(
    clusters: ReadonlyArray<IHpcClusterConfig>,
    body: string,
    again: boolean
  ): Promise<void> {
    if (body === this._sentConfig && !again) {
      return;
    }
    try {
      await requestAPI<unknown>(
        'config/user-clusters',
        {
          method: 'PUT',
          body,
          headers: { 'Content-Type': 'application/json' }
        },
        this._serverSettings
      );
    } catch (error) {
      this._configError = message(error);
      this.stateChanged.emit();
      throw error;
    }
    this._sentConfig = body;
    this._sentClusters = clusters;
    this._configError = null;
    this.stateChanged.emit();
    await this.refresh();
  }

  /**
   * The companion keeps the user's clusters in memory only: if it restarts
   * (the server extension restarts it when it dies), they are gone from its
   * reply. Send them again then, but once only until they show up again
   * (or the settings change), so a companion that keeps dropping them is
   * not asked in a loop.
   */
  private _checkUserClusters(): void {
    const shown = new Set(this._clusters.map(c => c.name));
    if (this._sentClusters.every(c => shown.has(c.name))) {
      this._resendArmed = true;
      return;
    }
    if (this._resendArmed) {
      this._resendArmed = false;
      this._queueSend(this._sentClusters, true).catch(reason => {
        console.error('jupyterlab-hpc: could not send your clusters again.', reason);
      });
    }
  }

  /**
   * The poll's factory. Rejects on failure so the poll backs off.
   */
  private async _fetch(): Promise<void> {
    // A manual refresh can start a fetch while an earlier one is still
    // waiting on a slow cluster: only the newest reply may be applied.
    const request = ++this._requestId;
    this._pending++;
    this.stateChanged.emit();
    try {
      const reply = await requestAPI<unknown>('clusters', { method: 'GET' }, this._serverSettings);
      if (request === this._requestId && !this.isDisposed) {
        this._clusters = normalizeReply(reply);
        this._lastUpdated = new Date();
        this._error = null;
        this._checkUserClusters();
      }
    } catch (error) {
      if (request === this._requestId && !this.isDisposed) {
        this._error = message(error);
      }
      throw error;
    } finally {
      this._pending--;
      if (!this.isDisposed) {
        this.stateChanged.emit();
      }
    }
  }

  private _clusters: ReadonlyArray<IHpcCluster> = [];
  private _configError: string | null = null;
  private _configQueue: Promise<void> = Promise.resolve();
  private _error: string | null = null;
  private _interval: number;
  private _lastUpdated: Date | null = null;
  private _pending = 0;
  private _poll: Poll;
  private _requestId = 0;
  private _resendArmed = true;
  private _sentClusters: ReadonlyArray<IHpcClusterConfig> = [];
  private _sentConfig: string | null = null;
  private _serverSettings: ServerConnection.ISettings;
}

/**
 * A namespace for `ClustersModel` statics.
 */
export namespace ClustersModel {
  /**
   * Options to create a clusters model.
   */
  export interface IOptions {
    /**
     * Whether to start polling at once; defaults to `true`.
     */
    auto?: boolean;
    /**
     * Seconds between fetches; defaults to 5.
     */
    refreshInterval?: number;
    /**
     * Server connection settings; defaults to the page's.
     */
    serverSettings?: ServerConnection.ISettings;
  }
}

/**
 * The longest wait between fetches while backing off after failures.
 */
const MAX_BACKOFF_MS = 5 * 60 * 1000;

function validInterval(seconds: number | undefined): number {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(1, seconds) : DEFAULT_REFRESH_INTERVAL;
}

function frequency(seconds: number): {
  interval: number;
  backoff: boolean;
  max: number;
} {
  const interval = seconds * 1000;
  return {
    interval,
    backoff: true,
    max: Math.max(interval, MAX_BACKOFF_MS)
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Dict = { [key: string]: unknown };

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Check the reply's shape and fill in what a partial reply lacks, so the
 * view can trust the types.
 */
function normalizeReply(reply: unknown): IHpcCluster[] {
  if (!isDict(reply) || !Array.isArray(reply.clusters)) {
    throw new Error('Unexpected reply from hpc/api/clusters');
  }
  return reply.clusters
    .filter((cluster): cluster is Dict => isDict(cluster) && typeof cluster.name === 'string')
    .map(cluster => {
      const ok = cluster.status === 'ok';
      const error = typeof cluster.error === 'string' ? cluster.error : undefined;
      return {
        name: cluster.name as string,
        transport: cluster.transport === 'ssh' ? 'ssh' : 'local',
        // Anything but "ok" cannot be trusted to have partitions.
        status: ok ? 'ok' : 'error',
        updatedAt: typeof cluster.updatedAt === 'string' ? cluster.updatedAt : undefined,
        error: ok ? error : (error ?? `Status: ${String(cluster.status)}`),
        partitions: Array.isArray(cluster.partitions) ? cluster.partitions.filter(isDict).map(normalizePartition) : []
      };
    });
}

function normalizePartition(partition: Dict): IHpcPartition {
  const nodes: Dict = isDict(partition.nodes) ? partition.nodes : {};
  const counts: IHpcNodeCounts = {
    total: count(nodes.total),
    idle: count(nodes.idle),
    allocated: count(nodes.allocated),
    mixed: count(nodes.mixed),
    down: count(nodes.down),
    other: count(nodes.other)
  };
  return {
    name: String(partition.name ?? ''),
    default: partition.default === true,
    available: typeof partition.available === 'string' ? partition.available : '',
    nodes: counts,
    ...normalizeResources(partition)
  };
}

/**
 * CPUs, memory, GPUs and limits; zeros (and no limit) where an older
 * companion sends none.
 */
function normalizeResources(partition: Dict): PartitionResources {
  const dict = (value: unknown): Dict => (isDict(value) ? value : {});
  const cpus = dict(partition.cpus);
  const memory = dict(partition.memory);
  const gpus = dict(partition.gpus);
  const limits = dict(partition.limits);
  const orNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  return {
    cpus: {
      allocated: count(cpus.allocated),
      idle: count(cpus.idle),
      other: count(cpus.other),
      total: count(cpus.total)
    },
    memory: { totalMB: count(memory.totalMB), allocatedMB: count(memory.allocatedMB) },
    gpus: { total: count(gpus.total), allocated: count(gpus.allocated) },
    limits: {
      maxTimeMinutes: orNull(limits.maxTimeMinutes),
      defaultTimeMinutes: orNull(limits.defaultTimeMinutes),
      maxNodes: count(limits.maxNodes),
      maxCpusPerNode: count(limits.maxCpusPerNode),
      maxMemPerNodeMB: count(limits.maxMemPerNodeMB)
    }
  };
}
