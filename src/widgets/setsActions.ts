/**
 * What the "Parallel clusters" section's buttons do: the start form, stop
 * with confirmation, scale, forget, the dashboard, and "Use in notebook"
 * (through the kernel comm, or by inserting a code cell).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog, WidgetTracker } from '@jupyterlab/apputils';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { SetsModel } from '../models/sets';
import { HpcApiError } from '../api';
import type { IJobTemplate, TemplatesApi } from '../models/templatesApi';
import { IStartSetRequest, ISetRecord, SetKind, startProblems } from '../models/setsApi';
import { connectionCode } from '../models/setsCode';
import type { IHpcClusters, IHpcKernelComms, IHpcQueue } from '../tokens';
import { DashboardPanel, openDashboard } from './dashboard';
import { ISetCardActions, kindLabel } from './setsCard';
import { DialogValues, formDialog, IDialogField, IDialogProblem } from './templateFormDialog';

/**
 * What the actions work with; the optional parts are other plugins'.
 */
export interface ISetsContext {
  model: SetsModel;
  clusters: IHpcClusters;
  templates: TemplatesApi;
  shell: JupyterFrontEnd.IShell;
  serverSettings: ServerConnection.ISettings;
  dashboards: WidgetTracker<DashboardPanel>;
  comms: IHpcKernelComms | null;
  notebooks: INotebookTracker | null;
  queue: IHpcQueue | null;
  trans: TranslationBundle;
}

/**
 * Quote a word for the shell, whatever it holds.
 */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell lines of a template that set up an environment: its module
 * loads, then its set-up lines. Null for a template without any, or whose
 * lines need parameters (`{{name}}`) that a set has no form for.
 */
export function environmentLines(template: IJobTemplate): string[] | null {
  const lines = [
    ...(template.modules.length > 0 ? [['module', 'load', ...template.modules].map(shellWord).join(' ')] : []),
    ...template.setup
  ];
  return lines.length > 0 && !lines.some(line => line.includes('{{')) ? lines : null;
}

export class SetsActions implements ISetCardActions {
  constructor(private readonly _ctx: ISetsContext) {
    this.showJob = _ctx.queue ? (cluster, jobId) => this._showJob(cluster, jobId) : undefined;
  }

  readonly showJob?: (cluster: string, jobId: string) => void;

  /**
   * Ask for a set's resources and start it; the form stays open with the
   * server's objections at their fields until the set starts or the user
   * cancels.
   */
  async start(kind: SetKind): Promise<void> {
    const { model, trans } = this._ctx;
    const environments = await this._environments(kind);
    const fields = this._startFields(kind, environments, this._lastValues.get(kind));
    await formDialog({
      title: kind === 'dask' ? trans.__('Start a Dask cluster') : trans.__('Start an IPyParallel cluster'),
      intro:
        kind === 'dask'
          ? trans.__('A Slurm job runs a Dask scheduler on its first node and the workers on all its nodes.')
          : trans.__('A Slurm job runs an IPyParallel controller on its first node and the engines on all its nodes.'),
      acceptLabel: trans.__('Start'),
      fields,
      trans,
      accept: async (values): Promise<IDialogProblem[] | void> => {
        this._lastValues.set(kind, values);
        try {
          const record = await model.start(startRequest(kind, values, environments));
          Notification.success(
            trans.__('%1 cluster "%2" submitted to %3.', kindLabel(kind, trans), record.name, record.cluster),
            { autoClose: 5000 }
          );
        } catch (error) {
          if (error instanceof HpcApiError && error.status < 500) {
            return startProblems(error.message);
          }
          // Slurm's refusals (502) often name the field too (partition, account, time…).
          return startProblems(error instanceof Error ? error.message : String(error));
        }
      }
    });
  }

