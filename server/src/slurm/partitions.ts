import type { Partition } from '../../../protocol/resources';
import { PartitionConfig } from './scontrol-partitions';
import { SinfoNode, emptyCounts, nodeStateGroup } from './sinfo';

/**
 * Each partition (in Slurm's order, with its configuration from scontrol) with what its nodes
 * hold now (sinfo per node) and the limits a job form needs: a limit Slurm leaves UNLIMITED is
 * bounded by the partition's own nodes (8 CPUs per node when the biggest node has 8).
 */
export function combinePartitions(configs: PartitionConfig[], nodes: SinfoNode[]): Partition[] {
  return configs.map(config => {
    const own = nodes.filter(n => n.partition === config.name);
    const counts = emptyCounts();
    const cpus = { allocated: 0, idle: 0, other: 0, total: 0 };
    const memory = { totalMB: 0, allocatedMB: 0 };
    const gpus = { total: 0, allocated: 0 };
    for (const n of own) {
      counts.total++;
      counts[nodeStateGroup(n.state)]++;
      cpus.allocated += n.cpus.allocated;
      cpus.idle += n.cpus.idle;
      cpus.other += n.cpus.other;
      cpus.total += n.cpus.total;
      memory.totalMB += n.memoryMB;
      memory.allocatedMB += n.allocatedMemoryMB;
      gpus.total += n.gpus;
      gpus.allocated += n.allocatedGpus;
    }
    const biggest = (pick: (n: SinfoNode) => number): number => Math.max(0, ...own.map(pick));
    const bounded = (limit: number | null, physical: number): number =>
      limit === null ? physical : Math.min(limit, physical);
    return {
      name: config.name,
      default: config.default || own.some(n => n.defaultPartition),
      available: config.available,
      nodes: counts,
      cpus,
      memory,
      gpus,
      limits: {
        maxTimeMinutes: config.maxTimeMinutes,
        defaultTimeMinutes: config.defaultTimeMinutes,
        maxNodes: bounded(config.maxNodes, Math.max(config.totalNodes, own.length)),
        maxCpusPerNode: bounded(
          config.maxCpusPerNode,
          biggest(n => n.cpus.total)
        ),
        maxMemPerNodeMB: bounded(
          config.maxMemPerNodeMB,
          biggest(n => n.memoryMB)
        )
      }
    };
  });
}
