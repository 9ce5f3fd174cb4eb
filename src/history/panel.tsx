/**
 * "Job History" in the main area, beside "HPC Jobs": the filters, a cluster's finished jobs in
 * the queue's table (src/queue/queueTable.tsx), the selected job's details. A cluster without
 * accounting shows the companion's one line instead. Its filters and column widths are what
 * the layout restorer keeps.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { tableRowsIcon, VDomRenderer } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import type { HistoryJob } from '../../protocol/history';
import { ColumnWidths, QueueTable } from '../queue/queueTable';
import { HistoryDetails } from './details';
import { HistoryFilters, IHistoryFilters } from './filters';
import { HISTORY_STATES, HistoryModel } from './model';
import { HISTORY_COLUMNS, historyCell, HistoryColumn } from './rows';

/** What the layout restorer keeps (the args of `hpc:open-history`). */
export interface IHistoryState extends Partial<IHistoryFilters> {
  cluster?: string;
  widths?: ColumnWidths;
}

/** The state from a command's args, ignoring what is not of the right type. */
export function historyState(args: ReadonlyPartialJSONObject): IHistoryState {
  const state: IHistoryState = {};
  for (const key of ['cluster', 'start', 'end', 'state', 'name'] as const) {
    const value = args[key];
    if (typeof value === 'string') {
      state[key] = value;
    }
  }
  const widths = args.widths;
  if (typeof widths === 'object' && widths !== null && !Array.isArray(widths)) {
    state.widths = Object.fromEntries(
      Object.entries(widths).filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    );
  }
  return state;
}

const NO_HIGHLIGHT: ReadonlySet<string> = new Set();

export class HistoryPanel extends VDomRenderer<HistoryModel> {
  constructor(options: HistoryPanel.IOptions) {
    super(options.model);
    this._trans = options.trans;
    this._actions = options;
    this.id = 'jp-hpc-history-panel';
    this.addClass('jp-Hpc-jobsPanel');
    this.addClass('jp-Hpc-history');
    this.model.stateChanged.connect(this._onModel, this);
  }

  /** Emits when what the layout restorer keeps changed. */
  get persistChanged(): ISignal<this, void> {
    return this._persistChanged;
  }

  get state(): IHistoryState {
    const { cluster, filters } = this.model;
    return { ...(cluster !== null && { cluster }), ...filters, widths: this._widths };
  }

