/**
 * The companion's history routes (protocol/history.ts): a cluster's finished jobs from sacct,
 * and what "Run again" starts from. Errors are `HpcApiError`s carrying the companion's message.
 */
import type { ServerConnection } from '@jupyterlab/services';

import type { HistoryAnswer, HistoryQuery, RerunReply } from '../../protocol/history';
import { requestAPI } from '../shared/api';

function historyPath(cluster: string, ...rest: string[]): string {
  return ['clusters', cluster, 'history', ...rest].map(encodeURIComponent).join('/');
}

/** `GET clusters/<c>/history`: the jobs of the query, or the one line of a cluster without accounting. */
export function fetchHistory(
  cluster: string,
  query: HistoryQuery,
  settings?: ServerConnection.ISettings
): Promise<HistoryAnswer> {
  const params = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
  );
  const search = params.toString();
  return requestAPI<HistoryAnswer>(`${historyPath(cluster)}${search ? `?${search}` : ''}`, { method: 'GET' }, settings);
}

/** `GET clusters/<c>/history/<id>/rerun`: the job's script, or its template and values. */
export function fetchRerun(cluster: string, id: string, settings?: ServerConnection.ISettings): Promise<RerunReply> {
  return requestAPI<RerunReply>(historyPath(cluster, id, 'rerun'), { method: 'GET' }, settings);
}
