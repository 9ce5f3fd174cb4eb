import { ClusterConfig } from '../config';
import { createLocalRunner } from './local';
import { createOpensshRunner } from './openssh';
import { createSshRunner } from './ssh';
import { CommandRunner, SshTarget, TransportError } from './types';

/** What the companion process lends its runners. */
export interface RunnerDeps {
  /** The companion's private runtime directory (--runtime-dir): openssh's control sockets may live there. */
  runtimeDir?: string;
}

/** The one place that maps a cluster's transport to its runner. */
export function createRunner(cluster: ClusterConfig, deps: RunnerDeps = {}): CommandRunner {
  switch (cluster.transport ?? 'local') {
    case 'local':
      return createLocalRunner({ env: cluster.env });
    case 'ssh':
      return createSshRunner(sshTarget(cluster));
    case 'openssh':
      return createOpensshRunner({
        ...sshTarget(cluster),
        sshOptions: cluster.sshOptions,
        runtimeDir: deps.runtimeDir
      });
    default:
      return unavailableRunner(cluster, `transport "${cluster.transport}" is not available yet`);
  }
}

function sshTarget(cluster: ClusterConfig): SshTarget {
  const { host, port, user, identityFile, knownHostsFile, env } = cluster;
  return { host: host as string, port, user, identityFile, knownHostsFile, env };
}

function unavailableRunner(cluster: ClusterConfig, why: string): CommandRunner {
  return {
    label: cluster.name,
    run: () => Promise.reject(new TransportError(why, cluster.transport ?? 'local')),
    readFile: () => Promise.reject(new TransportError(why, cluster.transport ?? 'local')),
    close: async () => undefined
  };
}
