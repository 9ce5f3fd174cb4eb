/**
 * The walltime notification: once per set, when the time left of a live set
 * drops under the user's "minutes before the limit" (sidebar settings), a
 * notification says when the set ends, so that work can be saved before.
 */
import { Notification } from '@jupyterlab/apputils';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';

import { formatDuration, secondsLeft } from './card';
import type { SetsModel } from './model';

/** The settings' default, also while they load or without a settings registry. */
export const DEFAULT_WARNING_MINUTES = 10;

export interface IWalltimeWarningOptions {
  model: SetsModel;
  trans: TranslationBundle;
  /** The sidebar's settings (`setWarningMinutes`); absent: the default. */
  settings?: Promise<ISettingRegistry.ISettings>;
}

/**
 * Watches the sets' time left (the companion's, counted down with the clock
 * between its updates) and notifies once per set. Returns the poll, to dispose.
 */
export function watchWalltime(options: IWalltimeWarningOptions): Poll {
  const { model, trans } = options;
  let minutes = DEFAULT_WARNING_MINUTES;
  options.settings
    ?.then(settings => {
      const apply = (): void => {
        const value = settings.composite.setWarningMinutes;
        minutes = typeof value === 'number' ? value : DEFAULT_WARNING_MINUTES;
      };
      apply();
      settings.changed.connect(apply);
    })
    .catch(reason => console.error('jupyterlab-hpc: the walltime warning keeps its default.', reason));
  const warned = new Set<string>();
  const check = (): void => {
    const now = Date.now();
    for (const record of model.sets) {
      const left = secondsLeft(record, now);
      // a set started with a limit inside the warning window knows its end: no warning at its start
      const shortLimit = record.timeLimit !== undefined && record.timeLimit <= minutes * 60;
      if (left === null || shortLimit || warned.has(record.id) || record.state === 'stopping' || left > minutes * 60) {
        continue;
      }
      warned.add(record.id);
      Notification.warning(
        trans.__(
          '%1 reaches its time limit in %2: Slurm ends it then, and its clients lose it.',
          record.name,
          formatDuration(left)
        ),
        { autoClose: false }
      );
    }
  };
  model.stateChanged.connect(check);
  // the time left runs down between the companion's updates: look every few seconds, also when hidden
  const poll = new Poll({
    factory: async () => check(),
    frequency: { interval: 5_000, backoff: false },
    standby: 'never'
  });
  poll.disposed.connect(() => model.stateChanged.disconnect(check));
  return poll;
}
