import { ClusterConfig } from '../config';
import { createLocalRunner } from './local';
import { createOpensshRunner } from './openssh';
import type * as SshRunnerModule from './ssh';
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
      return loadSshRunner().createSshRunner(sshTarget(cluster));
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

/**
 * ssh2 (and the crypto it sets up) is ~13 MB of the companion's resident memory: loaded only
 * when a cluster uses the ssh transport, not by every companion at start (issue 12: a light
 * companion). A synchronous require: the bundle holds it, evaluated on first use.
 */
function loadSshRunner(): typeof SshRunnerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./ssh') as typeof SshRunnerModule;
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
