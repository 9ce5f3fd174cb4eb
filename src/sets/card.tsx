/**
 * One Dask / IPyParallel / custom set as a card: its state in words, workers
 * connected, elapsed and remaining time, the walltime warning, the log of a
 * set that ended badly, and its actions. Props only: what the buttons do is
 * given.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { SetAction } from './model';
import type { ISetRecord } from './api';
import { CustomSetInfo } from './customInfo';

/**
 * What a card's buttons do, by set id.
 */
export interface ISetCardActions {
  openDashboard(id: string): void;
  /** A custom set's web UI (one of `record.webUIs`), in Lab. */
  openWebUI(id: string, url: string): void;
  useInNotebook(id: string): void;
  scale(id: string, workers: number): void;
  stop(id: string): void;
  forget(id: string): void;
  /** The start form again, filled with an ended set's settings. */
  startAgain(id: string): void;
  /**
   * Show one of the set's Slurm jobs in the queue; absent without a queue.
   */
  showJob?(cluster: string, jobId: string): void;
}

export interface ISetCardProps {
  record: ISetRecord;
  /** The clock (ms) to count elapsed and remaining time with. */
  now: number;
  busy: SetAction | undefined;
  highlighted: boolean;
  actions: ISetCardActions;
  trans: TranslationBundle;
}

/**
 * `1:02:03`, `2:03`, `3d 04:05:06`, for a number of seconds.
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const clock = hours > 0 || days > 0 ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
  return days > 0 ? `${days}d ${clock.padStart(8, '0')}` : clock;
}

/**
 * Seconds since the set started running (until it ended), or null before.
 */
export function elapsedSeconds(record: ISetRecord, now: number): number | null {
  if (!record.startedAt) {
    return null;
  }
  const left = secondsLeft(record, now);
  if (record.timeLimit !== undefined && left !== null) {
    // From Slurm's own clock: `startedAt` is Slurm's local time, without a
    // zone, which the browser may not share.
    return record.timeLimit - left;
  }
  const end = record.endedAt ? Date.parse(record.endedAt) : now;
  return (end - Date.parse(record.startedAt)) / 1000;
}

/**
 * The walltime left now: the companion's `timeLeft` was as of `updatedAt`.
 */
export function secondsLeft(record: ISetRecord, now: number): number | null {
  if (record.timeLeft === undefined || record.state === 'ended') {
    return null;
  }
  return record.timeLeft - Math.max(0, (now - Date.parse(record.updatedAt)) / 1000);
}

/**
 * The set's state in words.
 */
export function statusLine(record: ISetRecord, trans: TranslationBundle): string {
  const { connected, requested } = record.workers;
  const unit = (n: number): string =>
    record.kind === 'ipyparallel' ? trans._n('%1 engine', '%1 engines', n) : trans._n('%1 worker', '%1 workers', n);
  switch (record.state) {
    case 'pending': {
      const why = record.jobs.find(job => job.role === 'head')?.reason || record.message;
      return why ? trans.__('Pending: %1', why) : trans.__('Pending');
    }
    case 'starting':
      return trans.__('Starting: %1 of %2 connected', connected, unit(requested));
    case 'running':
      return connected < requested
        ? trans.__('Running: %1 of %2 connected', connected, unit(requested))
        : trans.__('Running: %1', unit(connected));
    case 'stopping':
      return trans.__('Stopping…');
    case 'ended':
      return trans.__('Ended: %1', record.reason ?? trans.__('unknown reason'));
  }
}

/**
 * "Dask", "IPyParallel".
 */
export function kindLabel(kind: ISetRecord['kind'], trans: TranslationBundle): string {
  return kind === 'dask' ? trans.__('Dask') : kind === 'ipyparallel' ? trans.__('IPyParallel') : trans.__('Custom');
}

/**
 * What the set is, for its card: "Dask · 4 workers · local · started 14:02" (the workers as
 * requested, so a scale shows at once; Slurm's start time, local to the cluster).
 */
