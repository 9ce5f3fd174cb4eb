/**
 * The job endpoints of the companion's REST API used by the queue view.
 * Errors are `HpcApiError`s carrying Slurm's message.
 */
import type { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../shared/api';

/**
 * A job action of `POST hpc/api/clusters/{c}/jobs/actions`.
 */
export type JobAction = 'cancel' | 'hold' | 'release';

/**
 * A job as `scontrol show job` describes it: every key Slurm printed
 * (`JobId`, `JobName`, `JobState`, `StdOut`…), as strings.
 */
export type JobDetails = { readonly [key: string]: string };

/**
 * The path of a cluster's jobs (or of one job's `rest`) under `hpc/api`.
 */
export function jobsPath(cluster: string, ...rest: string[]): string {
  return ['clusters', cluster, 'jobs', ...rest].map(encodeURIComponent).join('/');
}

/**
 * Cancel, hold or release jobs, all in one Slurm command.
 */
export async function jobAction(
  cluster: string,
  action: JobAction,
  ids: ReadonlyArray<string>,
  settings?: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<unknown>(
    jobsPath(cluster, 'actions'),
    {
      method: 'POST',
      body: JSON.stringify({ action, ids }),
      headers: { 'Content-Type': 'application/json' }
    },
    settings
  );
}

/**
 * What the companion knows of one job: `scontrol show job` (several entries for het jobs and
 * arrays) and, while it is pending, Slurm's expected start (`squeue --start`), if any.
 */
export interface JobInfo {
  jobs: JobDetails[];
  start: string | null;
}

export async function jobInfo(cluster: string, id: string, settings?: ServerConnection.ISettings): Promise<JobInfo> {
  const reply = await requestAPI<{ jobs?: unknown; start?: unknown }>(
    jobsPath(cluster, id),
    { method: 'GET' },
    settings
  );
  const jobs = Array.isArray(reply?.jobs) ? reply.jobs : [];
  return {
    jobs: jobs
      .filter((job): job is { [key: string]: unknown } => typeof job === 'object' && job !== null)
      .map(job => Object.fromEntries(Object.entries(job).map(([key, value]) => [key, String(value ?? '')]))),
    start: typeof reply?.start === 'string' && reply.start !== '' ? reply.start : null
  };
}

/**
 * `scontrol show job` of a job: several entries for het jobs and arrays.
 */
export async function jobDetails(
  cluster: string,
  id: string,
  settings?: ServerConnection.ISettings
): Promise<JobDetails[]> {
  return (await jobInfo(cluster, id, settings)).jobs;
}
