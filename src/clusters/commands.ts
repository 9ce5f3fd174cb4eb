import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandToolbarButton, refreshIcon } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import type { IHpcClusters, IHpcSidebar } from '../tokens';

/**
 * Register the sidebar's commands (open it, refresh the clusters), their
 * palette items if there is a palette, and the toolbar's refresh button.
 */
export function addSidebarCommands(
  app: JupyterFrontEnd,
  options: {
    model: IHpcClusters;
    sidebar: IHpcSidebar & Widget;
    trans: TranslationBundle;
    palette: ICommandPalette | null;
  }
): void {
  const { model, sidebar, trans, palette } = options;
  const category = trans.__('HPC');

  app.commands.addCommand(CommandIDs.openSidebar, {
    label: trans.__('Open HPC sidebar'),
    caption: trans.__('Show the HPC sidebar'),
    execute: () => {
      app.shell.activateById(sidebar.id);
    }
  });

  app.commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh HPC clusters'),
    caption: trans.__('Refresh clusters'),
    // The palette shows no icons; toolbars do.
    icon: args => (args.isPalette ? undefined : refreshIcon),
    execute: () => model.refresh()
  });

  sidebar.toolbar.addItem(
    'refresh',
    new CommandToolbarButton({
      commands: app.commands,
      id: CommandIDs.refresh,
      label: '' // icon-only; the caption becomes tooltip and aria-label
    })
  );

  if (palette) {
    palette.addItem({ command: CommandIDs.openSidebar, category });
    palette.addItem({ command: CommandIDs.refresh, category });
  }
}
