import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandToolbarButton, Toolbar, VDomRenderer } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { CommandIDs } from '../commands';
import type { QueueModel } from './model';
import type { ISelectModifiers } from './selection';
import type { IQueueQuery, SortColumn } from './view';
import { IQueueViewProps, QueueView } from './queueView';

/**
 * The job commands shown in the section's header, in order.
 */
const TOOLBAR_COMMANDS = [
  CommandIDs.cancelJobs,
  CommandIDs.holdJobs,
  CommandIDs.releaseJobs,
  CommandIDs.showJobDetails,
  CommandIDs.tailJobOutput
];

/**
 * A toolbar of the job commands (the sidebar section's header, the main-area panel's).
 */
export function jobActionsToolbar(commands: CommandRegistry, trans: TranslationBundle, extra: string[] = []): Toolbar {
  const toolbar = new Toolbar();
  toolbar.node.setAttribute('aria-label', trans.__('Job actions'));
  for (const id of [...TOOLBAR_COMMANDS, ...extra]) {
    // Icon-only; the caption is the tooltip and the accessible name.
    toolbar.addItem(id, new CommandToolbarButton({ commands, id, label: '' }));
  }
  return toolbar;
}

/**
 * The queue view of the model, rendered on every change, with the job
 * commands in its toolbar: the base of "HPC Jobs" (jobs-panel/panel.tsx).
 */
export class QueueSection extends VDomRenderer<QueueModel> {
  constructor(options: QueueSection.IOptions) {
    super(options.model);
    this._commands = options.commands;
    this._trans = options.trans;
    this.id = options.id ?? 'jp-hpc-queue';
    this.addClass('jp-Hpc-queueSection');
    this.title.label = options.trans.__('Queue');
    this.toolbar = jobActionsToolbar(options.commands, options.trans, options.toolbarExtra);
  }

  readonly toolbar: Toolbar;

  protected render(): JSX.Element {
    return this.renderQueue();
  }

  /**
   * The queue view of the model, with `extra` props (the main area's columns and widths).
   */
  protected renderQueue(extra: Partial<IQueueViewProps> = {}): JSX.Element {
    const model = this.model;
    return (
      <QueueView
        clusters={model.clusterNames}
        cluster={model.cluster}
        showAll={model.showAll}
        allUsersAllowed={model.allUsersAllowed}
        pollSettings={model.pollSettings}
        partitions={model.partitions}
        query={model.query}
        sort={model.query.sort}
        states={model.states}
        partitionNames={model.partitionNames}
        rows={model.rows}
        total={model.total}
        selected={model.selectedIds}
        highlighted={model.highlighted}
        cursor={model.cursor}
        scrollRequest={model.scrollRequest}
        status={model.status}
        error={model.error}
        warning={model.warning}
        updatedAt={model.updatedAt}
        connection={model.connection}
        idPrefix={this.id}
        trans={this._trans}
        onCluster={this._onCluster}
        onShowAll={this._onShowAll}
        onFilter={this._onFilter}
        onSort={this._onSort}
        onRowClick={this._onRowClick}
        onRowOpen={this._onRowOpen}
        onRowContextMenu={this._onRowContextMenu}
        onMove={this._onMove}
        onToggle={this._onToggle}
        onDelete={this._onDelete}
        {...extra}
      />
    );
  }

  // Handlers are created once: the memoized rows compare them by identity.
  private _onCluster = (cluster: string): void => {
    this.model.cluster = cluster;
  };
  private _onShowAll = (all: boolean): void => {
    this.model.showAll = all;
  };
  private _onFilter = (filter: Partial<Pick<IQueueQuery, 'text' | 'state' | 'partition'>>): void => {
    this.model.setFilter(filter);
  };
  private _onSort = (column: SortColumn): void => {
    this.model.sortBy(column);
  };
  private _onRowClick = (index: number, modifiers: ISelectModifiers): void => {
    this.model.click(index, modifiers);
  };
  private _onRowOpen = (index: number): void => {
    this.model.click(index);
    void this._commands.execute(CommandIDs.showJobDetails);
  };
  private _onRowContextMenu = (index: number): void => {
    // The menu acts on the selection: a right-click outside it selects the
    // row first, as in the file browser.
    const job = this.model.rows[index];
    if (job && !this.model.selectedIds.has(job.id)) {
      this.model.click(index);
    }
  };
  private _onMove = (delta: number, mode: 'select' | 'range' | 'keep'): void => {
    this.model.moveCursor(delta, mode);
  };
  private _onToggle = (): void => {
    this.model.toggleCursor();
  };
  private _onDelete = (): void => {
    void this._commands.execute(CommandIDs.cancelJobs);
  };

  protected _commands: CommandRegistry;
  protected _trans: TranslationBundle;
}

/**
 * A namespace for `QueueSection` statics.
 */
export namespace QueueSection {
  export interface IOptions {
    model: QueueModel;
    commands: CommandRegistry;
    trans: TranslationBundle;
    /** The widget's id, also the prefix of its rows' element ids. */
    id?: string;
    /** Commands shown after the job commands in the toolbar. */
    toolbarExtra?: string[];
  }
}
