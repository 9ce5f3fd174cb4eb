/**
 * "Open" of a finished job's output file: in JupyterLab's editor when the file is on this
 * machine under the server's root (a local cluster), else in the output tail, which asks the
 * companion for it (wherever the cluster is).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

import type { HistoryJob } from '../../protocol/history';
import { CommandIDs } from '../commands';
import type { IHpcClusters } from '../tokens';

/** The path under the server's root of a local cluster's file; null otherwise. */
export function pathUnderRoot(path: string, root: string): string | null {
  const base = root.replace(/\/+$/, '');
  return base !== '' && path.startsWith(`${base}/`) ? path.slice(base.length + 1) : null;
}

export async function openJobOutput(
  app: JupyterFrontEnd,
  clusters: IHpcClusters,
  cluster: string,
  job: HistoryJob
): Promise<void> {
  const local = clusters.clusters.find(c => c.name === cluster)?.transport === 'local';
  const relative = job.output && local ? pathUnderRoot(job.output.path, PageConfig.getOption('serverRoot')) : null;
  if (relative !== null && app.commands.hasCommand('docmanager:open')) {
    await app.commands.execute('docmanager:open', { path: relative });
  } else {
    await app.commands.execute(CommandIDs.tailJobOutput, { cluster, id: job.id, stream: 'stdout' });
  }
}
