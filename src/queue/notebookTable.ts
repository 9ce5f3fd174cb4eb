/**
 * `%squeue`'s job table in notebooks, as a DOM tree (src/mimeRenderer.ts renders it): the
 * columns of protocol/jobs.ts NOTEBOOK_JOB_COLUMNS, plus the cluster when there are several.
 * Every value comes from Slurm or users and is set as text, never markup.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { JOBS_MIME_VERSION, NOTEBOOK_JOB_COLUMNS } from '../../protocol/jobs';
import { shownReason } from './jobs';

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

export interface IColumn {
  key: string;
  label: (trans: TranslationBundle) => string;
  value: (job: IJobsJob) => string;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** The columns of the table (without the cluster's). */
export const NOTEBOOK_COLUMNS: ReadonlyArray<IColumn> = NOTEBOOK_JOB_COLUMNS.map(({ key, label }) => ({
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

export function element<K extends keyof HTMLElementTagNameMap>(
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
  const columns = data.clusters.length > 1 ? [CLUSTER_COLUMN, ...NOTEBOOK_COLUMNS] : NOTEBOOK_COLUMNS;
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
