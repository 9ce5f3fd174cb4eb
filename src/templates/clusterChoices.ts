import type { IHpcClusters } from '../tokens';
import type { IJobTemplate } from './api';

/**
 * A cluster the selected template may be submitted to.
 */
export interface IClusterChoice {
  name: string;
  /**
   * False when the companion could not query the cluster lately.
   */
  ok: boolean;
}

/**
 * The clusters a template may go to: those it names, or all when it names none.
 */
export function clusterChoices(template: IJobTemplate | null, clusters: IHpcClusters): IClusterChoice[] {
  const allowed = template?.clusters ?? [];
  return clusters.clusters
    .filter(c => allowed.length === 0 || allowed.includes(c.name))
    .map(c => ({ name: c.name, ok: c.status === 'ok' }));
}

/**
 * The picked cluster while it is allowed, else the first that answers (else the first).
 */
export function keepOrPick(choices: ReadonlyArray<IClusterChoice>, current: string): string {
  if (choices.some(c => c.name === current)) {
    return current;
  }
  return (choices.find(c => c.ok) ?? choices[0])?.name ?? '';
}
