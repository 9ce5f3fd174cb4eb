/**
 * The sidebar's compact list of my active jobs on every cluster: id, name,
 * state and time left. Clicking one opens "HPC Jobs" in the main area with
 * that job selected and its details shown.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandToolbarButton, Toolbar, VDomRenderer } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { isFinalState } from '../../protocol/jobs';
import { CommandIDs } from '../commands';
import type { IHpcClusters } from '../tokens';
import type { IQueueJob } from './jobs';
import type { QueueModel } from './model';

/** Longer lists say how many more there are: the panel shows them all. */
const MAX_SHOWN = 50;

export interface IActiveJob {
  cluster: string;
  job: IQueueJob;
}

/**
 * My jobs that have not ended (the first `limit`, by cluster then id) and
 * how many there are. On the cluster the queue shows with everyone's jobs,
 * mine are those of the cluster's user. One pass, no sort of the whole
 * queue: this renders on every change of the model.
 */
export function myActiveJobs(
  model: QueueModel,
  clusters: IHpcClusters,
  limit = MAX_SHOWN
): { shown: IActiveJob[]; total: number } {
  const shown: IActiveJob[] = [];
  let total = 0;
  for (const cluster of clusters.clusters) {
    const everyone = cluster.name === model.cluster && model.showAll;
    for (const job of model.jobsOf(cluster.name)?.values() ?? []) {
      if (!isFinalState(job.state) && (!everyone || job.user === cluster.user)) {
        total += 1;
        if (shown.length < limit) {
          shown.push({ cluster: cluster.name, job });
        }
      }
    }
  }
  shown.sort(
    (a, b) => a.cluster.localeCompare(b.cluster) || a.job.idMajor - b.job.idMajor || a.job.idMinor - b.job.idMinor
  );
  return { shown, total };
}

export class MyJobsSection extends VDomRenderer<QueueModel> {
  constructor(options: MyJobsSection.IOptions) {
    super(options.model);
    this._options = options;
    this.id = 'jp-hpc-my-jobs';
    this.addClass('jp-Hpc-myJobsSection');
    this.title.label = options.trans.__('My active jobs');
    options.clusters.stateChanged.connect(() => this.update());
    this.toolbar = new Toolbar();
    this.toolbar.addItem(
      'open-jobs-panel',
      new CommandToolbarButton({ commands: options.commands, id: CommandIDs.openJobsPanel, label: '' })
    );
  }

  /** The section header's toolbar (shown by the sidebar): opens "HPC Jobs". */
  readonly toolbar: Toolbar;

  protected render(): JSX.Element {
    const { trans, clusters, open } = this._options;
    const { shown: jobs, total } = myActiveJobs(this.model, clusters);
    const highlighted = this.model.highlighted;
    const selected = this.model.selectedIds;
    return (
      <div className="jp-Hpc-myJobs" data-count={total}>
        {jobs.length === 0 ? <div className="jp-Hpc-message">{trans.__('No active jobs.')}</div> : null}
        <ul aria-label={trans.__('My active jobs')}>
          {jobs.map(({ cluster, job }) => (
            <li key={`${cluster}/${job.id}`}>
              <button
                type="button"
                className={[
                  'jp-Hpc-myJob',
                  cluster === this.model.cluster && highlighted.has(job.id) ? 'jp-mod-highlighted' : '',
                  cluster === this.model.cluster && selected.has(job.id) ? 'jp-mod-selected' : ''
                ]
                  .filter(Boolean)
                  .join(' ')}
                data-cluster={cluster}
                data-job-id={job.id}
                data-state={job.state}
                title={trans.__('Show job %1 on %2 in HPC Jobs', job.id, cluster)}
                onClick={() => open(cluster, job.id)}
              >
                <span className="jp-Hpc-myJobId">{job.id}</span>
                <span className="jp-Hpc-myJobName">{job.name}</span>
                <span className="jp-Hpc-myJobState">{job.state}</span>
                <span className="jp-Hpc-myJobLeft" title={trans.__('Time left')}>
                  {job.timeLeft}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {total > jobs.length ? (
          <div className="jp-Hpc-note">{trans.__('and %1 more in HPC Jobs', total - jobs.length)}</div>
        ) : null}
      </div>
    );
  }

  private _options: MyJobsSection.IOptions;
}

export namespace MyJobsSection {
  export interface IOptions {
    model: QueueModel;
    clusters: IHpcClusters;
    trans: TranslationBundle;
    commands: CommandRegistry;
    /** Open "HPC Jobs" with this job selected. */
    open: (cluster: string, jobId: string) => void;
  }
}
