import { VDomModel } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';

import type { HpcSocket } from '../shared/ws';
import type { PollSettings } from '../../protocol/poll';
import type { IHpcClusters, IHpcPartition, IHpcPollSettings } from '../tokens';
import { QueueFeed } from './feed';
import type { IQueueJob } from './jobs';
import type { ClusterJobs, QueueStatus, StoreChange } from './store';

/**
 * What the companion says of the queue: the clusters to choose from, the
 * subscriptions (every listed cluster, so that job-ended notifications
 * come for all of them; everyone's jobs on the shown one when asked), and
 * the shown cluster's status. `QueueModel` adds what the user does with it.
 */
export abstract class QueueData extends VDomModel {
  constructor(options: QueueData.IOptions) {
    super();
    this._socket = options.socket;
    this._clusters = options.clusters;
    this._feed = new QueueFeed(this._socket, (store, change) => this._onUpdate(store, change));
    this._socket.statusChanged.connect(this._onConnection, this);
    this._poll = options.poll ?? null;
    this._poll?.changed.connect(this._onPollSettings, this);
  }

  /**
   * The companion's poll intervals in force; null until known.
   */
  get pollSettings(): PollSettings | null {
    return this._poll?.settings ?? null;
  }

  /**
   * Whether the admin lets users see every user's jobs.
   */
  get allUsersAllowed(): boolean {
    return this.pollSettings?.allowAllUsers ?? true;
  }

  /**
   * Emits when the selected jobs change (for the commands' enabled state).
   */
  get selectionChanged(): ISignal<this, void> {
    return this._selectionChanged;
  }

  /**
   * The clusters to choose from: the clusters model's, and the shown one.
   */
  get clusterNames(): ReadonlyArray<string> {
    const names = this._clusters.clusters.map(cluster => cluster.name);
    return this._cluster !== null && !names.includes(this._cluster) ? [...names, this._cluster] : names;
  }

  /**
   * Whether the shown cluster lists every user's jobs, not only mine.
   */
  get showAll(): boolean {
    return this._showAll && this.allUsersAllowed;
  }

  set showAll(all: boolean) {
    if (all === this._showAll) {
      return;
    }
    this._showAll = all;
    this._syncSubscriptions();
    this._emit(false);
  }

  /**
   * Number of jobs of the shown cluster, filtered or not.
   */
  get total(): number {
    return this._store()?.jobs.size ?? 0;
  }

  get status(): QueueStatus {
    return this._store()?.status ?? 'loading';
  }

  /**
   * Slurm's message while the status is `error` or `stale`.
   */
  get error(): string | null {
    return this._store()?.error ?? null;
  }

  /**
   * Why some of the shown cluster's jobs may be missing, or null.
   */
  get warning(): string | null {
    return this._store()?.warning ?? null;
  }

  /**
   * When the companion's poll of the shown cluster last succeeded.
   */
  get updatedAt(): Date | null {
    return this._store()?.updatedAt ?? null;
  }

  /**
   * The state of the socket to the companion.
   */
  get connection(): HpcSocket.Status {
    return this._socket.status;
  }

  /**
   * The states of the shown jobs, for the state filter.
   */
  get states(): ReadonlyArray<string> {
    return [...(this._store()?.stateCounts.keys() ?? [])].sort();
  }

  /**
   * The shown cluster's partitions with their node counts, from the
   * clusters model.
   */
  get partitions(): ReadonlyArray<IHpcPartition> {
    return this._clusters.clusters.find(cluster => cluster.name === this._cluster)?.partitions ?? [];
  }

  /**
   * Partitions for the partition filter: the cluster's and those its jobs
   * name.
   */
  get partitionNames(): ReadonlyArray<string> {
    const names = new Set(this.partitions.map(partition => partition.name));
    for (const name of this._store()?.partitionCounts.keys() ?? []) {
      names.add(name);
    }
    return [...names].sort();
  }

  /**
   * A subscribed cluster's jobs by id (mine, or everyone's on the shown cluster when asked).
   */
  jobsOf(cluster: string): ReadonlyMap<string, IQueueJob> | undefined {
    return this._feed.store(cluster)?.jobs;
  }

  protected _store(): ClusterJobs | undefined {
    return this._feed.store(this._cluster);
  }

  protected _emit(selection: boolean): void {
    this.stateChanged.emit();
    if (selection) {
      this._selectionChanged.emit();
    }
  }

  /**
   * Subscribe to the listed clusters (and the shown one), everyone's jobs
   * on the shown cluster if asked; unsubscribe from the others.
   */
  protected _syncSubscriptions(): void {
    const wanted = new Map<string, boolean>();
    for (const name of this.clusterNames) {
      wanted.set(name, name === this._cluster && this.showAll);
    }
    this._feed.subscribe(wanted);
  }

  protected _onConnection(): void {
    this._emit(false);
  }

  private _onPollSettings(): void {
    // all users turned off: back to my jobs
    this._syncSubscriptions();
    this._emit(false);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._feed.dispose();
    this._socket.statusChanged.disconnect(this._onConnection, this);
    this._poll?.changed.disconnect(this._onPollSettings, this);
    super.dispose();
  }

  /**
   * A message changed a cluster's jobs (or its poll failed: no `change`).
   */
  protected abstract _onUpdate(store: ClusterJobs, change: StoreChange | null): void;

  protected _cluster: string | null = null;
  protected _clusters: IHpcClusters;
  protected _feed: QueueFeed;
  protected _selectionChanged = new Signal<this, void>(this);
  protected _showAll = false;
  protected _socket: HpcSocket;
  private _poll: IHpcPollSettings | null;
}

/**
 * A namespace for `QueueData` statics.
 */
export namespace QueueData {
  export interface IOptions {
    socket: HpcSocket;
    clusters: IHpcClusters;
    /** The poll intervals in force and the admin's limits. */
    poll?: IHpcPollSettings | null;
  }
}