export function setSummary(record: ISetRecord, trans: TranslationBundle): string {
  const n = record.workers.requested;
  const workers =
    record.kind === 'ipyparallel' ? trans._n('%1 engine', '%1 engines', n) : trans._n('%1 worker', '%1 workers', n);
  const parts = [kindLabel(record.kind, trans), workers, record.cluster];
  const clock = /T(\d\d:\d\d)/.exec(record.startedAt ?? '')?.[1];
  if (clock) {
    parts.push(trans.__('started %1', clock));
  }
  return parts.join(' · ');
}

export function SetCard(props: ISetCardProps): JSX.Element {
  const { record, now, busy, actions, trans } = props;
  const { id, state } = record;
  const headingId = `jp-Hpc-set-${id}`;
  const ref = React.useRef<HTMLLIElement>(null);
  React.useEffect(() => {
    // Revealed (just started, or by a notebook): bring it into view.
    if (props.highlighted) {
      ref.current?.scrollIntoView({ block: 'nearest' });
    }
  }, [props.highlighted]);

  const elapsed = elapsedSeconds(record, now);
  const left = secondsLeft(record, now);
  const alive = state !== 'ended';
  const scalable = state === 'running' || state === 'starting';
  const badEnd = state === 'ended' && record.reason !== 'cancelled' && record.reason !== 'completed';
  const className = ['jp-Hpc-set', props.highlighted ? 'jp-mod-highlighted' : '', busy ? 'jp-mod-busy' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <li
      ref={ref}
      className={className}
      data-set-id={id}
      data-state={state}
      data-kind={record.kind}
      data-reason={record.reason ?? ''}
      data-workers-connected={record.workers.connected}
      data-workers-requested={record.workers.requested}
      data-jobs={record.jobs.map(job => job.id).join(' ')}
      aria-labelledby={headingId}
      aria-busy={busy !== undefined}
    >
      <div className="jp-Hpc-setHeader">
        <h3 className="jp-Hpc-setName" id={headingId} title={trans.__('Set %1 on %2', id, record.cluster)}>
          {record.name}
        </h3>
        <span className="jp-Hpc-badge jp-Hpc-setKind">{kindLabel(record.kind, trans)}</span>
        <span className="jp-Hpc-badge jp-Hpc-setState" data-state={state}>
          {state}
        </span>
      </div>
      <div className="jp-Hpc-setSummary">{setSummary(record, trans)}</div>
      <div className="jp-Hpc-setStatus">{statusLine(record, trans)}</div>
      {state !== 'ended' && record.message && state !== 'pending' ? (
        <div className="jp-Hpc-setMessage">{record.message}</div>
      ) : null}
      {state === 'ended' && record.message ? <div className="jp-Hpc-setMessage">{record.message}</div> : null}
      {alive ? (
        <meter
          className="jp-Hpc-setMeter"
          min={0}
          max={Math.max(1, record.workers.requested)}
          value={record.workers.connected}
          aria-label={trans.__('Workers connected')}
        />
      ) : null}
      <div className="jp-Hpc-setTimes">
        <span>{record.cluster}</span>
        {elapsed !== null ? (
          <span className="jp-Hpc-setElapsed">{trans.__('%1 elapsed', formatDuration(elapsed))}</span>
        ) : null}
        {left !== null ? <span className="jp-Hpc-setLeft">{trans.__('%1 left', formatDuration(left))}</span> : null}
        <JobLinks record={record} showJob={actions.showJob} trans={trans} />
      </div>
      {record.warning && alive ? (
        <div className="jp-Hpc-setWarning" role="alert">
          {record.warning}
        </div>
      ) : null}
      {record.logTail && record.logTail.length > 0 ? (
        <details className="jp-Hpc-setLog" open={badEnd}>
          <summary>{trans.__('Log')}</summary>
          <pre>{record.logTail.join('\n')}</pre>
        </details>
      ) : null}
      {record.kind === 'custom' ? (
        <CustomSetInfo record={record} openWebUI={(setId, url) => actions.openWebUI(setId, url)} trans={trans} />
      ) : null}
      <div className="jp-Hpc-setActions">
        {record.kind === 'dask' && state === 'running' && record.dashboard ? (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-reject jp-Hpc-setDashboard"
            disabled={busy !== undefined}
            onClick={() => actions.openDashboard(id)}
          >
            {trans.__('Dashboard')}
          </button>
        ) : null}
        {state === 'running' ? (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-accept jp-Hpc-setUse"
            disabled={busy !== undefined}
            title={trans.__('Insert a cell that connects to this set below the active cell of the current notebook')}
            onClick={() => actions.useInNotebook(id)}
          >
            {busy === 'connect' ? trans.__('Connecting…') : trans.__('Use in notebook')}
          </button>
        ) : null}
        {alive && state !== 'stopping' ? (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-warn jp-Hpc-setStop"
            disabled={busy !== undefined}
            onClick={() => actions.stop(id)}
          >
            {busy === 'stop' ? trans.__('Stopping…') : trans.__('Stop')}
          </button>
        ) : null}
        {!alive ? (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-accept jp-Hpc-setAgain"
            disabled={busy !== undefined}
            title={trans.__('Start a new set with the same settings (template and parameters included)')}
            onClick={() => actions.startAgain(id)}
          >
            {trans.__('Start again')}
          </button>
        ) : null}
        {!alive ? (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-reject jp-Hpc-setForget"
            disabled={busy !== undefined}
            title={trans.__('Remove this ended set from the list, and its files from the cluster')}
            onClick={() => actions.forget(id)}
          >
            {trans.__('Forget')}
          </button>
        ) : null}
      </div>
      {scalable ? (
        <ScaleForm
          id={id}
          requested={record.workers.requested}
          disabled={busy !== undefined}
          scaling={busy === 'scale'}
          label={record.kind === 'ipyparallel' ? trans.__('Engines') : trans.__('Workers')}
          onScale={(setId, workers) => actions.scale(setId, workers)}
          trans={trans}
        />
      ) : null}
    </li>
  );
}

