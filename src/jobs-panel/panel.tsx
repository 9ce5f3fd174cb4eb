/**
 * "HPC Jobs": the queue at full size in the main area. It shows the sidebar's queue model (the
 * same cluster, filters and selection, so the job commands act on what either shows) with
 * every job field as a resizable, sortable column, and the selected job's details beside the
 * table. Its state (cluster, whose jobs, text filter, column widths) is what the layout
 * restorer saves.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { listIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import type { QueueModel } from '../queue/model';
import type { ColumnWidths } from '../queue/queueTable';
import { QueueSection } from '../queue/section';
import type { SortColumn } from '../queue/view';
import { JOBS_PANEL_COLUMNS } from './columns';
import { JobDetailsPane } from './details';
import { JobDetailsModel } from './detailsModel';

/**
 * What the layout restorer keeps of the panel (the args of `hpc:open-jobs-panel`).
 */
export interface IJobsPanelState {
  cluster?: string;
  all?: boolean;
  text?: string;
  widths?: ColumnWidths;
}

/** The state from a command's args, ignoring what is not of the right type. */
export function panelState(args: ReadonlyPartialJSONObject): IJobsPanelState {
  const state: IJobsPanelState = {};
  if (typeof args.cluster === 'string' && args.cluster !== '') {
    state.cluster = args.cluster;
  }
  if (typeof args.all === 'boolean') {
    state.all = args.all;
  }
  if (typeof args.text === 'string') {
    state.text = args.text;
  }
  const widths = args.widths;
  if (typeof widths === 'object' && widths !== null && !Array.isArray(widths)) {
    state.widths = Object.fromEntries(
      Object.entries(widths).filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    );
  }
  return state;
}

export class JobsPanelContent extends QueueSection {
  constructor(options: JobsPanelContent.IOptions) {
    super({ ...options, id: 'jp-hpc-jobs-panel' });
    this.removeClass('jp-Hpc-queueSection');
    this.addClass('jp-Hpc-jobsPanel');
    this._details = new JobDetailsModel(options.serverSettings);
    this._details.stateChanged.connect(() => this.update());
    this.model.stateChanged.connect(this._onModel, this);
    this._onModel();
  }

  /**
   * Emits when what the layout restorer keeps changed.
   */
  get persistChanged(): ISignal<this, void> {
    return this._persistChanged;
  }

  get state(): IJobsPanelState {
    const model = this.model;
    return {
      ...(model.cluster !== null && { cluster: model.cluster }),
      all: model.showAll,
      text: model.query.text,
      widths: this._widths
    };
  }

  /**
   * Show what a restored layout (or a command's args) asks for.
   */
  applyState(state: IJobsPanelState): void {
    if (state.cluster !== undefined) {
      this.model.cluster = state.cluster;
    }
    if (state.all !== undefined) {
      this.model.showAll = state.all;
    }
    if (state.text !== undefined) {
      this.model.setFilter({ text: state.text });
    }
    if (state.widths !== undefined) {
      this._widths = state.widths;
      this._onModel();
      this.update();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.stateChanged.disconnect(this._onModel, this);
    this._details.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <div className="jp-Hpc-jobsPanelBody">
        <div className="jp-Hpc-jobsPanelTable">
          {this.renderQueue({ columns: JOBS_PANEL_COLUMNS, widths: this._widths, onResize: this._onResize })}
        </div>
        <JobDetailsPane model={this._details} trans={this._trans} />
      </div>
    );
  }

  /** The job the details show: the one under the cursor if selected, else the first selected. */
  private _onModel(): void {
    const model = this.model;
    const selected = model.selectedJobs;
    this._details.show(model.cluster, selected.find(job => job.id === model.cursor) ?? selected[0] ?? null);
    const saved = JSON.stringify(this.state);
    if (saved !== this._saved) {
      this._saved = saved;
      this._persistChanged.emit();
    }
  }

  private _onResize = (column: SortColumn, px: number): void => {
    this._widths = { ...this._widths, [column]: px };
    this._onModel();
    this.update();
  };

  private _details: JobDetailsModel;
  private _saved = '';
  private _persistChanged = new Signal<this, void>(this);
  private _widths: ColumnWidths = {};
}

export namespace JobsPanelContent {
  export interface IOptions {
    model: QueueModel;
    commands: CommandRegistry;
    trans: TranslationBundle;
    serverSettings?: ServerConnection.ISettings;
    /** Commands shown after the job commands in the toolbar (the Job History). */
    toolbarExtra?: string[];
  }
}

/**
 * The panel in its main-area frame, the job commands in its toolbar.
 */
export function createJobsPanel(options: JobsPanelContent.IOptions): MainAreaWidget<JobsPanelContent> {
  const content = new JobsPanelContent(options);
  const widget = new MainAreaWidget({ content, toolbar: content.toolbar });
  widget.id = 'jp-hpc-jobs';
  widget.addClass('jp-Hpc-jobsPanelWidget');
  widget.title.label = options.trans.__('HPC Jobs');
  widget.title.icon = listIcon;
  widget.title.closable = true;
  return widget;
}
