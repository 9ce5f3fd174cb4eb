/**
 * Props-only inputs of a template's form: one per parameter, by type, and
 * the cluster picker.
 *
 * Text and number inputs are uncontrolled (`defaultValue`): the model
 * re-renders the section a frame after each change, too late for a
 * controlled input, which would drop fast keystrokes. The form is keyed by
 * the model's `formKey`, so it starts again from the values the model resets.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IClusterChoice } from './model';
import type { ITemplateParameter } from './api';
import type { FormValue } from './values';

/**
 * One entry of a text parameter offered as a choice.
 */
export interface IFieldChoice {
  value: string;
  label: string;
}

/**
 * The ids of a field's parts, and its ARIA attributes.
 */
function fieldIds(
  id: string,
  description: string | undefined,
  error: string | undefined
): { description: string; error: string; aria: { [name: string]: string | boolean | undefined } } {
  const ids = { description: `${id}-description`, error: `${id}-error` };
  const describedBy = [description ? ids.description : '', error ? ids.error : ''].filter(Boolean).join(' ');
  return { ...ids, aria: { 'aria-invalid': Boolean(error), 'aria-describedby': describedBy || undefined } };
}

/**
 * A field's description and message, under its input.
 */
function FieldNotes(props: { id: string; description?: string; error?: string }): JSX.Element {
  const ids = fieldIds(props.id, props.description, props.error);
  return (
    <>
      {props.description ? (
        <div className="jp-Hpc-fieldDescription" id={ids.description}>
          {props.description}
        </div>
      ) : null}
      {props.error ? (
        <div className="jp-Hpc-fieldError" id={ids.error}>
          {props.error}
        </div>
      ) : null}
    </>
  );
}

/**
 * One parameter: label, input for its type, description and message.
 */
export function ParameterField(props: {
  id: string;
  name: string;
  parameter: ITemplateParameter;
  value: FormValue | undefined;
  error?: string;
  onChange: (value: FormValue) => void;
  /** For a text parameter the site answers (the partition): its values as a choice. */
  choices?: ReadonlyArray<IFieldChoice>;
  trans: TranslationBundle;
  /** Shown under the field (a suggested value). */
  children?: React.ReactNode;
}): JSX.Element {
  const { id, name, parameter: p, error, trans } = props;
  const label = p.title || name;
  const { aria } = fieldIds(id, p.description, error);
  const text = typeof props.value === 'string' ? props.value : '';
  const onText = (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    props.onChange(event.target.value);
  const className = `jp-Hpc-field${error ? ' jp-mod-invalid' : ''}`;

  if (p.type === 'boolean') {
    return (
      <div className={className} data-param={name} data-type={p.type}>
        <label className="jp-Hpc-checkboxLabel">
          <input
            id={id}
            type="checkbox"
            defaultChecked={props.value === true}
            onChange={event => props.onChange(event.target.checked)}
            {...aria}
          />
          {label}
        </label>
        <FieldNotes id={id} description={p.description} error={error} />
      </div>
    );
  }

  let input: JSX.Element;
  if (props.choices && (p.type === 'string' || p.type === 'path')) {
    // the value as typed stays a choice, even if the site does not list it (any more)
    const listed = props.choices.some(c => c.value === text);
    input = (
      <select id={id} className="jp-Hpc-input" value={text} onChange={onText} {...aria}>
        {listed ? null : <option value={text}>{text}</option>}
        {props.choices.map(choice => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    );
  } else if (p.type === 'enum') {
    input = (
      <select id={id} className="jp-Hpc-input" defaultValue={text} onChange={onText} {...aria}>
        {p.default === undefined ? <option value="">{trans.__('— choose —')}</option> : null}
        {(p.choices ?? []).map(choice => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  } else if (p.type === 'integer' || p.type === 'number') {
    input = (
      <input
        id={id}
        className="jp-Hpc-input"
        type="number"
        inputMode={p.type === 'integer' ? 'numeric' : 'decimal'}
        min={p.minimum}
        max={p.maximum}
        step={p.type === 'integer' ? 1 : 'any'}
        defaultValue={text}
        onChange={onText}
        {...aria}
      />
    );
  } else if (p.type === 'string' && p.multiline) {
    input = (
      <textarea
        id={id}
        className="jp-Hpc-input"
        rows={4}
        spellCheck={false}
        defaultValue={text}
        onChange={onText}
        {...aria}
      />
    );
  } else {
    input = (
      <input
        id={id}
        className="jp-Hpc-input"
        type="text"
        spellCheck={false}
        autoComplete="off"
        defaultValue={text}
        onChange={onText}
        {...aria}
      />
    );
  }
  const bounds = boundsText(p, trans);
  return (
    <div className={className} data-param={name} data-type={p.type}>
      <label htmlFor={id} className="jp-Hpc-fieldLabel">
        {label}
        {bounds ? <span className="jp-Hpc-fieldBounds">{bounds}</span> : null}
      </label>
      {input}
      <FieldNotes id={id} description={p.description} error={error} />
      {props.children}
    </div>
  );
}

/**
 * "1–64" for a number parameter with bounds.
 */
function boundsText(p: ITemplateParameter, trans: TranslationBundle): string {
  if (p.type !== 'integer' && p.type !== 'number') {
    return '';
  }
  if (p.minimum !== undefined && p.maximum !== undefined) {
    return trans.__('%1–%2', p.minimum, p.maximum);
  }
  if (p.minimum !== undefined) {
    return trans.__('≥ %1', p.minimum);
  }
  return p.maximum !== undefined ? trans.__('≤ %1', p.maximum) : '';
}

/**
 * The cluster to submit to, among those the template allows.
 */
export function ClusterField(props: {
  id: string;
  cluster: string;
  choices: ReadonlyArray<IClusterChoice>;
  /**
   * The template's own list (empty: any cluster).
   */
  allowed: ReadonlyArray<string>;
  error?: string;
  onChange: (name: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { id, choices, allowed, error, trans } = props;
  const description = allowed.length > 0 ? trans.__('This template is for: %1', allowed.join(', ')) : undefined;
  const { aria } = fieldIds(id, description, error);
  return (
    <div className={`jp-Hpc-field jp-Hpc-clusterField${error ? ' jp-mod-invalid' : ''}`} data-field="cluster">
      <label htmlFor={id} className="jp-Hpc-fieldLabel">
        {trans.__('Cluster')}
      </label>
      {choices.length > 0 ? (
        // Controlled: the model may pick another cluster when the list changes.
        <select
          id={id}
          className="jp-Hpc-input"
          value={props.cluster}
          onChange={event => props.onChange(event.target.value)}
          {...aria}
        >
          {choices.map(choice => (
            <option key={choice.name} value={choice.name}>
              {choice.ok ? choice.name : trans.__('%1 (not responding)', choice.name)}
            </option>
          ))}
        </select>
      ) : (
        <div className="jp-Hpc-fieldError" id={id}>
          {trans.__('No cluster to submit to.')}
        </div>
      )}
      <FieldNotes id={id} description={description} error={error} />
    </div>
  );
}
