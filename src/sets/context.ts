import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { TemplatesApi } from '../templates/api';
import type { IHpcClusters, IHpcKernelComms, IHpcQueue } from '../tokens';
import type { SetsModel } from './model';

/**
 * What the actions work with; the optional parts are other plugins'.
 */
export interface ISetsContext {
  model: SetsModel;
  clusters: IHpcClusters;
  templates: TemplatesApi;
  shell: JupyterFrontEnd.IShell;
  serverSettings: ServerConnection.ISettings;
  comms: IHpcKernelComms | null;
  notebooks: INotebookTracker | null;
  queue: IHpcQueue | null;
  trans: TranslationBundle;
}
