import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandToolbarButton } from '@jupyterlab/ui-components';

import { addSidebarCommands, CommandIDs } from './commands';
import { ClustersModel } from './models/clusters';
import { watchSettings } from './settings';
import { IHpcClusters, IHpcSidebar } from './tokens';
import { ClustersSection } from './widgets/clusters';
import { HpcSidebar } from './widgets/sidebar';

/**
 * The clusters model, polling the companion.
 */
const clustersPlugin: JupyterFrontEndPlugin<IHpcClusters> = {
  id: 'jupyterlab-hpc:clusters',
  description: 'Provides the Slurm clusters reported by the HPC companion.',
  autoStart: true,
  provides: IHpcClusters,
  activate: (app: JupyterFrontEnd): IHpcClusters =>
    new ClustersModel({ serverSettings: app.serviceManager.serverSettings })
};

/**
 * The HPC sidebar with its Clusters section; owns the `sidebar` settings.
 */
const sidebarPlugin: JupyterFrontEndPlugin<IHpcSidebar> = {
  id: 'jupyterlab-hpc:sidebar',
  description: 'Adds the HPC sidebar to the left area.',
  autoStart: true,
  requires: [IHpcClusters],
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry, ITranslator],
  provides: IHpcSidebar,
  activate: (
    app: JupyterFrontEnd,
    model: IHpcClusters,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IHpcSidebar => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_hpc');

    const sidebar = new HpcSidebar({ translator });
    addSidebarCommands(app, {
      model,
      sidebarId: sidebar.id,
      trans,
      palette
    });
    sidebar.toolbar.addItem(
      'refresh',
      new CommandToolbarButton({
        commands: app.commands,
        id: CommandIDs.refresh,
        label: '' // icon-only; the caption becomes tooltip and aria-label
      })
    );
    sidebar.addSection(new ClustersSection(model, trans), { rank: 100 });

    app.shell.add(sidebar, 'left', { rank: 200 });
    if (restorer) {
      restorer.add(sidebar, sidebar.id);
    }
    if (settingRegistry) {
      watchSettings(settingRegistry, sidebarPlugin.id, model);
    }
    return sidebar;
  }
};

export default [clustersPlugin, sidebarPlugin];
