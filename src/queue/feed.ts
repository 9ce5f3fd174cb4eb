/**
 * The queue's live data: one store of jobs per subscribed cluster, kept by
 * the companion's snapshots and diffs, and the filtered, sorted view of
 * each.
 */
import type { HpcSocket } from '../shared/ws';
import type { IQueueJob } from './jobs';
import { ClusterJobs, StoreChange } from './store';
import { IQueueQuery, JobView } from './view';

export class QueueFeed {
  /**
   * @param updated - Called after a message changed a cluster's store, with
   *   the change (null for an error of the cluster's poll).
   */
  constructor(
    private readonly _socket: HpcSocket,
    private readonly _updated: (store: ClusterJobs, change: StoreChange | null) => void
  ) {
    this._socket.messageReceived.connect(this._onMessage, this);
  }

  store(cluster: string | null): ClusterJobs | undefined {
    return cluster === null ? undefined : this._stores.get(cluster);
  }

  /**
   * The view of a cluster's jobs under `query`, made on first use.
   */
  view(cluster: string | null, query: IQueueQuery): JobView | undefined {
    const store = this.store(cluster);
    if (!store) {
      return undefined;
    }
    let view = this._views.get(store.cluster);
    if (!view) {
      view = new JobView(store.jobs, query);
      this._views.set(store.cluster, view);
    }
    view.query = query;
    return view;
  }

  /**
   * Subscribe to the `wanted` clusters (true: everyone's jobs, false: mine);
   * unsubscribe from the others.
   */
  subscribe(wanted: ReadonlyMap<string, boolean>): void {
    for (const [name, all] of wanted) {
      let store = this._stores.get(name);
      if (!store) {
        store = new ClusterJobs(name);
        this._stores.set(name, store);
      }
      if (this._subscribed.get(name) !== all) {
        if (this._subscribed.has(name)) {
          // A new snapshot with the other set of users is on its way.
          store.setLoading();
        }
        this._subscribed.set(name, all);
        this._socket.subscribe(name, all);
      }
    }
    for (const name of [...this._subscribed.keys()]) {
      if (!wanted.has(name)) {
        this._socket.unsubscribe(name);
        this._subscribed.delete(name);
        this._stores.delete(name);
        this._views.delete(name);
      }
    }
  }

  dispose(): void {
    this._socket.messageReceived.disconnect(this._onMessage, this);
  }

  private _onMessage(_: HpcSocket, message: HpcSocket.ServerMessage): void {
    if (message.type === 'job-ended') {
      return;
    }
    const store = message.cluster === undefined ? undefined : this._stores.get(message.cluster);
    if (!store) {
      if (message.type === 'error') {
        console.warn('jupyterlab-hpc: the companion reported an error:', message.error);
      }
      return;
    }
    if (message.type === 'error') {
      store.setError(message.error);
      this._updated(store, null);
      return;
    }
    const change = message.type === 'snapshot' ? store.applySnapshot(message) : store.applyDiff(message);
    this._views.get(store.cluster)?.update(store.jobs, change);
    this._updated(store, change);
  }

  private _stores = new Map<string, ClusterJobs>();
  private _subscribed = new Map<string, boolean>();
  private _views = new Map<string, JobView>();
}

/**
 * The jobs a change may have brought: all of them after a snapshot, the
 * added and changed ones after a diff.
 */
export function newJobs(store: ClusterJobs, change: StoreChange): Iterable<IQueueJob> {
  return change.reset ? store.jobs.values() : change.added;
}
