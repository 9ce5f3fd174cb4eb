/**
 * What the "Parallel clusters" section's buttons do: the start form, stop
 * with confirmation, scale, forget, the dashboard, and "Use in notebook"
 * (`notebook.ts`).
 */
import { Dialog, Notification, showDialog, WidgetTracker } from '@jupyterlab/apputils';

import { HpcApiError } from '../shared/api';
import { DialogValues, formDialog, IDialogProblem } from '../shared/formDialog';
import type { IJobTemplate } from '../templates/api';
import { ISetRecord, SetKind, startProblems } from './api';
import { ISetCardActions, kindLabel } from './card';
import type { ISetsContext } from './context';
import { DashboardPanel, markDashboardEnded, openDashboard, openWebUI } from './dashboard';
import { useInNotebook } from './notebook';
import { setTemplates, specValues, startFields, startRequest, templateKey } from './startForm';

export class SetsActions implements ISetCardActions {
  constructor(private readonly _ctx: ISetsContext) {
    this.showJob = _ctx.queue ? (cluster, jobId) => this._showJob(cluster, jobId) : undefined;
    _ctx.model.stateChanged.connect(() =>
      this._dashboards.forEach(panel =>
        markDashboardEnded(panel, _ctx.model.get(panel.node.dataset.setId ?? ''), _ctx.trans)
      )
    );
  }

  readonly showJob?: (cluster: string, jobId: string) => void;

  /**
   * Ask for a set's resources and start it; the form stays open with the
   * server's objections at their fields until the set starts or the user
   * cancels.
   */
  async start(kind: SetKind, again?: ISetRecord): Promise<void> {
    const { model, trans } = this._ctx;
    const templates = await setTemplates(this._ctx.templates, kind);
    const from = again?.spec.fromTemplate;
    const template = again
      ? (templates.find(t => t.id === from?.id && (!from?.source || t.source === from.source)) ?? null)
      : await this._chooseTemplate(kind, templates);
    if (template === undefined) {
      return;
    }
    if (from && !template) {
      Notification.error(trans.__('The template %1 of %2 is not there any more.', from.id, again?.name ?? ''), {
        autoClose: false
      });
      return;
    }
    const last = again ? specValues(again.spec) : this._lastValues.get(kind);
    if (kind === 'custom' && !template) {
      Notification.warning(trans.__('No template declares a custom cluster.'), { autoClose: 5000 });
      return;
    }
    const fields = startFields(kind, template, last, this._ctx.clusters, trans);
    await formDialog({
      title: this._title(kind, template),
      intro:
        kind === 'dask'
          ? trans.__('A Slurm job runs a Dask scheduler on its first node and the workers on all its nodes.')
          : kind === 'ipyparallel'
            ? trans.__('A Slurm job runs an IPyParallel controller on its first node and the engines on all its nodes.')
            : (template?.description ?? trans.__("A Slurm job runs the template's head and workers.")),
      acceptLabel: trans.__('Start'),
      fields,
      trans,
      accept: async (values): Promise<IDialogProblem[] | void> => {
        // a new set gets a new name; the rest is offered again
        this._lastValues.set(kind, { ...values, name: '' });
        try {
          const record = await model.start(startRequest(kind, values, template));
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

  /**
   * The start form again, filled with an ended set's settings (its template and parameters too).
   */
  startAgain(id: string): void {
    const record = this._ctx.model.get(id);
    if (record) {
      void this.start(record.kind, record);
    }
  }

  /**
   * The template to start from, when templates of this kind exist: null for
   * none, undefined when the user cancels.
   */
  private async _chooseTemplate(kind: SetKind, templates: IJobTemplate[]): Promise<IJobTemplate | null | undefined> {
    if (templates.length === 0) {
      return null;
    }
    const { trans } = this._ctx;
    const last = this._lastTemplate.get(kind) ?? '';
    const chosen = await formDialog({
      title: this._title(kind, null),
      intro:
        kind === 'custom'
          ? trans.__('A custom cluster runs the head and worker commands its template declares.')
          : trans.__("A template sets up the cluster's environment (modules, set-up lines) and its defaults."),
      acceptLabel: trans.__('Next'),
      fields: [
        {
          name: 'template',
          label: trans.__('Template'),
          kind: 'select',
          value: templates.some(t => templateKey(t) === last)
            ? last
            : kind === 'custom'
              ? templateKey(templates[0])
              : '',
          choices: [
            // a custom set is its template's commands: it cannot start without one
            ...(kind === 'custom' ? [] : [{ value: '', label: trans.__('None: as the Jupyter server') }]),
            ...templates.map(t => ({ value: templateKey(t), label: t.title }))
          ]
        }
      ],
      trans,
      accept: async () => undefined
    });
    if (chosen === null) {
      return undefined;
    }
    this._lastTemplate.set(kind, chosen.template ?? '');
    return templates.find(t => templateKey(t) === chosen.template) ?? null;
  }

  private _title(kind: SetKind, template: IJobTemplate | null): string {
    const { trans } = this._ctx;
    switch (kind) {
      case 'dask':
        return trans.__('Start a Dask cluster');
      case 'ipyparallel':
        return trans.__('Start an IPyParallel cluster');
      case 'custom':
        return template ? trans.__('Start %1', template.title) : trans.__('Start a cluster from a template');
    }
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
        tracker: this._dashboards,
        addToShell: widget => shell.add(widget, 'main'),
        serverSettings: this._ctx.serverSettings,
        trans
      });
      shell.activateById(panel.id);
    });
    void this._report(opened, trans.__('The dashboard of %1 cannot be shown', record.name));
  }

  openWebUI(id: string, url: string): void {
    const { model, trans, shell } = this._ctx;
    const record = model.get(id);
    if (!record) {
      return;
    }
    const opened = model.track(id, 'dashboard', async () => {
      const panel = await openWebUI(record, url, {
        tracker: this._dashboards,
        addToShell: widget => shell.add(widget, 'main'),
        serverSettings: this._ctx.serverSettings,
        trans
      });
      shell.activateById(panel.id);
    });
    void this._report(opened, trans.__('The web page of %1 cannot be shown', record.name));
  }

  /**
   * Give a notebook a client of the set (see `useInNotebook`).
   */
  useInNotebook(id: string): void {
    useInNotebook(this._ctx, id);
  }

  private _showJob(cluster: string, jobId: string): void {
    this._ctx.queue?.select(cluster, jobId).catch(reason => {
      console.warn('jupyterlab-hpc: could not show the job in the queue.', reason);
    });
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

  private _dashboards = new WidgetTracker<DashboardPanel>({ namespace: 'hpc-dashboard' });
  private _lastValues = new Map<SetKind, DialogValues>();
  private _lastTemplate = new Map<SetKind, string>();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
