/**
 * "Use in notebook": a client of the set in the current notebook's kernel
 * through the comm, or a code cell that makes one.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

import type { ISetsContext } from './context';
import type { ISetRecord } from './api';
import { connectionCode } from './code';

/**
 * Give a notebook a client of the set: the current notebook's kernel
 * through the comm (it defines `client` or `rc` when no cell runs);
 * otherwise, and always for a custom set, a code cell in the most recent
 * notebook.
 */
export function useInNotebook(ctx: ISetsContext, id: string): void {
  const { model, comms, notebooks, shell, trans } = ctx;
  const record = model.get(id);
  if (!record) {
    return;
  }
  const current = shell.currentWidget;
  const active = notebooks && current && notebooks.has(current) ? (current as NotebookPanel) : null;
  // a custom set's client is the code its template declares: always a cell the user sees and runs
  if (active && comms && record.kind !== 'custom') {
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
                callback: () => void insertCode(ctx, record, active)
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
  void insertCode(ctx, record, recent);
}

async function insertCode(ctx: ISetsContext, record: ISetRecord, panel: NotebookPanel): Promise<void> {
  const { model, shell, trans } = ctx;
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
