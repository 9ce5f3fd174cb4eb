/**
 * The sidebar's compact list of my active jobs on every cluster: id, name,
 * state and time left. Clicking one opens "HPC Jobs" in the main area with
 * that job selected and its details shown.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import { isFinalState } from '../../protocol/jobs';
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
 * My jobs that have not ended, by cluster then id. On the cluster the
 * queue shows with everyone's jobs, mine are those of the cluster's user.
 */
export function myActiveJobs(model: QueueModel, clusters: IHpcClusters): IActiveJob[] {
  const active: IActiveJob[] = [];
  for (const cluster of clusters.clusters) {
    const everyone = cluster.name === model.cluster && model.showAll;
    for (const job of model.jobsOf(cluster.name)?.values() ?? []) {
      if (!isFinalState(job.state) && (!everyone || job.user === cluster.user)) {
        active.push({ cluster: cluster.name, job });
      }
    }
  }
  return active.sort(
    (a, b) => a.cluster.localeCompare(b.cluster) || a.job.idMajor - b.job.idMajor || a.job.idMinor - b.job.idMinor
  );
}

export class MyJobsSection extends VDomRenderer<QueueModel> {
  constructor(options: MyJobsSection.IOptions) {
    super(options.model);
    this._options = options;
    this.id = 'jp-hpc-my-jobs';
    this.addClass('jp-Hpc-myJobsSection');
    this.title.label = options.trans.__('My active jobs');
    options.clusters.stateChanged.connect(() => this.update());
  }

  protected render(): JSX.Element {
    const { trans, clusters, open } = this._options;
    const jobs = myActiveJobs(this.model, clusters);
    const highlighted = this.model.highlighted;
    return (
      <div className="jp-Hpc-myJobs" data-count={jobs.length}>
        {jobs.length === 0 ? <div className="jp-Hpc-message">{trans.__('No active jobs.')}</div> : null}
        <ul aria-label={trans.__('My active jobs')}>
          {jobs.slice(0, MAX_SHOWN).map(({ cluster, job }) => (
            <li key={`${cluster}/${job.id}`}>
              <button
                type="button"
                className={`jp-Hpc-myJob${
                  cluster === this.model.cluster && highlighted.has(job.id) ? ' jp-mod-highlighted' : ''
                }`}
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
        {jobs.length > MAX_SHOWN ? (
          <div className="jp-Hpc-note">{trans.__('and %1 more in HPC Jobs', jobs.length - MAX_SHOWN)}</div>
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
    /** Open "HPC Jobs" with this job selected. */
    open: (cluster: string, jobId: string) => void;
  }
}
