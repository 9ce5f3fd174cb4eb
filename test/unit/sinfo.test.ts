import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeStateGroup, parseSinfoPartitions, sinfoPartitionsArgv } from '../../server/src/slurm/sinfo';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/slurm', name), 'utf8');

describe('sinfo partitions', () => {
  it('asks for every partition with unit-separated fields and no header', () => {
    const argv = sinfoPartitionsArgv('/opt/slurm/bin/sinfo');
    expect(argv[0]).toBe('/opt/slurm/bin/sinfo');
    expect(argv).toContain('--noheader');
    expect(argv).toContain('--all');
    expect(argv[argv.length - 1]).toBe('%P\x1f%a\x1f%D\x1f%T');
  });

  it('parses captured output of the local Slurm (idle node, two partitions)', () => {
    const partitions = parseSinfoPartitions(fixture('sinfo-partitions-idle.txt'));
    expect(partitions.map(p => p.name)).toEqual(['debug', 'batch']);
    expect(partitions[0]).toMatchObject({ default: true, available: 'up' });
    expect(partitions[0].nodes).toMatchObject({ total: 1, idle: 1, allocated: 0 });
    expect(partitions[1].default).toBe(false);
  });

  it('adds the node counts of every state row of a partition', () => {
    const out = [
      'big*\x1fup\x1f3\x1fidle',
      'big*\x1fup\x1f2\x1fmixed',
      'big*\x1fup\x1f1\x1fdown*',
      'empty\x1fup\x1f0\x1fn/a'
    ].join('\n');
    const [big, empty] = parseSinfoPartitions(out + '\n');
    expect(big.nodes).toEqual({ total: 6, idle: 3, allocated: 0, mixed: 2, down: 1, other: 0 });
    expect(empty.nodes.total).toBe(0);
  });

  it('keeps partition names with spaces and separators intact', () => {
    const [p] = parseSinfoPartitions('gpu a|b, c\x1fup\x1f1\x1fallocated\n');
    expect(p.name).toBe('gpu a|b, c');
    expect(p.nodes.allocated).toBe(1);
  });

  it('throws on output that does not match the format', () => {
    expect(() => parseSinfoPartitions('PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n')).toThrow(
      /unexpected sinfo output/
    );
    expect(() => parseSinfoPartitions('p\x1fup\x1fmany\x1fidle\n')).toThrow(/node count/);
  });

  it.each([
    ['idle', 'idle'],
    ['idle~', 'idle'],
    ['mixed', 'mixed'],
    ['allocated+', 'allocated'],
    ['completing', 'allocated'],
    ['drained', 'down'],
    ['idle*', 'down'],
    ['reserved', 'other'],
    ['unknown', 'other']
  ])('groups node state %s as %s', (state, group) => {
    expect(nodeStateGroup(state)).toBe(group);
  });
});
