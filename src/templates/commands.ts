/**
 * `hpc:open-template`: a template's form in the sidebar with given values ("Run again" of a
 * finished job from the job history), on a cluster, with suggested values beside their fields.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { showSection } from '../shared/sidebar';
import type { TemplatesModel } from './model';
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
 * Register `hpc:open-template` (args `source`, `id`, `values`, `cluster`, and `suggest`:
 * `memoryMB`, `cpus` the job's efficiency proposes); it resolves with whether the template
 * was found.
 */
export function addTemplateCommands(
  app: JupyterFrontEnd,
  options: { model: TemplatesModel; section: Widget; trans: TranslationBundle }
): void {
  const { model, section, trans } = options;
  app.commands.addCommand(CommandIDs.openTemplate, {
    label: trans.__('Open Job Template'),
    caption: trans.__("Show a job template's form with given values"),
    execute: async (args: ReadonlyPartialJSONObject) => {
      const source = args.source === 'personal' ? 'personal' : 'centre';
      const id = typeof args.id === 'string' ? args.id : '';
      if (model.find(source, id) === null) {
        await model.refresh();
      }
      const template = model.find(source, id);
      const values = formValues(args.values);
      const found =
        template !== null &&
        (await model.prefill(source, id, {
          values,
          cluster: typeof args.cluster === 'string' ? args.cluster : undefined,
          suggestions: suggestedValues(template, values, resourceSuggestion(args.suggest))
        }));
      if (found) {
        await showSection(app, section);
      }
      return found;
    }
  });
}
