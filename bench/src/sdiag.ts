import { run, slurmEnv } from './exec';

/** slurmctld's RPC counters (sdiag), by message type: deltas over a window count squeue calls. */
export type RpcCounts = Map<string, number>;

/** One message type's line of sdiag: how many, and slurmctld's time spent on them (µs). */
export interface RpcStat {
  count: number;
  totalUs: number;
}

/** sdiag's "statistics by message type", by type. */
export async function rpcStats(conf: string): Promise<Map<string, RpcStat>> {
  const out = await run(['sdiag'], slurmEnv(conf));
  const stats = new Map<string, RpcStat>();
  let inTypes = false;
  for (const line of out.split('\n')) {
    if (/statistics by message type/.test(line)) {
      inTypes = true;
    } else if (/statistics by user/.test(line)) {
      inTypes = false;
    } else if (inTypes) {
      const m = /^\s*(REQUEST_\w+)\s+\(\s*\d+\)\s+count:(\d+).*total_time:(\d+)/.exec(line);
      if (m) {
        stats.set(m[1], { count: Number(m[2]), totalUs: Number(m[3]) });
      }
    }
  }
  if (stats.size === 0) {
    throw new Error('sdiag printed no RPC statistics by message type');
  }
  return stats;
}

export async function rpcCounts(conf: string): Promise<RpcCounts> {
  const stats = await rpcStats(conf);
  return new Map([...stats].map(([type, s]) => [type, s.count]));
}

/** Zeroes slurmctld's counters (`sdiag -r`, root only): a window's totals are then what it read. */
export async function resetSdiag(conf: string): Promise<void> {
  await run(['sdiag', '-r'], slurmEnv(conf));
}

export function delta(before: RpcCounts, after: RpcCounts, type: string): number {
  return (after.get(type) ?? 0) - (before.get(type) ?? 0);
}
