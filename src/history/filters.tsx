/**
 * The top of the Job History: which cluster, the date range (the days jobs ended, or ran, as
 * sacct reads `--starttime`/`--endtime`), the state and the job name. Props only.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/** What the history asks the companion for. */
export interface IHistoryFilters {
  /** First day, `YYYY-MM-DD`. */
  start: string;
  /** Last day (included), `YYYY-MM-DD`; empty: today. */
  end: string;
  /** A final state (`COMPLETED`, `FAILED`…), or '' for every state. */
  state: string;
  /** Part of the job name, or ''. */
  name: string;
}

export interface IHistoryFiltersProps {
  clusters: ReadonlyArray<string>;
  cluster: string | null;
  filters: IHistoryFilters;
  states: ReadonlyArray<string>;
  trans: TranslationBundle;
  onCluster: (cluster: string) => void;
  onFilters: (filters: Partial<IHistoryFilters>) => void;
  onRefresh: () => void;
}

export function HistoryFilters(props: IHistoryFiltersProps): JSX.Element {
  const { filters, trans, onFilters } = props;
  return (
    <div className="jp-Hpc-queueHeader jp-Hpc-historyHeader">
      <div className="jp-Hpc-queueControls jp-Hpc-historyFilters">
        <select
          className="jp-Hpc-queueCluster"
          aria-label={trans.__('Cluster')}
          title={trans.__('Cluster')}
          value={props.cluster ?? ''}
          disabled={props.clusters.length === 0}
          onChange={event => props.onCluster(event.target.value)}
        >
          {props.clusters.length === 0 ? <option value="">{trans.__('(no cluster yet)')}</option> : null}
          {props.clusters.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <label className="jp-Hpc-historyDate">
          {trans.__('From')}
          <input
            type="date"
            data-filter="start"
            value={filters.start}
            max={filters.end || undefined}
            onChange={event => onFilters({ start: event.target.value })}
          />
        </label>
        <label className="jp-Hpc-historyDate">
          {trans.__('To')}
          <input
            type="date"
            data-filter="end"
            value={filters.end}
            min={filters.start || undefined}
            onChange={event => onFilters({ end: event.target.value })}
          />
        </label>
        <select
          className="jp-Hpc-queueStateFilter"
          data-filter="state"
          aria-label={trans.__('Filter by state')}
          value={filters.state}
          onChange={event => onFilters({ state: event.target.value })}
        >
          <option value="">{trans.__('All states')}</option>
          {props.states.map(state => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
        <input
          type="search"
          className="jp-Hpc-queueFilter"
          data-filter="name"
          placeholder={trans.__('Job name')}
          aria-label={trans.__('Filter by job name')}
          value={filters.name}
          onChange={event => onFilters({ name: event.target.value })}
        />
        <button type="button" className="jp-Hpc-button" data-action="refresh" onClick={props.onRefresh}>
          {trans.__('Refresh')}
        </button>
      </div>
    </div>
  );
}
