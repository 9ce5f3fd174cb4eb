/**
 * The output tails service: one main-area panel per job and stream,
 * tracked so that the layout restorer reopens them.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IHpcOutputTails } from '../tokens';
import type { OutputStream } from './api';
import { openOutputTail, OutputTailTracker, OutputTailView } from './view';

export class OutputTails implements IHpcOutputTails {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _trans: TranslationBundle
  ) {}

  /**
   * The open tail panels.
   */
  readonly tracker: OutputTailTracker = new WidgetTracker<MainAreaWidget<OutputTailView>>({
    namespace: 'hpc-output-tail'
  });

  async open(cluster: string, id: string, stream: OutputStream): Promise<void> {
    const widget = await openOutputTail(
      { cluster, id, stream },
      {
        tracker: this.tracker,
        addToShell: w => this._app.shell.add(w, 'main'),
        trans: this._trans,
        serverSettings: this._app.serviceManager.serverSettings
      }
    );
    this._app.shell.activateById(widget.id);
  }
}
