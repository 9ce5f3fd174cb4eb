import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ClusterConfig } from '../../server/src/config';
import { waitUntil } from './companion';

export const COMPANION_BUNDLE = join(__dirname, '../../jupyterlab_hpc/companion/main.js');

export interface CompanionProcess {
  child: ChildProcess;
  url: string;
  /** Its secret, for clients other than `request` (e.g. a WebSocket). */
  token: string;
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * The bundled companion as the launcher starts it: its own process, a config
 * file, a runtime dir for the connection file and a data dir for durable state.
 */
export async function spawnCompanion(options: {
  runtimeDir: string;
  dataDir: string;
  clusters: ClusterConfig[];
  env?: NodeJS.ProcessEnv;
}): Promise<CompanionProcess> {
  const config = join(options.runtimeDir, 'config.json');
  // every user's jobs as often as one's own: these tests watch hostile jobs of other users change
  const limits = { minAllUsersInterval: 1 };
  writeFileSync(config, JSON.stringify({ clusters: options.clusters, pollInterval: 1, limits }), { mode: 0o600 });
  const file = join(options.runtimeDir, `jupyterlab-hpc-${hostname()}.json`);
  const child = spawn(
    process.execPath,
    [COMPANION_BUNDLE, '--runtime-dir', options.runtimeDir, '--data-dir', options.dataDir, '--config', config],
    { stdio: 'ignore', env: { ...process.env, ...options.env } }
  );
  const info = await waitUntil(
    () => {
      if (!existsSync(file)) {
        return undefined;
      }
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; url: string; token: string };
      return parsed.pid === child.pid ? parsed : undefined;
    },
    15_000,
    'the companion connection file'
  );
  return {
    child,
    url: info.url,
    token: info.token,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `token ${info.token}`);
      if (init.body) {
        headers.set('content-type', 'application/json');
      }
      return fetch(info.url + path, { ...init, headers });
    }
  };
}
