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
   * or `script` with `title`, `cluster`, `workdir`: a finished job's;
   * else the current document).
   */
  export const submitFile = 'hpc:submit-file';
  /**
   * Open the form that starts a Dask or IPyParallel set (args `kind`:
   * `dask`|`ipyparallel`).
   */
  export const startSet = 'hpc:start-set';
  /**
   * Open the "HPC Jobs" panel in the main area (args, as the layout restorer saved them:
   * `cluster`, `all`, `text`, `widths`).
   */
  export const openJobsPanel = 'hpc:open-jobs-panel';
  /**
   * Open "Job History" in the main area (args, as the layout restorer saved them: `cluster`,
   * `start`, `end`, `state`, `name`).
   */
  export const openHistory = 'hpc:open-history';
  /**
   * Submit a finished job again (args `cluster`, `id`): its template's form with the values it
   * used, or the submit dialog with its script.
   */
  export const runAgain = 'hpc:run-again';
  /**
   * Open a job template's form, with its live preview, in the main area (args `source`:
   * `centre`|`personal`, `id`; for Run again also `values`, `cluster`, `suggest`:
   * `{memoryMB, cpus}` proposed beside their fields).
   */
  export const openTemplate = 'hpc:open-template';
}
