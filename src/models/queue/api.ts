/**
 * The job endpoints of the companion's REST API used by the queue view.
 * Errors are `HpcApiError`s carrying Slurm's message.
 */
import type { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../../api';

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
 * A slice of a job's output file.
 */
export interface IOutputSlice {
  path: string;
  data: string;
  /** Byte offset of `data` in the file. */
  offset: number;
  /** Where the next read should start. */
  nextOffset: number;
  /** The file's size when read. */
  size: number;
}

export type OutputStream = 'stdout' | 'stderr';

function jobsPath(cluster: string, ...rest: string[]): string {
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
 * `scontrol show job` of a job: several entries for het jobs and arrays.
 */
export async function jobDetails(
  cluster: string,
  id: string,
  settings?: ServerConnection.ISettings
): Promise<JobDetails[]> {
  const reply = await requestAPI<{ jobs?: unknown }>(jobsPath(cluster, id), { method: 'GET' }, settings);
  const jobs = Array.isArray(reply?.jobs) ? reply.jobs : [];
  return jobs
    .filter((job): job is { [key: string]: unknown } => typeof job === 'object' && job !== null)
    .map(job => Object.fromEntries(Object.entries(job).map(([key, value]) => [key, String(value ?? '')])));
}

/**
 * Read a job's output file: from `offset` on, or, without one, its last
 * `maxBytes` (the start of a tail).
 */
export async function jobOutput(
  cluster: string,
  id: string,
  options: { stream: OutputStream; offset?: number; maxBytes?: number },
  settings?: ServerConnection.ISettings
): Promise<IOutputSlice> {
  const query = new URLSearchParams({ stream: options.stream });
  if (options.offset !== undefined) {
    query.set('offset', String(options.offset));
  }
  if (options.maxBytes !== undefined) {
    query.set('maxBytes', String(options.maxBytes));
  }
  const reply = await requestAPI<Partial<IOutputSlice> | null>(
    `${jobsPath(cluster, id, 'output')}?${query}`,
    { method: 'GET' },
    settings
  );
  const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return {
    path: typeof reply?.path === 'string' ? reply.path : '',
    data: typeof reply?.data === 'string' ? reply.data : '',
    offset: number(reply?.offset),
    nextOffset: number(reply?.nextOffset),
    size: number(reply?.size)
  };
}
