/**
 * The job commands: cancel, hold, release (confirmed in a dialog, Slurm's
 * error in a notification), details, output tail, and showing a job. They
 * act on the queue's selection unless given `cluster` and `ids`/`id`.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, ICommandPalette, Notification, showDialog } from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { consoleIcon, infoIcon, LabIcon, pauseIcon, runIcon, stopIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import * as React from 'react';

import { CommandIDs } from '../commands';
import { JobAction, jobAction, jobDetails } from './api';
import type { OutputStream } from '../output/api';
import { IHpcJob, isFinal, isHeld } from './jobs';
import type { QueueModel } from './model';
import { visibleText } from '../shared/visible';
import { showJobDetailsDialog } from './jobDetails';

/**
 * Jobs listed by name in a confirmation; the rest are counted.
 */
const LISTED_JOBS = 10;

/**
 * What an action needs to be offered, confirmed and reported.
 */
interface IActionSpec {
  command: string;
  icon: LabIcon;
  /** Whether the action makes sense for a job in the queue. */
  applies: (job: IHpcJob) => boolean;
  label: (trans: TranslationBundle) => string;
  caption: (trans: TranslationBundle) => string;
  question: (trans: TranslationBundle, n: number, cluster: string) => string;
  confirm: (trans: TranslationBundle, n: number) => string;
  failure: (trans: TranslationBundle, cluster: string, error: string) => string;
  warn: boolean;
}

// Every phrase spelled out per action, so translators get whole sentences.
const ACTIONS: { [A in JobAction]: IActionSpec } = {
  cancel: {
    command: CommandIDs.cancelJobs,
    icon: stopIcon,
    applies: job => !isFinal(job),
    label: trans => trans.__('Cancel Jobs'),
    caption: trans => trans.__('Cancel the selected jobs (Delete)'),
    question: (trans, n, cluster) => trans._n('Cancel %1 job on %2?', 'Cancel %1 jobs on %2?', n, cluster),
    confirm: (trans, n) => trans._n('Cancel job', 'Cancel jobs', n),
    failure: (trans, cluster, error) => trans.__('Could not cancel jobs on %1: %2', cluster, error),
    warn: true
  },
  hold: {
    command: CommandIDs.holdJobs,
    icon: pauseIcon,
    applies: job => job.state === 'PENDING' && !isHeld(job),
    label: trans => trans.__('Hold Jobs'),
    caption: trans => trans.__('Hold the selected pending jobs'),
    question: (trans, n, cluster) => trans._n('Hold %1 job on %2?', 'Hold %1 jobs on %2?', n, cluster),
    confirm: (trans, n) => trans._n('Hold job', 'Hold jobs', n),
    failure: (trans, cluster, error) => trans.__('Could not hold jobs on %1: %2', cluster, error),
    warn: false
  },
  release: {
    command: CommandIDs.releaseJobs,
    icon: runIcon,
    applies: isHeld,
    label: trans => trans.__('Release Jobs'),
    caption: trans => trans.__('Release the selected held jobs'),
    question: (trans, n, cluster) => trans._n('Release %1 job on %2?', 'Release %1 jobs on %2?', n, cluster),
    confirm: (trans, n) => trans._n('Release job', 'Release jobs', n),
    failure: (trans, cluster, error) => trans.__('Could not release jobs on %1: %2', cluster, error),
    warn: false
  }
};

export interface IQueueCommandsOptions {
  model: QueueModel;
  trans: TranslationBundle;
  palette: ICommandPalette | null;
  serverSettings: ServerConnection.ISettings;
  /** Show a job in the queue (the `IHpcQueue.select` implementation). */
  select: (cluster: string, id: string) => Promise<boolean>;
  /** Open the output tail of a job; null without the output plugin. */
  openTail: ((cluster: string, id: string, stream: OutputStream) => Promise<void>) | null;
}

/**
 * The jobs a confirmation lists.
 */
function JobList(props: { jobs: ReadonlyArray<Pick<IHpcJob, 'id' | 'name' | 'state'>>; trans: TranslationBundle }) {
  const { jobs, trans } = props;
  const rest = jobs.length - LISTED_JOBS;
  return (
    <ul className="jp-Hpc-confirmJobs">
      {jobs.slice(0, LISTED_JOBS).map(job => (
        <li key={job.id} data-job-id={job.id}>
          <span className="jp-Hpc-confirmJobId">{job.id}</span> {visibleText(job.name)}{' '}
          {job.state ? <span className="jp-Hpc-confirmJobState">{job.state}</span> : null}
        </li>
      ))}
      {rest > 0 ? <li>{trans._n('…and %1 more', '…and %1 more', rest)}</li> : null}
    </ul>
  );
}

