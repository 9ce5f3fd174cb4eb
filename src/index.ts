import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { KERNEL_EVENTS } from '../protocol/comm';
import { addSidebarCommands } from './clusters/commands';
import { ClustersModel } from './clusters/model';
import { ClustersSection } from './clusters/section';
import { watchSettings } from './clusters/settings';
import { CommandIDs } from './commands';
import { addHistory } from './history/commands';
import { addJobsPanel } from './jobs-panel/commands';
import { registerCommTarget } from './kernel/comms';
import { OutputTails } from './output/tails';
import { tailTarget } from './output/view';
import { addQueueCommands } from './queue/commands';
import { QueueModel } from './queue/model';
import { MyJobsSection } from './queue/myJobs';
import { notifyJobEnded } from './queue/notifications';
import { SetsActions } from './sets/actions';
import { SetKind, SetsApi } from './sets/api';
import { addSetsCommands } from './sets/commands';
import { SetsModel } from './sets/model';
import { SetsSection } from './sets/section';
import { watchWalltime } from './sets/walltime';
import { HpcPollSettings } from './shared/pollSettings';
import { HpcSidebar, showSection } from './shared/sidebar';
import { HpcSocket } from './shared/ws';
import { addSubmitFileCommand } from './submit/commands';
import { TemplatesApi } from './templates/api';
import { TemplatesModel } from './templates/model';
import { addTemplatePanel } from './templates/commands';
import { TemplatesSection } from './templates/section';
import {
  IHpcClusters,
  IHpcKernelComms,
  IHpcOutputTails,
  IHpcPollSettings,
  IHpcQueue,
  IHpcSidebar,
  IHpcSocket
} from './tokens';

/**
 * The page's one socket to the companion, shared by the plugins that listen
 * to it (the queue, the sets, the job-ended notifications).
 */
const socketPlugin: JupyterFrontEndPlugin<IHpcSocket> = {
  id: 'jupyterlab-hpc:socket',
  description: "Provides the page's WebSocket to the HPC companion.",
  autoStart: true,
  provides: IHpcSocket,
  activate: (app: JupyterFrontEnd): IHpcSocket => new HpcSocket({ serverSettings: app.serviceManager.serverSettings })
};

/**
 * The companion's poll intervals in force and the admin's limits.
 */
const pollSettingsPlugin: JupyterFrontEndPlugin<IHpcPollSettings> = {
  id: 'jupyterlab-hpc:poll-settings',
  description: "Provides the HPC companion's poll intervals within the admin's limits.",
  autoStart: true,
  provides: IHpcPollSettings,
  activate: (app: JupyterFrontEnd): IHpcPollSettings => new HpcPollSettings(app.serviceManager.serverSettings)
};

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
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry, ITranslator, IHpcPollSettings],
  provides: IHpcSidebar,
  activate: (
    app: JupyterFrontEnd,
    model: IHpcClusters,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    poll: IHpcPollSettings | null
  ): IHpcSidebar => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_hpc');

    const sidebar = new HpcSidebar({ translator });
    addSidebarCommands(app, { model, sidebar, trans, palette });
    // each cluster links to its jobs in the main area (the command comes with the queue plugin)
    const openJobs = (cluster: string): void => {
      if (app.commands.hasCommand(CommandIDs.openJobsPanel)) {
        app.commands.execute(CommandIDs.openJobsPanel, { cluster }).catch(reason => {
          console.warn('jupyterlab-hpc: could not open HPC Jobs.', reason);
        });
      }
    };
    sidebar.addSection(new ClustersSection(model, trans, openJobs), { rank: 100 });

    app.shell.add(sidebar, 'left', { rank: 200 });
    if (restorer) {
      restorer.add(sidebar, sidebar.id);
    }
    if (settingRegistry) {
      watchSettings(settingRegistry, sidebarPlugin.id, model, poll);
    }
    return sidebar;
  }
};

/**
 * Panels that follow a job's output file; reopened by the layout restorer.
 */
const outputPlugin: JupyterFrontEndPlugin<IHpcOutputTails> = {
  id: 'jupyterlab-hpc:output',
  description: "Follows a job's output file in the main area as it grows.",
  autoStart: true,
  optional: [ILayoutRestorer, ITranslator],
  provides: IHpcOutputTails,
  activate: (app: JupyterFrontEnd, restorer: ILayoutRestorer | null, translator: ITranslator | null) => {
    const tails = new OutputTails(app, (translator ?? nullTranslator).load('jupyterlab_hpc'));
    if (restorer) {
      void restorer.restore(tails.tracker, {
        command: CommandIDs.tailJobOutput,
        args: widget => ({
          cluster: widget.content.model.cluster,
          id: widget.content.model.jobId,
          stream: widget.content.model.stream
        }),
        name: tailTarget
      });
    }
    return tails;
  }
};

/**
 * My active jobs in the sidebar and "HPC Jobs" in the main area (live over
 * the companion's socket), the job commands, and job-ended notifications.
 */
