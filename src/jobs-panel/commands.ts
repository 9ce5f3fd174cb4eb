/**
 * The command that opens "HPC Jobs" (sidebar button, palette, View menu), and its place in the
 * layout: one panel, reopened on reload with its state as the restorer saved it.
 */
import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { listIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from '../commands';
import type { QueueModel } from '../queue/model';
import { createJobsPanel, JobsPanelContent, panelState } from './panel';

export function addJobsPanel(
  app: JupyterFrontEnd,
  options: {
    model: QueueModel;
    trans: TranslationBundle;
    palette: ICommandPalette | null;
    restorer: ILayoutRestorer | null;
  }
): void {
  const { model, trans } = options;
  const tracker = new WidgetTracker<MainAreaWidget<JobsPanelContent>>({ namespace: 'hpc-jobs' });

  app.commands.addCommand(CommandIDs.openJobsPanel, {
    label: trans.__('HPC Jobs'),
    caption: trans.__('Show the job queue full size, with the selected job in detail'),
    icon: args => (args.isPalette ? undefined : listIcon),
    execute: async args => {
      let widget = tracker.currentWidget;
      if (!widget || widget.isDisposed) {
        widget = createJobsPanel({
          model,
          commands: app.commands,
          trans,
          serverSettings: app.serviceManager.serverSettings,
          toolbarExtra: [CommandIDs.openHistory]
        });
        const panel = widget;
        panel.content.persistChanged.connect(() => void tracker.save(panel));
        app.shell.add(panel, 'main');
        await tracker.add(panel);
      }
      widget.content.applyState(panelState(args));
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  options.palette?.addItem({ command: CommandIDs.openJobsPanel, category: trans.__('HPC') });
  if (options.restorer) {
    void options.restorer.restore(tracker, {
      command: CommandIDs.openJobsPanel,
      args: widget => widget.content.state as ReadonlyPartialJSONObject,
      name: () => 'hpc-jobs'
    });
  }
}
