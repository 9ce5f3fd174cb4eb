/**
 * Props-only form of the selected job template: its actions, one field per
 * parameter, the cluster, Submit, and the live preview of what runs.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { CLUSTER_FIELD } from './fieldErrors';
import type { IClusterChoice } from './model';
import type { PreviewState } from './preview';
import { RunsIn } from './runsIn';
import type { IJobTemplate, IRenderedJob } from './api';
import type { FormValue, FormValues } from './values';
import { ClusterField, IFieldChoice, ParameterField } from './formFields';
import { resourceParameter } from './partitions';
import { SourceBadge } from './list';
import type { ITestOnlyView } from './testOnly';
import { TestOnlyLine } from './testOnlyView';
import { Suggestion } from './suggestion';

/**
 * What the form's controls do; the section implements them.
 */
export interface ITemplateFormActions {
  setValue(name: string, value: FormValue): void;
  setCluster(name: string): void;
  submit(): void;
  duplicate(): void;
  edit(): void;
  remove(): void;
  saveAs(): void;
  /** Put a suggested value (see `suggestions`) in its field. */
  useSuggestion(name: string): void;
}

export interface ITemplateFormProps {
  template: IJobTemplate;
  values: FormValues;
  /**
   * Changes when the inputs must start again from `values`.
   */
  formKey: string;
  /**
   * Messages by parameter name, or `CLUSTER_FIELD`.
   */
  errors: Readonly<{ [field: string]: string }>;
  generalErrors: ReadonlyArray<string>;
  cluster: string;
  clusterChoices: ReadonlyArray<IClusterChoice>;
  preview: IRenderedJob | null;
  previewState: PreviewState;
  previewError: string | null;
  canSubmit: boolean;
  submitting: boolean;
  testOnly: ITestOnlyView;
  /**
   * The chosen cluster's partitions, and the user's accounts and QOS there, for the parameters
   * that are the template's partition, account and QOS; an empty list keeps a free text field.
   */
  siteChoices: { [resource in SiteResource]: ReadonlyArray<IFieldChoice> };
  /** Values proposed beside their fields ("Run again" of a job that used less than it asked). */
  suggestions?: FormValues;
  actions: ITemplateFormActions;
  trans: TranslationBundle;
}

/**
 * An element id made of a template's source and id, and more parts.
 */
