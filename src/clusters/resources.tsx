/**
 * Props-only line of what a partition holds now: "CPUs 6/8 idle, memory 3.9 GB, GPUs 2/4 idle",
 * with the limits a job in it has as its title.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatMB, formatSlurmMinutes } from '../../protocol/slurm-units';
import type { IHpcPartition } from '../tokens';

export function resourcesText(partition: IHpcPartition, trans: TranslationBundle): string {
  const { cpus, memory, gpus } = partition;
  const parts = [trans.__('CPUs %1/%2 idle', cpus.idle, cpus.total)];
  if (memory.totalMB > 0) {
    parts.push(
      memory.allocatedMB > 0
        ? trans.__('memory %1 of %2 free', formatMB(memory.totalMB - memory.allocatedMB), formatMB(memory.totalMB))
        : trans.__('memory %1', formatMB(memory.totalMB))
    );
  }
  if (gpus.total > 0) {
    parts.push(trans.__('GPUs %1/%2 idle', gpus.total - gpus.allocated, gpus.total));
  }
  return parts.join(', ');
}

/** "A job here: up to 1 node, 8 CPUs and 3.9 GB per node, time unlimited". */
export function limitsText(partition: IHpcPartition, trans: TranslationBundle): string {
  const { limits } = partition;
  const time =
    limits.maxTimeMinutes === null
      ? trans.__('no time limit')
      : trans.__('at most %1', formatSlurmMinutes(limits.maxTimeMinutes));
  return trans.__(
    'A job here: up to %1, %2 CPUs and %3 per node, %4',
    trans._n('%1 node', '%1 nodes', limits.maxNodes),
    limits.maxCpusPerNode,
    formatMB(limits.maxMemPerNodeMB),
    time
  );
}

export function PartitionResourcesLine(props: { partition: IHpcPartition; trans: TranslationBundle }): JSX.Element {
  const { partition, trans } = props;
  return (
    <div
      className="jp-Hpc-partitionResources"
      data-cpus-idle={partition.cpus.idle}
      data-cpus-allocated={partition.cpus.allocated}
      data-cpus-total={partition.cpus.total}
      title={limitsText(partition, trans)}
    >
      {resourcesText(partition, trans)}
    </div>
  );
}