  stop(id: string): void {
    const { model, trans } = this._ctx;
    const record = model.get(id);
    if (!record) {
      return;
    }
    void (async () => {
      const jobs = record.jobs.map(job => job.id).join(', ');
      const result = await showDialog({
        title: trans.__('Stop %1?', record.name),
        body: jobs
          ? trans.__(
              'Its Slurm jobs (%1) on %2 are cancelled, and clients connected to it lose it.',
              jobs,
              record.cluster
            )
          : trans.__('It is removed from the queue of %1.', record.cluster),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Keep running') }),
          Dialog.warnButton({ label: trans.__('Stop') })
        ]
      });
      if (result.button.accept) {
        await this._report(model.stop(id), trans.__('%1 was not stopped', record.name));
      }
    })();
  }

  scale(id: string, workers: number): void {
    const { model, trans } = this._ctx;
    const name = model.get(id)?.name ?? id;
    void this._report(model.scale(id, workers), trans.__('%1 was not scaled', name));
  }

  forget(id: string): void {
    const { model, trans } = this._ctx;
    const name = model.get(id)?.name ?? id;
    void this._report(model.forget(id), trans.__('%1 was not forgotten', name));
  }

  openDashboard(id: string): void {
    const { model, trans, shell } = this._ctx;
    const record = model.get(id);
    if (!record) {
      return;
    }
    const opened = model.track(id, 'dashboard', async () => {
      const panel = await openDashboard(record, {
        tracker: this._ctx.dashboards,
        addToShell: widget => shell.add(widget, 'main'),
        serverSettings: this._ctx.serverSettings,
        trans
      });
      shell.activateById(panel.id);
    });
    void this._report(opened, trans.__('The dashboard of %1 cannot be shown', record.name));
  }

  /**
   * Give a notebook a client of the set: the current notebook's kernel
   * through the comm (it defines `client` or `rc` when no cell runs);
   * otherwise a code cell in the most recent notebook.
   */
  useInNotebook(id: string): void {
    const { model, comms, notebooks, shell, trans } = this._ctx;
    const record = model.get(id);
    if (!record) {
      return;
    }
    const current = shell.currentWidget;
    const active = notebooks && current && notebooks.has(current) ? (current as NotebookPanel) : null;
    if (active && comms) {
      // The comm plugin shows the kernel's own "Defined client: …" message.
      model
        .track(id, 'connect', () => comms.connectSet(active, id))
        .catch((error: unknown) => {
          Notification.error(
            trans.__('%1 was not connected to %2: %3', active.title.label, record.name, messageOf(error)),
            {
              autoClose: false,
              actions: [
                {
                  label: trans.__('Insert code instead'),
                  caption: trans.__('Insert a cell that connects to the set'),
                  callback: () => void this._insertCode(record, active)
                }
              ]
            }
          );
        });
      return;
    }
    const recent = active ?? notebooks?.currentWidget ?? null;
    if (!recent) {
      Notification.warning(trans.__('Open a notebook to use %1 in.', record.name), { autoClose: 5000 });
      return;
    }
    void this._insertCode(record, recent);
  }

  private async _insertCode(record: ISetRecord, panel: NotebookPanel): Promise<void> {
    const { model, shell, trans } = this._ctx;
    try {
      const connection = await model.track(record.id, 'connect', () => model.connection(record.id));
      const notebook = panel.content;
      NotebookActions.insertBelow(notebook);
      if (notebook.activeCell?.model.type !== 'code') {
        NotebookActions.changeCellType(notebook, 'code');
      }
      notebook.activeCell?.model.sharedModel.setSource(connectionCode(record, connection));
      shell.activateById(panel.id);
      Notification.info(trans.__('Run the new cell in %1 to connect to %2.', panel.title.label, record.name), {
        autoClose: 5000
      });
    } catch (error) {
      Notification.error(trans.__('No connection to %1: %2', record.name, messageOf(error)), { autoClose: false });
    }
  }

  private _showJob(cluster: string, jobId: string): void {
    this._ctx.queue?.select(cluster, jobId).catch(reason => {
      console.warn('jupyterlab-hpc: could not show the job in the queue.', reason);
    });
  }

  /**
   * Templates that can set up a set's environment, the set's own kind
   * first; none when they cannot be listed (the form works without).
   */
  private async _environments(kind: SetKind): Promise<Map<string, { title: string; lines: string[] }>> {
    let templates: IJobTemplate[] = [];
    try {
      templates = (await this._ctx.templates.list()).templates;
    } catch (error) {
      console.warn('jupyterlab-hpc: no templates for the environment choice.', error);
    }
    const ordered = [...templates.filter(t => t.kind === kind), ...templates.filter(t => t.kind !== kind)];
    const environments = new Map<string, { title: string; lines: string[] }>();
    for (const template of ordered) {
      const lines = environmentLines(template);
      if (lines) {
        environments.set(`${template.source}/${template.id}`, { title: template.title, lines });
      }
    }
    return environments;
  }

  private _startFields(
    kind: SetKind,
    environments: Map<string, { title: string; lines: string[] }>,
    last: DialogValues | undefined
  ): IDialogField[] {
    const { clusters, trans } = this._ctx;
    const names = clusters.clusters.map(cluster => cluster.name);
    const partitions = clusters.clusters
      .filter(cluster => cluster.partitions.length > 0)
      .map(
        cluster =>
          `${cluster.name}: ${cluster.partitions.map(p => (p.default ? trans.__('%1 (default)', p.name) : p.name)).join(', ')}`
      )
      .join('; ');
    const worker = kind === 'ipyparallel' ? trans.__('Engines') : trans.__('Workers');
    const value = (name: string, fallback = ''): string => last?.[name] ?? fallback;
    const fields: IDialogField[] = [
      names.length > 0
        ? {
            name: 'cluster',
            label: trans.__('Cluster'),
            kind: 'select',
            value: names.includes(value('cluster')) ? value('cluster') : names[0],
            choices: names.map(name => ({ value: name, label: name }))
          }
        : { name: 'cluster', label: trans.__('Cluster'), kind: 'text', value: value('cluster', 'local') },
      {
        name: 'partition',
        label: trans.__('Partition'),
        kind: 'text',
        value: value('partition'),
        placeholder: trans.__("the cluster's default"),
        description: partitions || undefined
      },
      {
        name: 'nodes',
        label: trans.__('Nodes'),
        kind: 'text',
        value: value('nodes'),
        placeholder: trans.__('as many as needed')
      },
      { name: 'workers', label: worker, kind: 'text', value: value('workers', '2') },
      {
        name: 'workersPerNode',
        label: trans.__('%1 per node', worker),
        kind: 'text',
        value: value('workersPerNode'),
        placeholder: trans.__('any'),
        description: trans.__('Set it to take whole nodes, shared between the workers of each.')
      },
      {
        name: 'threads',
        label: trans.__('Threads per worker'),
        kind: 'text',
        value: value('threads'),
        placeholder: '1'
      },
      {
        name: 'memory',
        label: trans.__('Memory per worker'),
        kind: 'text',
        value: value('memory'),
        placeholder: trans.__("the partition's default"),
        description: trans.__('e.g. 2G or 1500M')
      },
      {
        name: 'time',
        label: trans.__('Time limit'),
        kind: 'text',
        value: value('time', '60'),
        description: trans.__('Minutes, HH:MM:SS or D-HH:MM:SS')
      },
      {
        name: 'account',
        label: trans.__('Account'),
        kind: 'text',
        value: value('account'),
        placeholder: trans.__('your default account')
      },
      {
        name: 'template',
        label: trans.__('Environment'),
        kind: 'select',
        value: environments.has(value('template')) ? value('template') : '',
        choices: [
          { value: '', label: trans.__('None: as the Jupyter server') },
          ...[...environments].map(([key, env]) => ({ value: key, label: env.title }))
        ],
        description: trans.__("A template's module and set-up lines, run before the set starts.")
      },
      {
        name: 'python',
        label: trans.__('Python'),
        kind: 'text',
        value: value('python'),
        placeholder: trans.__("the Jupyter server's Python"),
        description: trans.__('A path or a command, e.g. python3 for the environment’s own.')
      },
      {
        name: 'name',
        label: trans.__('Name'),
        kind: 'text',
        value: '',
        placeholder: trans.__('%1 × %2', kind, value('workers', '2'))
      }
    ];
    return fields;
  }

  /**
   * Turn a failed action into a notification.
   */
  private async _report(work: Promise<unknown>, what: string): Promise<void> {
    try {
      await work;
    } catch (error) {
      Notification.error(`${what}: ${messageOf(error)}`, { autoClose: false });
    }
  }

  private _lastValues = new Map<SetKind, DialogValues>();
}

/**
 * The `POST sets` body of the form's values: empty fields are left to the
 * server's defaults; whole numbers are sent as numbers, anything else as
 * typed, so that the server names the field it refuses.
 */
export function startRequest(
  kind: SetKind,
  values: DialogValues,
  environments: Map<string, { lines: string[] }>
): IStartSetRequest {
  const text = (name: string): string => (values[name] ?? '').trim();
  const number = (name: string): number | string => (/^\d+$/.test(text(name)) ? Number(text(name)) : text(name));
  const request: IStartSetRequest = { cluster: text('cluster'), kind, workers: number('workers') };
  for (const name of ['nodes', 'workersPerNode', 'threads'] as const) {
    if (text(name)) {
      request[name] = number(name);
    }
  }
  for (const name of ['memory', 'time', 'partition', 'account', 'python', 'name'] as const) {
    if (text(name)) {
      request[name] = text(name);
    }
  }
  const environment = environments.get(text('template'));
  if (environment) {
    request.setup = environment.lines;
  }
  return request;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
