import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { Cluster, ClusterRegistry } from '../clusters';
import { defaultSetsRoot, makeSetDir, readConnectionFile, readMonitorStatus, writeClusterFile } from './cluster-files';
import { kindConfig } from './kinds';
import { cancelJobs, createSetRefresher } from './refresher';
import { planScaleDown } from './scale';
import { SetScriptContext, headJob, workersJob } from './script';
import { applyTemplate } from './from-template';
import { normalizeSpec } from './spec';
import type { TemplateStore } from '../templates/store';
import { isActive } from './state';
import { SetError, createSetTable } from './table';
import { dashboardCookieName, makeSetCredentials, readDashboardSecret, readSetTls, setTlsFiles } from './tls';
import { SetConnection, SetRecord, StoredSet } from './types';

export { SetError };

/**
 * Every set of this user, on every cluster: started, scaled, stopped, and kept
 * up to date (refresher.ts). Records live in the data dir, so a restarted
 * companion carries on with the sets it, or its predecessor, launched.
 */
export interface SetManager {
  start(request: unknown): Promise<SetRecord>;
  list(): SetRecord[];
  get(id: string): SetRecord | undefined;
  scale(id: string, workers: number): Promise<SetRecord>;
  /** Cancels every job of the set; the record is returned in 'stopping'. */
  stop(id: string): Promise<SetRecord>;
  /** Cancels the jobs of every set still active (the server that owns them is ending). */
  stopAll(): Promise<void>;
  /** Drops the record of an ended set and its set dir on the cluster (logs included). */
  forget(id: string): Promise<void>;
  connection(id: string): Promise<SetConnection>;
  /** Re-reads squeue and the status files now. */
  refresh(): Promise<void>;
  /** Every change of a record (state, workers, time left): for the WebSocket. */
  onChange(listener: (record: SetRecord) => void): () => void;
  /** Stops watching; the sets themselves keep running. */
  dispose(): Promise<void>;
}

export interface SetManagerDeps {
  registry: ClusterRegistry;
  dataDir: string;
  /** The Python of a set whose request names none (default: $HPC_SET_PYTHON, else python3). */
  defaultPython?: string;
  /** How often status files are read (squeue comes from the shared poll). */
  refreshMs?: number;
  /** How often while a set's workers are coming. */
  fastRefreshMs?: number;
  /** Where sets live on a cluster (default: ~/.jupyterlab-hpc/sets of the cluster's user). */
  setsRoot?: (cluster: Cluster) => Promise<string>;
  /** How long a scale-down waits for the set to confirm the retirement. */
  retireTimeoutMs?: number;
  /** Seconds a head may take to become ready before its job gives up. */
  startTimeoutS?: number;
  /** The job templates a set may start from (`template` in a start request); absent: none. */
  templates?: TemplateStore;
}

