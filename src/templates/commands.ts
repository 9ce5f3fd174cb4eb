/**
 * `hpc:open-template`: a template's form in the main area (one panel, which shows the template
 * picked last), reopened on reload by the layout restorer; with given values ("Run again" of a
 * finished job from the job history), on a cluster, with suggested values beside their fields.
 */
import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from '../commands';
import type { IHpcQueue } from '../tokens';
import type { TemplateSource } from './api';
import type { TemplatesModel } from './model';
import { createTemplatePanel, TemplateFormContent } from './panel';
import { IResourceSuggestion, suggestedValues } from './suggest';
import type { FormValue, FormValues } from './values';

/** The string and boolean entries of an object argument; anything else is left out. */
function formValues(arg: unknown): FormValues {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(arg).filter((entry): entry is [string, FormValue] => ['string', 'boolean'].includes(typeof entry[1]))
  );
}

/** The positive numbers `memoryMB` and `cpus` of an object argument. */
function resourceSuggestion(arg: unknown): IResourceSuggestion {
  const given = typeof arg === 'object' && arg !== null ? (arg as { [key: string]: unknown }) : {};
  const amount = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  return { memoryMB: amount(given.memoryMB), cpus: amount(given.cpus) };
}

/**
 * Show template `source`/`id` in the model: picked with its defaults, or prefilled when the
 * arguments carry `values`, `cluster` or `suggest`. @returns whether the template was found.
 */
async function showTemplate(model: TemplatesModel, args: ReadonlyPartialJSONObject): Promise<boolean> {
  const source: TemplateSource = args.source === 'personal' ? 'personal' : 'centre';
  const id = typeof args.id === 'string' ? args.id : '';
  if (!id) {
    return true; // the panel as it is (the restorer before anything was picked)
  }
  if (!model.loaded || model.find(source, id) === null) {
    await model.refresh();
  }
  const template = model.find(source, id);
  if (template === null) {
    return false;
  }
  if (args.values === undefined && args.cluster === undefined && args.suggest === undefined) {
    model.select(source, id);
    return true;
  }
  const values = formValues(args.values);
  return model.prefill(source, id, {
    values,
    cluster: typeof args.cluster === 'string' ? args.cluster : undefined,
    suggestions: suggestedValues(template, values, resourceSuggestion(args.suggest))
  });
}

/**
 * Register `hpc:open-template` (args `source`, `id`, and optionally `values`, `cluster`,
 * `suggest`: `memoryMB`, `cpus` the job's efficiency proposes); it resolves with whether the
 * template was found and shown.
 */
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
    execute: async (args: ReadonlyPartialJSONObject) => {
      if (!(await showTemplate(model, args))) {
        return false;
      }
      let panel = tracker.currentWidget;
      if (!panel || panel.isDisposed) {
        panel = createTemplatePanel({
          model,
          trans,
          queue: options.queue,
          serverSettings: app.serviceManager.serverSettings
        });
        app.shell.add(panel, 'main');
        await tracker.add(panel);
      }
      app.shell.activateById(panel.id);
      return true;
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
