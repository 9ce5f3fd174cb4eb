import { slurmTimeMinutes } from '../../../protocol/slurm-units';
import { parseKeyValues } from './scontrol';

/** A partition's configuration as `scontrol show partition` prints it (what sinfo does not say). */
export interface PartitionConfig {
  name: string;
  default: boolean;
  /** sinfo's word for State: 'up', 'down', 'drain' or 'inact'. */
  available: string;
  /** Minutes; null: UNLIMITED. */
  maxTimeMinutes: number | null;
  defaultTimeMinutes: number | null;
  /** null: UNLIMITED. */
  maxNodes: number | null;
  maxCpusPerNode: number | null;
  maxMemPerNodeMB: number | null;
  totalNodes: number;
}

/** One line per partition (--oneliner), hidden partitions too (--all). */
export function scontrolPartitionsArgv(scontrol = 'scontrol'): string[] {
  return [scontrol, '--all', '--oneliner', 'show', 'partition'];
}

const AVAILABLE: Record<string, string> = { UP: 'up', DOWN: 'down', DRAIN: 'drain', INACTIVE: 'inact' };

/** Parses `scontrolPartitionsArgv()` output; throws on a line that is not a partition. */
export function parseScontrolPartitions(output: string): PartitionConfig[] {
  return output
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => {
      const r = parseKeyValues(line.trim());
      if (!r.PartitionName || !r.State) {
        throw new Error(`unexpected scontrol show partition output: ${JSON.stringify(line.slice(0, 200))}`);
      }
      return {
        name: r.PartitionName,
        default: r.Default === 'YES',
        available: AVAILABLE[r.State] ?? r.State.toLowerCase(),
        maxTimeMinutes: time(r.MaxTime),
        defaultTimeMinutes: time(r.DefaultTime),
        maxNodes: limit(r.MaxNodes),
        maxCpusPerNode: limit(r.MaxCPUsPerNode),
        // MaxMemPerNode; a per-CPU limit (MaxMemPerCPU) is left to Slurm's own answer
        maxMemPerNodeMB: limit(r.MaxMemPerNode),
        totalNodes: limit(r.TotalNodes) ?? 0
      };
    });
}

function limit(text: string | undefined): number | null {
  return text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : null;
}

function time(text: string | undefined): number | null {
  const minutes = text === undefined || text === 'NONE' ? null : slurmTimeMinutes(text);
  return typeof minutes === 'number' ? minutes : null;
}
