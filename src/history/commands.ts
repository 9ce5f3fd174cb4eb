/**
 * The Job History's commands: `hpc:open-history` (palette, View menu, the HPC Jobs panel's
 * toolbar; reopened on reload with its filters) and `hpc:run-again` (a finished job's
 * template form with the values it used, else the submit dialog with its script).
 */
import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, Notification, WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { tableRowsIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { RerunReply } from '../../protocol/history';
import { CommandIDs } from '../commands';
import { errorText } from '../shared/errorText';
import type { IHpcClusters } from '../tokens';
import { fetchRerun } from './api';
import { HistoryModel } from './model';
import { openJobOutput } from './output';
import { createHistoryPanel, historyState, HistoryPanel } from './panel';

/** Template values as the form holds them: text (numbers too) or a checkbox state. */
function formValues(params: { [name: string]: unknown }): { [name: string]: string | boolean } {
  const values: { [name: string]: string | boolean } = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined) {
      values[name] = typeof value === 'boolean' ? value : String(value);
    }
  }
  return values;
}

/**
 * Open what submits `rerun`'s job again: its template's form, else the submit dialog with its
 * script. @returns false when Slurm and the companion kept neither.
 */
async function openRerun(app: JupyterFrontEnd, rerun: RerunReply, trans: TranslationBundle): Promise<boolean> {
  const { template, suggested } = rerun;
  if (template !== null && app.commands.hasCommand(CommandIDs.openTemplate)) {
    const opened = await app.commands.execute(CommandIDs.openTemplate, {
      source: template.source,
      id: template.id,
      values: formValues(template.params),
      cluster: rerun.cluster,
      suggest: {
        ...(suggested.memMB && { memoryMB: suggested.memMB }),
        ...(suggested.cpus && { cpus: suggested.cpus })
      }
    });
    if (opened === true) {
      return true;
    }
  }
  if (rerun.script === null) {
    return false;
  }
  await app.commands.execute(CommandIDs.submitFile, {
    script: rerun.script,
    title: trans.__("job %1's script", rerun.id),
    cluster: rerun.cluster,
    workdir: rerun.workDir
  });
  return true;
}

export function addHistory(
  app: JupyterFrontEnd,
  options: {
    clusters: IHpcClusters;
    trans: TranslationBundle;
    palette: ICommandPalette | null;
    restorer: ILayoutRestorer | null;
  }
): void {
  const { clusters, trans } = options;
  const serverSettings = app.serviceManager.serverSettings;
  const tracker = new WidgetTracker<MainAreaWidget<HistoryPanel>>({ namespace: 'hpc-history' });

  const runAgain = async (cluster: string, id: string): Promise<void> => {
    try {
      if (!(await openRerun(app, await fetchRerun(cluster, id, serverSettings), trans))) {
        Notification.warning(trans.__('Neither Slurm nor the HPC companion kept the script of job %1.', id));
      }
    } catch (error) {
      Notification.error(trans.__('Could not run job %1 again: %2', id, errorText(error)));
    }
  };
  app.commands.addCommand(CommandIDs.runAgain, {
    label: trans.__('Run Job Again'),
    caption: trans.__('Submit a finished job again, with the values or the script it used'),
    execute: args =>
      typeof args.cluster === 'string' && typeof args.id === 'string' ? runAgain(args.cluster, args.id) : undefined
  });

  app.commands.addCommand(CommandIDs.openHistory, {
    label: trans.__('Job History'),
    caption: trans.__('Your finished jobs: how they ended, what they used, and Run again'),
    icon: args => (args.isPalette ? undefined : tableRowsIcon),
    execute: async (args: ReadonlyPartialJSONObject) => {
      let widget = tracker.currentWidget;
      if (!widget || widget.isDisposed) {
        const model = new HistoryModel({ clusters, serverSettings });
        widget = createHistoryPanel({
          model,
          trans,
          runAgain: (cluster, id) => void runAgain(cluster, id),
          openOutput: (cluster, job) =>
            void openJobOutput(app, clusters, cluster, job).catch(error => Notification.error(errorText(error)))
        });
        const panel = widget;
        panel.disposed.connect(() => model.dispose());
        panel.content.persistChanged.connect(() => void tracker.save(panel));
        app.shell.add(panel, 'main');
        await tracker.add(panel);
      }
      widget.content.applyState(historyState(args));
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  options.palette?.addItem({ command: CommandIDs.openHistory, category: trans.__('HPC'), args: { isPalette: true } });
  if (options.restorer) {
    void options.restorer.restore(tracker, {
      command: CommandIDs.openHistory,
      args: widget => widget.content.state as ReadonlyPartialJSONObject,
      name: () => 'hpc-history'
    });
  }
}
