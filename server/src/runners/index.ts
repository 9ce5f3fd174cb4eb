import { ClusterConfig } from '../config';
import { createLocalRunner } from './local';
import { createOpensshRunner } from './openssh';
import { createSshRunner } from './ssh';
import { CommandRunner, TransportError } from './types';

/** The one place that maps a cluster's transport to its runner. */
export function createRunner(cluster: ClusterConfig): CommandRunner {
  switch (cluster.transport ?? 'local') {
    case 'local':
      return createLocalRunner({ env: cluster.env });
    case 'ssh':
      return createSshRunner({
        host: cluster.host as string,
        port: cluster.port,
        user: cluster.user,
        identityFile: cluster.identityFile,
        knownHostsFile: cluster.knownHostsFile,
        env: cluster.env
      });
    case 'openssh':
      return createOpensshRunner({
        host: cluster.host as string,
        port: cluster.port,
        user: cluster.user,
        identityFile: cluster.identityFile,
        knownHostsFile: cluster.knownHostsFile,
        sshOptions: cluster.sshOptions,
        env: cluster.env
      });
    default:
      return unavailableRunner(cluster, `transport "${cluster.transport}" is not available yet`);
  }
}

function unavailableRunner(cluster: ClusterConfig, why: string): CommandRunner {
  return {
    label: cluster.name,
    run: () => Promise.reject(new TransportError(why, cluster.transport)),
    readFile: () => Promise.reject(new TransportError(why, cluster.transport)),
    close: async () => undefined
  };
}