const queuePlugin: JupyterFrontEndPlugin<IHpcQueue> = {
  id: 'jupyterlab-hpc:queue',
  description:
    'Adds my active jobs to the HPC sidebar and the live queue to "HPC Jobs", with job actions, output tails and notifications.',
  autoStart: true,
  requires: [IHpcClusters, IHpcSidebar, IHpcSocket],
  optional: [IHpcOutputTails, ICommandPalette, ITranslator, IHpcPollSettings, ILayoutRestorer],
  provides: IHpcQueue,
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    sidebar: IHpcSidebar,
    socket: IHpcSocket,
    tails: IHpcOutputTails | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    poll: IHpcPollSettings | null,
    restorer: ILayoutRestorer | null
  ): IHpcQueue => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const model = new QueueModel({ socket, clusters, poll });
    // the sidebar lists my active jobs compactly; the queue at full size is "HPC Jobs"
    const openJob = (cluster: string, id: string): void => {
      app.commands
        .execute(CommandIDs.openJobsPanel, { cluster })
        .then(() => model.reveal(cluster, id))
        .catch(reason => console.warn('jupyterlab-hpc: could not show the job in HPC Jobs.', reason));
    };
    const myJobs = new MyJobsSection({ model, clusters, trans, open: openJob, commands: app.commands });
    sidebar.addSection(myJobs, { rank: 150 });

    const queue: IHpcQueue = {
      // selected in the model: the compact list and "HPC Jobs" (if open) show it
      select: async (cluster, jobId, options = {}) => {
        if (options.activate ?? true) {
          await showSection(app, myJobs);
        }
        return model.reveal(cluster, jobId, options.timeout);
      }
    };
    const openTail = tails ? tails.open.bind(tails) : null;
    addQueueCommands(app, {
      model,
      trans,
      palette,
      serverSettings: app.serviceManager.serverSettings,
      select: (cluster, id) => queue.select(cluster, id),
      openTail
    });
    addJobsPanel(app, { model, trans, palette, restorer });
    notifyJobEnded(socket, {
      trans,
      openOutput: openTail ? (cluster, id) => void openTail(cluster, id, 'stdout') : undefined
    });
    return queue;
  }
};

/**
 * The Templates section of the sidebar (the list) and a template's form in
 * the main area, with its live preview, submission.
 */
const templatesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-hpc:templates',
  description: 'Adds the job templates to the HPC sidebar: a form per template, a live preview, submission.',
  autoStart: true,
  requires: [IHpcClusters, IHpcSidebar],
  optional: [IHpcQueue, ITranslator, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    sidebar: IHpcSidebar,
    queue: IHpcQueue | null,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const model = new TemplatesModel({ clusters, serverSettings: app.serviceManager.serverSettings });
    addTemplatePanel(app, { model, trans, queue, restorer });
    const open = (source: string, id: string): void => {
      app.commands.execute(CommandIDs.openTemplate, { source, id }).catch(reason => {
        console.warn('jupyterlab-hpc: could not open the template.', reason);
      });
    };
    sidebar.addSection(new TemplatesSection({ model, trans, open }), { rank: 300 });
  }
};

/**
 * "Job History" in the main area: finished jobs from Slurm's accounting, their efficiency,
 * Run again.
 */
const historyPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-hpc:history',
  description: "Adds the Job History: finished jobs from Slurm's accounting, their efficiency, Run again.",
  autoStart: true,
  requires: [IHpcClusters],
  optional: [ICommandPalette, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    addHistory(app, { clusters, trans, palette, restorer });
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
      if (event.type === KERNEL_EVENTS.jobSubmitted && queue) {
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
  requires: [IHpcClusters, IHpcSidebar, IHpcSocket],
  optional: [IHpcKernelComms, INotebookTracker, IHpcQueue, ICommandPalette, ITranslator, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    clusters: IHpcClusters,
    sidebar: IHpcSidebar,
    socket: IHpcSocket,
    comms: IHpcKernelComms | null,
    notebooks: INotebookTracker | null,
    queue: IHpcQueue | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const serverSettings = app.serviceManager.serverSettings;
    const model = new SetsModel({ api: new SetsApi(serverSettings), socket });
    void model.refresh();
    watchWalltime({ model, trans, settings: settingRegistry?.load(sidebarPlugin.id) });
    const actions = new SetsActions({
      model,
      clusters,
      templates: new TemplatesApi(serverSettings),
      shell: app.shell,
      serverSettings,
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

    addSetsCommands(app, { start, trans, palette });

    // A notebook's `%dask start` / `%ipcluster start`: show its card.
    comms?.events.connect((_, { event }) => {
      if (event.type === KERNEL_EVENTS.setStarted) {
        model.reveal(event.setId);
        void showSection(app, section);
      }
    });
  }
};

export default [
  socketPlugin,
  pollSettingsPlugin,
  clustersPlugin,
  sidebarPlugin,
  outputPlugin,
  queuePlugin,
  templatesPlugin,
  historyPlugin,
  submitFilePlugin,
  kernelCommPlugin,
  setsPlugin
];
