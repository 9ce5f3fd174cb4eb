import { POLL_LIMIT_DEFAULTS } from '../../protocol/poll';
import { DEFAULT_CLUSTERS, parseClusterList, parseConfig } from '../../server/src/config';

describe('companion configuration', () => {
  it('defaults to the local cluster', () => {
    expect(parseConfig({})).toEqual({
      clusters: DEFAULT_CLUSTERS,
      pollInterval: 5,
      templateDirs: [],
      limits: POLL_LIMIT_DEFAULTS,
      stopSetsOnExit: false
    });
  });

  it('accepts local and ssh clusters', () => {
    const clusters = parseClusterList([
      { name: 'local', transport: 'local', env: { SLURM_CONF: '/etc/slurm/slurm.conf' } },
      { name: 'geneva', transport: 'ssh', host: 'login.example.org', port: 22, user: 'alice' }
    ]);
    expect(clusters).toHaveLength(2);
  });

  it.each([
    [[{ name: 'a; rm -rf ~' }], /name/],
    [[{ name: 'x', transport: 'ssh' }], /host/],
    [[{ name: 'x', transport: 'ssh', host: 'h$(id)' }], /host/],
    [[{ name: 'x', env: { 'A B': 'c' } }], /env/],
    [[{ name: 'x', bogus: 1 }], /\[0\].bogus is not a known field/],
    [[{ name: 'x' }, { name: 'x' }], /appears twice/]
  ])('rejects %j', (clusters, message) => {
    expect(() => parseClusterList(clusters)).toThrow(message);
  });

  it('names the source of an invalid file', () => {
    expect(() => parseConfig({ pollInterval: 'fast' }, '/etc/hpc.json')).toThrow(/invalid \/etc\/hpc.json/);
  });
});