/**
 * The set's Slurm jobs, each a button that shows it in the queue.
 */
function JobLinks(props: {
  record: ISetRecord;
  showJob?: (cluster: string, jobId: string) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { record, showJob, trans } = props;
  if (record.jobs.length === 0) {
    return null;
  }
  return (
    <span className="jp-Hpc-setJobs">
      {trans._n('job', 'jobs', record.jobs.length)}{' '}
      {record.jobs.map((job, i) => (
        <React.Fragment key={job.id}>
          {i > 0 ? ', ' : null}
          {showJob ? (
            <button
              type="button"
              className="jp-Hpc-linkButton"
              title={trans.__('Show job %1 (%2) in the queue', job.id, job.state || job.role)}
              onClick={() => showJob(record.cluster, job.id)}
            >
              {job.id}
            </button>
          ) : (
            <span title={job.state}>{job.id}</span>
          )}
        </React.Fragment>
      ))}
    </span>
  );
}

/**
 * The number of workers to scale to. The input is uncontrolled: what the
 * user types is theirs until they apply it; a new requested count (the
 * `key`) starts it over.
 */
function ScaleForm(props: {
  id: string;
  requested: number;
  disabled: boolean;
  scaling: boolean;
  label: string;
  onScale: (id: string, workers: number) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { id, trans } = props;
  const inputId = `jp-Hpc-setScale-${id}`;
  return (
    <form
      className="jp-Hpc-setScale"
      onSubmit={event => {
        event.preventDefault();
        const input = event.currentTarget.elements.namedItem('workers') as HTMLInputElement | null;
        const workers = Number(input?.value);
        if (Number.isInteger(workers) && workers >= 1) {
          props.onScale(id, workers);
        }
      }}
    >
      <label htmlFor={inputId}>{props.label}</label>
      <input
        key={props.requested}
        id={inputId}
        name="workers"
        type="number"
        min={1}
        max={4096}
        step={1}
        required
        className="jp-Hpc-input"
        defaultValue={props.requested}
        disabled={props.disabled}
      />
      <button type="submit" className="jp-Button jp-mod-styled jp-mod-reject" disabled={props.disabled}>
        {props.scaling ? trans.__('Scaling…') : trans.__('Scale')}
      </button>
    </form>
  );
}
