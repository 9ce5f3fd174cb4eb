/**
 * A job's `scontrol show job` in a dialog.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { JobDetails } from './api';
import { visibleText } from '../shared/visible';

/**
 * The fields a user looks for first, in this order; the others follow in
 * Slurm's order.
 */
const FIRST_FIELDS = [
  'JobId',
  'JobName',
  'UserId',
  'JobState',
  'Reason',
  'ExitCode',
  'Partition',
  'NumNodes',
  'NumCPUs',
  'NodeList',
  'TimeLimit',
  'RunTime',
  'SubmitTime',
  'StartTime',
  'EndTime',
  'WorkDir',
  'Command',
  'StdOut',
  'StdErr'
];

/**
 * scontrol's keys in words (translated where shown); the others keep Slurm's key.
 */
const FIELD_WORDS: { readonly [key: string]: string } = {
  JobId: 'Job ID',
  JobName: 'Name',
  UserId: 'User',
  JobState: 'State',
  Reason: 'Reason',
  ExitCode: 'Exit code',
  Partition: 'Partition',
  NumNodes: 'Nodes',
  NumCPUs: 'CPUs',
  NodeList: 'Node list',
  TimeLimit: 'Time limit',
  RunTime: 'Run time',
  SubmitTime: 'Submitted',
  StartTime: 'Start',
  EndTime: 'End',
  WorkDir: 'Working directory',
  Command: 'Command',
  StdOut: 'Output file',
  StdErr: 'Error file',
  Account: 'Account',
  QOS: 'QOS',
  Priority: 'Priority',
  MinMemoryNode: 'Memory per node',
  MinMemoryCPU: 'Memory per CPU',
  TRES: 'Resources',
  Dependency: 'Dependency'
};

/**
 * The fields of one or more jobs (an array or het job has several
 * entries), as definition lists.
 */
export function JobDetailsBody(props: { jobs: ReadonlyArray<JobDetails>; trans: TranslationBundle }): JSX.Element {
  const { jobs, trans } = props;
  if (jobs.length === 0) {
    return <p className="jp-Hpc-jobDetailsEmpty">{trans.__('Slurm no longer knows this job.')}</p>;
  }
  return (
    <div className="jp-Hpc-jobDetails">
      {jobs.map((job, i) => {
        const keys = [
          ...FIRST_FIELDS.filter(key => key in job),
          ...Object.keys(job).filter(key => !FIRST_FIELDS.includes(key))
        ];
        return (
          <section key={`${job.JobId ?? ''}-${i}`} className="jp-Hpc-jobDetailsJob" data-job-id={job.JobId}>
            {jobs.length > 1 ? <h3 className="jp-Hpc-jobDetailsTitle">{job.JobId}</h3> : null}
            <dl className="jp-Hpc-jobDetailsFields">
              {keys.map(key => (
                <React.Fragment key={key}>
                  <dt title={key}>{key in FIELD_WORDS ? trans.__(FIELD_WORDS[key]) : key}</dt>
                  <dd data-field={key}>{visibleText(job[key])}</dd>
                </React.Fragment>
              ))}
            </dl>
          </section>
        );
      })}
    </div>
  );
}

/**
 * Show a job's details; resolves with the output stream the user asked to
 * follow from the dialog, or null.
 */
export async function showJobDetailsDialog(
  cluster: string,
  id: string,
  jobs: ReadonlyArray<JobDetails>,
  trans: TranslationBundle
): Promise<'stdout' | 'stderr' | null> {
  const result = await showDialog({
    title: trans.__('Job %1 on %2', id, cluster),
    body: <JobDetailsBody jobs={jobs} trans={trans} />,
    buttons: [
      Dialog.createButton({ label: trans.__('Output'), actions: ['stdout'] }),
      Dialog.createButton({ label: trans.__('Errors'), actions: ['stderr'] }),
      Dialog.okButton({ label: trans.__('Close') })
    ],
    defaultButton: 2
  });
  const actions = result.button.actions;
  return actions.includes('stdout') ? 'stdout' : actions.includes('stderr') ? 'stderr' : null;
}
