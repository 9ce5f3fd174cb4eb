/**
 * A dialog with a few labelled fields, which stays open (is shown again
 * with the user's input) until what it asks for has been done or the user
 * cancels: its problems are shown at the fields they concern.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

/**
 * One field of the dialog.
 */
export interface IDialogField {
  name: string;
  label: string;
  kind: 'text' | 'select' | 'textarea' | 'checkbox';
  /**
   * The initial value; a checkbox's is 'true' when ticked.
   */
  value: string;
  /**
   * The options of a `select`.
   */
  choices?: ReadonlyArray<{ value: string; label: string }>;
  description?: string;
  placeholder?: string;
}

/**
 * A problem with the input: at a field, or about the whole (no `field`).
 */
export interface IDialogProblem {
  field?: string;
  message: string;
}

export type DialogValues = { [name: string]: string };

/**
 * Options of `formDialog`.
 */
export interface IFormDialogOptions {
  title: string;
  /**
   * A line of text above the fields.
   */
  intro?: string;
  acceptLabel: string;
  fields: ReadonlyArray<IDialogField>;
  /**
   * Do what the dialog asks for with the values. Returns the problems that
   * prevented it (the dialog is shown again with them), or nothing once it
   * is done. A thrown error is shown as a problem too.
   */
  accept: (values: DialogValues) => Promise<IDialogProblem[] | void>;
  trans: TranslationBundle;
}

/**
 * Show the dialog until `accept` succeeds (resolves with the accepted
 * values) or the user cancels (resolves with `null`).
 */
export async function formDialog(options: IFormDialogOptions): Promise<DialogValues | null> {
  const { trans } = options;
  let values: DialogValues = Object.fromEntries(options.fields.map(f => [f.name, f.value]));
  let problems: IDialogProblem[] = [];
  for (;;) {
    const body = new FormDialogBody(options, values, problems);
    const result = await showDialog({
      title: options.title,
      body,
      buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.okButton({ label: options.acceptLabel })],
      focusNodeSelector: problems.length > 0 ? '[aria-invalid="true"]' : 'input, select, textarea'
    });
    if (!result.button.accept) {
      return null;
    }
    values = result.value ?? values;
    try {
      problems = (await options.accept(values)) ?? [];
    } catch (error) {
      problems = [{ message: error instanceof Error ? error.message : String(error) }];
    }
    if (problems.length === 0) {
      return values;
    }
  }
}

/**
 * The dialog's body: keeps the values as they are typed. The inputs are
 * uncontrolled (rendered once with their initial values): a widget's
 * re-render comes a frame later, too late for a controlled input.
 */
class FormDialogBody extends ReactWidget implements Dialog.IBodyWidget<DialogValues> {
  constructor(
    private readonly _options: IFormDialogOptions,
    private _values: DialogValues,
    private readonly _problems: ReadonlyArray<IDialogProblem>
  ) {
    super();
    this.addClass('jp-Hpc-formDialog');
  }

  getValue(): DialogValues {
    return this._values;
  }

  protected render(): JSX.Element {
    return (
      <FormDialogFields
        intro={this._options.intro}
        fields={this._options.fields}
        values={this._values}
        problems={this._problems}
        onChange={(name, value) => {
          this._values = { ...this._values, [name]: value };
        }}
        trans={this._options.trans}
      />
    );
  }
}

/**
 * The fields, each with its label, description and problems.
 */
export function FormDialogFields(props: {
  intro?: string;
  fields: ReadonlyArray<IDialogField>;
  values: DialogValues;
  problems: ReadonlyArray<IDialogProblem>;
  onChange: (name: string, value: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { fields, values, problems } = props;
  const known = new Set(fields.map(f => f.name));
  const general = problems.filter(p => p.field === undefined || !known.has(p.field));
  return (
    <div className="jp-Hpc-formDialogFields">
      {props.intro ? <p className="jp-Hpc-formDialogIntro">{props.intro}</p> : null}
      {general.length > 0 ? (
        <ul className="jp-Hpc-problems" role="alert">
          {general.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      ) : null}
      {fields.map(field => (
        <DialogFieldRow
          key={field.name}
          field={field}
          value={values[field.name] ?? ''}
          problems={problems.filter(p => p.field === field.name).map(p => p.message)}
          onChange={value => props.onChange(field.name, value)}
        />
      ))}
    </div>
  );
}

function DialogFieldRow(props: {
  field: IDialogField;
  value: string;
  problems: string[];
  onChange: (value: string) => void;
}): JSX.Element {
  const { field, value, problems } = props;
  const id = `jp-Hpc-dialogField-${field.name}`;
  const described = [field.description ? `${id}-description` : '', problems.length ? `${id}-problems` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field.name,
    defaultValue: value,
    'aria-invalid': problems.length > 0,
    'aria-describedby': described || undefined,
    className: 'jp-Hpc-input',
    onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      props.onChange(event.target.value)
  };
  return (
    <div className="jp-Hpc-field" data-field={field.name}>
      {field.kind === 'checkbox' ? (
        <label className="jp-Hpc-checkboxLabel">
          <input
            id={id}
            name={field.name}
            type="checkbox"
            defaultChecked={value === 'true'}
            aria-describedby={described || undefined}
            onChange={event => props.onChange(String(event.target.checked))}
          />
          {field.label}
        </label>
      ) : (
        <label htmlFor={id} className="jp-Hpc-fieldLabel">
          {field.label}
        </label>
      )}
      {field.kind === 'checkbox' ? null : field.kind === 'select' ? (
        <select {...common}>
          {(field.choices ?? []).map(choice => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      ) : field.kind === 'textarea' ? (
        <textarea {...common} rows={20} spellCheck={false} placeholder={field.placeholder} />
      ) : (
        <input {...common} type="text" spellCheck={false} placeholder={field.placeholder} />
      )}
      {field.description ? (
        <div className="jp-Hpc-fieldDescription" id={`${id}-description`}>
          {field.description}
        </div>
      ) : null}
      {problems.length > 0 ? (
        <ul className="jp-Hpc-fieldProblems" id={`${id}-problems`}>
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
