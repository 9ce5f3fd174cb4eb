/**
 * The details pane beside the main-area job table: the selected job's state, its pending
 * reason in plain words, Slurm's expected start, the time left, every `scontrol show job`
 * field, and its output and error tails. Props only.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { pendingReasonWords } from '../../protocol/pending-reasons';
import { JobDetailsBody } from '../queue/jobDetails';
import { shownReason } from '../queue/jobs';
import { OutputTailText } from '../output/view';
import type { OutputTailModel } from '../output/model';
import type { JobDetailsModel } from './detailsModel';
import { visibleText } from '../shared/visible';

function Tail(props: { title: string; stream: string; model: OutputTailModel | null; trans: TranslationBundle }) {
  const { model, trans } = props;
  if (model === null) {
    return null;
  }
  return (
    <section className="jp-Hpc-jobsPanelTail" data-stream={props.stream}>
      <h3>{props.title}</h3>
      <OutputTailText
        text={model.text}
        truncated={model.truncated}
        path={model.path}
        loaded={model.loaded}
        error={model.error}
        trans={trans}
      />
    </section>
  );
}

/** One line of the summary: a word, and its value for this job. */
function Fact(props: { name: string; label: string; value: string }): JSX.Element | null {
  return props.value === '' ? null : (
    <>
      <dt>{props.label}</dt>
      <dd data-fact={props.name}>{props.value}</dd>
    </>
  );
}

export function JobDetailsPane(props: { model: JobDetailsModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  const job = model.job;
  if (job === null) {
    return (
      <div className="jp-Hpc-jobsPanelDetails jp-mod-empty">
        <p className="jp-Hpc-message">{trans.__('Select a job to see its details.')}</p>
      </div>
    );
  }
  const reason = shownReason(job);
  const start = model.info?.start ?? '';
  return (
    <div className="jp-Hpc-jobsPanelDetails" data-job-id={job.id} data-state={job.state}>
      <h2 className="jp-Hpc-jobsPanelDetailsTitle">
        {trans.__('Job %1', job.id)} {visibleText(job.name)}
      </h2>
      <dl className="jp-Hpc-jobsPanelFacts">
        <Fact name="state" label={trans.__('State')} value={job.state} />
        {job.state === 'PENDING' && reason !== '' ? (
          <Fact name="reason" label={trans.__('Waiting because')} value={trans.__(pendingReasonWords(reason))} />
        ) : null}
        {job.state === 'PENDING' ? (
          <Fact
            name="start"
            label={trans.__('Expected start')}
            value={model.info === null ? '' : start || trans.__('Slurm has no estimate yet')}
          />
        ) : null}
        <Fact name="timeLeft" label={trans.__('Time left')} value={job.timeLeft} />
        <Fact name="timeLimit" label={trans.__('Time limit')} value={job.timeLimit} />
      </dl>
      {model.error !== null ? (
        <p className="jp-Hpc-jobsPanelError" role="alert">
          {trans.__('Could not get the job from Slurm: %1', model.error)}
        </p>
      ) : null}
      <Tail title={trans.__('Output')} stream="stdout" model={model.stdout} trans={trans} />
      <Tail title={trans.__('Errors')} stream="stderr" model={model.stderr} trans={trans} />
      {model.info !== null ? (
        <details className="jp-Hpc-jobsPanelFields" open>
          <summary>{trans.__('Everything Slurm knows (scontrol show job)')}</summary>
          <JobDetailsBody jobs={model.info.jobs} trans={trans} />
        </details>
      ) : null}
    </div>
  );
}
