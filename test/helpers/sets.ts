import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/src/app';
import { ClusterRegistry, createClusterRegistry } from '../../server/src/clusters';
import { ClusterConfig } from '../../server/src/config';
import { createRunner } from '../../server/src/runners';
import { SetManager, SetManagerDeps, createSetManager } from '../../server/src/sets/manager';
import { SetRecord } from '../../server/src/sets/types';
import { waitUntil } from './companion';
import { Served, body, serve } from './http';
import { slurm } from './slurm';

/** The venv with distributed and ipyparallel (HPC_VENV overrides the repository's .venv). */
export const venv = (): string => process.env.HPC_VENV ?? join(__dirname, '..', '..', '.venv');
export const venvPython = (): string => join(venv(), 'bin', 'python');

export interface SetsCompanion {
  served: Served;
  registry: ClusterRegistry;
  sets: SetManager;
  dataDir: string;
  /** Like a killed companion: the app and the manager go, the sets stay. */
  close(): Promise<void>;
}

/** A real companion (real runners, real Slurm) with a set manager on `dataDir`. */
export async function startSetsCompanion(
  clusters: ClusterConfig[],
  options: { dataDir?: string } & Partial<SetManagerDeps> = {}
): Promise<SetsCompanion> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hpc-sets-data-'));
  const registry = createClusterRegistry({
    adminClusters: clusters,
    createRunner,
    pollIntervalMs: 1000,
    pollMaxBackoffMs: 4_000,
    statusTtlMs: 0
  });
  const sets = createSetManager({
    registry,
    dataDir,
    defaultPython: venvPython(),
    refreshMs: 500,
    retireTimeoutMs: 30_000,
    ...options
  });
  const served = await serve(buildApp({ token: 'test-token', registry, sets }), 'test-token');
  return {
    served,
    registry,
    sets,
    dataDir,
    async close() {
      await served.close();
      await sets.dispose();
      await registry.close();
    }
  };
}

/** GET /api/sets/:id until `pred` holds; a set that ends unexpectedly fails at once with its reason. */
export async function waitForSet(
  served: Served,
  id: string,
  pred: (r: SetRecord) => boolean,
  ms: number,
  what: string
): Promise<SetRecord> {
  let last: SetRecord | undefined;
  try {
    return await waitUntil(
      async () => {
        last = await body<SetRecord>(await served.request(`/api/sets/${id}`));
        if (pred(last)) {
          return last;
        }
        if (last.state === 'ended') {
          throw new Error(`set ${id} ended (${last.reason}: ${last.message}) while waiting for ${what}`);
        }
        return undefined;
      },
      ms,
      what
    );
  } catch (e) {
    const log = last?.logTail ? `\n${last.logTail.join('\n')}` : '';
    throw new Error(`${(e as Error).message}; last record: ${JSON.stringify(last)}${log}`);
  }
}

/** Runs Python code with the venv's interpreter; resolves with stdout. */
export function runPython(code: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(venvPython(), ['-c', code, ...args], { timeout: timeoutMs, encoding: 'utf8' }, (e, stdout, stderr) =>
      e ? reject(new Error(`python failed: ${e.message}\n${stderr}`)) : resolve(stdout)
    );
  });
}

/** squeue's own view of a set's jobs (by comment tag), for ground truth: [{id, state}]. */
export function setJobsInSqueue(conf: string, setId: string): Array<{ id: string; state: string }> {
  return slurm(conf, ['squeue', '--noheader', '--states=all', '--format=%i|%T|%k'])
    .split('\n')
    .map(line => line.trim().split('|'))
    .filter(f => f.length === 3 && f[2] === `hpcset:${setId}`)
    .map(([id, state]) => ({ id, state }));
}

const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING']);
/** Jobs of the set still pending or running (none once it is stopped). */
export const liveSetJobs = (conf: string, setId: string) =>
  setJobsInSqueue(conf, setId).filter(j => ACTIVE.has(j.state));

/**
 * Python defining `dask_client(connection_json)`: a distributed Client of a set,
 * with the set's certificate (the PEM contents of GET /api/sets/:id/connection).
 */
export const DASK_CONNECT_PY = `
import json
from distributed import Client
from distributed.security import Security

def dask_client(connection):
    conn = json.loads(connection)
    tls = conn["tls"]
    security = Security(
        require_encryption=True, tls_ca_file=tls["ca"], tls_client_cert=tls["cert"], tls_client_key=tls["key"]
    )
    return Client(conn["address"], timeout=30, security=security)
`;
