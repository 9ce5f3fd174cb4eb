import type { ISettingRegistry } from '@jupyterlab/settingregistry';

import type { IHpcClusterConfig, IHpcClusters, IHpcPollSettings } from '../tokens';

/**
 * Apply the sidebar settings to the clusters model now and on every change:
 * the refresh interval (also the companion's, which raises it to the admin's
 * minimum: the clusters model then follows the interval in force), and the
 * user's clusters, which go to the companion.
 */
export function watchSettings(
  registry: ISettingRegistry,
  pluginId: string,
  model: IHpcClusters,
  poll: IHpcPollSettings | null = null
): void {
  poll?.changed.connect((_, settings) => {
    model.refreshInterval = settings.interval;
  });
  registry
    .load(pluginId)
    .then(settings => {
      const apply = (): void => {
        const interval = settings.composite.refreshInterval;
        if (typeof interval === 'number') {
          model.refreshInterval = Math.max(interval, poll?.settings?.limits.minPollInterval ?? 0);
        }
        // the user's own value only: unset, the admin's poll_interval applies (not the schema's default)
        const own = settings.user.refreshInterval;
        poll?.request(typeof own === 'number' ? own : undefined).catch(reason => {
          console.error('jupyterlab-hpc: the companion refused the refresh interval.', reason);
        });
        // Sent on load too, even when empty: the companion may still hold
        // clusters this user removed in an earlier session.
        model.setUserClusters(userClusters(settings.composite.clusters)).catch(reason => {
          // The model shows the message in the sidebar as well.
          console.error('jupyterlab-hpc: the companion refused your clusters.', reason);
        });
      };
      apply();
      settings.changed.connect(apply);
    })
    .catch(reason => {
      console.error(`jupyterlab-hpc: could not load ${pluginId}.`, reason);
    });
}

/**
 * The `clusters` setting as cluster configs. The registry has validated it
 * against the schema; this only drops what cannot be sent (entries with no
 * name).
 */
function userClusters(value: unknown): IHpcClusterConfig[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter(
    (entry): entry is IHpcClusterConfig =>
      typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string'
  );
}
