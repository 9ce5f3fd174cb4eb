import type { NodeCounts, Partition } from '../../../protocol/clusters';
import { delimitedFormat, splitRows } from './fields';

export type { NodeCounts, Partition };

// partition (with '*' on the default), availability, node count, extended state
const SPECIFIERS = ['%P', '%a', '%D', '%T'];

/** argv for one row per (partition, node state) pair, every partition shown. */
export function sinfoPartitionsArgv(sinfo = 'sinfo'): string[] {
  return [sinfo, '--noheader', '--all', '--format', delimitedFormat(SPECIFIERS)];
}

export function emptyCounts(): NodeCounts {
  return { total: 0, idle: 0, allocated: 0, mixed: 0, down: 0, other: 0 };
}

/**
 * Maps sinfo's extended node state to the few groups a user cares about.
 * Suffixes: '*' not responding (counts as down), '~' powered off, '#', '%',
 * '$', '@', '!', '+', '-' are flags on top of the base state.
 */
export function nodeStateGroup(state: string): keyof Omit<NodeCounts, 'total'> {
  if (state.endsWith('*')) {
    return 'down';
  }
  const base = state.replace(/[~#%$@!+^-]+$/, '').toLowerCase();
  switch (base) {
    case 'idle':
      return 'idle';
    case 'allocated':
    case 'alloc':
    case 'completing':
      return 'allocated';
    case 'mixed':
      return 'mixed';
    case 'down':
    case 'drained':
    case 'draining':
    case 'drain':
    case 'fail':
    case 'failing':
    case 'not_responding':
      return 'down';
    default:
      return 'other';
  }
}

/** Parses the output of `sinfoPartitionsArgv()`, in sinfo's order. */
export function parseSinfoPartitions(output: string): Partition[] {
  const byName = new Map<string, Partition>();
  for (const [rawName, available, count, state] of splitRows(output, SPECIFIERS.length, 'sinfo')) {
    const isDefault = rawName.endsWith('*');
    const name = isDefault ? rawName.slice(0, -1) : rawName;
    let partition = byName.get(name);
    if (!partition) {
      partition = { name, default: isDefault, available, nodes: emptyCounts() };
      byName.set(name, partition);
    }
    const n = Number(count);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`unexpected sinfo node count ${JSON.stringify(count)} for partition ${name}`);
    }
    if (n > 0) {
      partition.nodes.total += n;
      partition.nodes[nodeStateGroup(state)] += n;
    }
  }
  return [...byName.values()];
}
