/**
 * The partition parameter of a template offered as a choice of the chosen cluster's partitions,
 * each with what it holds and allows ("debug — CPUs 6/8 idle, up to 8 CPUs per node").
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { formatMB, formatSlurmMinutes } from '../../protocol/slurm-units';
import type { IHpcCluster } from '../tokens';
import type { IJobTemplate } from './api';
import type { IFieldChoice } from './formFields';

/**
 * The parameter that is the template's whole `resource` (e.g. `"partition": "{{partition}}"`), if
 * any: the site's partitions, accounts or QOS are then its choices.
 */
export function resourceParameter(template: IJobTemplate, resource: 'partition' | 'account' | 'qos'): string | null {
  const value = template.resources[resource];
  const m = typeof value === 'string' ? /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value) : null;
  const p = m ? template.parameters[m[1]] : undefined;
  return p && (p.type === 'string' || p.type === 'enum') && m ? m[1] : null;
}

/** The cluster's partitions as choices; empty (the cluster's default) first. */
export function partitionChoices(cluster: IHpcCluster | undefined, trans: TranslationBundle): IFieldChoice[] {
  if (!cluster || cluster.status !== 'ok') {
    return [];
  }
  const byDefault = cluster.partitions.find(p => p.default);
  const first: IFieldChoice = {
    value: '',
    label: byDefault ? trans.__('Default (%1)', byDefault.name) : trans.__('Default partition')
  };
  return [
    first,
    ...cluster.partitions.map(p => {
      const time =
        p.limits.maxTimeMinutes === null ? trans.__('no time limit') : formatSlurmMinutes(p.limits.maxTimeMinutes);
      return {
        value: p.name,
        label: trans.__(
          '%1 — CPUs %2/%3 idle; per node ≤ %4 CPUs, %5; %6',
          p.name,
          p.cpus.idle,
          p.cpus.total,
          p.limits.maxCpusPerNode,
          formatMB(p.limits.maxMemPerNodeMB),
          time
        )
      };
    })
  ];
}
