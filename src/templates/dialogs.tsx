/**
 * The Templates section's dialogs: duplicate and edit, edit the JSON of a
 * personal template, delete it, save the form as a new template. Each
 * dialog stays open with the companion's field errors until it succeeds.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { TemplatesModel } from './model';
import { HpcFieldErrors, IJobTemplate, TEMPLATE_ID_PATTERN, templateFile } from './api';
import { formDialog, IDialogProblem } from '../shared/formDialog';
import { errorText } from '../shared/errorText';

/**
 * Copy a template (centre or personal) into a new personal one, then open
 * the copy's editor.
 */
export async function duplicateAndEdit(
  model: TemplatesModel,
  template: IJobTemplate,
  trans: TranslationBundle
): Promise<void> {
  const created = await askNewTemplate(model, trans, {
    title: trans.__('Duplicate "%1"', template.title),
    intro: trans.__('A personal copy that you can change; the original stays as it is.'),
    acceptLabel: trans.__('Duplicate'),
    id: `${template.id}-copy`,
    templateTitle: trans.__('%1 (copy)', template.title),
    create: async (id, title) => {
      const warnings = await model.duplicate(template, id, title);
      for (const warning of warnings) {
        Notification.warning(warning, { autoClose: false });
      }
    }
  });
  const copy = created ? model.find('personal', created) : null;
  if (copy) {
    await editTemplate(model, copy, trans);
  }
}

/**
 * Edit a personal template's JSON; the companion validates it on save.
 */
export async function editTemplate(
  model: TemplatesModel,
  template: IJobTemplate,
  trans: TranslationBundle
): Promise<void> {
  const saved = await formDialog({
    title: trans.__('Edit "%1"', template.title),
    intro: trans.__('The template as JSON (see the format in templates/README.md). Reference parameters as {{name}}.'),
    acceptLabel: trans.__('Save'),
    fields: [
      {
        name: 'json',
        label: trans.__('Template %1', template.id),
        kind: 'textarea',
        value: JSON.stringify(templateFile(template), null, 2)
      }
    ],
    accept: async ({ json }) => {
      let data: unknown;
      try {
        data = JSON.parse(json);
      } catch (error) {
        return [{ field: 'json', message: trans.__('Not valid JSON: %1', String(error)) }];
      }
      try {
        await model.savePersonal(template.id, data);
      } catch (error) {
        if (error instanceof HpcFieldErrors) {
          // Every field of the file is in the one text area: name each.
          return error.errors.map(e => ({ field: 'json', message: `${e.field || '/'}: ${e.message}` }));
        }
        throw error;
      }
    },
    trans
  });
  if (saved) {
    Notification.success(trans.__('Saved the template "%1".', template.id), { autoClose: 4000 });
  }
}

/**
 * Delete a personal template, once the user confirms.
 */
export async function deleteTemplate(
  model: TemplatesModel,
  template: IJobTemplate,
  trans: TranslationBundle
): Promise<void> {
  const answer = await showDialog({
    title: trans.__('Delete template?'),
    body: trans.__('Delete your personal template "%1" (%2)? This cannot be undone.', template.title, template.id),
    buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.warnButton({ label: trans.__('Delete') })]
  });
  if (!answer.button.accept) {
    return;
  }
  try {
    await model.deletePersonal(template.id);
    Notification.success(trans.__('Deleted the template "%1".', template.id), { autoClose: 4000 });
  } catch (error) {
    Notification.error(trans.__('Could not delete the template: %1', errorText(error)));
  }
}

/**
 * Save the selected template with the form's values as its defaults, as a
 * new personal template.
 */
export async function saveAsTemplate(model: TemplatesModel, trans: TranslationBundle): Promise<void> {
  const template = model.selected;
  if (!template) {
    return;
  }
  const created = await askNewTemplate(model, trans, {
    title: trans.__('Save as template'),
    intro: trans.__('A personal template like "%1", whose defaults are the values of the form.', template.title),
    acceptLabel: trans.__('Save'),
    id: `${template.id}-mine`,
    templateTitle: trans.__('%1 (mine)', template.title),
    create: async (id, title) => {
      const { data, unquoted } = model.asNewTemplate(id, title);
      await model.savePersonal(id, data);
      if (unquoted.length > 0) {
        Notification.warning(
          trans.__(
            'Your template quotes the values of %1, which the centre template substituted as they are.',
            unquoted.join(', ')
          ),
          { autoClose: false }
        );
      }
    }
  });
  if (created) {
    Notification.success(trans.__('Saved the personal template "%1".', created), { autoClose: 4000 });
  }
}

/**
 * Ask for a new personal template's id and title, then `create` it.
 *
 * @returns The new id, or `null` if the user cancelled.
 */
async function askNewTemplate(
  model: TemplatesModel,
  trans: TranslationBundle,
  options: {
    title: string;
    intro: string;
    acceptLabel: string;
    id: string;
    templateTitle: string;
    create: (id: string, title: string) => Promise<void>;
  }
): Promise<string | null> {
  const taken = (id: string) => model.find('personal', id) !== null;
  const values = await formDialog({
    title: options.title,
    intro: options.intro,
    acceptLabel: options.acceptLabel,
    fields: [
      {
        name: 'id',
        label: trans.__('Id'),
        kind: 'text',
        value: freeId(options.id, taken),
        description: trans.__('Letters, digits, "_", "." and "-"; the file is <id>.json.')
      },
      { name: 'title', label: trans.__('Title'), kind: 'text', value: options.templateTitle }
    ],
    accept: async ({ id, title }): Promise<IDialogProblem[] | void> => {
      const problems: IDialogProblem[] = [];
      if (!TEMPLATE_ID_PATTERN.test(id)) {
        problems.push({ field: 'id', message: trans.__('Use 1 to 64 letters, digits, "_", "." or "-".') });
      } else if (taken(id)) {
        problems.push({ field: 'id', message: trans.__('You already have a template "%1".', id) });
      }
      if (title.trim() === '') {
        problems.push({ field: 'title', message: trans.__('Give it a title.') });
      }
      if (problems.length > 0) {
        return problems;
      }
      try {
        await options.create(id, title.trim());
      } catch (error) {
        if (error instanceof HpcFieldErrors) {
          return error.errors.map(e =>
            e.field === '/id' || e.field === '/title'
              ? { field: e.field.slice(1), message: e.message }
              : { message: `${e.field || '/'}: ${e.message}` }
          );
        }
        throw error;
      }
    },
    trans
  });
  return values ? values.id : null;
}

/**
 * `base`, or `base-2`, `base-3`… the first id not taken.
 */
function freeId(base: string, taken: (id: string) => boolean): string {
  const stem = base.slice(0, 60);
  let id = stem;
  for (let n = 2; taken(id) && n < 1000; n++) {
    id = `${stem}-${n}`;
  }
  return id;
}
