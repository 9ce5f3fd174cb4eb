/**
 * The details pane of the Job History: the selected job's end (state, exit code and signal),
 * its time, what it asked for against what it used with the efficiency bars and the hint in
 * plain words, its output file, and "Run again". An array shows its tasks by state. Props only.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatElapsed, formatMegabytes, HistoryJob } from '../../protocol/history';
import { visibleText } from '../shared/visible';
import { EfficiencyBar } from './efficiency';
import { IHistoryRow, stateCounts } from './rows';

export interface IHistoryDetailsProps {
  row: IHistoryRow | null;
  trans: TranslationBundle;
  onRunAgain: (id: string) => void;
  onOpenOutput: (job: HistoryJob) => void;
}

function Fact(props: { name: string; label: string; value: string }): JSX.Element | null {
  return props.value === '' ? null : (
    <>
      <dt>{props.label}</dt>
      <dd data-fact={props.name}>{props.value}</dd>
    </>
  );
}

function memory(mb: number | null): string {
  return mb === null ? '' : formatMegabytes(mb);
}

/** CPU and memory: what the job asked for, what it used, as bars and in words. */
function Efficiency(props: { job: HistoryJob; trans: TranslationBundle }): JSX.Element {
  const { job, trans } = props;
  const { efficiency } = job;
  const busy = job.elapsedSeconds > 0 ? Math.round((job.totalCpuSeconds / job.elapsedSeconds) * 10) / 10 : null;
  const cpuDetail =
    busy === null ? trans.__('%1 CPUs', job.allocCpus) : trans.__('%1 of %2 CPUs busy on average', busy, job.allocCpus);
  const memoryDetail =
    job.maxRssMB === null
      ? trans.__('asked %1, no sample of its use', memory(job.reqMemMB) || '?')
      : trans.__('peaked at %1 of %2', memory(job.maxRssMB), memory(job.reqMemMB) || '?');
  return (
    <section className="jp-Hpc-historyEfficiency" aria-label={trans.__('Efficiency')}>
      <h3>{trans.__('Efficiency')}</h3>
      <EfficiencyBar resource="cpu" label={trans.__('CPU')} share={efficiency.cpu} detail={cpuDetail} />
      <EfficiencyBar resource="memory" label={trans.__('Memory')} share={efficiency.memory} detail={memoryDetail} />
      {efficiency.hint !== null ? <p className="jp-Hpc-historyHint">{trans.__(efficiency.hint)}</p> : null}
    </section>
  );
}

function JobDetails(props: IHistoryDetailsProps & { job: HistoryJob }): JSX.Element {
  const { job, trans } = props;
  return (
    <>
      <dl className="jp-Hpc-jobsPanelFacts">
        <Fact name="state" label={trans.__('State')} value={job.stateText || job.state} />
        <Fact name="exitCode" label={trans.__('Exit code')} value={job.exitCode === null ? '' : String(job.exitCode)} />
        <Fact name="signal" label={trans.__('Signal')} value={job.signal ? String(job.signal) : ''} />
        <Fact name="elapsed" label={trans.__('Elapsed')} value={formatElapsed(job.elapsedSeconds)} />
        <Fact
          name="timeLimit"
          label={trans.__('Time limit')}
          value={job.timeLimitMinutes === null ? '' : formatElapsed(job.timeLimitMinutes * 60)}
        />
        <Fact name="cpus" label={trans.__('CPUs asked / allocated')} value={`${job.reqCpus} / ${job.allocCpus}`} />
        <Fact
          name="memory"
          label={trans.__('Memory asked / peak')}
          value={`${memory(job.reqMemMB) || '?'} / ${memory(job.maxRssMB) || '?'}`}
        />
        <Fact name="partition" label={trans.__('Partition')} value={job.partition} />
        <Fact name="account" label={trans.__('Account')} value={job.account} />
        <Fact name="nodes" label={trans.__('Nodes')} value={job.nodeList} />
        <Fact name="submit" label={trans.__('Submitted')} value={job.submitTime} />
        <Fact name="start" label={trans.__('Started')} value={job.startTime} />
        <Fact name="end" label={trans.__('Ended')} value={job.endTime} />
        <Fact name="workDir" label={trans.__('Working directory')} value={visibleText(job.workDir)} />
      </dl>
      <Efficiency job={job} trans={trans} />
      {job.output !== null ? (
        <section className="jp-Hpc-historyOutput">
          <h3>{trans.__('Output')}</h3>
          <code className="jp-Hpc-historyPath" data-exact={job.output.exact ? 'true' : 'false'}>
            {visibleText(job.output.path)}
          </code>{' '}
          <button
            type="button"
            className="jp-Hpc-button"
            data-action="open-output"
            onClick={() => props.onOpenOutput(job)}
          >
            {trans.__('Open')}
          </button>
          {job.output.exact ? null : (
            <p className="jp-Hpc-fieldDescription">
              {trans.__("Slurm's default path: an --output option may have moved it.")}
            </p>
          )}
        </section>
      ) : null}
      <div className="jp-Hpc-historyActions">
        <button
          type="button"
          className="jp-Hpc-button jp-mod-accept"
          data-action="run-again"
          title={trans.__('Submit this job again: its template with the values it used, or its script')}
          onClick={() => props.onRunAgain(job.id)}
        >
          {trans.__('Run again')}
        </button>
      </div>
    </>
  );
}

export function HistoryDetails(props: IHistoryDetailsProps): JSX.Element {
  const { row, trans } = props;
  if (row === null) {
    return (
      <div className="jp-Hpc-jobsPanelDetails jp-mod-empty">
        <p className="jp-Hpc-message">{trans.__('Select a job to see how it ended and what it used.')}</p>
      </div>
    );
  }
  const { job } = row;
  return (
    <div className="jp-Hpc-jobsPanelDetails jp-Hpc-historyDetails" data-job-id={row.id} data-state={row.state}>
      <h2 className="jp-Hpc-jobsPanelDetailsTitle">
        {row.tasks ? trans.__('Array %1', row.id) : trans.__('Job %1', job.id)} {visibleText(job.name)}
      </h2>
      {row.tasks ? (
        <p data-fact="tasks">
          {trans.__(
            '%1 tasks: %2. Open the array (double-click) to see each.',
            row.tasks.length,
            stateCounts(row.tasks)
          )}
        </p>
      ) : (
        <JobDetails {...props} job={job} />
      )}
    </div>
  );
}
