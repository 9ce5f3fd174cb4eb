/**
 * The Job History's model: a cluster's jobs from Slurm's accounting (sacct, through the
 * companion) over a date range and a state, filtered by name here (sacct matches whole names
 * only), sorted, arrays grouped and opened on demand, one job selected. A cluster without
 * accounting is a state of its own (`unavailable`, with the companion's one line).
 */
import { ServerConnection } from '@jupyterlab/services';
import { VDomModel } from '@jupyterlab/ui-components';

import { FINAL_STATES } from '../../protocol/jobs';
import type { HistoryGroup, HistoryQuery } from '../../protocol/history';
import type { ITableSort } from '../queue/queueTable';
import { errorText } from '../shared/errorText';
import type { IHpcClusters } from '../tokens';
import { fetchHistory } from './api';
import type { IHistoryFilters } from './filters';
import { DEFAULT_HISTORY_SORT, HistoryColumn, historyRows, IHistoryRow } from './rows';

export type HistoryStatus = 'loading' | 'ok' | 'error' | 'unavailable';

/** The states the filter offers: the final ones, and RUNNING (sacct lists jobs that still run). */
export const HISTORY_STATES: ReadonlyArray<string> = [...FINAL_STATES, 'RUNNING'];

/** Days back the range starts by default. */
const DEFAULT_DAYS = 7;

/** `YYYY-MM-DD` of a local date. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The sacct options of the filters: whole days, the last one included. The end is always
 * given: with `--state` and no `--endtime`, sacct looks at the start time only.
 */
export function historyQuery(filters: IHistoryFilters): HistoryQuery {
  return {
    ...(filters.start && { start: `${filters.start}T00:00:00` }),
    end: filters.end ? `${filters.end}T23:59:59` : 'now',
    ...(filters.state && { state: filters.state })
  };
}

