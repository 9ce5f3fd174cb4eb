import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';

import type { IHpcClusters } from './tokens';

/**
 * The command IDs of jupyterlab-hpc.
 */
export namespace CommandIDs {
  /**
   * Show the HPC sidebar in the left area.
   */
  export const openSidebar = 'hpc:open-sidebar';
  /**
   * Fetch the clusters now.
   */
  export const refresh = 'hpc:refresh';
}

/**
 * Register the sidebar's commands, and their palette items if there is a
 * palette.
 */
export function addSidebarCommands(
  app: JupyterFrontEnd,
  options: {
    model: IHpcClusters;
    sidebarId: string;
    trans: TranslationBundle;
    palette: ICommandPalette | null;
  }
): void {
  const { model, sidebarId, trans, palette } = options;
  const category = trans.__('HPC');

  app.commands.addCommand(CommandIDs.openSidebar, {
    label: trans.__('Open HPC sidebar'),
    caption: trans.__('Show the HPC sidebar'),
    execute: () => {
      app.shell.activateById(sidebarId);
    }
  });

  app.commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh HPC clusters'),
    caption: trans.__('Refresh clusters'),
    // The palette shows no icons; toolbars do.
    icon: args => (args.isPalette ? undefined : refreshIcon),
    execute: () => model.refresh()
  });

  if (palette) {
    palette.addItem({ command: CommandIDs.openSidebar, category });
    palette.addItem({ command: CommandIDs.refresh, category });
  }
}
