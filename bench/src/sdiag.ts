import { run, slurmEnv } from './exec';

/** slurmctld's RPC counters (sdiag), by message type: deltas over a window count squeue calls. */
export type RpcCounts = Map<string, number>;

export async function rpcCounts(conf: string): Promise<RpcCounts> {
  const out = await run(['sdiag'], slurmEnv(conf));
  const counts: RpcCounts = new Map();
  let inTypes = false;
  for (const line of out.split('\n')) {
    if (/statistics by message type/.test(line)) {
      inTypes = true;
    } else if (/statistics by user/.test(line)) {
      inTypes = false;
    } else if (inTypes) {
      const m = /^\s*(REQUEST_\w+)\s+\(\s*\d+\)\s+count:(\d+)/.exec(line);
      if (m) {
        counts.set(m[1], Number(m[2]));
      }
    }
  }
  if (counts.size === 0) {
    throw new Error('sdiag printed no RPC statistics by message type');
  }
  return counts;
}

export function delta(before: RpcCounts, after: RpcCounts, type: string): number {
  return (after.get(type) ?? 0) - (before.get(type) ?? 0);
}
