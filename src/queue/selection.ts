import type { IQueueJob } from './jobs';

/**
 * How a click or a key changes the selection, as in file browsers: a plain
 * click selects one row, ctrl/cmd toggles one row, shift selects the range
 * from the anchor.
 */
export interface ISelectModifiers {
  /** Select the range from the anchor to this row. */
  range?: boolean;
  /** Toggle this row, keeping the others. */
  toggle?: boolean;
}

/**
 * The selected jobs of the queue table, by id, with the keyboard cursor
 * (the focused row) and the anchor of range selections. Rows are given
 * by the caller: the selection only knows ids, so it survives re-sorting,
 * filtering and diffs.
 */
export class JobSelection {
  get ids(): ReadonlySet<string> {
    return this._ids;
  }

  get cursor(): string | null {
    return this._cursor;
  }

  /**
   * The row that range selections start from.
   */
  get anchor(): string | null {
    return this._anchor;
  }

  /**
   * Select the row at `index` of `rows` as a click with `modifiers` does;
   * `anchorIndex` is the anchor's row (-1 when not shown).
   */
  click(rows: ReadonlyArray<IQueueJob>, index: number, modifiers: ISelectModifiers, anchorIndex: number): void {
    const job = rows[index];
    if (!job) {
      return;
    }
    if (modifiers.range && anchorIndex >= 0) {
      const anchor = anchorIndex;
      const [from, to] = anchor <= index ? [anchor, index] : [index, anchor];
      if (!modifiers.toggle) {
        this._ids.clear();
      }
      for (let i = from; i <= to; i++) {
        this._ids.add(rows[i].id);
      }
    } else if (modifiers.toggle) {
      this._toggle(job.id);
      this._anchor = job.id;
    } else {
      this._ids = new Set([job.id]);
      this._anchor = job.id;
    }
    this._cursor = job.id;
  }

  /**
   * Move the cursor by `delta` rows (clamped to the table). The moved-to
   * row becomes the selection, or extends it from the anchor with `range`;
   * with `keep` only the cursor moves (ctrl+arrow, then Space toggles).
   */
  move(
    rows: ReadonlyArray<IQueueJob>,
    currentIndex: number,
    delta: number,
    mode: 'select' | 'range' | 'keep',
    anchorIndex: number
  ): void {
    if (rows.length === 0) {
      return;
    }
    const index =
      currentIndex < 0
        ? delta < 0
          ? rows.length - 1
          : 0
        : Math.max(0, Math.min(rows.length - 1, currentIndex + delta));
    if (mode === 'keep') {
      this._cursor = rows[index].id;
    } else {
      this.click(rows, index, { range: mode === 'range' }, anchorIndex);
    }
  }

  /**
   * Toggle the cursor's row (Space/Enter).
   */
  toggleCursor(): void {
    if (this._cursor !== null) {
      this._toggle(this._cursor);
      this._anchor = this._cursor;
    }
  }

  /**
   * Select exactly `ids`, the first under the cursor.
   */
  set(ids: ReadonlyArray<string>): void {
    this._ids = new Set(ids);
    this._cursor = ids[0] ?? null;
    this._anchor = this._cursor;
  }

  clear(): void {
    this._ids = new Set();
    this._cursor = null;
    this._anchor = null;
  }

  /**
   * Forget the ids for which `keep` is false (jobs that left the queue or
   * the view). Returns whether the selection changed.
   */
  prune(keep: (id: string) => boolean): boolean {
    let changed = false;
    for (const id of this._ids) {
      if (!keep(id)) {
        this._ids.delete(id);
        changed = true;
      }
    }
    if (this._cursor !== null && !keep(this._cursor)) {
      this._cursor = null;
      changed = true;
    }
    if (this._anchor !== null && !keep(this._anchor)) {
      this._anchor = null;
    }
    return changed;
  }

  private _toggle(id: string): void {
    if (!this._ids.delete(id)) {
      this._ids.add(id);
    }
  }

  private _anchor: string | null = null;
  private _cursor: string | null = null;
  private _ids = new Set<string>();
}
