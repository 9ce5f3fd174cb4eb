import type { NodeCounts } from '../../../protocol/resources';
import { FIELD_SEP, splitRows } from './fields';

export type { NodeCounts };

/** One row of `sinfo --Node`: one node in one partition (a node in two partitions has two rows). */
export interface SinfoNode {
  node: string;
  partition: string;
  /** The partition is the cluster's default (sinfo marks it with '*'). */
  defaultPartition: boolean;
  /** sinfo's extended state, e.g. 'mixed', 'idle~', 'down*'. */
  state: string;
  cpus: { allocated: number; idle: number; other: number; total: number };
  memoryMB: number;
  allocatedMemoryMB: number;
  gpus: number;
  allocatedGpus: number;
}

// name:0 = no width limit; every field but the last ends with the separator
const FIELDS = ['NodeHost', 'Partition', 'StateLong', 'CPUsState', 'Memory', 'AllocMem', 'Gres', 'GresUsed'];

/** argv for one row per (node, partition), every partition shown, hidden ones too. */
export function sinfoNodesArgv(sinfo = 'sinfo'): string[] {
  const format = FIELDS.map((f, i) => `${f}:0${i < FIELDS.length - 1 ? FIELD_SEP : ''}`).join(',');
  return [sinfo, '--Node', '--all', '--noheader', '--Format', format];
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

/** Parses the output of `sinfoNodesArgv()`; throws on a row it does not recognise. */
export function parseSinfoNodes(output: string): SinfoNode[] {
  return splitRows(output, FIELDS.length, 'sinfo').map(fields => {
    const [node, rawPartition, state, cpuText, memory, allocMem, gres, gresUsed] = fields.map(f => f.trim());
    const defaultPartition = rawPartition.endsWith('*');
    const cpus = cpuText.split('/').map(count);
    if (cpus.length !== 4 || cpus.some(n => n === undefined)) {
      throw new Error(`unexpected sinfo CPU counts ${JSON.stringify(cpuText)} for node ${node}`);
    }
    const [allocated, idle, other, total] = cpus as number[];
    return {
      node,
      partition: defaultPartition ? rawPartition.slice(0, -1) : rawPartition,
      defaultPartition,
      state,
      cpus: { allocated, idle, other, total },
      memoryMB: megabytes(memory, node),
      allocatedMemoryMB: megabytes(allocMem, node),
      gpus: gpuCount(gres),
      allocatedGpus: gpuCount(gresUsed)
    };
  });
}

function count(text: string): number | undefined {
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** sinfo prints memory in MB; a node that reports none shows 0 or N/A. */
function megabytes(text: string, node: string): number {
  if (text === 'N/A' || text === '') {
    return 0;
  }
  const n = /^[0-9]+\+?$/.test(text) ? parseInt(text, 10) : undefined;
  if (n === undefined) {
    throw new Error(`unexpected sinfo memory ${JSON.stringify(text)} for node ${node}`);
  }
  return n;
}

/**
 * GPUs in a Gres/GresUsed list such as `gpu:a100:4(S:0-1),shard:8` or `gpu:tesla:2(IDX:0-1)`:
 * the counts of the `gpu` entries. `(null)` is none.
 */
export function gpuCount(gres: string): number {
  let total = 0;
  // commas inside (...) belong to an entry's socket or index list
  for (const entry of gres.replace(/\([^)]*\)/g, '').split(',')) {
    const parts = entry.trim().split(':');
    if (parts[0] !== 'gpu') {
      continue;
    }
    const last = parts[parts.length - 1];
    total += parts.length > 1 && /^[0-9]+$/.test(last) ? Number(last) : parts.length === 1 ? 1 : 0;
  }
  return total;
}
