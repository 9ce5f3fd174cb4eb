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

import { JOBS_MIME_TYPE, JOBS_MIME_VERSION, NOTEBOOK_JOB_COLUMNS } from '../protocol/jobs';
import { shownReason } from './queue/jobs';

export { JOBS_MIME_TYPE };

/**
 * A job as `%squeue` reports it: the companion's fields plus its cluster.
 */
interface IJobsJob {
  [key: string]: unknown;
}

/**
 * The mime bundle's data, version 1.
 */
export interface IJobsData {
  version: number;
  query: { cluster?: string | null; user?: string | null; all?: boolean; states?: string[] | null };
  clusters: Array<{ name: string; status?: string; error?: string | null; updatedAt?: string | null }>;
  jobs: IJobsJob[];
  /** Jobs found, when `jobs` holds only the first of them. */
  total?: number;
}

interface IColumn {
  key: string;
  label: (trans: TranslationBundle) => string;
  value: (job: IJobsJob) => string;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

const COLUMNS: ReadonlyArray<IColumn> = NOTEBOOK_JOB_COLUMNS.map(({ key, label }) => ({
  key,
  label: trans => trans.__(label),
  value:
    key === 'where'
      ? // Slurm's NODELIST(REASON): where it runs, or why it waits.
        job => text(job.nodeList) || shownReason({ reason: text(job.reason) })
      : job => text(job[key])
}));

const CLUSTER_COLUMN: IColumn = {
  key: 'cluster',
  label: trans => trans.__('Cluster'),
  value: job => text(job.cluster)
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  content = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = content;
  return node;
}

/**
 * "2 jobs on local (your jobs; active)".
 */
export function jobsCaption(data: IJobsData, trans: TranslationBundle): string {
  const who = data.query.all ? trans.__('all users') : data.query.user || trans.__('your jobs');
  const where = data.clusters.map(cluster => cluster.name).join(', ');
  const states = data.query.states?.length ? `; ${data.query.states.join(',')}` : '';
  const count = Math.max(data.total ?? 0, data.jobs.length);
  return trans._n('%1 job on %2 (%3)', '%1 jobs on %2 (%3)', count, where, `${who}${states}`);
}

/**
 * The table of a jobs bundle, as a DOM tree.
 */
export function jobsTable(data: IJobsData, trans: TranslationBundle): HTMLElement {
  const columns = data.clusters.length > 1 ? [CLUSTER_COLUMN, ...COLUMNS] : COLUMNS;
  const root = element('div', 'jp-Hpc-jobsOutput');
  const table = element('table', 'jp-Hpc-jobsOutputTable');
  table.appendChild(element('caption', 'jp-Hpc-jobsOutputCaption', jobsCaption(data, trans)));
  const headRow = table.createTHead().insertRow();
  for (const column of columns) {
    const th = element('th', '', column.label(trans));
    th.scope = 'col';
    headRow.appendChild(th);
  }
  const body = table.createTBody();
  for (const job of data.jobs) {
    const row = body.insertRow();
    row.dataset.jobId = text(job.id);
    row.dataset.state = text(job.state);
    for (const column of columns) {
      const cell = row.insertCell();
      cell.dataset.column = column.key;
      cell.textContent = column.value(job);
    }
  }
  root.appendChild(table);
  if (data.jobs.length === 0) {
    root.appendChild(element('div', 'jp-Hpc-jobsOutputEmpty', trans.__('No jobs.')));
  } else if ((data.total ?? 0) > data.jobs.length) {
    root.appendChild(
      element(
        'div',
        'jp-Hpc-jobsOutputMore',
        trans.__("The first %1 of %2 jobs are shown; the magic's value holds them all.", data.jobs.length, data.total)
      )
    );
  }
  for (const cluster of data.clusters) {
    if (cluster.error) {
      root.appendChild(element('div', 'jp-Hpc-jobsOutputError', `${cluster.name}: ${cluster.error}`));
    }
  }
  return root;
}

/**
 * The bundle's data if it has the shape this renderer knows.
 */
export function asJobsData(value: unknown): IJobsData | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const data = value as Partial<IJobsData>;
  return data.version === JOBS_MIME_VERSION && Array.isArray(data.jobs) && Array.isArray(data.clusters)
    ? ({ query: {}, ...data, jobs: data.jobs.filter(job => typeof job === 'object' && job !== null) } as IJobsData)
    : null;
}

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
