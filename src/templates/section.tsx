import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, Toolbar, ToolbarButton, VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { TemplatesModel } from './model';
import type { TemplateSource } from './api';
import { LoadErrors, TemplateList } from './list';

/**
 * The sidebar's Templates section: the centre's and the user's job
 * templates; picking one opens its form in the main area (panel.tsx).
 */
export class TemplatesSection extends VDomRenderer<TemplatesModel> {
  constructor(options: TemplatesSection.IOptions) {
    super(options.model);
    this._trans = options.trans;
    this._open = options.open;
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
          onSelect={(source, id) => this._open(source, id)}
          trans={trans}
        />
      </div>
    );
  }

  private _open: (source: TemplateSource, id: string) => void;
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
     * Shows a template's form in the main area.
     */
    open: (source: TemplateSource, id: string) => void;
  }
}