export class HistoryModel extends VDomModel {
  constructor(options: HistoryModel.IOptions) {
    super();
    this._clusters = options.clusters;
    this._settings = options.serverSettings ?? ServerConnection.makeSettings();
    const today = options.today?.() ?? new Date();
    const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - DEFAULT_DAYS);
    this._filters = { start: isoDay(start), end: '', state: '', name: '' };
    this._clusters.stateChanged.connect(this._onClusters, this);
    this._onClusters();
  }

  /** The clusters to choose from. */
  get clusterNames(): ReadonlyArray<string> {
    return this._clusters.clusters.map(c => c.name);
  }

  /** The shown cluster; null until the clusters model lists one. */
  get cluster(): string | null {
    return this._cluster;
  }

  set cluster(cluster: string | null) {
    if (cluster !== this._cluster) {
      this._cluster = cluster;
      this._groups = [];
      this._selectedId = null;
      void this.refresh();
    }
  }

  get filters(): IHistoryFilters {
    return this._filters;
  }

  /** Change the filters; the range and state ask the companion again, the name filters here. */
  setFilters(filters: Partial<IHistoryFilters>): void {
    const next = { ...this._filters, ...filters };
    const refetch = JSON.stringify(historyQuery(next)) !== JSON.stringify(historyQuery(this._filters));
    this._filters = next;
    this._rows = null;
    if (refetch) {
      void this.refresh();
    } else {
      this.stateChanged.emit();
    }
  }

  get status(): HistoryStatus {
    return this._status;
  }

  /** Why there are no rows: the companion's line for a cluster without accounting, or an error. */
  get message(): string | null {
    return this._message;
  }

  get updatedAt(): Date | null {
    return this._updatedAt;
  }

  /** Jobs and array tasks the companion answered (before the name filter). */
  get count(): number {
    return this._count;
  }

  /** Jobs before the name filter, an array counted once. */
  get total(): number {
    return this._groups.length;
  }

  get sort(): ITableSort<HistoryColumn> {
    return this._sort;
  }

  /** Sort by `column`; again on the same column reverses the order. */
  sortBy(column: HistoryColumn): void {
    const { sort } = this;
    this._sort = { column, ascending: sort.column === column ? !sort.ascending : column !== 'id' };
    this._rows = null;
    this.stateChanged.emit();
  }

  /** The rows shown, filtered by name and sorted. */
  get rows(): ReadonlyArray<IHistoryRow> {
    this._rows ??= historyRows(this._groups, { sort: this._sort, name: this._filters.name, opened: this._opened });
    return this._rows;
  }

  /** The selected row (a job, an array or a task); null when none. */
  get selected(): IHistoryRow | null {
    return this.rows.find(row => row.id === this._selectedId) ?? null;
  }

  select(id: string | null): void {
    if (id !== this._selectedId) {
      this._selectedId = id;
      this.stateChanged.emit();
    }
  }

  /** Select the row `delta` rows from the selected one (the keyboard's arrows). */
  move(delta: number): void {
    const rows = this.rows;
    const at = rows.findIndex(row => row.id === this._selectedId);
    const index = Math.max(0, Math.min(rows.length - 1, (at < 0 ? -1 : at) + delta));
    if (rows[index]) {
      this._scrollSeq++;
      this.select(rows[index].id);
    }
  }

  /** The table scrolls to the selected row after a keyboard move. */
  get scrollRequest(): { index: number; seq: number } | null {
    const index = this.rows.findIndex(row => row.id === this._selectedId);
    return index < 0 ? null : { index, seq: this._scrollSeq };
  }

  /** Show or hide an array's tasks. */
  toggle(id: string): void {
    if (!this._opened.delete(id)) {
      this._opened.add(id);
    }
    this._rows = null;
    this.stateChanged.emit();
  }

  isOpen(id: string): boolean {
    return this._opened.has(id);
  }

  /** Ask the companion again; a later call supersedes an earlier one still under way. */
  async refresh(): Promise<void> {
    const cluster = this._cluster;
    if (cluster === null) {
      return;
    }
    const seq = ++this._seq;
    this._status = 'loading';
    this.stateChanged.emit();
    try {
      const answer = await fetchHistory(cluster, historyQuery(this._filters), this._settings);
      if (seq !== this._seq || this.isDisposed) {
        return;
      }
      if (answer.accounting) {
        [this._groups, this._count, this._status, this._message] = [answer.groups, answer.count, 'ok', null];
      } else {
        [this._groups, this._count, this._status, this._message] = [[], 0, 'unavailable', answer.message];
      }
      this._updatedAt = new Date();
    } catch (error) {
      if (seq !== this._seq || this.isDisposed) {
        return;
      }
      [this._status, this._message] = ['error', errorText(error)];
    }
    this._rows = null;
    this.stateChanged.emit();
  }

  dispose(): void {
    if (!this.isDisposed) {
      this._clusters.stateChanged.disconnect(this._onClusters, this);
      super.dispose();
    }
  }

  /** Pick the first cluster once the clusters model lists some (a restored one is kept). */
  private _onClusters(): void {
    const names = this.clusterNames;
    if (this._cluster === null && names.length > 0) {
      this.cluster = names[0];
    } else {
      this.stateChanged.emit();
    }
  }

  private _clusters: IHpcClusters;
  private _cluster: string | null = null;
  private _count = 0;
  private _filters: IHistoryFilters;
  private _groups: ReadonlyArray<HistoryGroup> = [];
  private _message: string | null = null;
  private _opened = new Set<string>();
  private _rows: IHistoryRow[] | null = null;
  private _scrollSeq = 0;
  private _selectedId: string | null = null;
  private _seq = 0;
  private _settings: ServerConnection.ISettings;
  private _sort: ITableSort<HistoryColumn> = DEFAULT_HISTORY_SORT;
  private _status: HistoryStatus = 'loading';
  private _updatedAt: Date | null = null;
}

export namespace HistoryModel {
  export interface IOptions {
    /** The clusters to choose from. */
    clusters: IHpcClusters;
    serverSettings?: ServerConnection.ISettings;
    /** Today, for the default range (tests pin it). */
    today?: () => Date;
  }
}
