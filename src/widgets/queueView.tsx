/**
 * The Queue section's content: header, state line, job table. Props only:
 * `QueueSection` passes a snapshot of the queue model and its handlers.
 */
import * as React from 'react';

import type { IQueueJob } from '../models/queue/jobs';
import type { QueueModel } from '../models/queue/model';
import type { QueueStatus } from '../models/queue/store';
import type { HpcSocket } from '../ws';
import { IQueueHeaderProps, QueueHeader } from './queueHeader';
import { IQueueTableProps, QueueTable } from './queueTable';

export interface IQueueViewProps extends Omit<IQueueTableProps, 'label'>, Omit<IQueueHeaderProps, 'trans' | 'query'> {
  query: IQueueHeaderProps['query'];
  rows: ReadonlyArray<IQueueJob>;
  total: number;
  status: QueueStatus;
  error: string | null;
  updatedAt: Date | null;
  connection: HpcSocket.Status;
  scrollRequest: QueueModel.IScrollRequest | null;
}

/**
 * The line under the header: loading, Slurm's error with the age of the
 * rows shown, a lost connection, or the counts.
 */
function QueueStatusLine(props: IQueueViewProps): JSX.Element {
  const { trans, status, connection, updatedAt } = props;
  const asOf = updatedAt ? trans.__('Last updated %1.', updatedAt.toLocaleTimeString()) : '';
  if (connection !== 'open' && status !== 'loading') {
    return (
      <div className="jp-Hpc-queueStatus jp-Hpc-queueDisconnected" role="status">
        {trans.__('Lost the connection to the HPC companion; reconnecting…')} {asOf}
      </div>
    );
  }
  if (status === 'loading') {
    return (
      <div className="jp-Hpc-queueStatus jp-Hpc-loading" role="status">
        {connection === 'open' ? trans.__('Loading jobs…') : trans.__('Connecting to the HPC companion…')}
      </div>
    );
  }
  if (status === 'error' || status === 'stale') {
    return (
      <div className={`jp-Hpc-queueStatus jp-Hpc-queueError jp-mod-${status}`} role="alert">
        <pre className="jp-Hpc-queueErrorMessage">{props.error || trans.__('Slurm did not answer.')}</pre>
        <span className="jp-Hpc-queueUpdated">{asOf || trans.__('No jobs received yet.')}</span>
      </div>
    );
  }
  const shown = props.rows.length;
  return (
    <div className="jp-Hpc-queueStatus" role="status" aria-live="off">
      <span className="jp-Hpc-queueCount" data-shown={shown} data-total={props.total}>
        {shown === props.total
          ? trans._n('%1 job', '%1 jobs', props.total)
          : trans.__('%1 of %2 jobs', shown, props.total)}
      </span>
      {props.selected.size > 0 ? (
        <span className="jp-Hpc-queueSelectedCount">{trans.__('%1 selected', props.selected.size)}</span>
      ) : null}
      <span className="jp-Hpc-queueUpdated">{asOf}</span>
    </div>
  );
}

export function QueueView(props: IQueueViewProps): JSX.Element {
  const { trans, cluster } = props;
  const filtered = props.query.text !== '' || props.query.state !== '' || props.query.partition !== '';
  return (
    <div
      className={`jp-Hpc-queue jp-mod-${props.status}`}
      data-cluster={cluster ?? ''}
      data-status={props.status}
      data-connection={props.connection}
      data-all={props.showAll ? 'true' : 'false'}
    >
      <QueueHeader {...props} />
      <QueueStatusLine {...props} />
      {cluster === null ? (
        <div className="jp-Hpc-message jp-Hpc-empty">{trans.__('Waiting for the list of clusters…')}</div>
      ) : props.rows.length === 0 && props.status !== 'loading' ? (
        <div className="jp-Hpc-message jp-Hpc-empty">
          {filtered
            ? trans.__('No job matches the filters.')
            : props.showAll
              ? trans.__('No jobs on %1.', cluster)
              : trans.__('You have no jobs on %1.', cluster)}
        </div>
      ) : null}
      <QueueTable {...props} label={trans.__('Jobs on %1', cluster ?? '')} />
    </div>
  );
}