  /** Show what a restored layout (or a command's args) asks for. */
  applyState(state: IHistoryState): void {
    const { cluster, widths, ...filters } = state;
    if (widths !== undefined) {
      this._widths = widths;
    }
    if (Object.keys(filters).length > 0) {
      this.model.setFilters(filters);
    }
    if (cluster !== undefined && cluster !== '') {
      this.model.cluster = cluster;
    }
    this._onModel();
    this.update();
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.model.stateChanged.disconnect(this._onModel, this);
      super.dispose();
    }
  }

  protected render(): JSX.Element {
    const model = this.model;
    const trans = this._trans;
    const selected = model.selected;
    return (
      <div className="jp-Hpc-jobsPanelBody" data-cluster={model.cluster ?? ''} data-status={model.status}>
        <div className="jp-Hpc-jobsPanelTable">
          <HistoryFilters
            clusters={model.clusterNames}
            cluster={model.cluster}
            filters={model.filters}
            states={HISTORY_STATES}
            trans={trans}
            onCluster={this._onCluster}
            onFilters={this._onFilters}
            onRefresh={this._onRefresh}
          />
          {this._statusLine()}
          {model.status === 'unavailable' ? null : (
            <QueueTable<(typeof model.rows)[number], HistoryColumn>
              rows={model.rows}
              columns={HISTORY_COLUMNS}
              cellText={historyCell}
              selected={selected ? new Set([selected.id]) : NO_HIGHLIGHT}
              highlighted={NO_HIGHLIGHT}
              cursor={selected?.id ?? null}
              sort={model.sort}
              scrollRequest={model.scrollRequest}
              idPrefix={this.id}
              label={trans.__('Finished jobs on %1', model.cluster ?? '')}
              trans={trans}
              widths={this._widths}
              onResize={this._onResize}
              onSort={this._onSort}
              onRowClick={this._onRowClick}
              onRowOpen={this._onRowOpen}
              onRowContextMenu={this._onRowClick}
              onMove={this._onMove}
              onToggle={this._onToggle}
              onDelete={() => undefined}
            />
          )}
        </div>
        {model.status === 'unavailable' ? null : (
          <HistoryDetails
            row={selected}
            trans={trans}
            onRunAgain={this._onRunAgain}
            onOpenOutput={this._onOpenOutput}
          />
        )}
      </div>
    );
  }

  /** One line: loading, the no-accounting notice, an error, or the count. */
  private _statusLine(): JSX.Element {
    const { status, message, count, total, rows } = this.model;
    const trans = this._trans;
    if (status === 'unavailable' || status === 'error') {
      const text = status === 'error' ? trans.__('Could not get the job history: %1', message ?? '') : message;
      return (
        <div className={`jp-Hpc-historyNotice jp-mod-${status}`} role={status === 'error' ? 'alert' : 'status'}>
          {text}
        </div>
      );
    }
    const shown = rows.filter(row => !row.task).length;
    const counted = shown === total ? trans._n('%1 job', '%1 jobs', total) : trans.__('%1 of %2 jobs', shown, total);
    return (
      <div className="jp-Hpc-historyNotice jp-Hpc-queueStatus" role="status" data-count={count}>
        {status === 'loading' ? trans.__('Asking Slurm’s accounting…') : counted}
      </div>
    );
  }

  private _onModel(): void {
    const saved = JSON.stringify(this.state);
    if (saved !== this._saved) {
      this._saved = saved;
      this._persistChanged.emit();
    }
  }

  // Created once: the memoized rows compare handlers by identity.
  private _onCluster = (cluster: string): void => {
    this.model.cluster = cluster;
  };
  private _onFilters = (filters: Partial<IHistoryFilters>): void => this.model.setFilters(filters);
  private _onRefresh = (): void => void this.model.refresh();
  private _onSort = (column: HistoryColumn): void => this.model.sortBy(column);
  private _onRowClick = (index: number): void => this.model.select(this.model.rows[index]?.id ?? null);
  private _onRowOpen = (index: number): void => {
    const row = this.model.rows[index];
    if (row?.tasks) {
      this.model.toggle(row.id);
    }
  };
  private _onMove = (delta: number): void => this.model.move(delta);
  private _onToggle = (): void => {
    const row = this.model.selected;
    if (row?.tasks) {
      this.model.toggle(row.id);
    }
  };
  private _onResize = (column: HistoryColumn, px: number): void => {
    this._widths = { ...this._widths, [column]: px };
    this._onModel();
    this.update();
  };
  private _onRunAgain = (id: string): void => {
    const cluster = this.model.cluster;
    if (cluster !== null) {
      this._actions.runAgain(cluster, id);
    }
  };
  private _onOpenOutput = (job: HistoryJob): void => {
    const cluster = this.model.cluster;
    if (cluster !== null) {
      this._actions.openOutput(cluster, job);
    }
  };

  private _actions: Pick<HistoryPanel.IOptions, 'runAgain' | 'openOutput'>;
  private _persistChanged = new Signal<this, void>(this);
  private _saved = '';
  private _trans: TranslationBundle;
  private _widths: ColumnWidths = {};
}

export namespace HistoryPanel {
  export interface IOptions {
    model: HistoryModel;
    trans: TranslationBundle;
    /** "Run again" of a job. */
    runAgain: (cluster: string, id: string) => void;
    /** "Open" of a job's output file. */
    openOutput: (cluster: string, job: HistoryJob) => void;
  }
}

/** The panel in its main-area frame. */
export function createHistoryPanel(options: HistoryPanel.IOptions): MainAreaWidget<HistoryPanel> {
  const content = new HistoryPanel(options);
  const widget = new MainAreaWidget({ content });
  widget.id = 'jp-hpc-history';
  widget.addClass('jp-Hpc-jobsPanelWidget');
  widget.title.label = options.trans.__('Job History');
  widget.title.icon = tableRowsIcon;
  widget.title.closable = true;
  return widget;
}
