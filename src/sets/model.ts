/**
 * The model of the sidebar's "Parallel clusters" section: the user's Dask
 * and IPyParallel sets, live from the companion's socket (`sets` on every
 * connection, then `set` on every change), loaded over REST too so the
 * section fills even while the socket is down; and what the cards are
 * doing (a scale, a stop, a connect in flight; a set just revealed).
 */
import { VDomModel } from '@jupyterlab/ui-components';
import type { IDisposable } from '@lumino/disposable';

import type { HpcSocket } from '../shared/ws';
import { asSetRecord, asSetRecords, ISetRecord, IStartSetRequest, SetConnection, SetsApi } from './api';

/**
 * How long a revealed card stays highlighted (as the queue's rows).
 */
const HIGHLIGHT_MS = 4000;

/**
 * How long a set started elsewhere (a notebook's `%dask start`) may take to
 * arrive before `reveal` gives up on it.
 */
const REVEAL_TIMEOUT_MS = 60_000;

/**
 * Elapsed and remaining times move by the second while a set is alive.
 */
const TICK_MS = 1000;

/**
 * What a card is doing; its buttons are disabled meanwhile.
 */
export type SetAction = 'scale' | 'stop' | 'forget' | 'connect' | 'dashboard';

export class SetsModel extends VDomModel {
  constructor(options: SetsModel.IOptions) {
    super();
    this._api = options.api;
    if (options.socket) {
      this._listeners = [
        options.socket.addListener('sets', message => this._replace(asSetRecords(message.sets))),
        options.socket.addListener('set', message => {
          const record = asSetRecord(message.record);
          if (record) {
            this._upsert(record);
          }
        })
      ];
    }
  }

