import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, Toolbar, ToolbarButton, VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { TemplatesModel } from './model';
import type { IHpcQueue } from '../tokens';
import { ITemplateFormActions, TemplateForm } from './form';
import { deleteTemplate, duplicateAndEdit, editTemplate, saveAsTemplate } from './dialogs';
import { LoadErrors, TemplateList } from './list';
import { partitionChoices } from './partitions';

/**
 * The sidebar's Templates section: the centre's and the user's job
 * templates, the selected one's form with a live preview, and submission.
 */
export class TemplatesSection extends VDomRenderer<TemplatesModel> {
  constructor(options: TemplatesSection.IOptions) {
    super(options.model);
    this._trans = options.trans;
    this._queue = options.queue;
    this.id = 'jp-hpc-templates';
    this.addClass('jp-Hpc-templatesSection');
    this.title.label = this._trans.__('Templates');

    this.toolbar = new Toolbar();
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: this._trans.__('Reload the templates'),
        onClick: () => void this.model.refresh()
      })
    );
    void this.model.refresh();
  }

  /**
   * The section header's toolbar (shown by the sidebar).
   */
  readonly toolbar: Toolbar;

  protected render(): JSX.Element {
    const model = this.model;
    const trans = this._trans;
    const state = !model.loaded ? (model.listError === null ? 'loading' : 'error') : 'ok';
    return (
      <div className="jp-Hpc-templates" data-state={state} aria-busy={model.loading}>
        {state === 'loading' ? (
          <div className="jp-Hpc-message" role="status">
            {trans.__('Loading templates…')}
          </div>
        ) : null}
        {model.listError !== null ? (
          <div className="jp-Hpc-message jp-Hpc-loadError" role="alert">
            {trans.__('Could not load the templates: %1', model.listError)}
          </div>
        ) : null}
        {model.loadErrors.length > 0 ? <LoadErrors errors={model.loadErrors} trans={trans} /> : null}
        {model.loaded && model.templates.length === 0 ? (
          <div className="jp-Hpc-message">{trans.__('No job templates yet.')}</div>
        ) : null}
        <TemplateList
          templates={model.templates}
          selected={model.selected}
          onSelect={(source, id) => model.select(source, id)}
          trans={trans}
        />
        {model.selected ? (
          <TemplateForm
            template={model.selected}
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
            partitionChoices={partitionChoices(model.chosenCluster, trans)}
            suggestions={model.suggestions}
            submitting={model.submitting}
            actions={this._actions}
            trans={trans}
          />
        ) : null}
      </div>
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

  /**
   * Run a dialog flow; a failure it did not handle becomes a notification.
   */
  private _run(flow: () => Promise<void>): void {
    flow().catch(error => {
      Notification.error(error instanceof Error ? error.message : String(error));
    });
  }

  private _actions: ITemplateFormActions = {
    setValue: (name, value) => this.model.setValue(name, value),
    setCluster: name => this.model.setCluster(name),
    submit: () => void this._submit(),
    duplicate: () => {
      const template = this.model.selected;
      if (template) {
        this._run(() => duplicateAndEdit(this.model, template, this._trans));
      }
    },
    edit: () => {
      const template = this.model.selected;
      if (template) {
        this._run(() => editTemplate(this.model, template, this._trans));
      }
    },
    remove: () => {
      const template = this.model.selected;
      if (template) {
        this._run(() => deleteTemplate(this.model, template, this._trans));
      }
    },
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

  private _queue: IHpcQueue | null;
  private _trans: TranslationBundle;
}

/**
 * A namespace for `TemplatesSection` statics.
 */
export namespace TemplatesSection {
  export interface IOptions {
    model: TemplatesModel;
    trans: TranslationBundle;
    /**
     * Shows a submitted job; absent when the queue plugin is off.
     */
    queue: IHpcQueue | null;
  }
}
