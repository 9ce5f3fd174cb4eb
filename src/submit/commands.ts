/**
 * "Submit to cluster…": a batch script from the file browser, the editor or
 * the palette goes to `sbatch` on a cluster picked in a dialog, with extra
 * sbatch options typed as one line.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import { Notification } from '@jupyterlab/apputils';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { fileIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';

import { HpcApiError, requestAPI } from '../shared/api';
import { CommandIDs } from '../commands';
import type { IHpcClusters, IHpcQueue } from '../tokens';
import { formDialog, IDialogField } from '../shared/formDialog';
import { scriptChdir, scriptFolder } from './workdir';

/**
 * The file type of batch scripts: the file browser marks their items with
 * `data-file-type="hpc-batch-script"`, which the context menu's selector
 * (schema/sidebar.json) matches.
 */
export const BATCH_SCRIPT_FILE_TYPE = 'hpc-batch-script';

/** The companion's refusal of the options line (see server/src/slurm/split-words.ts). */
const OPTIONS_LINE = /^extra sbatch options: (.*)$/;

const BATCH_SCRIPT_EXTENSIONS = ['.sh', '.sbatch', '.slurm'];

/**
 * Whether a path names a batch script by its extension.
 */
export function isBatchScript(path: string): boolean {
  const name = path.toLowerCase();
  return BATCH_SCRIPT_EXTENSIONS.some(ext => name.endsWith(ext));
}

/**
 * The document of a widget, as far as this command needs it. The file
 * browser and document manager packages are not dependencies of this
 * extension yet, hence these shapes instead of their tokens.
 */
interface IDocumentContextLike {
  path: string;
  model: { dirty: boolean };
  save(): Promise<void>;
}

interface IFileBrowserLike extends Widget {
  selectedItems(): IterableIterator<Contents.IModel>;
}

/**
 * A script to submit: its path, and its open document if there is one
 * (saved first, so the submitted file is the one on screen); or, for "Run
 * again" of a finished job, its script (editable in the dialog), cluster and
 * working directory, `path` naming it.
 */
interface ISubmitTarget {
  path: string;
  context?: IDocumentContextLike;
  script?: string;
  cluster?: string;
  workdir?: string;
}

/**
 * The default file browser ("filebrowser"), wherever it was put.
 */
function fileBrowser(app: JupyterFrontEnd): IFileBrowserLike | null {
  const search = (widget: Widget): IFileBrowserLike | null => {
    const candidate = widget as Widget & { selectedItems?: unknown };
    if (widget.id === 'filebrowser' && typeof candidate.selectedItems === 'function') {
      return widget as IFileBrowserLike;
    }
    for (const child of widget.children()) {
      const found = search(child);
      if (found) {
        return found;
      }
    }
    return null;
  };
  for (const area of ['left', 'right']) {
    for (const widget of app.shell.widgets(area)) {
      const found = search(widget);
      if (found) {
        return found;
      }
    }
  }
  return null;
}

/**
 * What the command acts on: `args.path`; the file browser's selected
 * script (`args.source === 'filebrowser'`, its context menu); else the
 * current document (editor context menu, palette).
 */
function submitTarget(app: JupyterFrontEnd, args: ReadonlyPartialJSONObject): ISubmitTarget | null {
  if (typeof args.script === 'string' && args.script !== '') {
    const text = (name: string): string | undefined =>
      typeof args[name] === 'string' ? String(args[name]) : undefined;
    return { path: text('title') ?? 'script', script: args.script, cluster: text('cluster'), workdir: text('workdir') };
  }
  if (typeof args.path === 'string' && args.path !== '') {
    return { path: args.path };
  }
  if (args.source === 'filebrowser') {
    const items = [...(fileBrowser(app)?.selectedItems() ?? [])];
    const item = items.length === 1 ? items[0] : null;
    return item && item.type !== 'directory' && isBatchScript(item.path) ? { path: item.path } : null;
  }
  const context = (app.shell.currentWidget as (Widget & { context?: Partial<IDocumentContextLike> }) | null)?.context;
  if (context && typeof context.path === 'string' && typeof context.save === 'function' && context.model) {
    const document = context as IDocumentContextLike;
    return isBatchScript(document.path) ? { path: document.path, context: document } : null;
  }
  return null;
}

/**
 * Resolves once the clusters model has answered (or failed) for the first time.
 */
function firstLoad(clusters: IHpcClusters): Promise<void> {
  return new Promise(resolve => {
    const check = (): void => {
      if (clusters.loaded || clusters.error !== null) {
        clusters.stateChanged.disconnect(check);
        resolve();
      }
    };
    clusters.stateChanged.connect(check);
    check();
  });
}

/** The script of a finished job, editable before it goes again. */
function scriptDialogField(script: string, trans: TranslationBundle): IDialogField {
  return { name: 'script', label: trans.__('Batch script'), kind: 'textarea', value: script };
}

/** The file's text, once its open document (if any) is saved. */
async function scriptOf(app: JupyterFrontEnd, target: ISubmitTarget): Promise<string> {
  if (target.context?.model.dirty) {
    await target.context.save();
  }
  const file = await app.serviceManager.contents.get(target.path, { type: 'file', format: 'text', content: true });
  return String(file.content);
}

/**
 * Register the batch script file type and `hpc:submit-file`, with its
 * palette item if there is a palette.
 */