function stringArg(args: ReadonlyPartialJSONObject, key: string): string | undefined {
  const value = args[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Register the job commands, their palette items and the rows' context
 * menu.
 */
export function addQueueCommands(app: JupyterFrontEnd, options: IQueueCommandsOptions): void {
  const { model, trans, palette, serverSettings, openTail } = options;
  const category = trans.__('HPC');

  /**
   * The jobs an action applies to: those of the args, or the applicable
   * selected ones.
   */
  const targets = (
    action: JobAction,
    args: ReadonlyPartialJSONObject
  ): { cluster: string; jobs: Array<Pick<IHpcJob, 'id' | 'name' | 'state'>> } | null => {
    const ids = args.ids;
    const cluster = stringArg(args, 'cluster');
    if (cluster && Array.isArray(ids)) {
      const jobs = ids.filter((id): id is string => typeof id === 'string').map(id => ({ id, name: '', state: '' }));
      return jobs.length > 0 ? { cluster, jobs } : null;
    }
    const jobs = model.selectedJobs.filter(ACTIONS[action].applies);
    return model.cluster !== null && jobs.length > 0 ? { cluster: model.cluster, jobs } : null;
  };

  const runAction = async (action: JobAction, args: ReadonlyPartialJSONObject): Promise<boolean> => {
    const spec = ACTIONS[action];
    const target = targets(action, args);
    if (!target) {
      return false;
    }
    const { cluster, jobs } = target;
    const result = await showDialog({
      title: spec.question(trans, jobs.length, cluster),
      body: <JobList jobs={jobs} trans={trans} />,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Back') }),
        spec.warn
          ? Dialog.warnButton({ label: spec.confirm(trans, jobs.length) })
          : Dialog.okButton({ label: spec.confirm(trans, jobs.length) })
      ]
    });
    if (!result.button.accept) {
      return false;
    }
    try {
      await jobAction(
        cluster,
        action,
        jobs.map(job => job.id),
        serverSettings
      );
      return true;
    } catch (error) {
      Notification.error(spec.failure(trans, cluster, error instanceof Error ? error.message : String(error)), {
        autoClose: false
      });
      return false;
    }
  };

  for (const action of Object.keys(ACTIONS) as JobAction[]) {
    const spec = ACTIONS[action];
    app.commands.addCommand(spec.command, {
      label: spec.label(trans),
      caption: spec.caption(trans),
      icon: args => (args.isPalette ? undefined : spec.icon),
      isEnabled: args => targets(action, args) !== null,
      execute: args => runAction(action, args)
    });
  }

  /**
   * The one job a command is about: the args', or the one under the
   * cursor, or the first selected.
   */
  const oneJob = (args: ReadonlyPartialJSONObject): { cluster: string; id: string } | null => {
    const cluster = stringArg(args, 'cluster');
    const id = stringArg(args, 'id');
    if (cluster && id) {
      return { cluster, id };
    }
    const selected = model.selectedJobs;
    const cursor = selected.find(job => job.id === model.cursor) ?? selected[0];
    return model.cluster !== null && cursor ? { cluster: model.cluster, id: cursor.id } : null;
  };

  app.commands.addCommand(CommandIDs.showJobDetails, {
    label: trans.__('Show Job Details'),
    caption: trans.__('Show what Slurm knows of the job (scontrol show job)'),
    icon: args => (args.isPalette ? undefined : infoIcon),
    isEnabled: args => oneJob(args) !== null,
    execute: async args => {
      const job = oneJob(args);
      if (!job) {
        return;
      }
      let details;
      try {
        details = await jobDetails(job.cluster, job.id, serverSettings);
      } catch (error) {
        Notification.error(
          trans.__(
            'Could not get job %1 on %2: %3',
            job.id,
            job.cluster,
            error instanceof Error ? error.message : String(error)
          ),
          { autoClose: false }
        );
        return;
      }
      const stream = await showJobDetailsDialog(job.cluster, job.id, details, trans);
      if (stream && openTail) {
        await openTail(job.cluster, job.id, stream);
      }
    }
  });

  app.commands.addCommand(CommandIDs.tailJobOutput, {
    label: args => (args.stream === 'stderr' ? trans.__('Follow Job Error Output') : trans.__('Follow Job Output')),
    caption: trans.__("Follow the job's output file as it grows"),
    icon: args => (args.isPalette ? undefined : consoleIcon),
    isEnabled: args => openTail !== null && oneJob(args) !== null,
    execute: async args => {
      const job = oneJob(args);
      if (job && openTail) {
        await openTail(job.cluster, job.id, args.stream === 'stderr' ? 'stderr' : 'stdout');
      }
    }
  });

  app.commands.addCommand(CommandIDs.selectJob, {
    label: trans.__('Show Job in Queue'),
    execute: args => {
      const cluster = stringArg(args, 'cluster');
      const id = stringArg(args, 'id');
      return cluster && id ? options.select(cluster, id) : false;
    }
  });

  const rowCommands = [
    CommandIDs.showJobDetails,
    CommandIDs.tailJobOutput,
    CommandIDs.holdJobs,
    CommandIDs.releaseJobs,
    CommandIDs.cancelJobs
  ];
  rowCommands.forEach((command, rank) => {
    app.contextMenu.addItem({ command, selector: '.jp-Hpc-queue .jp-Hpc-jobRow', rank });
  });
  app.contextMenu.addItem({
    command: CommandIDs.tailJobOutput,
    args: { stream: 'stderr' },
    selector: '.jp-Hpc-queue .jp-Hpc-jobRow',
    rank: 1.5
  });
  if (palette) {
    for (const command of rowCommands) {
      palette.addItem({ command, category });
    }
  }
  model.selectionChanged.connect(() => {
    for (const command of rowCommands) {
      app.commands.notifyCommandChanged(command);
    }
  });
}
