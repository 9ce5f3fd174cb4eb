/**
 * How often the companion polls Slurm for this user, once the admin's limits
 * are applied (`hpc/api/poll`): the `refreshInterval` setting goes there, and
 * the intervals in force (and whether all users' jobs may be shown) come back.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import type { PollSettings } from '../../protocol/poll';
import { requestAPI } from './api';

export class HpcPollSettings {
  constructor(serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()) {
    this._serverSettings = serverSettings;
    this._queue = this._request({ method: 'GET' });
  }

  /**
   * The settings in force; null until the companion answered.
   */
  get settings(): PollSettings | null {
    return this._settings;
  }

  /**
   * Emits when the settings in force change.
   */
  get changed(): ISignal<this, PollSettings> {
    return this._changed;
  }

  /**
   * Ask for polls every `seconds` (undefined: the admin's default); the
   * companion raises it to the admin's minimum.
   */
  request(seconds: number | undefined): Promise<void> {
    const body = JSON.stringify({ interval: seconds ?? null });
    // in the order the settings changed; a failure does not block later ones
    this._queue = this._queue
      .catch(() => undefined)
      .then(() => this._request({ method: 'PUT', body, headers: { 'Content-Type': 'application/json' } }));
    return this._queue;
  }

  private async _request(init: RequestInit): Promise<void> {
    const settings = await requestAPI<PollSettings>('poll', init, this._serverSettings);
    if (typeof settings?.interval !== 'number' || typeof settings.limits !== 'object') {
      throw new Error('The HPC companion sent poll settings that cannot be read.');
    }
    if (JSON.stringify(settings) !== JSON.stringify(this._settings)) {
      this._settings = settings;
      this._changed.emit(settings);
    }
  }

  private _changed = new Signal<this, PollSettings>(this);
  private _queue: Promise<void>;
  private _serverSettings: ServerConnection.ISettings;
  private _settings: PollSettings | null = null;
}
