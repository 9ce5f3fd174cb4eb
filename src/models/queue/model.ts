import { VDomModel } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';

import type { IHpcClusters, IHpcPartition } from '../../tokens';
import type { HpcSocket } from '../../ws';
import type { IQueueJob } from './jobs';
import { ISelectModifiers, JobSelection } from './selection';
import { ClusterJobs, QueueStatus, StoreChange } from './store';
import { IQueueQuery, JobView, SortColumn } from './view';

/**
 * How long a revealed job stays highlighted.
 */
const HIGHLIGHT_MS = 4000;

/**
 * How long `reveal` waits by default for a job to show up (a submitted job
 * appears with the companion's next poll).
 */
const REVEAL_TIMEOUT_MS = 60_000;

/**
 * Newest jobs first.
 */
const DEFAULT_QUERY: IQueueQuery = {
  text: '',
  state: '',
  partition: '',
  sort: { column: 'id', ascending: false }
};

/**
 * The queue view's model: the jobs of every cluster (mine, or everyone's on
 * the shown cluster when asked), live from the companion's socket; what the
 * table shows of the chosen cluster; the selection.
 *
 * It subscribes to every cluster the clusters model lists, not only the
 * shown one, so that job-ended notifications come for all of them; the
 * companion polls each cluster once per interval whatever the number of
 * subscribers.
 */
