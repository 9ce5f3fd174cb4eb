/**
 * The Queue section's content: header, state line, job table. Props only:
 * `QueueSection` passes a snapshot of the queue model and its handlers.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IQueueJob } from './jobs';
import type { QueueModel } from './model';
import type { QueueStatus } from './store';
import type { HpcSocket } from '../shared/ws';
import { IQueueHeaderProps, QueueHeader } from './queueHeader';
import { IQueueTableProps, QueueTable } from './queueTable';

export interface IQueueViewProps extends Omit<IQueueTableProps, 'label'>, Omit<IQueueHeaderProps, 'trans' | 'query'> {
  query: IQueueHeaderProps['query'];
  rows: ReadonlyArray<IQueueJob>;
  total: number;
  status: QueueStatus;
  error: string | null;
  warning: string | null;
  updatedAt: Date | null;
  connection: HpcSocket.Status;
  scrollRequest: QueueModel.IScrollRequest | null;
}

/**
 * "Last updated 10:41:07": the companion's last successful poll, with its
 * exact time in `data-updated-at`.
 */
function LastUpdated(props: { updatedAt: Date | null; trans: TranslationBundle }): JSX.Element {
  const { updatedAt, trans } = props;
  return (
    <span className="jp-Hpc-queueUpdated" data-updated-at={updatedAt?.toISOString() ?? ''}>
      {updatedAt ? trans.__('Last updated %1', updatedAt.toLocaleTimeString()) : trans.__('No jobs received yet')}
    </span>
  );
}

/**
 * Why the rows are out of date, in the words of Slurm (or the companion):
 * "Last updated 10:41:07 — Slurm has not answered for 5 s".
 */
function QueueErrorLine(props: IQueueViewProps): JSX.Element {
  const { trans, status } = props;
  return (
    <div className={`jp-Hpc-queueError jp-mod-${status}`} role="alert">
      <LastUpdated updatedAt={props.updatedAt} trans={trans} />
      {' — '}
      <span className="jp-Hpc-queueErrorMessage">{props.error || trans.__('Slurm did not answer.')}</span>
    </div>
  );
}

/**
 * The line under the header: loading, a lost connection, or the counts
 * (after Slurm's error, if any); then a warning about missing rows, if any.
 */
function QueueStatusLine(props: IQueueViewProps): JSX.Element {
  const { trans, status, connection, updatedAt } = props;
  if (connection !== 'open' && status !== 'loading') {
    return (
      <div className="jp-Hpc-queueStatus jp-Hpc-queueDisconnected" role="status">
        {trans.__('Lost the connection to the HPC companion; reconnecting…')}{' '}
        <LastUpdated updatedAt={updatedAt} trans={trans} />
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
  const failed = status === 'error' || status === 'stale';
  const shown = props.rows.length;
  return (
    <>
      {failed ? <QueueErrorLine {...props} /> : null}
      <div className="jp-Hpc-queueStatus" role="status" aria-live="off">
        <span className="jp-Hpc-queueCount" data-shown={shown} data-total={props.total}>
          {shown === props.total
            ? trans._n('%1 job', '%1 jobs', props.total)
            : trans.__('%1 of %2 jobs', shown, props.total)}
        </span>
        {props.selected.size > 0 ? (
          <span className="jp-Hpc-queueSelectedCount">{trans.__('%1 selected', props.selected.size)}</span>
        ) : null}
        {failed ? null : <LastUpdated updatedAt={updatedAt} trans={trans} />}
      </div>
      {props.warning !== null ? (
        <div className="jp-Hpc-queueWarning" role="status">
          {props.warning}
        </div>
      ) : null}
    </>
  );
}

export function QueueView(props: IQueueViewProps): JSX.Element {
  const { trans, cluster } = props;
  const outdated = props.status === 'error' || props.status === 'stale' || props.connection !== 'open';
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
      ) : props.rows.length === 0 && props.status !== 'loading' && props.updatedAt !== null ? (
        <div className="jp-Hpc-message jp-Hpc-empty">
          {filtered
            ? trans.__('No job matches the filters.')
            : props.showAll
              ? trans.__('No jobs on %1.', cluster)
              : trans.__('You have no jobs on %1.', cluster)}
        </div>
      ) : null}
      <QueueTable
        {...props}
        label={outdated ? trans.__('Jobs on %1 (out of date)', cluster ?? '') : trans.__('Jobs on %1', cluster ?? '')}
      />
    </div>
  );
}
