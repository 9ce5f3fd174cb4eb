/**
 * The sidebar's "Parallel clusters" section: Dask and IPyParallel sets on
 * Slurm, one card each, and the buttons that start them.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, Toolbar, ToolbarButton, VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { SetAction, SetsModel } from './model';
import type { ISetRecord, SetKind } from './api';
import { ISetCardActions, SetCard } from './card';

export interface ISetsViewProps {
  sets: ReadonlyArray<ISetRecord>;
  loaded: boolean;
  error: string | null;
  now: number;
  busy: ReadonlyMap<string, SetAction>;
  highlighted: ReadonlySet<string>;
  onStart: (kind: SetKind) => void;
  actions: ISetCardActions;
  trans: TranslationBundle;
}

/**
 * The section's content.
 */
export function SetsView(props: ISetsViewProps): JSX.Element {
  const { sets, trans } = props;
  const state = !props.loaded ? (props.error === null ? 'loading' : 'error') : 'ok';
  return (
    <div className="jp-Hpc-sets" data-state={state}>
      <div className="jp-Hpc-setsStart">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          data-kind="dask"
          onClick={() => props.onStart('dask')}
        >
          {trans.__('Start Dask cluster')}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          data-kind="ipyparallel"
          onClick={() => props.onStart('ipyparallel')}
        >
          {trans.__('Start IPyParallel cluster')}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          data-kind="custom"
          title={trans.__('A cluster of a template (e.g. Spark standalone)')}
          onClick={() => props.onStart('custom')}
        >
          {trans.__('Start from template')}
        </button>
      </div>
      {state === 'loading' ? (
        <div className="jp-Hpc-message" role="status">
          {trans.__('Loading clusters…')}
        </div>
      ) : null}
      {props.error !== null ? (
        <div className="jp-Hpc-message jp-Hpc-loadError" role="alert">
          {trans.__('Could not load the parallel clusters: %1', props.error)}
        </div>
      ) : null}
      {props.loaded && sets.length === 0 ? (
        <div className="jp-Hpc-message">
          {trans.__('No parallel clusters yet. Each one runs in its own Slurm job and stays until you stop it.')}
        </div>
      ) : null}
      {sets.length > 0 ? (
        <ul className="jp-Hpc-setList" aria-label={trans.__('Parallel clusters')}>
          {sets.map(record => (
            <SetCard
              key={record.id}
              record={record}
              now={props.now}
              busy={props.busy.get(record.id)}
              highlighted={props.highlighted.has(record.id)}
              actions={props.actions}
              trans={trans}
            />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * The section: re-renders on every change of the model (and every second
 * while a set runs, for its clock).
 */
export class SetsSection extends VDomRenderer<SetsModel> {
  constructor(options: SetsSection.IOptions) {
    super(options.model);
    this._trans = options.trans;
    this._actions = options.actions;
    this._onStart = options.onStart;
    this.id = 'jp-hpc-sets';
    this.addClass('jp-Hpc-setsSection');
    this.title.label = this._trans.__('Parallel clusters');

    this.toolbar = new Toolbar();
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: this._trans.__('Reload the parallel clusters'),
        onClick: () => void this.model.refresh()
      })
    );
  }

  /**
   * The section header's toolbar (shown by the sidebar).
   */
  readonly toolbar: Toolbar;

  protected render(): JSX.Element {
    const model = this.model;
    return (
      <SetsView
        sets={model.sets}
        loaded={model.loaded}
        error={model.error}
        now={model.now}
        busy={model.busy}
        highlighted={model.highlighted}
        onStart={this._onStart}
        actions={this._actions}
        trans={this._trans}
      />
    );
  }

  private _actions: ISetCardActions;
  private _onStart: (kind: SetKind) => void;
  private _trans: TranslationBundle;
}

export namespace SetsSection {
  export interface IOptions {
    model: SetsModel;
    actions: ISetCardActions;
    onStart: (kind: SetKind) => void;
    trans: TranslationBundle;
  }
}