export class QueueModel extends VDomModel {
  constructor(options: QueueModel.IOptions) {
    super();
    this._socket = options.socket;
    this._clusters = options.clusters;
    this._socket.messageReceived.connect(this._onMessage, this);
    this._socket.statusChanged.connect(this._onConnection, this);
    this._clusters.stateChanged.connect(this._onClusters, this);
    this._onClusters();
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
   * The shown cluster; null until the clusters model lists one.
   */
  get cluster(): string | null {
    return this._cluster;
  }

  set cluster(cluster: string | null) {
    if (cluster === this._cluster) {
      return;
    }
    this._cluster = cluster;
    // Filters of one cluster's partitions mean nothing on another.
    this._query = { ...this._query, partition: '', state: '' };
    this._selection.clear();
    this._syncSubscriptions();
    this._emit(true);
  }

  /**
   * Whether the shown cluster lists every user's jobs, not only mine.
   */
  get showAll(): boolean {
    return this._showAll;
  }

  set showAll(all: boolean) {
    if (all === this._showAll) {
      return;
    }
    this._showAll = all;
    this._syncSubscriptions();
    this._emit(false);
  }

  get query(): IQueueQuery {
    return this._query;
  }

  /**
   * Change the filters; the selection keeps only the jobs still shown, so
   * that an action never hits a job the user cannot see.
   */
  setFilter(filter: Partial<Pick<IQueueQuery, 'text' | 'state' | 'partition'>>): void {
    this._setQuery({ ...this._query, ...filter });
  }

  /**
   * Sort by `column`; again on the same column reverses the order.
   */
  sortBy(column: SortColumn): void {
    const { sort } = this._query;
    this._setQuery({
      ...this._query,
      sort: { column, ascending: sort.column === column ? !sort.ascending : column !== 'id' }
    });
  }

  /**
   * The shown cluster's jobs that pass the filters, sorted.
   */
  get rows(): ReadonlyArray<IQueueJob> {
    return this._view()?.rows ?? [];
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

  get selectedIds(): ReadonlySet<string> {
    return this._selection.ids;
  }

  /**
   * The selected jobs of the shown cluster.
   */
  get selectedJobs(): ReadonlyArray<IQueueJob> {
    const jobs = this._store()?.jobs;
    if (!jobs) {
      return [];
    }
    return [...this._selection.ids].map(id => jobs.get(id)).filter((job): job is IQueueJob => job !== undefined);
  }

  /**
   * The job under the keyboard cursor.
   */
  get cursor(): string | null {
    return this._selection.cursor;
  }

  /**
   * The cursor's row index, -1 if not shown.
   */
  get cursorIndex(): number {
    const cursor = this._selection.cursor;
    return cursor === null ? -1 : (this._view()?.indexOf(cursor) ?? -1);
  }

  /**
   * Jobs just revealed, highlighted for a few seconds.
   */
  get highlighted(): ReadonlySet<string> {
    return this._highlighted;
  }

  /**
   * A row the table should scroll to: a new `seq` asks again.
   */
  get scrollRequest(): QueueModel.IScrollRequest | null {
    return this._scrollRequest;
  }

  /**
   * Select a row as clicking it with `modifiers` does.
   */
  click(index: number, modifiers: ISelectModifiers = {}): void {
    this._selection.click(this.rows, index, modifiers, this._anchorIndex());
    this._emit(true);
  }

  /**
   * Move the keyboard cursor by `delta` rows (see `JobSelection.move`) and
   * scroll to it.
   */
  moveCursor(delta: number, mode: 'select' | 'range' | 'keep' = 'select'): void {
    this._selection.move(this.rows, this.cursorIndex, delta, mode, this._anchorIndex());
    this._scrollTo(this.cursorIndex);
    this._emit(true);
  }

  /**
   * Toggle the cursor's row in the selection.
   */
  toggleCursor(): void {
    this._selection.toggleCursor();
    this._emit(true);
  }

  /**
   * Show a job: switch to its cluster, select it, scroll to it and
   * highlight it. A job the companion has not polled yet (just submitted)
   * is shown when it arrives, within `timeout` ms. An array or het job's id
   * (`123`) shows all its tasks or components.
   *
   * @returns Whether the job was shown.
   */
  reveal(cluster: string, jobId: string, timeout = REVEAL_TIMEOUT_MS): Promise<boolean> {
    // sbatch --parsable prints "id;cluster" on multi-cluster sites.
    const id = jobId.split(';')[0].trim();
    this._settleReveal(false);
    this.cluster = cluster;
    return new Promise<boolean>(resolve => {
      const timer = setTimeout(() => this._settleReveal(false), timeout);
      this._reveal = { cluster, id, resolve, timer };
      const jobs = this._store()?.jobs;
      if (jobs) {
        this._tryReveal(jobs.values());
      }
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._settleReveal(false);
    clearTimeout(this._highlightTimer);
    this._socket.messageReceived.disconnect(this._onMessage, this);
    this._socket.statusChanged.disconnect(this._onConnection, this);
    this._clusters.stateChanged.disconnect(this._onClusters, this);
    super.dispose();
  }

  private _store(cluster = this._cluster): ClusterJobs | undefined {
    return cluster === null ? undefined : this._stores.get(cluster);
  }

  private _view(): JobView | undefined {
    const store = this._store();
    if (!store) {
      return undefined;
    }
    let view = this._views.get(store.cluster);
    if (!view) {
      view = new JobView(store.jobs, this._query);
      this._views.set(store.cluster, view);
    }
    view.query = this._query;
    return view;
  }

  private _anchorIndex(): number {
    const anchor = this._selection.anchor;
    return anchor === null ? -1 : (this._view()?.indexOf(anchor) ?? -1);
  }

  private _setQuery(query: IQueueQuery): void {
    this._query = query;
    const view = this._view();
    if (view) {
      view.query = query;
      this._selection.prune(id => view.indexOf(id) >= 0);
    }
    this._emit(true);
  }

  private _scrollTo(index: number): void {
    if (index >= 0) {
      this._scrollRequest = { index, seq: (this._scrollRequest?.seq ?? 0) + 1 };
    }
  }

  private _emit(selection: boolean): void {
    this.stateChanged.emit();
    if (selection) {
      this._selectionChanged.emit();
    }
  }

  /**
   * Subscribe to the listed clusters (and the shown one), everyone's jobs
   * on the shown cluster if asked; unsubscribe from the others.
   */
  private _syncSubscriptions(): void {
    const wanted = new Map<string, boolean>();
    for (const name of this.clusterNames) {
      wanted.set(name, name === this._cluster && this._showAll);
    }
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

  private _onClusters(): void {
    const names = this._clusters.clusters.map(cluster => cluster.name);
    if (this._clusters.loaded && this._cluster !== null && !names.includes(this._cluster)) {
      // The shown cluster is gone (settings changed), unless a reveal
      // asked for it and it may yet appear.
      if (this._reveal?.cluster !== this._cluster) {
        this._cluster = null;
        this._selection.clear();
      }
    }
    if (this._cluster === null && names.length > 0) {
      this._cluster = names[0];
    }
    this._syncSubscriptions();
    // Partitions and node counts come from here too.
    this._emit(false);
  }

  private _onConnection(): void {
    this._emit(false);
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
      this._emit(false);
      return;
    }
    const change = message.type === 'snapshot' ? store.applySnapshot(message) : store.applyDiff(message);
    this._views.get(store.cluster)?.update(store.jobs, change);
    let selection = false;
    if (store.cluster === this._cluster) {
      const view = this._view();
      selection = this._selection.prune(id => view !== undefined && view.indexOf(id) >= 0);
    }
    if (this._reveal?.cluster === store.cluster) {
      this._tryReveal(revealCandidates(store, change));
    }
    this._emit(selection);
  }

  /**
   * Show the pending reveal's job if it is among `jobs`.
   */
  private _tryReveal(jobs: Iterable<IQueueJob>): void {
    const reveal = this._reveal;
    if (!reveal || reveal.cluster !== this._cluster) {
      return;
    }
    const ids: string[] = [];
    for (const job of jobs) {
      if (job.id === reveal.id || job.jobId === reveal.id || job.arrayJobId === reveal.id) {
        ids.push(job.id);
      }
    }
    if (ids.length === 0) {
      return;
    }
    let view = this._view();
    if (view && ids.every(id => view?.indexOf(id) === -1)) {
      // The filters hide it: drop them rather than reveal nothing.
      this._setQuery({ ...DEFAULT_QUERY, sort: this._query.sort });
      view = this._view();
    }
    this._selection.set(ids);
    this._highlighted = new Set(ids);
    clearTimeout(this._highlightTimer);
    this._highlightTimer = setTimeout(() => {
      this._highlighted = new Set();
      this._emit(false);
    }, HIGHLIGHT_MS);
    this._scrollTo(view?.indexOf(ids[0]) ?? -1);
    this._settleReveal(true);
    this._emit(true);
  }

  private _settleReveal(shown: boolean): void {
    const reveal = this._reveal;
    if (reveal) {
      this._reveal = null;
      clearTimeout(reveal.timer);
      reveal.resolve(shown);
    }
  }

  private _cluster: string | null = null;
  private _clusters: IHpcClusters;
  private _highlighted: ReadonlySet<string> = new Set();
  private _highlightTimer: ReturnType<typeof setTimeout> | undefined;
  private _query: IQueueQuery = DEFAULT_QUERY;
  private _reveal: {
    cluster: string;
    id: string;
    resolve: (shown: boolean) => void;
    timer: ReturnType<typeof setTimeout>;
  } | null = null;
  private _scrollRequest: QueueModel.IScrollRequest | null = null;
  private _selection = new JobSelection();
  private _selectionChanged = new Signal<this, void>(this);
  private _showAll = false;
  private _socket: HpcSocket;
  private _stores = new Map<string, ClusterJobs>();
  private _subscribed = new Map<string, boolean>();
  private _views = new Map<string, JobView>();
}

/**
 * A namespace for `QueueModel` statics.
 */
export namespace QueueModel {
  export interface IOptions {
    socket: HpcSocket;
    clusters: IHpcClusters;
  }

  export interface IScrollRequest {
    index: number;
    seq: number;
  }
}

/**
 * The jobs a change may have brought: all of them after a snapshot, the
 * added and changed ones after a diff.
 */
function revealCandidates(store: ClusterJobs, change: StoreChange): Iterable<IQueueJob> {
  return change.reset ? store.jobs.values() : change.added;
}
