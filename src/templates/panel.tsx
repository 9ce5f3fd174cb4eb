/**
 * A job template's form in the main area: the parameters and the cluster
 * beside the live preview of what runs, Submit, and the personal templates'
 * actions. The sidebar lists the templates; picking one shows it here.
 */
import { MainAreaWidget, Notification } from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IHpcQueue } from '../tokens';
import type { TemplateSource } from './api';
import { deleteTemplate, duplicateAndEdit, editTemplate, saveAsTemplate } from './dialogs';
import { ITemplateFormActions, ITemplateFormProps, TemplateForm } from './form';
import type { TemplatesModel } from './model';
import { partitionChoices, resourceParameter } from './partitions';
import { AccountsCache, accountChoices, qosChoices } from './accounts';

export class TemplateFormContent extends VDomRenderer<TemplatesModel> {
  constructor(options: TemplateFormContent.IOptions) {
    super(options.model);
    this._trans = options.trans;
    this._queue = options.queue;
    this._accounts = new AccountsCache(options.serverSettings);
    this._accounts.changed.connect(() => this.update());
    this.id = 'jp-hpc-template-form';
    this.addClass('jp-Hpc-templatePanel');
  }

  /** What the layout restorer keeps: the template shown. */
  get shown(): { source: TemplateSource; id: string } | null {
    const selected = this.model.selected;
    return selected ? { source: selected.source, id: selected.id } : null;
  }

  protected render(): JSX.Element {
    const model = this.model;
    const trans = this._trans;
    const template = model.selected;
    if (!template) {
      return (
        <div className="jp-Hpc-message">
          {model.loaded ? trans.__('Pick a template in the HPC sidebar.') : trans.__('Loading templates…')}
        </div>
      );
    }
    return (
      <TemplateForm
        template={template}
        values={model.values}
        formKey={model.formKey}
        errors={model.fieldErrors}
        generalErrors={model.generalErrors}
        cluster={model.cluster}
        clusterChoices={model.clusterChoices}
        preview={model.preview}
        previewState={model.previewState}
        previewError={model.previewError}
        canSubmit={model.canSubmit}
        testOnly={model.testOnly}
        siteChoices={this._siteChoices()}
        suggestions={model.suggestions}
        submitting={model.submitting}
        actions={this._actions}
        trans={trans}
      />
    );
  }

  private async _submit(): Promise<void> {
    const trans = this._trans;
    try {
      const job = await this.model.submit();
      Notification.success(trans.__('Job %1 submitted to %2.', job.jobId, job.cluster), { autoClose: 8000 });
      this._queue?.select(job.cluster, job.jobId).catch(reason => {
        console.warn('jupyterlab-hpc: could not show the job in the queue.', reason);
      });
    } catch (error) {
      Notification.error(
        trans.__('The job was not submitted: %1', error instanceof Error ? error.message : String(error)),
        { autoClose: false }
      );
    }
  }

  /** Run a dialog flow; a failure it did not handle becomes a notification. */
  private _run(flow: () => Promise<void>): void {
    flow().catch(error => {
      Notification.error(error instanceof Error ? error.message : String(error));
    });
  }

  private _withSelected(flow: (template: NonNullable<TemplatesModel['selected']>) => Promise<void>): void {
    const template = this.model.selected;
    if (template) {
      this._run(() => flow(template));
    }
  }

  private _actions: ITemplateFormActions = {
    setValue: (name, value) => this.model.setValue(name, value),
    setCluster: name => this.model.setCluster(name),
    submit: () => void this._submit(),
    duplicate: () => this._withSelected(t => duplicateAndEdit(this.model, t, this._trans)),
    edit: () => this._withSelected(t => editTemplate(this.model, t, this._trans)),
    remove: () => this._withSelected(t => deleteTemplate(this.model, t, this._trans)),
    saveAs: () => this._run(() => saveAsTemplate(this.model, this._trans)),
    useSuggestion: name => {
      const { selected, values, cluster, suggestions } = this.model;
      if (selected && suggestions[name] !== undefined) {
        // the form starts again from the values, with the suggested one
        const next = { values: { ...values, [name]: suggestions[name] }, cluster, suggestions };
        this._run(async () => void (await this.model.prefill(selected.source, selected.id, next)));
      }
    }
  };

  /** The chosen cluster's partitions, and the accounts and QOS the user has there. */
  private _siteChoices(): ITemplateFormProps['siteChoices'] {
    const model = this.model;
    const template = model.selected;
    const accounts = this._accounts.get(model.cluster);
    const accountParam = template ? resourceParameter(template, 'account') : null;
    const account = accountParam === null ? '' : String(model.values[accountParam] ?? '');
    return {
      partition: partitionChoices(model.chosenCluster, this._trans),
      account: accountChoices(accounts, this._trans),
      qos: qosChoices(accounts, account, this._trans)
    };
  }

  private _accounts: AccountsCache;
  private _queue: IHpcQueue | null;
  private _trans: TranslationBundle;
}

export namespace TemplateFormContent {
  export interface IOptions {
    model: TemplatesModel;
    trans: TranslationBundle;
    /** Shows a submitted job; absent when the queue plugin is off. */
    queue: IHpcQueue | null;
    /** Where the accounts are read from; the page's server by default. */
    serverSettings?: ServerConnection.ISettings;
  }
}

/** The form in its main-area frame, titled after the template it shows. */
export function createTemplatePanel(options: TemplateFormContent.IOptions): MainAreaWidget<TemplateFormContent> {
  const content = new TemplateFormContent(options);
  const panel = new MainAreaWidget({ content });
  panel.id = 'jp-hpc-template-panel';
  const retitle = (): void => {
    const template = options.model.selected;
    panel.title.label = template ? options.trans.__('Template: %1', template.title) : options.trans.__('Job template');
  };
  options.model.stateChanged.connect(retitle);
  panel.disposed.connect(() => options.model.stateChanged.disconnect(retitle));
  retitle();
  panel.title.closable = true;
  return panel;
}
