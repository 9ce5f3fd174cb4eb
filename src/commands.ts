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
  /**
   * Cancel the selected jobs of the queue (or args `cluster`, `ids`).
   */
  export const cancelJobs = 'hpc:cancel-jobs';
  /**
   * Hold the selected pending jobs (or args `cluster`, `ids`).
   */
  export const holdJobs = 'hpc:hold-jobs';
  /**
   * Release the selected held jobs (or args `cluster`, `ids`).
   */
  export const releaseJobs = 'hpc:release-jobs';
  /**
   * Show `scontrol show job` of the job under the cursor (or args
   * `cluster`, `id`).
   */
  export const showJobDetails = 'hpc:show-job-details';
  /**
   * Follow a job's output in the main area (args `cluster`, `id`, `stream`
   * `stdout`|`stderr`; the job under the cursor and stdout by default).
   */
  export const tailJobOutput = 'hpc:tail-job-output';
  /**
   * Show and highlight a job in the queue (args `cluster`, `id`); resolves
   * with whether it was shown.
   */
  export const selectJob = 'hpc:select-job';
  /**
   * Submit a batch script with sbatch, to a cluster picked in a dialog
   * (args `path`; or `source: 'filebrowser'` for the browser's selection;
   * else the current document).
   */
  export const submitFile = 'hpc:submit-file';
  /**
   * Open the form that starts a Dask or IPyParallel set (args `kind`:
   * `dask`|`ipyparallel`).
   */
  export const startSet = 'hpc:start-set';
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
