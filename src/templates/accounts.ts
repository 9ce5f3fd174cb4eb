/**
 * The accounts and QOS the user may submit with on a cluster (Slurm's associations, `sacctmgr
 * show assoc`, read by the companion), fetched once per cluster and offered by the template
 * forms as choices. Without accounting, or while the list loads, the fields stay free text.
 */
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import type { AccountsReply } from '../../protocol/resources';
import { requestAPI } from '../shared/api';
import type { IFieldChoice } from './formFields';

export class AccountsCache {
  constructor(private readonly _settings?: ServerConnection.ISettings) {}

  /** Emitted when a cluster's accounts have arrived. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The cluster's accounts, or null while they load or when they could not be read. */
  get(cluster: string): AccountsReply | null {
    if (cluster && !this._replies.has(cluster)) {
      this._replies.set(cluster, null);
      requestAPI<AccountsReply>(`clusters/${encodeURIComponent(cluster)}/accounts`, {}, this._settings)
        .then(reply => {
          this._replies.set(cluster, reply);
          this._changed.emit();
        })
        .catch(reason => console.warn(`jupyterlab-hpc: no accounts for ${cluster}.`, reason));
    }
    return this._replies.get(cluster) ?? null;
  }

  private _replies = new Map<string, AccountsReply | null>();
  private _changed = new Signal<this, void>(this);
}

/** The user's accounts as choices, "Default (<account>)" first; none without accounting. */
export function accountChoices(reply: AccountsReply | null, trans: TranslationBundle): IFieldChoice[] {
  if (!reply?.accounting || reply.accounts.length === 0) {
    return [];
  }
  const first: IFieldChoice = {
    value: '',
    label: reply.defaultAccount ? trans.__('Default (%1)', reply.defaultAccount) : trans.__('Default account')
  };
  return [first, ...reply.accounts.map(a => ({ value: a.account, label: a.account }))];
}

/** The QOS the user may ask under `account` ('' = the default account) as choices. */
export function qosChoices(reply: AccountsReply | null, account: string, trans: TranslationBundle): IFieldChoice[] {
  const chosen = reply?.accounts.find(a => a.account === (account || reply.defaultAccount));
  if (!reply?.accounting || !chosen || chosen.qos.length === 0) {
    return [];
  }
  const first: IFieldChoice = {
    value: '',
    label: chosen.defaultQos ? trans.__('Default (%1)', chosen.defaultQos) : trans.__('Default QOS')
  };
  return [first, ...chosen.qos.map(q => ({ value: q, label: q }))];
}