export function addSubmitFileCommand(
  app: JupyterFrontEnd,
  options: {
    clusters: IHpcClusters;
    queue: IHpcQueue | null;
    trans: TranslationBundle;
    palette: ICommandPalette | null;
  }
): void {
  const { clusters, queue, trans, palette } = options;
  // The cluster of the last submission is offered first next time.
  let lastCluster = '';

  app.docRegistry.addFileType({
    name: BATCH_SCRIPT_FILE_TYPE,
    displayName: trans.__('Batch script'),
    extensions: BATCH_SCRIPT_EXTENSIONS,
    mimeTypes: ['text/x-sh'],
    // The icon of plain text files, as before: a .sh file is not
    // necessarily a batch script.
    icon: fileIcon,
    contentType: 'file',
    fileFormat: 'text'
  });

  const submit = async (target: ISubmitTarget): Promise<void> => {
    if (!clusters.loaded && clusters.error === null) {
      const toast = Notification.emit(trans.__('Loading the clusters…'), 'in-progress', { autoClose: false });
      await firstLoad(clusters).finally(() => Notification.dismiss(toast));
    }
    const choices = clusters.clusters.map(c => ({
      value: c.name,
      label: c.status === 'ok' ? c.name : trans.__('%1 (not responding)', c.name)
    }));
    if (choices.length === 0) {
      Notification.error(trans.__('No cluster to submit to: none is configured, or the clusters are still loading.'));
      return;
    }
    const preferred = choices.find(c => c.value === (target.cluster ?? lastCluster)) ?? choices[0];
    const scriptField = target.script === undefined ? [] : [scriptDialogField(target.script, trans)];
    // the script as it will be submitted: its own --chdir is where it runs, shown as such
    const own = scriptChdir(target.script ?? (await scriptOf(app, target)));
    // over SSH the Jupyter host's folders may not exist: sbatch's default (the home directory) stands;
    // a given script (Run again) has no folder of its own but the one it ran in
    const overSsh = clusters.clusters.find(c => c.name === preferred.value)?.transport === 'ssh';
    const runsIn = target.workdir ?? own ?? (overSsh || target.script !== undefined ? '' : scriptFolder(target.path));
    const done: { job?: { cluster: string; jobId: string } } = {};
    const accepted = await formDialog({
      title: trans.__('Submit to cluster'),
      intro: trans.__('Submit %1 with sbatch.', target.path),
      acceptLabel: trans.__('Submit'),
      fields: [
        { name: 'cluster', label: trans.__('Cluster'), kind: 'select', value: preferred.value, choices },
        {
          name: 'args',
          label: trans.__('Extra sbatch options'),
          kind: 'text',
          value: '',
          placeholder: '--partition=debug --time=00:10:00',
          description: trans.__('Optional. Quotes group words ("my job"); no shell expands anything.')
        },
        {
          name: 'chdir',
          label: trans.__('Runs in'),
          kind: 'text',
          value: runsIn,
          placeholder: trans.__('your home directory on the cluster'),
          description: trans.__(
            "The job's working directory (sbatch --chdir): the script's own --chdir, else its folder, unless you change it; empty: your home directory on the cluster."
          )
        },
        ...scriptField
      ],
      accept: async values => {
        const script = values.script ?? (await scriptOf(app, target));
        try {
          // the companion splits the options line into words (the one place that reads shell words)
          done.job = await requestAPI<{ cluster: string; jobId: string }>(
            `clusters/${encodeURIComponent(values.cluster)}/submit`,
            {
              method: 'POST',
              body: JSON.stringify({
                script,
                // before the options line: a --chdir typed there comes last and wins, as in sbatch;
                // an argument, not shell text: no quoting, whatever the path
                args: values.chdir.trim() ? [`--chdir=${values.chdir.trim()}`] : [],
                optionsLine: values.args
              }),
              headers: { 'Content-Type': 'application/json' }
            },
            app.serviceManager.serverSettings
          );
        } catch (error) {
          const words = error instanceof HpcApiError && error.status === 400 && OPTIONS_LINE.exec(error.message);
          if (words) {
            return [{ field: 'args', message: words[1] }];
          }
          throw error;
        }
      },
      trans
    });
    if (accepted && done.job) {
      const { cluster, jobId } = done.job;
      lastCluster = cluster;
      Notification.success(trans.__('Job %1 submitted to %2 (%3).', jobId, cluster, target.path), {
        autoClose: 8000,
        actions: queue
          ? [{ label: trans.__('Show in queue'), callback: () => void queue.select(cluster, jobId).catch(() => false) }]
          : []
      });
      // Selected in the queue, without taking the user away from the file
      // browser: the notification's action shows it.
      queue?.select(cluster, jobId, { activate: false }).catch(() => false);
    }
  };

  app.commands.addCommand(CommandIDs.submitFile, {
    label: args => (args.isPalette ? trans.__('Submit current file to cluster…') : trans.__('Submit to cluster…')),
    caption: trans.__('Submit a batch script (.sh, .sbatch, .slurm) with sbatch'),
    isEnabled: args => submitTarget(app, args) !== null,
    isVisible: args => submitTarget(app, args) !== null,
    execute: async args => {
      const target = submitTarget(app, args);
      if (!target) {
        Notification.warning(trans.__('Select one batch script (.sh, .sbatch or .slurm) to submit.'));
        return;
      }
      await submit(target).catch(error => {
        Notification.error(trans.__('Could not submit %1: %2', target.path, (error as Error).message ?? String(error)));
      });
    }
  });

  if (palette) {
    palette.addItem({ command: CommandIDs.submitFile, category: trans.__('HPC'), args: { isPalette: true } });
  }
}
