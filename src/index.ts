import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, Notification, WidgetTracker } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandToolbarButton } from '@jupyterlab/ui-components';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { addSidebarCommands, CommandIDs } from './commands';
import { registerCommTarget } from './comm';
import { ClustersModel } from './models/clusters';
import { QueueModel } from './models/queue/model';
import { SetsModel } from './models/sets';
import { SetKind, SetsApi } from './models/setsApi';
import { TemplatesModel } from './models/templates';
import { TemplatesApi } from './models/templatesApi';
import { notifyJobEnded } from './notifications';
import { watchSettings } from './settings';
import { addSubmitFileCommand } from './submitFile';
import { IHpcClusters, IHpcKernelComms, IHpcQueue, IHpcSidebar } from './tokens';
import { ClustersSection } from './widgets/clusters';
import { DashboardPanel } from './widgets/dashboard';
import { openOutputTail, OutputTailView, tailTarget } from './widgets/outputTail';
import { QueueSection } from './widgets/queue';
import { addQueueCommands } from './widgets/queueActions';
import { SetsSection } from './widgets/sets';
import { SetsActions } from './widgets/setsActions';
import { HpcSidebar } from './widgets/sidebar';
import { TemplatesSection } from './widgets/templates';
import { HpcSocket } from './ws';

/**
 * The page's one socket to the companion, shared by the plugins that listen
 * to it (the queue, the sets).
 */
const sockets = new WeakMap<JupyterFrontEnd, HpcSocket>();
function pageSocket(app: JupyterFrontEnd): HpcSocket {
  let socket = sockets.get(app);
  if (!socket) {
    socket = new HpcSocket({ serverSettings: app.serviceManager.serverSettings });
    sockets.set(app, socket);
  }
  return socket;
}

/**
 * Open the HPC sidebar and expand one of its sections.
 */
async function showSection(app: JupyterFrontEnd, section: Widget): Promise<void> {
  await app.commands.execute(CommandIDs.openSidebar);
  const accordion = section.parent;
  if (section.isHidden && accordion instanceof AccordionPanel) {
    accordion.expand(accordion.widgets.indexOf(section));
  }
}

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

/**
 * The Queue section of the sidebar (live over the companion's socket), the
 * job commands, output tails, and job-ended notifications.
 */
const queuePlugin: JupyterFrontEndPlugin<IHpcQueue> = {
  id: 'jupyterlab-hpc:queue',
  description: 'Adds the live job queue to the HPC sidebar, with job actions, output tails and notifications.',
  autoStart: true,
  requires: [IHpcClusters, IHpcSidebar],
  optional: [ICommandPalette, ILayoutRestorer, ITranslator],
  provides: IHpcQueue,
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    sidebar: IHpcSidebar,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): IHpcQueue => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const serverSettings = app.serviceManager.serverSettings;
    const socket = pageSocket(app);
    const model = new QueueModel({ socket, clusters });
    const section = new QueueSection({ model, commands: app.commands, trans });
    sidebar.addSection(section, { rank: 200 });

    const tails = new WidgetTracker<MainAreaWidget<OutputTailView>>({ namespace: 'hpc-output-tail' });
    const openTail = async (cluster: string, id: string, stream: 'stdout' | 'stderr'): Promise<void> => {
      const widget = await openOutputTail(
        { cluster, id, stream },
        { tracker: tails, addToShell: w => app.shell.add(w, 'main'), trans, serverSettings }
      );
      app.shell.activateById(widget.id);
    };
    const select = async (
      cluster: string,
      jobId: string,
      options: { timeout?: number; activate?: boolean } = {}
    ): Promise<boolean> => {
      if (options.activate ?? true) {
        await showSection(app, section);
      }
      return model.reveal(cluster, jobId, options.timeout);
    };

    addQueueCommands(app, {
      model,
      trans,
      palette,
      serverSettings,
      select: (cluster, id) => select(cluster, id),
      openTail
    });
    notifyJobEnded(socket, { trans, openOutput: (cluster, id) => void openTail(cluster, id, 'stdout') });
    if (restorer) {
      void restorer.restore(tails, {
        command: CommandIDs.tailJobOutput,
        args: widget => ({
          cluster: widget.content.model.cluster,
          id: widget.content.model.jobId,
          stream: widget.content.model.stream
        }),
        name: tailTarget
      });
    }
    return { select };
  }
};

/**
 * The Templates section of the sidebar: job templates, their forms with a
 * live preview, submission.
 */
const templatesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-hpc:templates',
  description: 'Adds the job templates to the HPC sidebar: a form per template, a live preview, submission.',
  autoStart: true,
  requires: [IHpcClusters, IHpcSidebar],
  optional: [IHpcQueue, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    sidebar: IHpcSidebar,
    queue: IHpcQueue | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const model = new TemplatesModel({ clusters, serverSettings: app.serviceManager.serverSettings });
    sidebar.addSection(new TemplatesSection({ model, trans, queue }), { rank: 300 });
  }
};

/**
 * "Submit to cluster…" for batch scripts in the file browser, the editor
 * and the palette.
 */
const submitFilePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-hpc:submit-file',
  description: 'Submits a batch script (.sh, .sbatch, .slurm) from the file browser or the editor to a cluster.',
  autoStart: true,
  requires: [IHpcClusters],
  optional: [IHpcQueue, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    queue: IHpcQueue | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    addSubmitFileCommand(app, { clusters, queue, trans, palette });
  }
};

/**
 * The `jupyterlab-hpc` comm with notebook kernels: what magics submit shows
 * in the queue at once; the kernel's answers to "Use in notebook" become
 * notifications.
 */
const kernelCommPlugin: JupyterFrontEndPlugin<IHpcKernelComms> = {
  id: 'jupyterlab-hpc:kernel-comm',
  description: 'Registers the jupyterlab-hpc comm target on notebook kernels (the %sbatch, %dask, %ipcluster magics).',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [IHpcQueue],
  provides: IHpcKernelComms,
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, queue: IHpcQueue | null): IHpcKernelComms =>
    registerCommTarget<NotebookPanel>(app, tracker, ({ event }) => {
      if (event.type === 'job-submitted' && queue) {
        // The companion polls the queue right after a submission: the job
        // arrives at once, not with the next poll.
        queue.select(event.cluster, event.jobId).catch(reason => {
          console.warn('jupyterlab-hpc: could not show the submitted job in the queue.', reason);
        });
      } else if (event.type === 'set-connected') {
        Notification.success(event.message, { autoClose: 8000 });
      }
    })
};

/**
 * The "Parallel clusters" section: Dask and IPyParallel sets on Slurm, live
 * over the companion's socket; their dashboards in the main area; "Use in
 * notebook" through the kernel comm.
 */
const setsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-hpc:sets',
  description: 'Adds Dask and IPyParallel clusters on Slurm to the HPC sidebar: start, scale, stop, dashboards.',
  autoStart: true,
  requires: [IHpcClusters, IHpcSidebar],
  optional: [IHpcKernelComms, INotebookTracker, IHpcQueue, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    sidebar: IHpcSidebar,
    comms: IHpcKernelComms | null,
    notebooks: INotebookTracker | null,
    queue: IHpcQueue | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const serverSettings = app.serviceManager.serverSettings;
    const model = new SetsModel({ api: new SetsApi(serverSettings), socket: pageSocket(app) });
    void model.refresh();
    const actions = new SetsActions({
      model,
      clusters,
      templates: new TemplatesApi(serverSettings),
      shell: app.shell,
      serverSettings,
      dashboards: new WidgetTracker<DashboardPanel>({ namespace: 'hpc-dashboard' }),
      comms,
      notebooks,
      queue,
      trans
    });
    const start = (kind: SetKind): void => {
      actions.start(kind).catch(error => Notification.error(error instanceof Error ? error.message : String(error)));
    };
    const section = new SetsSection({ model, actions, onStart: start, trans });
    sidebar.addSection(section, { rank: 400 });

    app.commands.addCommand(CommandIDs.startSet, {
      label: args =>
        args.kind === 'ipyparallel' ? trans.__('Start IPyParallel cluster…') : trans.__('Start Dask cluster…'),
      caption: trans.__('Start a parallel cluster in a Slurm job'),
      execute: args => start(args.kind === 'ipyparallel' ? 'ipyparallel' : 'dask')
    });
    palette?.addItem({ command: CommandIDs.startSet, args: { kind: 'dask' }, category: trans.__('HPC') });
    palette?.addItem({ command: CommandIDs.startSet, args: { kind: 'ipyparallel' }, category: trans.__('HPC') });

    // A notebook's `%dask start` / `%ipcluster start`: show its card.
    comms?.events.connect((_, { event }) => {
      if (event.type === 'set-started') {
        model.reveal(event.setId);
        void showSection(app, section);
      }
    });
  }
};

export default [
  clustersPlugin,
  sidebarPlugin,
  queuePlugin,
  templatesPlugin,
  submitFilePlugin,
  kernelCommPlugin,
  setsPlugin
];
