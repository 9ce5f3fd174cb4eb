/**
 * Renders `%squeue`'s output (`application/vnd.jupyterlab-hpc.jobs+json`,
 * see `jupyterlab_hpc/display.py`) as a compact table in notebooks: a mime
 * extension, so it renders wherever JupyterLab renders outputs. Every value
 * comes from Slurm or users and is set as text, never markup, which makes
 * the renderer safe in untrusted notebooks too.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { JOBS_MIME_TYPE } from '../protocol/jobs';
import { asJobsData, element, jobsTable } from './queue/notebookTable';

export { JOBS_MIME_TYPE };

export class JobsRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_hpc');
    this.addClass('jp-Hpc-jobsRenderer');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = asJobsData(model.data[JOBS_MIME_TYPE]);
    this.node.replaceChildren(
      data
        ? jobsTable(data, this._trans)
        : element(
            'div',
            'jp-Hpc-jobsOutputError',
            this._trans.__('This job table has a format this extension does not know.')
          )
    );
  }

  private _trans: TranslationBundle;
}

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [JOBS_MIME_TYPE],
  // Before text/html (50): Lab shows this table, other front ends the HTML one.
  defaultRank: 40,
  createRenderer: options => new JobsRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: 'jupyterlab-hpc:jobs-renderer',
  description: "Renders %squeue's job tables in notebooks.",
  rendererFactory,
  rank: 40,
  dataType: 'json'
};

export default extension;
