/**
 * The top of the Queue section: which cluster, whose jobs, the cluster's
 * partitions with their free nodes, and the filters. Props only.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { PollSettings } from '../../protocol/poll';
import type { IQueueQuery } from './view';
import type { IHpcPartition } from '../tokens';
import { nodeCountLabel, shownNodeStates } from '../clusters/components';

export interface IQueueHeaderProps {
  clusters: ReadonlyArray<string>;
  cluster: string | null;
  showAll: boolean;
  /** False: the admin turned the view of all users' jobs off (no checkbox). */
  allUsersAllowed: boolean;
  /** The companion's intervals in force, shown beside the cluster. */
  pollSettings: PollSettings | null;
  partitions: ReadonlyArray<IHpcPartition>;
  query: IQueueQuery;
  states: ReadonlyArray<string>;
  partitionNames: ReadonlyArray<string>;
  trans: TranslationBundle;
  onCluster: (cluster: string) => void;
  onShowAll: (all: boolean) => void;
  onFilter: (filter: Partial<Pick<IQueueQuery, 'text' | 'state' | 'partition'>>) => void;
}

/**
 * One partition's availability, compact enough for the sidebar: "debug 3
 * idle · 1 alloc · 0 down"; the full counts are in its tooltip. Clicking
 * it filters the jobs by that partition (again: shows all).
 */
function PartitionAvailability(props: {
  partition: IHpcPartition;
  filtered: boolean;
  trans: TranslationBundle;
  onClick: () => void;
}): JSX.Element {
  const { partition, trans } = props;
  const { idle, allocated, mixed, down } = partition.nodes;
  const up = partition.available === '' || partition.available === 'up';
  const details = shownNodeStates(partition.nodes)
    .map(([state, n]) => nodeCountLabel(state, n, trans))
    .join(', ');
  const title = up ? details : trans.__('%1 (partition %2)', details, partition.available);
  return (
    <li>
      <button
        type="button"
        className={`jp-Hpc-queuePartition${up ? '' : ' jp-mod-unavailable'}`}
        data-partition={partition.name}
        aria-pressed={props.filtered}
        title={title}
        onClick={props.onClick}
      >
        <span className="jp-Hpc-partitionName">{partition.name}</span>{' '}
        <span data-state="idle" data-count={idle}>
          {trans.__('%1 idle', idle)}
        </span>
        {' · '}
        <span data-state="alloc" data-count={allocated + mixed}>
          {trans.__('%1 alloc', allocated + mixed)}
        </span>
        {' · '}
        <span data-state="down" data-count={down}>
          {trans.__('%1 down', down)}
        </span>
      </button>
    </li>
  );
}

/**
 * "every 5 s": how often the shown jobs are polled, the admin's limits applied.
 */
function PollInterval(props: { settings: PollSettings; showAll: boolean; trans: TranslationBundle }): JSX.Element {
  const { settings, trans } = props;
  const seconds = props.showAll ? settings.allUsersInterval : settings.interval;
  const title = props.showAll
    ? trans.__("All users' jobs are refreshed every %1 s (your administrator's minimum).", settings.allUsersInterval)
    : trans.__(
        'Your jobs are refreshed every %1 s, up to every %2 s while none of them changes (your administrator allows %3 s at least).',
        settings.interval,
        settings.quietMaxInterval,
        settings.limits.minPollInterval
      );
  return (
    <span className="jp-Hpc-queueInterval" data-interval={seconds} title={title}>
      {trans.__('every %1 s', seconds)}
    </span>
  );
}

export function QueueHeader(props: IQueueHeaderProps): JSX.Element {
  const { query, trans } = props;
  return (
    <div className="jp-Hpc-queueHeader">
      <div className="jp-Hpc-queueControls">
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
        {props.allUsersAllowed ? (
          <label className="jp-Hpc-queueAllUsers" title={trans.__("Show every user's jobs, not only yours")}>
            <input type="checkbox" checked={props.showAll} onChange={event => props.onShowAll(event.target.checked)} />
            {trans.__('All users')}
          </label>
        ) : null}
        {props.pollSettings ? (
          <PollInterval settings={props.pollSettings} showAll={props.showAll} trans={trans} />
        ) : null}
      </div>
      {props.partitions.length > 0 ? (
        <ul className="jp-Hpc-queuePartitions" aria-label={trans.__('Partitions of %1', props.cluster ?? '')}>
          {props.partitions.map(partition => (
            <PartitionAvailability
              key={partition.name}
              partition={partition}
              filtered={query.partition === partition.name}
              trans={trans}
              onClick={() => props.onFilter({ partition: query.partition === partition.name ? '' : partition.name })}
            />
          ))}
        </ul>
      ) : null}
      <div className="jp-Hpc-queueFilters">
        <input
          type="search"
          className="jp-Hpc-queueFilter"
          placeholder={trans.__('Filter')}
          title={trans.__('Filter by id, name, user, partition or pending reason')}
          aria-label={trans.__('Filter jobs')}
          value={query.text}
          onChange={event => props.onFilter({ text: event.target.value })}
        />
        <select
          className="jp-Hpc-queueStateFilter"
          aria-label={trans.__('Filter by state')}
          value={query.state}
          onChange={event => props.onFilter({ state: event.target.value })}
        >
          <option value="">{trans.__('All states')}</option>
          {withSelected(props.states, query.state).map(state => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
        <select
          className="jp-Hpc-queuePartitionFilter"
          aria-label={trans.__('Filter by partition')}
          value={query.partition}
          onChange={event => props.onFilter({ partition: event.target.value })}
        >
          <option value="">{trans.__('All partitions')}</option>
          {withSelected(props.partitionNames, query.partition).map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/**
 * The options of a filter menu, keeping the chosen one even when no job
 * has it any more (else the menu would show another value than applied).
 */
function withSelected(options: ReadonlyArray<string>, selected: string): ReadonlyArray<string> {
  return selected === '' || options.includes(selected) ? options : [...options, selected];
}