function domId(...parts: string[]): string {
  return ['jp-Hpc-template', ...parts].join('-').replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The resources whose values the site lists: partitions, and accounts and QOS with accounting. */
export type SiteResource = 'partition' | 'account' | 'qos';
const SITE_RESOURCES: SiteResource[] = ['partition', 'account', 'qos'];

export function TemplateForm(props: ITemplateFormProps): JSX.Element {
  const { template, values, errors, actions, trans } = props;
  const base = domId(template.source, template.id);
  // parameter name -> the site's choices for it
  const choices = new Map<string, ReadonlyArray<IFieldChoice>>();
  for (const resource of SITE_RESOURCES) {
    const param = resourceParameter(template, resource);
    if (param !== null && props.siteChoices[resource].length > 0) {
      choices.set(param, props.siteChoices[resource]);
    }
  }
  return (
    <section
      className="jp-Hpc-templateForm"
      aria-labelledby={`${base}-title`}
      data-template-id={template.id}
      data-source={template.source}
    >
      <div className="jp-Hpc-templateFormHeader">
        <h3 className="jp-Hpc-templateFormTitle" id={`${base}-title`}>
          {template.title}
        </h3>
        <SourceBadge source={template.source} trans={trans} />
      </div>
      {template.description ? <p className="jp-Hpc-templateDescription">{template.description}</p> : null}
      <TemplateActions template={template} actions={actions} trans={trans} />
      <div className="jp-Hpc-templateFields" key={props.formKey}>
        {Object.entries(template.parameters).map(([name, parameter]) => (
          <ParameterField
            key={name}
            id={`${base}-param-${name}`}
            name={name}
            parameter={parameter}
            value={values[name]}
            error={errors[name]}
            onChange={value => actions.setValue(name, value)}
            choices={choices.get(name)}
            trans={trans}
          >
            <Suggestion
              value={props.suggestions?.[name]}
              current={values[name]}
              onUse={() => actions.useSuggestion(name)}
              trans={trans}
            />
          </ParameterField>
        ))}
        <ClusterField
          id={`${base}-cluster`}
          cluster={props.cluster}
          choices={props.clusterChoices}
          allowed={template.clusters}
          error={errors[CLUSTER_FIELD]}
          onChange={name => actions.setCluster(name)}
          trans={trans}
        />
      </div>
      {props.generalErrors.length > 0 ? (
        <ul className="jp-Hpc-problems" role="alert">
          {props.generalErrors.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      ) : null}
      <RunsIn job={props.preview} cluster={props.cluster} trans={trans} />
      <TestOnlyLine view={props.testOnly} trans={trans} />
      <div className="jp-Hpc-submitRow">
        <button
          type="button"
          className="jp-Hpc-button jp-mod-accept"
          disabled={!props.canSubmit}
          aria-describedby={`${base}-preview-status`}
          onClick={() => actions.submit()}
        >
          {props.submitting ? trans.__('Submitting…') : trans.__('Submit')}
        </button>
      </div>
      <Preview
        id={`${base}-preview`}
        preview={props.preview}
        state={props.previewState}
        error={props.previewError}
        trans={trans}
      />
    </section>
  );
}

/**
 * Duplicate, edit, delete, save as: what a template's source allows.
 */
function TemplateActions(props: {
  template: IJobTemplate;
  actions: ITemplateFormActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { template, actions, trans } = props;
  return (
    <div className="jp-Hpc-templateActions" role="group" aria-label={trans.__('Template actions')}>
      <button
        type="button"
        className="jp-Hpc-button"
        data-action="duplicate"
        title={trans.__('Copy into a new personal template and edit it')}
        onClick={() => actions.duplicate()}
      >
        {trans.__('Duplicate and edit')}
      </button>
      {template.editable ? (
        <>
          <button type="button" className="jp-Hpc-button" data-action="edit" onClick={() => actions.edit()}>
            {trans.__('Edit')}
          </button>
          <button
            type="button"
            className="jp-Hpc-button jp-mod-warn"
            data-action="delete"
            onClick={() => actions.remove()}
          >
            {trans.__('Delete')}
          </button>
        </>
      ) : null}
      <button
        type="button"
        className="jp-Hpc-button"
        data-action="save-as"
        title={trans.__('A new personal template whose defaults are the values below')}
        onClick={() => actions.saveAs()}
      >
        {trans.__('Save as template…')}
      </button>
    </div>
  );
}

/**
 * The rendered job: the sbatch options and the script, exactly as Slurm
 * gets them (options as arguments, the script on standard input).
 */
function Preview(props: {
  id: string;
  preview: IRenderedJob | null;
  state: PreviewState;
  error: string | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { id, preview, state, trans } = props;
  const status: { [S in PreviewState]: string } = {
    none: '',
    pending: trans.__('Updating the preview…'),
    ok: trans.__('Exactly what Submit sends to Slurm.'),
    invalid: trans.__('Out of date: correct the fields marked above.'),
    error: trans.__('Could not render the job: %1', props.error ?? '')
  };
  return (
    <div
      className={`jp-Hpc-preview jp-mod-${state}`}
      data-state={state}
      aria-busy={state === 'pending'}
      aria-labelledby={`${id}-heading`}
      role="region"
    >
      <div className="jp-Hpc-previewHeader">
        <h4 className="jp-Hpc-previewHeading" id={`${id}-heading`}>
          {trans.__('Preview')}
        </h4>
        <span
          className={`jp-Hpc-previewStatus${state === 'error' || state === 'invalid' ? ' jp-mod-error' : ''}`}
          id={`${id}-status`}
          role="status"
        >
          {status[state]}
        </span>
      </div>
      {preview ? (
        <>
          <div className="jp-Hpc-previewOptions" aria-label={trans.__('sbatch arguments')}>
            <code>sbatch</code>{' '}
            {preview.options.map((option, i) => (
              <React.Fragment key={i}>
                <code className="jp-Hpc-previewOption">{option}</code>{' '}
              </React.Fragment>
            ))}
            <span className="jp-Hpc-previewStdin">{trans.__('< script')}</span>
          </div>
          <pre className="jp-Hpc-previewScript" aria-label={trans.__('Job script')} tabIndex={0}>
            {preview.script}
          </pre>
        </>
      ) : null}
    </div>
  );
}