export function createSetManager(deps: SetManagerDeps): SetManager {
  const table = createSetTable(deps.dataDir);
  const refresher = createSetRefresher({
    registry: deps.registry,
    table,
    refreshMs: deps.refreshMs ?? 2_000,
    fastRefreshMs: deps.fastRefreshMs ?? 100
  });
  const defaultPython = deps.defaultPython ?? process.env.HPC_SET_PYTHON ?? 'python3';
  const retireTimeoutMs = deps.retireTimeoutMs ?? 60_000;
  const roots = new WeakMap<Cluster, Promise<string>>();
  const scaling = new Set<string>();
  const nowIso = (): string => new Date().toISOString();

  function clusterOf(s: StoredSet): Cluster {
    const c = deps.registry.get(s.record.cluster);
    if (!c) {
      throw new SetError(`cluster ${JSON.stringify(s.record.cluster)} is not configured any more`, 409);
    }
    return c;
  }

  function setsRoot(cluster: Cluster): Promise<string> {
    let root = roots.get(cluster);
    if (!root) {
      root = (deps.setsRoot ?? (c => defaultSetsRoot(c.runner)))(cluster);
      roots.set(cluster, root);
      root.catch(() => roots.delete(cluster));
    }
    return root;
  }

  function context(s: StoredSet, cluster: Cluster): SetScriptContext {
    const binDir = cluster.config.slurmBinDir;
    return {
      id: s.record.id,
      setDir: s.record.setDir,
      spec: s.record.spec,
      kind: kindConfig(s.record.spec),
      startTimeoutS: deps.startTimeoutS,
      srun: binDir ? posix.join(binDir, 'srun') : undefined,
      mpiPlugin: cluster.config.mpiPlugin
    };
  }

  async function start(request: unknown): Promise<SetRecord> {
    const fromTemplate = await applyTemplate(deps.templates, request);
    const spec = { ...normalizeSpec(fromTemplate.request, defaultPython), ...fromTemplate.additions };
    const cluster = deps.registry.get(spec.cluster);
    if (!cluster) {
      throw new SetError(`no cluster named ${JSON.stringify(spec.cluster)}`, 404);
    }
    const id = randomBytes(5).toString('hex');
    const createdAt = nowIso();
    const stored: StoredSet = {
      version: 1,
      jobs: [],
      record: {
        id,
        cluster: spec.cluster,
        kind: spec.kind,
        name: spec.name,
        state: 'pending',
        message: 'submitting',
        jobs: [],
        workers: { requested: spec.workers, connected: 0 },
        createdAt,
        updatedAt: createdAt,
        setDir: posix.join(await setsRoot(cluster), id),
        spec
      }
    };
    // Recorded before anything is launched: after a crash right after sbatch the
    // job's comment tag joins it to this record on the next start.
    table.saveOnly(stored);
    let jobId: string;
    try {
      await makeSetDir(cluster.runner, stored.record.setDir);
      if (kindConfig(spec).tls) {
        await makeSetCredentials(cluster.runner, stored.record.setDir);
      }
      jobId = await cluster.slurm.submit(headJob(context(stored, cluster)));
    } catch (e) {
      table.remove(id); // nothing was launched
      throw e;
    }
    const head = { id: jobId, role: 'head' as const, workers: spec.workers, state: '' };
    stored.jobs = [{ ...head, submittedAt: nowIso() }];
    stored.record = { ...stored.record, message: 'submitted', jobs: [head] };
    table.commit(stored);
    refresher.watch(spec.cluster);
    cluster.afterAction();
    return structuredClone(stored.record);
  }

  async function scaleUp(s: StoredSet, cluster: Cluster, target: number): Promise<void> {
    const more = target - s.record.workers.requested;
    const jobId = await cluster.slurm.submit(workersJob(context(s, cluster), more));
    table.commit({
      ...s,
      jobs: [...s.jobs, { id: jobId, role: 'workers', workers: more, state: '', submittedAt: nowIso() }],
      record: { ...s.record, workers: { ...s.record.workers, requested: target } }
    });
    cluster.afterAction();
  }

  /** The monitor answers in status.json; an IPyParallel or Dask call may take a while. */
  async function waitForRetirement(cluster: Cluster, setDir: string, requestId: string): Promise<void> {
    const deadline = Date.now() + retireTimeoutMs;
    for (;;) {
      const answer = (await readMonitorStatus(cluster.runner, setDir))?.responses?.[requestId];
      if (answer && !answer.ok) {
        throw new SetError(`the set could not retire workers: ${answer.error ?? 'no reason given'}`, 502);
      }
      if (answer) {
        return;
      }
      if (Date.now() > deadline) {
        throw new SetError(`the set did not confirm the retirement within ${retireTimeoutMs / 1000} s`, 504);
      }
      await new Promise(r => setTimeout(r, 300));
    }
  }

  /** Down: drop pending scale-up jobs, ask the monitor to retire workers, cancel emptied jobs. */
  async function scaleDown(id: string, target: number): Promise<void> {
    const planned = await table.lock(id, async () => {
      const s = table.must(id);
      if (s.record.state !== 'running') {
        throw new SetError(`cannot scale down a set that is ${s.record.state}`, 409);
      }
      const cluster = clusterOf(s);
      const status = await readMonitorStatus(cluster.runner, s.record.setDir);
      const canRetire = s.record.kind !== 'custom'; // its template declares no way to retire one worker
      const plan = planScaleDown(s.jobs, s.record.workers.requested, target, status?.workers ?? [], canRetire);
      const dropped = plan.cancelPending.reduce((n, job) => n + (s.jobs.find(j => j.id === job)?.workers ?? 0), 0);
      if (!canRetire && s.record.workers.requested - dropped !== target) {
        throw new SetError(
          `a ${kindConfig(s.record.spec).headLabel} set scales down by whole scale-up jobs only: ${target} workers is not one of its sizes`,
          409
        );
      }
      await cancelJobs(cluster, plan.cancelPending).catch(() => undefined);
      const requestId = `${Date.now()}-${randomBytes(3).toString('hex')}`;
      if (plan.retire.length) {
        const path = posix.join(s.record.setDir, 'requests', `${requestId}.json`);
        await writeClusterFile(cluster.runner, path, JSON.stringify({ op: 'retire', names: plan.retire }));
      }
      return { cluster, plan, requestId, setDir: s.record.setDir };
    });
    // waited for outside the set's lock: its refreshes go on meanwhile
    if (planned.plan.retire.length) {
      await waitForRetirement(planned.cluster, planned.setDir, planned.requestId);
    }
    await table.lock(id, async () => {
      await cancelJobs(planned.cluster, planned.plan.cancelAfter).catch(() => undefined);
      const s = table.must(id);
      table.commit({ ...s, record: { ...s.record, workers: { ...s.record.workers, requested: target } } });
    });
    planned.cluster.afterAction(); // retired workers end on their own: watch for it at the base pace
  }

  async function scale(id: string, target: number): Promise<SetRecord> {
    if (!Number.isInteger(target) || target < 1) {
      throw new SetError('workers must be an integer ≥ 1', 400);
    }
    if (scaling.has(id)) {
      throw new SetError('this set is already being scaled', 409);
    }
    scaling.add(id);
    try {
      const requested = table.must(id).record.workers.requested;
      if (target > requested) {
        await table.lock(id, async () => {
          const s = table.must(id);
          if (s.record.state !== 'running' && s.record.state !== 'starting') {
            throw new SetError(`cannot scale a set that is ${s.record.state}`, 409);
          }
          await scaleUp(s, clusterOf(s), target);
        });
      } else if (target < requested) {
        await scaleDown(id, target);
      }
    } finally {
      scaling.delete(id);
    }
    await refresher.refresh();
    return structuredClone(table.must(id).record);
  }

  async function stop(id: string): Promise<SetRecord> {
    await table.lock(id, async () => {
      const s = table.must(id);
      if (!isActive(s)) {
        return;
      }
      const ended = s.record.state === 'ended';
      const next: StoredSet = {
        ...s,
        stopRequested: true,
        record: { ...s.record, state: ended ? 'ended' : 'stopping', message: ended ? s.record.message : 'stopping' }
      };
      next.record.warning = undefined;
      table.commit(next);
      const problem = await refresher.cancelLeftovers(next, clusterOf(s), true);
      if (problem && !ended) {
        table.commit({ ...next, record: { ...next.record, message: problem } });
      }
    });
    return structuredClone(table.must(id).record);
  }

  async function forget(id: string): Promise<void> {
    await table.lock(id, async () => {
      const s = table.must(id);
      if (isActive(s)) {
        throw new SetError('only an ended set can be forgotten: stop it first', 409);
      }
      const dir = s.record.setDir;
      // only ever a set dir: absolute, and named after the set
      if (posix.isAbsolute(dir) && posix.basename(dir) === id && dir.split('/').length > 3) {
        const runner = deps.registry.get(s.record.cluster)?.runner;
        await runner?.run(['rm', '-rf', '--', dir], { timeoutMs: 20_000 }).catch(() => undefined);
      }
      table.remove(id);
    });
  }

  async function connection(id: string): Promise<SetConnection> {
    const s = table.must(id);
    if (s.record.state !== 'running') {
      const why = s.record.reason ? ` (${s.record.reason})` : '';
      throw new SetError(`the set is ${s.record.state}${why}: nothing to connect to`, 409);
    }
    const kind = kindConfig(s.record.spec);
    const path = posix.join(s.record.setDir, kind.connectionFile);
    const cluster = clusterOf(s);
    const info = kind.connection(await readConnectionFile(cluster.runner, path), path);
    // files by path only where the kernels are: the companion's host
    const local = cluster.config.transport === 'local';
    if (info.kind === 'dask' && info.address.startsWith('tls://')) {
      const [tls, secret] = await Promise.all([
        readSetTls(cluster.runner, s.record.setDir),
        readDashboardSecret(cluster.runner, s.record.setDir)
      ]);
      info.tls = tls;
      info.tlsFiles = local ? setTlsFiles(s.record.setDir) : undefined;
      if (secret) {
        info.dashboardSecret = secret;
        info.dashboardCookie = dashboardCookieName(s.record.id);
      }
    } else if (info.kind === 'ipyparallel') {
      info.local = local;
    }
    return info;
  }

  // carry on with what the previous companion launched
  for (const s of table.all()) {
    if (isActive(s)) {
      refresher.watch(s.record.cluster);
    }
  }
  void refresher.refresh();

  return {
    start,
    list: () => table.all().map(s => structuredClone(s.record)),
    get: id => {
      const s = table.get(id);
      return s && structuredClone(s.record);
    },
    scale,
    stop,
    async stopAll() {
      const active = table.all().filter(isActive);
      await Promise.all(active.map(s => stop(s.record.id).catch(() => undefined)));
    },
    forget,
    connection,
    refresh: () => refresher.refresh(),
    onChange: listener => table.onChange(listener),
    async dispose() {
      await refresher.dispose();
      await table.idle();
    }
  };
}
