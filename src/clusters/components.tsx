/**
 * Props-only React components of the Clusters section. They render what
 * they are given: no state, no requests.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IHpcCluster, IHpcNodeCounts, IHpcPartition } from '../tokens';
import { PartitionResourcesLine } from './resources';

/**
 * A node state bucket of `IHpcNodeCounts`.
 */
export type NodeState = keyof Omit<IHpcNodeCounts, 'total'>;

/**
 * The node states shown in a partition line, in display order: busy
 * first, then free, then unusable. `idle` is always shown so a full
 * partition reads "0 nodes idle"; the others only when non-zero.
 */
const NODE_STATES: ReadonlyArray<NodeState> = ['allocated', 'mixed', 'idle', 'down', 'other'];

/**
 * "1 node idle", "3 nodes allocated"… as translatable plurals.
 */
export function nodeCountLabel(state: NodeState, n: number, trans: TranslationBundle): string {
  // Each state is spelled out so translators get whole phrases.
  switch (state) {
    case 'idle':
      return trans._n('%1 node idle', '%1 nodes idle', n);
    case 'allocated':
      return trans._n('%1 node allocated', '%1 nodes allocated', n);
    case 'mixed':
      return trans._n('%1 node mixed', '%1 nodes mixed', n);
    case 'down':
      return trans._n('%1 node down', '%1 nodes down', n);
    case 'other':
      return trans._n('%1 node in another state', '%1 nodes in other states', n);
  }
}

/**
 * The node states of a partition to show, with their counts.
 */
export function shownNodeStates(nodes: IHpcNodeCounts): Array<[NodeState, number]> {
  return NODE_STATES.filter(state => state === 'idle' || nodes[state] > 0).map(state => [state, nodes[state]]);
}

/**
 * One partition: "debug: 1 node mixed, 3 nodes idle", then its CPUs, memory and GPUs.
 */
export function PartitionLine(props: { partition: IHpcPartition; trans: TranslationBundle }): JSX.Element {
  const { partition, trans } = props;
  const up = partition.available === '' || partition.available === 'up';
  const states = shownNodeStates(partition.nodes);
  const className = ['jp-Hpc-partition', partition.default ? 'jp-mod-default' : '', up ? '' : 'jp-mod-unavailable']
    .filter(Boolean)
    .join(' ');
  return (
    <li
      className={className}
      data-partition={partition.name}
      data-default={partition.default ? 'true' : 'false'}
      data-total={partition.nodes.total}
    >
      <span className="jp-Hpc-partitionName">{partition.name}</span>
      {': '}
      <span className="jp-Hpc-nodeCounts">
        {states.map(([state, n], i) => (
          <React.Fragment key={state}>
            {i > 0 ? ', ' : null}
            <span className="jp-Hpc-nodeCount" data-state={state} data-count={n}>
              {nodeCountLabel(state, n, trans)}
            </span>
          </React.Fragment>
        ))}
      </span>
      {partition.default ? (
        <span
          className="jp-Hpc-badge jp-Hpc-defaultBadge"
          title={trans.__('Jobs go to this partition unless told otherwise')}
        >
          {trans.__('default')}
        </span>
      ) : null}
      {up ? null : (
        <span className="jp-Hpc-badge jp-Hpc-availability" title={trans.__('Partition state reported by Slurm')}>
          {partition.available}
        </span>
      )}
      <PartitionResourcesLine partition={partition} trans={trans} />
    </li>
  );
}

/**
 * One cluster: a header, then its partitions or Slurm's error.
 */
