import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combinePartitions } from '../../server/src/slurm/partitions';
import { parseScontrolPartitions, scontrolPartitionsArgv } from '../../server/src/slurm/scontrol-partitions';
import { gpuCount, nodeStateGroup, parseSinfoNodes, sinfoNodesArgv } from '../../server/src/slurm/sinfo';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/slurm', name), 'utf8');
const S = '\x1f';
const row = (...fields: string[]) => fields.join(S);

describe('sinfo per node', () => {
  it('asks for every node of every partition, unit-separated, no header', () => {
    const argv = sinfoNodesArgv('/opt/slurm/bin/sinfo');
    expect(argv.slice(0, 4)).toEqual(['/opt/slurm/bin/sinfo', '--Node', '--all', '--noheader']);
    expect(argv[argv.length - 1]).toBe(
      `NodeHost:0${S},Partition:0${S},StateLong:0${S},CPUsState:0${S},Memory:0${S},AllocMem:0${S},Gres:0${S},GresUsed:0`
    );
  });

  it('parses captured output of the local Slurm during a 3-CPU job (one node in two partitions)', () => {
    const nodes = parseSinfoNodes(fixture('sinfo-nodes-mixed.txt'));
    expect(nodes.map(n => [n.node, n.partition, n.defaultPartition, n.state])).toEqual([
      ['vm', 'debug', true, 'mixed'],
      ['vm', 'batch', false, 'mixed']
    ]);
    expect(nodes[0].cpus).toEqual({ allocated: 3, idle: 5, other: 0, total: 8 });
    expect(nodes[0]).toMatchObject({ memoryMB: 4000, allocatedMemoryMB: 0, gpus: 0, allocatedGpus: 0 });
  });

  it('reads GPUs from gres lists, with types, sockets and indexes', () => {
    expect(gpuCount('(null)')).toBe(0);
    expect(gpuCount('gpu:a100:4(S:0-1)')).toBe(4);
    expect(gpuCount('gpu:2,shard:8')).toBe(2);
    expect(gpuCount('gpu:a100:2(IDX:0,2),gpu:v100:1(IDX:3)')).toBe(3);
    expect(gpuCount('mps:100')).toBe(0);
  });

  it('throws on output that does not match the format', () => {
    expect(() => parseSinfoNodes('NODELIST NODES PARTITION STATE\n')).toThrow(/unexpected sinfo output/);
    expect(() => parseSinfoNodes(row('n1', 'p', 'idle', '0/8/0', '4000', '0', '(null)', '(null)'))).toThrow(
      /CPU counts/
    );
    expect(() => parseSinfoNodes(row('n1', 'p', 'idle', '0/8/0/8', 'lots', '0', '(null)', '(null)'))).toThrow(/memory/);
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

describe('scontrol show partition', () => {
  it('asks for every partition, hidden ones too, one line each', () => {
    expect(scontrolPartitionsArgv('/s/scontrol')).toEqual(['/s/scontrol', '--all', '--oneliner', 'show', 'partition']);
  });

  it('parses captured output of the local Slurm (no limits set)', () => {
    const [debug, batch] = parseScontrolPartitions(fixture('scontrol-partitions.txt'));
    expect(debug).toEqual({
      name: 'debug',
      default: true,
      available: 'up',
      maxTimeMinutes: null,
      defaultTimeMinutes: null,
      maxNodes: null,
      maxCpusPerNode: null,
      maxMemPerNodeMB: null,
      totalNodes: 1
    });
    expect(batch).toMatchObject({ name: 'batch', default: false });
  });

  it('reads limits set in slurm.conf', () => {
    const line = fixture('scontrol-partitions.txt')
      .split('\n')[0]
      .replace('MaxTime=UNLIMITED', 'MaxTime=2-00:00:00')
      .replace('DefaultTime=NONE', 'DefaultTime=01:00:00')
      .replace('MaxNodes=UNLIMITED', 'MaxNodes=4')
      .replace('MaxCPUsPerNode=UNLIMITED', 'MaxCPUsPerNode=6')
      .replace('MaxMemPerNode=UNLIMITED', 'MaxMemPerNode=2000')
      .replace('State=UP', 'State=DRAIN');
    expect(parseScontrolPartitions(line)[0]).toMatchObject({
      available: 'drain',
      maxTimeMinutes: 2880,
      defaultTimeMinutes: 60,
      maxNodes: 4,
      maxCpusPerNode: 6,
      maxMemPerNodeMB: 2000
    });
  });

  it('throws on output that is not a partition', () => {
    expect(() => parseScontrolPartitions('No partitions in the system\n')).toThrow(/unexpected scontrol/);
  });
});

describe('partitions: configuration + nodes', () => {
  it('adds CPUs, memory and GPUs of each partition, as sinfo -o %C does', () => {
    const configs = parseScontrolPartitions(fixture('scontrol-partitions.txt'));
    const nodes = parseSinfoNodes(fixture('sinfo-nodes-mixed.txt'));
    const [debug] = combinePartitions(configs, nodes);
    expect(debug).toMatchObject({
      name: 'debug',
      default: true,
      available: 'up',
      nodes: { total: 1, mixed: 1, idle: 0 },
      cpus: { allocated: 3, idle: 5, other: 0, total: 8 },
      memory: { totalMB: 4000, allocatedMB: 0 },
      gpus: { total: 0, allocated: 0 },
      limits: { maxTimeMinutes: null, maxNodes: 1, maxCpusPerNode: 8, maxMemPerNodeMB: 4000 }
    });
  });

  it('bounds limits by the nodes, counts down nodes, and lists a partition without nodes', () => {
    const configs = parseScontrolPartitions(
      [
        'PartitionName=gpu Default=NO MaxNodes=1 MaxTime=1-00:00:00 MaxCPUsPerNode=UNLIMITED State=UP TotalNodes=3 MaxMemPerNode=64000',
        'PartitionName=empty Default=NO State=INACTIVE TotalNodes=0'
      ].join('\n')
    );
    const nodes = parseSinfoNodes(
      [
        row('g1', 'gpu', 'mixed', '16/16/0/32', '128000', '64000', 'gpu:a100:4(S:0-1)', 'gpu:a100:2(IDX:0-1)'),
        row('g2', 'gpu', 'idle', '0/64/0/64', '256000', '0', 'gpu:a100:4(S:0-1)', 'gpu:a100:0(IDX:N/A)'),
        row('g3', 'gpu', 'down*', '0/0/32/32', '128000', '0', 'gpu:a100:4(S:0-1)', 'gpu:a100:0(IDX:N/A)')
      ].join('\n')
    );
    const [gpu, empty] = combinePartitions(configs, nodes);
    expect(gpu.nodes).toEqual({ total: 3, idle: 1, allocated: 0, mixed: 1, down: 1, other: 0 });
    expect(gpu.cpus).toEqual({ allocated: 16, idle: 80, other: 32, total: 128 });
    expect(gpu.gpus).toEqual({ total: 12, allocated: 2 });
    expect(gpu.memory).toEqual({ totalMB: 512000, allocatedMB: 64000 });
    expect(gpu.limits).toEqual({
      maxTimeMinutes: 1440,
      defaultTimeMinutes: null,
      maxNodes: 1,
      maxCpusPerNode: 64,
      maxMemPerNodeMB: 64000
    });
    expect(empty).toMatchObject({ available: 'inact', nodes: { total: 0 }, cpus: { total: 0 } });
  });
});
