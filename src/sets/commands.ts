import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import type { SetKind } from './api';

/**
 * Register the command that opens a set's start form, and its palette
 * items (one per kind) if there is a palette.
 */
export function addSetsCommands(
  app: JupyterFrontEnd,
  options: { start: (kind: SetKind) => void; trans: TranslationBundle; palette: ICommandPalette | null }
): void {
  const { start, trans, palette } = options;
  app.commands.addCommand(CommandIDs.startSet, {
    label: args =>
      args.kind === 'ipyparallel' ? trans.__('Start IPyParallel cluster…') : trans.__('Start Dask cluster…'),
    caption: trans.__('Start a parallel cluster in a Slurm job'),
    execute: args => start(args.kind === 'ipyparallel' ? 'ipyparallel' : 'dask')
  });
  palette?.addItem({ command: CommandIDs.startSet, args: { kind: 'dask' }, category: trans.__('HPC') });
  palette?.addItem({ command: CommandIDs.startSet, args: { kind: 'ipyparallel' }, category: trans.__('HPC') });
}
