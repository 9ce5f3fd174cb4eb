import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ITranslator } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { SidePanel, Toolbar } from '@jupyterlab/ui-components';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { hpcIcon } from './icons';
import type { IHpcSidebar } from '../tokens';

/**
 * The default rank of a section added without one.
 */
const DEFAULT_RANK = 500;

/**
 * The HPC sidebar: a header, a toolbar, and collapsible sections (an
 * accordion) that HPC plugins add — Clusters now, queue, templates and
 * Dask clusters later.
 */
export class HpcSidebar extends SidePanel implements IHpcSidebar {
  constructor(options: HpcSidebar.IOptions = {}) {
    const translator = options.translator ?? nullTranslator;
    super({ translator });
    const trans = translator.load('jupyterlab_hpc');
    this.id = 'jp-hpc-sidebar';
    this.addClass('jp-Hpc-sidebar');
    // The tab shows only the icon; the caption is its tooltip and name.
    this.title.icon = hpcIcon;
    this.title.caption = trans.__('HPC');

    const heading = document.createElement('h2');
    heading.className = 'jp-Hpc-title';
    heading.textContent = trans.__('HPC');
    this.header.addWidget(new Widget({ node: heading }));
    this.toolbar.node.setAttribute('aria-label', trans.__('HPC toolbar'));
  }

  addSection(section: Toolbar.IWidgetToolbar, options: { rank?: number } = {}): void {
    const rank = options.rank ?? DEFAULT_RANK;
    this._ranks.set(section, rank);
    // Insert after every section of lower or equal rank.
    const index = this.widgets.filter(widget => (this._ranks.get(widget) ?? DEFAULT_RANK) <= rank).length;
    this.insertWidget(index, section);
  }

  private _ranks = new WeakMap<Widget, number>();
}

/**
 * A namespace for `HpcSidebar` statics.
 */
export namespace HpcSidebar {
  /**
   * Options to create the HPC sidebar.
   */
  export interface IOptions {
    translator?: ITranslator;
  }
}

/**
 * Open the HPC sidebar and expand one of its sections.
 */
export async function showSection(app: JupyterFrontEnd, section: Widget): Promise<void> {
  await app.commands.execute(CommandIDs.openSidebar);
  const accordion = section.parent;
  if (section.isHidden && accordion instanceof AccordionPanel) {
    accordion.expand(accordion.widgets.indexOf(section));
  }
}
