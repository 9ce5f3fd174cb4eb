/**
 * `hpc:open-template`: a template's form in the main area (one panel, which
 * shows the template picked last), reopened on reload by the layout restorer.
 */
import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import type { IHpcQueue } from '../tokens';
import type { TemplateSource } from './api';
import type { TemplatesModel } from './model';
import { createTemplatePanel, TemplateFormContent } from './panel';

export function addTemplatePanel(
  app: JupyterFrontEnd,
  options: {
    model: TemplatesModel;
    trans: TranslationBundle;
    queue: IHpcQueue | null;
    restorer: ILayoutRestorer | null;
  }
): void {
  const { model, trans } = options;
  const tracker = new WidgetTracker<MainAreaWidget<TemplateFormContent>>({ namespace: 'hpc-template' });
  // the restorer saves the template shown, which changes with the sidebar's pick
  model.stateChanged.connect(() => {
    const panel = tracker.currentWidget;
    if (panel && !panel.isDisposed) {
      void tracker.save(panel);
    }
  });

  app.commands.addCommand(CommandIDs.openTemplate, {
    label: trans.__('Open Job Template'),
    caption: trans.__("A job template's form, with the live preview of what runs"),
    execute: async args => {
      const source = args.source === 'personal' ? 'personal' : ('centre' as TemplateSource);
      const id = typeof args.id === 'string' ? args.id : '';
      if (id) {
        if (!model.loaded) {
          await model.refresh();
        }
        model.select(source, id);
      }
      let panel = tracker.currentWidget;
      if (!panel || panel.isDisposed) {
        panel = createTemplatePanel({ model, trans, queue: options.queue });
        app.shell.add(panel, 'main');
        await tracker.add(panel);
      }
      app.shell.activateById(panel.id);
      return panel;
    }
  });
  if (options.restorer) {
    void options.restorer.restore(tracker, {
      command: CommandIDs.openTemplate,
      args: panel => ({ ...(panel.content.shown ?? {}) }),
      name: () => 'hpc-template'
    });
  }
}
