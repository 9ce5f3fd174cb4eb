/**
 * "Use in notebook": a code cell that makes a client of the set, inserted
 * below the active cell of the current notebook (or the most recent one);
 * its notification offers to define the client in the kernel at once
 * through the comm instead of running the cell.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

import type { ISetsContext } from './context';
import type { ISetRecord } from './api';
import { connectionCode } from './code';

/**
 * Insert a cell that connects to the set in the current notebook, or in the
 * most recent one when another widget is in front.
 */
export function useInNotebook(ctx: ISetsContext, id: string): void {
  const { model, notebooks, shell, trans } = ctx;
  const record = model.get(id);
  if (!record) {
    return;
  }
  const current = shell.currentWidget;
  const panel = notebooks && current && notebooks.has(current) ? (current as NotebookPanel) : notebooks?.currentWidget;
  if (!panel) {
    Notification.warning(trans.__('Open a notebook to use %1 in.', record.name), { autoClose: 5000 });
    return;
  }
  void insertCode(ctx, record, panel);
}

async function insertCode(ctx: ISetsContext, record: ISetRecord, panel: NotebookPanel): Promise<void> {
  const { model, shell, trans, comms } = ctx;
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
      autoClose: 8000,
      // a custom set's client is only the code its template declares: no kernel-side connect
      actions:
        comms && record.kind !== 'custom'
          ? [
              {
                label: trans.__('Connect the kernel now'),
                caption: trans.__("Define the client in the notebook's kernel without running the cell"),
                callback: () => connectKernel(ctx, record, panel)
              }
            ]
          : []
    });
  } catch (error) {
    Notification.error(trans.__('No connection to %1: %2', record.name, messageOf(error)), { autoClose: false });
  }
}

/**
 * The client defined in the kernel through the comm; the comm plugin shows
 * the kernel's own "Defined client: …" message.
 */
function connectKernel(ctx: ISetsContext, record: ISetRecord, panel: NotebookPanel): void {
  const { model, comms, trans } = ctx;
  if (!comms) {
    return;
  }
  model
    .track(record.id, 'connect', () => comms.connectSet(panel, record.id))
    .catch((error: unknown) => {
      Notification.error(trans.__('%1 was not connected to %2: %3', panel.title.label, record.name, messageOf(error)), {
        autoClose: false
      });
    });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
