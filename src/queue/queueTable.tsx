/**
 * The queue's job table: virtualized (only the rows in view, plus a few,
 * are in the DOM, whatever the number of jobs), sortable by its column
 * headers, and a keyboard-driven ARIA grid. Props only: the selection and
 * the order live in the queue model. Generic over its rows, so the job
 * history (src/history) shows its records in the same table.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { useVirtualizer } from '@tanstack/react-virtual';
import * as React from 'react';

import { QUEUE_TABLE_COLUMNS } from '../../protocol/jobs';
import { IQueueJob, shownReason } from './jobs';
import type { QueueModel } from './model';
import type { ISelectModifiers } from './selection';
import type { SortColumn } from './view';
import { visibleText } from '../shared/visible';

/**
 * Every row's height in pixels; `style/queue.css` sizes the rows with it
 * through the inline style, so the two cannot disagree.
 */
export const ROW_HEIGHT = 24;

/**
 * Rows rendered beyond each edge of the viewport, so fast scrolling does
 * not show blanks.
 */
const OVERSCAN = 10;

/** What the table needs of a row: a unique id (the row's key) and a state (its `data-state`). */
export interface ITableRow {
  readonly id: string;
  readonly state: string;
}

/** A column of the table: its key, label (translated here) and grid track (protocol/jobs.ts). */
export interface ITableColumn<K extends string = SortColumn> {
  readonly key: K;
  readonly label: string;
  readonly minEm: number;
  readonly grow: boolean;
}

/** The column the rows are sorted by. */
export interface ITableSort<K extends string = SortColumn> {
  column: K;
  ascending: boolean;
}

/** A cell's text: the row's value in that column. */
export type CellText<R, K extends string> = (row: R, column: K) => string;

/** The queue's cells: the job's field, the pending reason as the queue shows it. */
const queueCellText: CellText<IQueueJob, SortColumn> = (job, column) =>
  column === 'reason' ? shownReason(job) : job[column];

interface IColumn<R, K extends string> {
  id: K;
  label: (trans: TranslationBundle) => string;
  value: (row: R) => string;
}

/**
 * Column widths in pixels set by the user (dragging a header's edge), by column; the others
 * keep their track from protocol/jobs.ts.
 */
export type ColumnWidths = { readonly [column: string]: number };

/** The narrowest a dragged column gets, in pixels. */
const MIN_COLUMN_PX = 32;

function tableColumns<R, K extends string>(
  columns: ReadonlyArray<ITableColumn<K>>,
  cellText: CellText<R, K>
): ReadonlyArray<IColumn<R, K>> {
  return columns.map(({ key, label }) => ({
    id: key,
    label: trans => trans.__(label),
    value: row => cellText(row, key)
  }));
}

/**
 * The rows' grid (`style/queue.css` reads it from `--jp-Hpc-jobColumns`): one track per
 * column, as protocol/jobs.ts sizes it or the user dragged it, and the table never narrower
 * than their sum.
 */
function gridStyle(columns: ReadonlyArray<ITableColumn<string>>, widths: ColumnWidths): React.CSSProperties {
  const track = (c: ITableColumn<string>): string => {
    const px = widths[c.key];
    return px !== undefined ? `${px}px` : c.grow ? `minmax(${c.minEm}em, 2fr)` : `${c.minEm}em`;
  };
  const min = columns.map(c => (widths[c.key] !== undefined ? `${widths[c.key]}px` : `${c.minEm}em`)).join(' + ');
  return {
    '--jp-Hpc-jobColumns': columns.map(track).join(' '),
    minWidth: `calc(${min})`
  } as React.CSSProperties;
}

const NO_WIDTHS: ColumnWidths = {};

/**
 * The table's props; a table of other rows than the queue's jobs (`R`, columns `K`) passes
 * its `columns` and `cellText`.
 */