export function ClusterCard(props: {
  cluster: IHpcCluster;
  stale: boolean;
  trans: TranslationBundle;
  /** Open "HPC Jobs" on this cluster. */
  onOpenJobs?: (cluster: string) => void;
}): JSX.Element {
  const { cluster, stale, trans, onOpenJobs } = props;
  const failed = cluster.status === 'error';
  const headingId = `jp-Hpc-cluster-${idSafe(cluster.name)}`;
  const className = ['jp-Hpc-cluster', failed ? 'jp-mod-error' : '', stale ? 'jp-mod-stale' : '']
    .filter(Boolean)
    .join(' ');
  const updated = cluster.updatedAt ? new Date(cluster.updatedAt) : null;
  return (
    <li className={className} data-cluster={cluster.name} data-status={cluster.status} aria-labelledby={headingId}>
      <div
        className="jp-Hpc-clusterHeader"
        title={
          updated && !isNaN(updated.getTime()) ? trans.__('Slurm queried at %1', updated.toLocaleString()) : undefined
        }
      >
        <h3 className="jp-Hpc-clusterName" id={headingId}>
          {cluster.name}
        </h3>
        <span className="jp-Hpc-badge jp-Hpc-transport" data-transport={cluster.transport}>
          {cluster.transport}
        </span>
        {onOpenJobs ? (
          <button
            type="button"
            className="jp-Hpc-clusterJobs"
            title={trans.__('Show the jobs of %1 in HPC Jobs', cluster.name)}
            onClick={() => onOpenJobs(cluster.name)}
          >
            {trans.__('Jobs')}
          </button>
        ) : null}
      </div>
      {failed ? (
        <pre className="jp-Hpc-clusterError">{cluster.error || trans.__('The cluster could not be queried.')}</pre>
      ) : cluster.partitions.length > 0 ? (
        <ul className="jp-Hpc-partitions" aria-label={trans.__('Partitions of %1', cluster.name)}>
          {cluster.partitions.map(partition => (
            <PartitionLine key={partition.name} partition={partition} trans={trans} />
          ))}
        </ul>
      ) : (
        <div className="jp-Hpc-note">{trans.__('No partitions.')}</div>
      )}
    </li>
  );
}

/**
 * Props of `ClustersView`: a snapshot of the clusters model.
 */
export interface IClustersViewProps {
  clusters: ReadonlyArray<IHpcCluster>;
  loaded: boolean;
  refreshing: boolean;
  error: string | null;
  stale: boolean;
  lastUpdated: Date | null;
  configError: string | null;
  trans: TranslationBundle;
  onOpenJobs?: (cluster: string) => void;
}

/**
 * The Clusters section's content, with its loading, failure and stale
 * states.
 */
export function ClustersView(props: IClustersViewProps): JSX.Element {
  const { clusters, loaded, refreshing, error, stale, trans } = props;
  const state = !loaded ? (error === null ? 'loading' : 'error') : stale ? 'stale' : 'ok';
  return (
    <div className={`jp-Hpc-clusters jp-mod-${state}`} data-state={state} aria-busy={refreshing}>
      {props.configError !== null ? (
        <div className="jp-Hpc-message jp-Hpc-configError" role="alert">
          {trans.__('Your cluster settings were not applied: %1', props.configError)}
        </div>
      ) : null}
      {state === 'loading' ? (
        <div className="jp-Hpc-message jp-Hpc-loading" role="status">
          {trans.__('Loading clusters…')}
        </div>
      ) : null}
      {state === 'error' ? (
        <div className="jp-Hpc-message jp-Hpc-loadError" role="alert">
          {trans.__('Could not load clusters: %1', error ?? '')}
        </div>
      ) : null}
      {state === 'stale' ? (
        <div className="jp-Hpc-message jp-Hpc-stale" role="status">
          {trans.__(
            'Could not refresh (%1). Showing clusters as of %2.',
            error ?? '',
            props.lastUpdated?.toLocaleTimeString() ?? ''
          )}
        </div>
      ) : null}
      {loaded && clusters.length === 0 ? (
        <div className="jp-Hpc-message jp-Hpc-empty">
          {trans.__('No clusters are configured. Ask your administrator, or add yours in Settings → HPC.')}
        </div>
      ) : null}
      {clusters.length > 0 ? (
        <ul className="jp-Hpc-clusterList" aria-label={trans.__('Clusters')}>
          {clusters.map(cluster => (
            <ClusterCard
              key={cluster.name}
              cluster={cluster}
              stale={stale}
              trans={trans}
              onOpenJobs={props.onOpenJobs}
            />
          ))}
        </ul>
      ) : null}
      {props.lastUpdated !== null ? (
        // No "Refreshing…" text here: with polling every few seconds it
        // would flicker; `aria-busy` and `jp-mod-refreshing` carry it.
        <div className={`jp-Hpc-updated${refreshing ? ' jp-mod-refreshing' : ''}`}>
          {trans.__('Updated %1', props.lastUpdated.toLocaleTimeString())}
        </div>
      ) : null}
    </div>
  );
}

/**
 * A cluster name made safe for an element id.
 */
function idSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