  /**
   * The sets, alive ones first (newest first), then ended ones (most
   * recently ended first).
   */
  get sets(): ReadonlyArray<ISetRecord> {
    return this._sorted;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * The last failure to load the sets over REST; null once they loaded.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * The clock the cards compute elapsed and remaining times with (ms).
   */
  get now(): number {
    return this._now;
  }

  get highlighted(): ReadonlySet<string> {
    return this._highlighted;
  }

  /**
   * What each set's card is doing, by set id.
   */
  get busy(): ReadonlyMap<string, SetAction> {
    return this._busy;
  }

  get(id: string): ISetRecord | undefined {
    return this._records.get(id);
  }

  /**
   * Load the sets over REST (the socket's `sets` message does the same on
   * every connection).
   */
  async refresh(): Promise<void> {
    try {
      this._replace(await this._api.list());
      this._error = null;
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._emit();
    }
  }

  /**
   * Start a set; rejects with the server's refusal (see `startProblems`).
   */
  async start(request: IStartSetRequest): Promise<ISetRecord> {
    const record = await this._api.start(request);
    this._upsert(record);
    this.reveal(record.id);
    return record;
  }

  scale(id: string, workers: number): Promise<void> {
    return this._act(id, 'scale', async () => this._upsert(await this._api.scale(id, workers)));
  }

  stop(id: string): Promise<void> {
    return this._act(id, 'stop', async () => this._upsert(await this._api.stop(id)));
  }

  /**
   * Drop an ended set's record (and its directory on the cluster).
   */
  forget(id: string): Promise<void> {
    return this._act(id, 'forget', async () => {
      await this._api.forget(id);
      // The companion announces no removal: other tabs see it on reload.
      this._records.delete(id);
      this._update();
    });
  }

  connection(id: string): Promise<SetConnection> {
    return this._api.connection(id);
  }

  /**
   * Mark a card busy while `work` runs (a connect, opening a dashboard).
   */
  track<T>(id: string, action: SetAction, work: () => Promise<T>): Promise<T> {
    return this._act(id, action, work);
  }

  /**
   * Highlight a set's card for a few seconds; a set not listed yet (just
   * started by a notebook) is highlighted when it arrives.
   */
  reveal(id: string): void {
    if (this._records.has(id)) {
      this._highlight(id);
      return;
    }
    this._pendingReveals.set(id, Date.now() + REVEAL_TIMEOUT_MS);
    void this.refresh();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._listeners.forEach(listener => listener.dispose());
    clearInterval(this._ticker);
    this._highlightTimers.forEach(timer => clearTimeout(timer));
    super.dispose();
  }

  private async _act<T>(id: string, action: SetAction, work: () => Promise<T>): Promise<T> {
    if (this._busy.has(id)) {
      throw new Error('This set is busy; try again in a moment.');
    }
    this._busy = new Map(this._busy).set(id, action);
    this._emit();
    try {
      return await work();
    } finally {
      const busy = new Map(this._busy);
      busy.delete(id);
      this._busy = busy;
      this._emit();
    }
  }

  private _replace(records: ISetRecord[]): void {
    this._records = new Map(records.map(record => [record.id, record]));
    this._loaded = true;
    this._update();
  }

  private _upsert(record: ISetRecord): void {
    const known = this._records.get(record.id);
    // A REST reply may be older than a socket message that overtook it.
    if (known && known.updatedAt > record.updatedAt) {
      return;
    }
    this._records.set(record.id, record);
    this._update();
  }

  private _update(): void {
    const now = Date.now();
    for (const [id, until] of this._pendingReveals) {
      if (this._records.has(id) || until < now) {
        this._pendingReveals.delete(id);
        if (this._records.has(id)) {
          this._highlight(id);
        }
      }
    }
    const alive = (r: ISetRecord): boolean => r.state !== 'ended';
    this._sorted = [...this._records.values()].sort((a, b) => {
      if (alive(a) !== alive(b)) {
        return alive(a) ? -1 : 1;
      }
      const key = (r: ISetRecord): string => (alive(r) ? r.createdAt : (r.endedAt ?? r.updatedAt));
      return key(b).localeCompare(key(a));
    });
    this._syncTicker();
    this._emit();
  }

  private _highlight(id: string): void {
    this._highlighted = new Set(this._highlighted).add(id);
    clearTimeout(this._highlightTimers.get(id));
    this._highlightTimers.set(
      id,
      setTimeout(() => {
        const highlighted = new Set(this._highlighted);
        highlighted.delete(id);
        this._highlighted = highlighted;
        this._highlightTimers.delete(id);
        this._emit();
      }, HIGHLIGHT_MS)
    );
    this._emit();
  }

  /**
   * Tick while some set is alive, so its elapsed and remaining times move.
   */
  private _syncTicker(): void {
    const needed = this._sorted.some(record => record.state !== 'ended');
    if (needed && this._ticker === undefined) {
      this._ticker = setInterval(() => {
        this._now = Date.now();
        this._emit();
      }, TICK_MS);
    } else if (!needed && this._ticker !== undefined) {
      clearInterval(this._ticker);
      this._ticker = undefined;
    }
    this._now = Date.now();
  }

  private _emit(): void {
    if (!this.isDisposed) {
      this.stateChanged.emit(void 0);
    }
  }

  private _api: SetsApi;
  private _busy: ReadonlyMap<string, SetAction> = new Map();
  private _error: string | null = null;
  private _highlighted: ReadonlySet<string> = new Set();
  private _highlightTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private _listeners: IDisposable[] = [];
  private _loaded = false;
  private _now = Date.now();
  private _pendingReveals = new Map<string, number>();
  private _records = new Map<string, ISetRecord>();
  private _sorted: ReadonlyArray<ISetRecord> = [];
  private _ticker: ReturnType<typeof setInterval> | undefined;
}

export namespace SetsModel {
  export interface IOptions {
    api: SetsApi;
    /**
     * The page's socket to the companion; without one the model only knows
     * what `refresh` loads.
     */
    socket?: HpcSocket | null;
  }
}