export interface IQueueTableProps<R extends ITableRow = IQueueJob, K extends string = SortColumn> {
  rows: ReadonlyArray<R>;
  selected: ReadonlySet<string>;
  highlighted: ReadonlySet<string>;
  cursor: string | null;
  sort: ITableSort<K>;
  scrollRequest: QueueModel.IScrollRequest | null;
  /** Unique prefix of the rows' element ids (for `aria-activedescendant`). */
  idPrefix: string;
  label: string;
  trans: TranslationBundle;
  onSort: (column: K) => void;
  onRowClick: (index: number, modifiers: ISelectModifiers) => void;
  /** Open the job (its details). */
  onRowOpen: (index: number) => void;
  /** Right-click: the context menu acts on the selection, which must include the row. */
  onRowContextMenu: (index: number) => void;
  onMove: (delta: number, mode: 'select' | 'range' | 'keep') => void;
  onToggle: () => void;
  /** Delete key: cancel the selected jobs (after confirmation). */
  onDelete: () => void;
  /** The columns shown; the sidebar's (protocol/jobs.ts QUEUE_TABLE_COLUMNS) by default. */
  columns?: ReadonlyArray<ITableColumn<K>>;
  /** A cell's text; the queue job's field by default. */
  cellText?: CellText<R, K>;
  /** Widths the user dragged; with `onResize`, the headers' edges can be dragged. */
  widths?: ColumnWidths;
  onResize?: (column: K, px: number) => void;
}

/**
 * A row's element id: job ids contain `[`, `]`, `+`, which ids may hold
 * but selectors would need to escape; keep letters and digits readable.
 */
