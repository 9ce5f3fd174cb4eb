import { QueueData } from './data';
import { newJobs } from './feed';
import type { IQueueJob } from './jobs';
import { PendingReveal } from './reveal';
import { ISelectModifiers, JobSelection } from './selection';
import type { ClusterJobs, StoreChange } from './store';
import { DEFAULT_QUERY, IQueueQuery, JobView, SortColumn } from './view';

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
 * The queue view's model: the shown cluster (see `QueueData` for the live
 * jobs), what the table shows of it (filters, sort), the selection, and
 * revealing a job.
 */
export class QueueModel extends QueueData {
  constructor(options: QueueModel.IOptions) {
    super(options);
    this._clusters.stateChanged.connect(this._onClusters, this);
    this._onClusters();
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
    this._reveal.settle(false);
    this.cluster = cluster;
    const shown = this._reveal.start(cluster, jobId, timeout);
    const jobs = this._store()?.jobs;
    if (jobs) {
      this._tryReveal(jobs.values());
    }
    return shown;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._reveal.settle(false);
    clearTimeout(this._highlightTimer);
    this._clusters.stateChanged.disconnect(this._onClusters, this);
    super.dispose();
  }

  private _view(): JobView | undefined {
    return this._feed.view(this._cluster, this._query);
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

  private _onClusters(): void {
    const names = this._clusters.clusters.map(cluster => cluster.name);
    if (this._clusters.loaded && this._cluster !== null && !names.includes(this._cluster)) {
      // The shown cluster is gone (settings changed), unless a reveal
      // asked for it and it may yet appear.
      if (this._reveal.cluster !== this._cluster) {
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

  protected _onUpdate(store: ClusterJobs, change: StoreChange | null): void {
    let selection = false;
    if (change && store.cluster === this._cluster) {
      const view = this._view();
      selection = this._selection.prune(id => view !== undefined && view.indexOf(id) >= 0);
      // A selected job in a new state (held, released, started) changes which actions apply.
      const ids = this._selection.ids;
      selection ||= ids.size > 0 && (change.reset || change.added.some(job => ids.has(job.id)));
    }
    if (change && this._reveal.cluster === store.cluster) {
      this._tryReveal(newJobs(store, change));
    }
    this._emit(selection);
  }

  /**
   * Show the pending reveal's job if it is among `jobs`.
   */
  private _tryReveal(jobs: Iterable<IQueueJob>): void {
    const ids = this._reveal.match(this._cluster, jobs);
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
    this._reveal.settle(true);
    this._emit(true);
  }

  private _highlighted: ReadonlySet<string> = new Set();
  private _highlightTimer: ReturnType<typeof setTimeout> | undefined;
  private _query: IQueueQuery = DEFAULT_QUERY;
  private _reveal = new PendingReveal();
  private _scrollRequest: QueueModel.IScrollRequest | null = null;
  private _selection = new JobSelection();
}

/**
 * A namespace for `QueueModel` statics.
 */
export namespace QueueModel {
  export type IOptions = QueueData.IOptions;

  export interface IScrollRequest {
    index: number;
    seq: number;
  }
}
