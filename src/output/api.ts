/**
 * The job output endpoint of the companion's REST API, read by the output
 * tail. Errors are `HpcApiError`s carrying the companion's message.
 */
import type { ServerConnection } from '@jupyterlab/services';

import { jobsPath } from '../queue/api';
import { requestAPI } from '../shared/api';

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
