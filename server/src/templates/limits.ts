import type { Partition } from '../../../protocol/resources';
import { formatMB, formatSlurmMinutes, slurmMemoryMB, slurmTimeMinutes } from '../../../protocol/slurm-units';
import { FieldError, pointer } from './errors';
import { RESOURCE_NAMES, ResourceName } from './types';
import { resourceOption } from './resources';

/**
 * A rendered job's resources against the limits of the partition it goes to, on the chosen
 * cluster: each message names the limit ("16 cores is more than partition debug's 8 CPUs per
 * node") and the resource it is about (the form shows it at the parameters it is made of).
 * Slurm's own `--test-only` answer covers the rest (accounts, QOS, per-CPU memory).
 */
export function checkJobLimits(
  options: readonly string[],
  partitions: readonly Partition[],
  cluster: string
): FieldError[] {
  const asked = resourcesOf(options);
  const names = asked.partition ? asked.partition.split(',') : [];
  const candidates = names.length ? names : partitions.filter(p => p.default).map(p => p.name);
  const unknown = names.filter(n => !partitions.some(p => p.name === n));
  if (unknown.length) {
    const known = partitions.map(p => p.name).join(', ');
    return [
      {
        field: pointer('resources', 'partition'),
        message: `${unknown.map(n => `partition '${n}'`).join(', ')} does not exist on ${cluster} (it has ${known})`
      }
    ];
  }
  // a job given several partitions runs in the first that fits: complain only if none does
  let first: FieldError[] | undefined;
  for (const name of candidates) {
    const errors = againstPartition(
      asked,
      partitions.find(p => p.name === name)!
    );
    if (errors.length === 0) {
      return [];
    }
    first ??= errors;
  }
  return first ?? [];
}

type Asked = Partial<Record<ResourceName, string>>;

function resourcesOf(options: readonly string[]): Asked {
  const asked: Asked = {};
  for (const name of RESOURCE_NAMES) {
    const prefix = `--${resourceOption(name)}=`;
    const option = options.find(o => o.startsWith(prefix));
    if (option !== undefined) {
      asked[name] = option.slice(prefix.length);
    }
  }
  return asked;
}

function againstPartition(asked: Asked, p: Partition): FieldError[] {
  const errors: FieldError[] = [];
  const { limits } = p;
  const whose = `partition ${p.name}'s`;
  const add = (resource: ResourceName, message: string) =>
    errors.push({ field: pointer('resources', resource), message });
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

  const minNodes = asked.nodes ? Number(asked.nodes.split('-')[0]) : 1;
  if (minNodes > limits.maxNodes) {
    add('nodes', `${plural(minNodes, 'node')} is more than ${whose} ${plural(limits.maxNodes, 'node')}`);
  }
  const cores = asked.cpusPerTask ? Number(asked.cpusPerTask) : 1;
  if (cores > limits.maxCpusPerNode) {
    add('cpusPerTask', `${plural(cores, 'core')} is more than ${whose} ${limits.maxCpusPerNode} CPUs per node`);
  } else if (asked.ntasks) {
    const tasks = Number(asked.ntasks);
    const nodes = Math.min(limits.maxNodes, asked.nodes ? Number(asked.nodes.split('-').pop()) : limits.maxNodes);
    const room = nodes * limits.maxCpusPerNode;
    if (tasks * cores > room) {
      add(
        'ntasks',
        `${plural(tasks, 'task')} × ${plural(cores, 'core')} is more than ${whose} ${room} CPUs on ${plural(nodes, 'node')}`
      );
    }
  }
  const memory = asked.memory === undefined ? undefined : slurmMemoryMB(asked.memory);
  if (memory !== undefined && memory > limits.maxMemPerNodeMB) {
    const exact = /^[0-9]+$/.test(asked.memory!) ? `${memory} MB` : `${asked.memory} (${memory} MB)`;
    add(
      'memory',
      `${exact} is more than ${whose} ${limits.maxMemPerNodeMB} MB (${formatMB(limits.maxMemPerNodeMB)}) per node`
    );
  }
  const minutes = asked.time === undefined ? undefined : slurmTimeMinutes(asked.time);
  if (typeof minutes === 'number' && limits.maxTimeMinutes !== null && minutes > limits.maxTimeMinutes) {
    add('time', `${asked.time} is more than ${whose} time limit of ${formatSlurmMinutes(limits.maxTimeMinutes)}`);
  }
  return errors;
}
