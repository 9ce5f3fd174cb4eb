import { Token } from '@lumino/coreutils';
import type { Toolbar, VDomRenderer } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

/**
 * How the companion reaches a cluster's Slurm commands.
 */
export type HpcTransport = 'local' | 'ssh';

/**
 * Node counts of a partition, bucketed by Slurm node state.
 */
export interface IHpcNodeCounts {
  total: number;
  idle: number;
  allocated: number;
  mixed: number;
  down: number;
  /**
   * Nodes in any state the companion does not bucket (drained, reserved…).
   */
  other: number;
}

/**
 * A Slurm partition as reported by `GET hpc/api/clusters`.
 */
export interface IHpcPartition {
  name: string;
  /**
   * Whether this is the cluster's default partition (`*` in `sinfo`).
   */
  default: boolean;
  /**
   * Slurm's availability of the partition, e.g. `up`, `down`, `drain`.
   */
  available: string;
  nodes: IHpcNodeCounts;
}

/**
 * A Slurm cluster as reported by `GET hpc/api/clusters`.
 */
export interface IHpcCluster {
  name: string;
  transport: HpcTransport;
  /**
   * `error` means the companion could not query the cluster; `error` then
   * holds Slurm's (or the transport's) message and `partitions` is empty.
   */
  status: 'ok' | 'error';
  /**
   * ISO 8601 time of the companion's last successful query.
   */
  updatedAt?: string;
  error?: string;
  partitions: IHpcPartition[];
}

/**
 * The body of `GET hpc/api/clusters`.
 */
export interface IHpcClustersReply {
  clusters: IHpcCluster[];
}

/**
 * A cluster definition from the user's settings, sent to the companion with
 * `PUT hpc/api/config/user-clusters`; it is merged by name over the
 * administrator's clusters.
 */
export interface IHpcClusterConfig {
  name: string;
  transport?: HpcTransport;
  host?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHostsFile?: string;
  slurmBinDir?: string;
  env?: { [name: string]: string };
}

/**
 * The clusters model: what the companion reports, kept fresh by polling.
 *
 * `stateChanged` fires on every change, so a `VDomRenderer` can render it.
 */
export interface IHpcClusters extends VDomRenderer.IModel {
  /**
   * The clusters of the last successful fetch (empty before the first one).
   */
  readonly clusters: ReadonlyArray<IHpcCluster>;
  /**
   * Whether a fetch has ever succeeded.
   */
  readonly loaded: boolean;
  /**
   * Whether a fetch is under way.
   */
  readonly refreshing: boolean;
  /**
   * The message of the last fetch's failure, `null` once a fetch succeeds.
   */
  readonly error: string | null;
  /**
   * When the shown clusters were fetched.
   */
  readonly lastUpdated: Date | null;
  /**
   * Whether the shown clusters are older than the last fetch attempt,
   * i.e. a fetch failed after an earlier one had succeeded.
   */
  readonly stale: boolean;
  /**
   * The message of the last failure to send the user's clusters, if any.
   */
  readonly configError: string | null;
  /**
   * Seconds between fetches while the page is visible.
   */
  refreshInterval: number;
  /**
   * Fetch now. Resolves once the fetch has been scheduled; watch
   * `stateChanged` for its outcome.
   */
  refresh(): Promise<void>;
  /**
   * Send the user's cluster definitions to the companion, then refresh.
   * Rejects with the server's message if the companion refuses them.
   */
  setUserClusters(clusters: ReadonlyArray<IHpcClusterConfig>): Promise<void>;
}

/**
 * The clusters model token.
 */
export const IHpcClusters = new Token<IHpcClusters>(
  'jupyterlab-hpc:IHpcClusters',
  'The Slurm clusters reported by the HPC companion, refreshed by polling.'
);

/**
 * The HPC sidebar: other plugins add their sections (queue, templates,
 * Dask clusters…) to it.
 */
export interface IHpcSidebar {
  /**
   * The toolbar at the top of the sidebar.
   */
  readonly toolbar: Toolbar<Widget>;
  /**
   * Add a collapsible section; its `title.label` names it and its optional
   * `toolbar` shows in the section header. Sections are ordered by `rank`
   * (lower first, default 500; the Clusters section has rank 100).
   */
  addSection(section: Toolbar.IWidgetToolbar, options?: { rank?: number }): void;
}

/**
 * The HPC sidebar token.
 */
export const IHpcSidebar = new Token<IHpcSidebar>(
  'jupyterlab-hpc:IHpcSidebar',
  'The HPC sidebar in the left area, to which HPC panels add sections.'
);
