import { Token } from '@lumino/coreutils';
import type { Toolbar, VDomRenderer } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { HpcKernelComms } from './kernel/comms';
import type { OutputStream } from './output/api';
import type { HpcPollSettings } from './shared/pollSettings';
import type { HpcSocket } from './shared/ws';
import type { PartitionResources } from '../protocol/resources';

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
export interface IHpcPartition extends PartitionResources {
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

/**
 * The queue view of the HPC sidebar.
 */
export interface IHpcQueue {
  /**
   * Show a job in the Queue section: open the sidebar, switch to the job's
   * cluster, select its row, scroll to it and highlight it for a few
   * seconds. A job the companion has not polled yet (just submitted) is
   * shown when it arrives. `jobId` may be what `sbatch --parsable` printed
   * (`123` or `123;cluster`); an array or het job's id shows all its tasks
   * or components.
   *
   * @param options.timeout - Milliseconds to wait for the job to appear;
   *   default 60 s.
   * @param options.activate - Whether to bring the sidebar forward; default
   *   true.
   * @returns Whether the job was shown within the timeout (false too when
   *   a later `select` superseded this one).
   */
  select(cluster: string, jobId: string, options?: { timeout?: number; activate?: boolean }): Promise<boolean>;
}

/**
 * The queue view token.
 */
export const IHpcQueue = new Token<IHpcQueue>(
  'jupyterlab-hpc:IHpcQueue',
  'The queue view of the HPC sidebar: shows and highlights a job, e.g. after a submission.'
);

/**
 * The kernel comm of notebooks (`src/comm.ts`): events of the magics
 * (a job submitted, a set started) and "connect to set X" requests.
 */
export type IHpcKernelComms = HpcKernelComms<NotebookPanel>;

/**
 * The kernel comm token.
 */
export const IHpcKernelComms = new Token<IHpcKernelComms>(
  'jupyterlab-hpc:IHpcKernelComms',
  'The jupyterlab-hpc comm with notebook kernels: what magics did, and connecting a notebook to a set.'
);

/**
 * The page's one socket to the companion: queue snapshots and diffs, set
 * events, job-ended notifications.
 */
export type IHpcSocket = HpcSocket;

/**
 * The socket token.
 */
export const IHpcSocket = new Token<IHpcSocket>(
  'jupyterlab-hpc:IHpcSocket',
  "The page's one WebSocket to the HPC companion, shared by the queue, the sets and the notifications."
);

/**
 * The output tails: panels that follow a job's output file as it grows.
 */
export interface IHpcOutputTails {
  /**
   * Show the panel of a job's output stream, opening it unless it is open,
   * and bring it forward.
   */
  open(cluster: string, id: string, stream: OutputStream): Promise<void>;
}

/**
 * The output tails token.
 */
export const IHpcOutputTails = new Token<IHpcOutputTails>(
  'jupyterlab-hpc:IHpcOutputTails',
  "Panels in the main area that follow a job's output file as it grows."
);

/**
 * How often the companion polls Slurm, within the admin's limits.
 */
export type IHpcPollSettings = HpcPollSettings;

/**
 * The poll settings token.
 */
export const IHpcPollSettings = new Token<IHpcPollSettings>(
  'jupyterlab-hpc:IHpcPollSettings',
  "The companion's poll intervals in force and the admin's limits (whether all users' jobs may be shown)."
);