function rowDomId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, c => `.${c.charCodeAt(0).toString(16)}`)}`;
}

interface IJobRowProps<R extends ITableRow> {
  columns: ReadonlyArray<IColumn<R, string>>;
  job: R;
  index: number;
  start: number;
  domId: string;
  selected: boolean;
  cursor: boolean;
  highlighted: boolean;
  onClick: (index: number, event: React.MouseEvent) => void;
  onOpen: (index: number) => void;
  onContextMenu: (index: number) => void;
}

/**
 * One job. Memoized: a diff re-renders only the rows whose job object
 * (replaced on change) or selection changed.
 */
function JobRowView<R extends ITableRow>(props: IJobRowProps<R>): JSX.Element {
  const { job, index } = props;
  const className = [
    'jp-Hpc-jobRow',
    index % 2 ? 'jp-mod-odd' : '',
    props.selected ? 'jp-mod-selected' : '',
    props.cursor ? 'jp-mod-active' : '',
    props.highlighted ? 'jp-mod-highlighted' : ''
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      role="row"
      id={props.domId}
      className={className}
      aria-rowindex={index + 2}
      aria-selected={props.selected}
      data-job-id={job.id}
      data-state={job.state}
      style={{ height: ROW_HEIGHT, transform: `translateY(${props.start}px)` }}
      onMouseDown={event => {
        // Shift-click selects a range of rows, not the text between them.
        if (event.shiftKey) {
          event.preventDefault();
        }
      }}
      onClick={event => props.onClick(index, event)}
      onDoubleClick={() => props.onOpen(index)}
      onContextMenu={() => props.onContextMenu(index)}
    >
      {props.columns.map(column => {
        // Other users name their jobs: control characters are shown, not obeyed.
        const value = visibleText(column.value(job));
        return (
          <div key={column.id} role="gridcell" className="jp-Hpc-jobCell" data-column={column.id} title={value}>
            {value}
          </div>
        );
      })}
    </div>
  );
}

// memo keeps the row's generic signature
const JobRow = React.memo(JobRowView) as typeof JobRowView;

/**
 * The drag handle on a header's right edge: the column follows the pointer until it is let go.
 */
function ColumnResizer(props: { column: string; onResize: (column: string, px: number) => void }) {
  const onPointerDown = (event: React.PointerEvent<HTMLSpanElement>): void => {
    const cell = event.currentTarget.parentElement;
    if (!cell) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = cell.getBoundingClientRect().width;
    const move = (e: PointerEvent): void =>
      props.onResize(props.column, Math.max(MIN_COLUMN_PX, Math.round(startWidth + e.clientX - startX)));
    const up = (): void => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };
  return (
    <span
      className="jp-Hpc-columnResizer"
      data-column={props.column}
      aria-hidden="true"
      onPointerDown={onPointerDown}
      onClick={event => event.stopPropagation()}
    />
  );
}

function HeaderRow<K extends string>(props: {
  columns: ReadonlyArray<Pick<IColumn<unknown, K>, 'id' | 'label'>>;
  sort: ITableSort<K>;
  trans: TranslationBundle;
  onSort: (column: K) => void;
  onResize?: (column: K, px: number) => void;
}) {
  const { sort, trans, onSort, onResize } = props;
  return (
    <div role="row" className="jp-Hpc-jobHeader" aria-rowindex={1} style={{ height: ROW_HEIGHT }}>
      {props.columns.map(column => {
        const sorted = sort.column === column.id;
        const direction = sorted ? (sort.ascending ? 'ascending' : 'descending') : 'none';
        return (
          <div key={column.id} role="columnheader" aria-sort={direction} className="jp-Hpc-jobHeaderCell">
            <button
              type="button"
              className="jp-Hpc-sortButton"
              data-column={column.id}
              data-sort={direction}
              title={trans.__('Sort by %1', column.label(trans))}
              onClick={() => onSort(column.id)}
            >
              {column.label(trans)}
              <span className="jp-Hpc-sortIndicator" aria-hidden="true">
                {sorted ? (sort.ascending ? '▲' : '▼') : ''}
              </span>
            </button>
            {onResize ? <ColumnResizer column={column.id} onResize={(_, px) => onResize(column.id, px)} /> : null}
          </div>
        );
      })}
    </div>
  );
}

/**
 * The virtualized job table.
 */
export function QueueTable<R extends ITableRow = IQueueJob, K extends string = SortColumn>(
  props: IQueueTableProps<R, K>
): JSX.Element {
  const { rows, selected, highlighted, cursor, idPrefix } = props;
  // Without columns and cells of their own, the rows are the queue's jobs (the defaults' types).
  const shownColumns = props.columns ?? (QUEUE_TABLE_COLUMNS as unknown as ReadonlyArray<ITableColumn<K>>);
  const cellText = props.cellText ?? (queueCellText as unknown as CellText<R, K>);
  const widths = props.widths ?? NO_WIDTHS;
  const columns = React.useMemo(() => tableColumns(shownColumns, cellText), [shownColumns, cellText]);
  const style = React.useMemo(() => gridStyle(shownColumns, widths), [shownColumns, widths]);
  const scrollRef = React.useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // The sticky header takes the first row's place.
    paddingStart: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT
  });

  const scrollSeq = props.scrollRequest?.seq;
  React.useEffect(() => {
    if (props.scrollRequest && props.scrollRequest.index < rows.length) {
      virtualizer.scrollToIndex(props.scrollRequest.index, { align: 'auto' });
    }
    // Scroll only when asked (a new request), not when rows move under
    // the cursor: the user may be reading elsewhere.
  }, [scrollSeq]);

  // Stable across renders so the memoized rows are not all re-rendered.
  const onRowClick = props.onRowClick;
  const handleClick = React.useCallback(
    (index: number, event: React.MouseEvent) =>
      onRowClick(index, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey }),
    [onRowClick]
  );

  const onKeyDown = (event: React.KeyboardEvent): void => {
    if (event.target !== event.currentTarget) {
      // Keys on the header's sort buttons are theirs.
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 2);
    const mode = event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'keep' : 'select';
    const moves: { [key: string]: number } = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity
    };
    if (event.key in moves) {
      props.onMove(moves[event.key], mode);
    } else if (event.key === ' ' || event.key === 'Enter') {
      props.onToggle();
    } else if (event.key === 'Delete') {
      props.onDelete();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  const items = virtualizer.getVirtualItems();
  // Only a rendered row can be the active descendant; every cursor move
  // scrolls its row into view, so it is rendered unless the user scrolled
  // away since.
  const cursorShown = cursor !== null && items.some(item => rows[item.index]?.id === cursor);
  return (
    <div
      ref={scrollRef}
      className="jp-Hpc-jobTable"
      role="grid"
      tabIndex={0}
      aria-label={props.label}
      aria-multiselectable={true}
      aria-rowcount={rows.length + 1}
      aria-activedescendant={cursorShown && cursor !== null ? rowDomId(idPrefix, cursor) : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="jp-Hpc-jobRows" style={{ ...style, height: virtualizer.getTotalSize() }}>
        <HeaderRow
          columns={columns}
          sort={props.sort}
          trans={props.trans}
          onSort={props.onSort}
          onResize={props.onResize}
        />
        {items.map(item => {
          const job = rows[item.index];
          if (!job) {
            return null;
          }
          return (
            <JobRow
              key={job.id}
              columns={columns}
              job={job}
              index={item.index}
              start={item.start}
              domId={rowDomId(idPrefix, job.id)}
              selected={selected.has(job.id)}
              cursor={cursor === job.id}
              highlighted={highlighted.has(job.id)}
              onClick={handleClick}
              onOpen={props.onRowOpen}
              onContextMenu={props.onRowContextMenu}
            />
          );
        })}
      </div>
    </div>
  );
}
