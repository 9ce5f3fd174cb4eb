// first: it sets V8 flags and drops the launcher's process-only environment
import { collectAfterStart } from './util/memory';
import { dropEnclosingJobEnv } from './util/allocation-env';
import { mkdirSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from './app';
import { createClusterRegistry } from './clusters';
import { loadConfigFile } from './config';
import { connectionFilePath, newToken, removeConnectionFile, writeConnectionFile } from './connection-file';
import { StopCause, watchLifecycle } from './lifecycle';
import { createPollControl } from './poll-limits';
import { createRunner } from './runners';
import { createSetManager } from './sets/manager';
import { createTemplateStore } from './templates/store';

async function main(): Promise<void> {
  // Inside a Slurm job (a batch-spawned Lab) the job's own SLURM_* must not reach the jobs we submit.
  dropEnclosingJobEnv(process.env);
  const { values } = parseArgs({
    options: {
      'runtime-dir': { type: 'string' },
      'parent-pid': { type: 'string' },
      config: { type: 'string' },
      // the user's own durable state (set records, personal templates)
      'data-dir': { type: 'string', default: join(homedir(), '.local', 'share', 'jupyter', 'jupyterlab-hpc') },
      'idle-timeout': { type: 'string', default: '3600' }
    }
  });
  const runtimeDir = values['runtime-dir'];
  if (!runtimeDir) {
    throw new Error('--runtime-dir is required');
  }
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const dataDir = values['data-dir'] as string;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const config = loadConfigFile(values.config);
  const token = newToken();
  const registry = createClusterRegistry({
    adminClusters: config.clusters,
    createRunner: cluster => createRunner(cluster, { runtimeDir }),
    pollIntervalMs: config.pollInterval * 1000
  });
  // the admin's limits over the user's setting, applied to every cluster's two poll scopes
  const poll = createPollControl(config.limits, config.pollInterval, s =>
    registry.setIntervals({
      mineMs: s.interval * 1000,
      quietMaxMs: s.quietMaxInterval * 1000,
      allMs: s.allUsersInterval * 1000
    })
  );
  // Dask / IPyParallel sets: records in the data dir, re-attached on every start
  // one template store per process: a set's template is read as the templates routes read it
  const templates = createTemplateStore({ centreDirs: config.templateDirs, personalDir: join(dataDir, 'templates') });
  const sets = createSetManager({ registry, dataDir, templates });

  let stopping = false;
  const file = connectionFilePath(runtimeDir);
  const lifecycle = watchLifecycle({
    parentPid: values['parent-pid'] ? Number(values['parent-pid']) : undefined,
    idleTimeoutMs: Number(values['idle-timeout']) * 1000,
    // an open sidebar (WebSocket) keeps the companion alive without requests
    busy: () => app.hub.connections > 0,
    onStop: (reason, cause) => void stop(reason, cause)
  });
  const app = buildApp({
    token,
    registry,
    sets,
    templates,
    dataDir,
    poll,
    onActivity: () => lifecycle.touch()
  });

  async function stop(reason: string, cause: StopCause): Promise<void> {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`jupyterlab-hpc companion ${process.pid} stopping: ${reason}`);
    lifecycle.dispose();
    removeConnectionFile(file);
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    await app.close().catch(() => undefined);
    // The server ended (the Hub stopped it, its job ended): its sets would run on unseen.
    if (config.stopSetsOnExit && cause !== 'idle') {
      console.log('jupyterlab-hpc companion: stopping the sets of the server that ended');
      await sets.stopAll().catch(() => undefined);
    }
    await sets.dispose().catch(() => undefined);
    await registry.close().catch(() => undefined);
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop('SIGTERM', 'signal'));
  process.on('SIGINT', () => void stop('SIGINT', 'signal'));
  process.on('SIGHUP', () => void stop('SIGHUP', 'signal'));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') {
    throw new Error('the companion is not listening on a TCP port');
  }
  writeConnectionFile(file, {
    version: 1,
    hostname: hostname(),
    pid: process.pid,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    token,
    started: new Date().toISOString()
  });
  console.log(`jupyterlab-hpc companion ${process.pid} listening on 127.0.0.1:${address.port}`);
  collectAfterStart();
}

main().catch(e => {
  console.error(`jupyterlab-hpc companion failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
