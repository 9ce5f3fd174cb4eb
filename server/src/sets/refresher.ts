import { posix } from 'node:path';
import { Cluster, ClusterRegistry } from '../clusters';
import { QueueSnapshot } from '../poller';
import { JOB_FIELD_NAMES, recordField, recordFields } from '../slurm/squeue';
import { readConnectionFile, readMonitorStatus, readTail } from './cluster-files';
import { customFields, customWebUIs, daskDashboard, kindConfig } from './kinds';
import { SET_TAG } from './script';
import { JobView, headOf, isActive, isLive, observe, reasonFromLog, tellingTail, whyLine } from './state';
import { SetTable } from './table';
import { SetJob, StoredSet } from './types';

/**
 * Keeps every active set in step with its cluster: squeue from the cluster's
 * shared poll (subscribed while the cluster has active sets, so a change in
 * the queue refreshes at once), the monitor's status.json read on a timer, a
 * fast one while a set's workers are coming (its monitor then writes within
 * 0.1 s of a change).
 * Records an ending as soon as it is seen (ended jobs leave squeue after
 * MinJobAge and there may be no sacct), and cancels the jobs a set must not
 * leave behind.
 */
export interface SetRefresher {
  refresh(): Promise<void>;
  /** Follow a cluster's poll (a set was started or loaded there). */
  watch(cluster: string): void;
  /** Cancels what must not outlive the set (after a stop, or once the head ended); a problem, in words. */
  cancelLeftovers(set: StoredSet, cluster: Cluster, now?: boolean): Promise<string | undefined>;
  dispose(): Promise<void>;
}

const F = Object.fromEntries(JOB_FIELD_NAMES.map((name, i) => [name, i])) as Record<
  (typeof JOB_FIELD_NAMES)[number],
  number
>;
/** Cancellations of leftover jobs are re-sent at most this often. */
const CANCEL_RETRY_MS = 10_000;
/** A set is read at the fast pace for this long after its workers started to come. */
const RAMP_WINDOW_MS = 120_000;

/** Started, or running with fewer workers than requested: workers are coming. */
const ramping = (s: StoredSet): boolean =>
  s.record.state === 'starting' ||
  (s.record.state === 'running' && s.record.workers.connected < s.record.workers.requested);

/** scancel, then a poll so that every view sees the effect now. */
export async function cancelJobs(cluster: Cluster, ids: string[]): Promise<void> {
  if (ids.length) {
    await cluster.slurm.jobAction('cancel', ids);
    cluster.afterAction();
  }
}

export function createSetRefresher(deps: {
  registry: ClusterRegistry;
  table: SetTable;
  refreshMs: number;
  /** How often status files are read while workers are coming. */
  fastRefreshMs: number;
}): SetRefresher {
  const { registry, table } = deps;
  const watches = new Map<string, { cluster: Cluster; unsubscribe(): void }>();
  const cancelSentAt = new Map<string, number>();
  let refreshing: Promise<void> | undefined;
  let again = false;
  let disposed = false;
  /** Since when each ramping set has been ramping. */
  const rampingSince = new Map<string, number>();
  const timer = setInterval(() => void refresh(), deps.refreshMs);
  timer.unref?.();
  const fastTimer = setInterval(() => {
    const now = Date.now();
    if ([...rampingSince.values()].some(since => now - since < RAMP_WINDOW_MS)) {
      void refresh();
    }
  }, deps.fastRefreshMs);
  fastTimer.unref?.();
  const nowIso = (): string => new Date().toISOString();

  function watch(name: string): void {
    const cluster = registry.get(name);
    const existing = watches.get(name);
    if (disposed || !cluster || existing?.cluster === cluster) {
      return;
    }
    existing?.unsubscribe(); // the cluster was reconfigured: its poller is new
    const sub = cluster.queue.subscribe({ diff: () => void refresh() });
    sub.snapshot.catch(() => undefined);
    watches.set(name, { cluster, unsubscribe: sub.unsubscribe });
  }

  function unwatchIdle(): void {
    for (const [name, w] of watches) {
      if (!table.all().some(s => s.record.cluster === name && isActive(s))) {
        w.unsubscribe();
        watches.delete(name);
      }
    }
  }

  /** The set's jobs in the snapshot, and tagged jobs it has no record of (a crash right after sbatch). */
  function viewsFor(s: StoredSet, cluster: Cluster, snap: QueueSnapshot) {
    const ids = new Set(s.jobs.map(j => j.id));
    const tag = SET_TAG + s.record.id;
    const views = new Map<string, JobView>();
    const found: SetJob[] = [];
    for (const [id, record] of snap.records) {
      // two fields read per job: a 100k-job queue is not split for a set's handful of jobs
      const tagged = recordField(record, F.comment) === tag && recordField(record, F.user) === cluster.user;
      if (!ids.has(id) && !tagged) {
        continue;
      }
      const row = recordFields(record);
      const view: JobView = {
        id,
        name: row[F.name],
        state: row[F.state],
        reason: row[F.reason],
        timeLimit: row[F.timeLimit],
        timeLeft: row[F.timeLeft],
        startTime: row[F.startTime]
      };
      views.set(id, view);
      if (!ids.has(id)) {
        const role = view.name.endsWith('-workers') || headOf(s) ? 'workers' : 'head';
        const workers = role === 'head' ? s.record.spec.workers : 0;
        found.push({ id, role, workers, state: view.state, submittedAt: nowIso() });
      }
    }
    return { views, found };
  }

  async function cancelLeftovers(s: StoredSet, cluster: Cluster, now = false): Promise<string | undefined> {
    const head = headOf(s);
    const ending = s.stopRequested || (head !== undefined && !isLive(head));
    const live = s.jobs.filter(isLive).map(j => j.id);
    const last = now ? 0 : (cancelSentAt.get(s.record.id) ?? 0);
    if (!ending || live.length === 0 || Date.now() - last < CANCEL_RETRY_MS) {
      return undefined;
    }
    cancelSentAt.set(s.record.id, Date.now());
    try {
      await cancelJobs(cluster, live);
      return undefined;
    } catch (e) {
      return `could not cancel ${live.join(', ')} yet (retrying): ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /**
   * What the card shows of a running set, from its connection file (no secret in it): Dask's
   * scheduler address and dashboard, a custom set's declared fields and web UIs.
   */
  async function withConnectionInfo(s: StoredSet, cluster: Cluster): Promise<StoredSet> {
    const kind = kindConfig(s.record.spec);
    try {
      const file = await readConnectionFile(cluster.runner, posix.join(s.record.setDir, kind.connectionFile));
      if (s.record.kind === 'dask') {
        const address = typeof file.address === 'string' ? file.address : undefined;
        return { ...s, record: { ...s.record, address, dashboard: daskDashboard(file) } };
      }
      const template = s.record.spec.template;
      if (s.record.kind === 'custom' && template) {
        return {
          ...s,
          record: { ...s.record, fields: customFields(template, file), webUIs: customWebUIs(template, file) }
        };
      }
    } catch {
      // not written yet (or half written): the next refresh reads it again
    }
    return s;
  }

  /** An ended set keeps the telling lines of its head job's log, and the one that says why. */
  async function withLog(s: StoredSet, cluster: Cluster): Promise<StoredSet> {
    const head = headOf(s);
    if (!head) {
      return s;
    }
    const lines = await readTail(cluster.runner, posix.join(s.record.setDir, `slurm-${head.id}.out`));
    const record = { ...s.record, logTail: tellingTail(lines) };
    if (record.reason === 'lost') {
      record.reason = reasonFromLog(lines) ?? 'lost';
    }
    if (record.reason === 'failed to start' || record.reason === 'failed') {
      record.message = whyLine(lines) ?? record.message;
    }
    return { ...s, record };
  }

  async function refreshSet(id: string, cluster: Cluster, snap: QueueSnapshot): Promise<void> {
    const s = table.get(id);
    if (!s || !isActive(s)) {
      return;
    }
    const { views, found } = viewsFor(s, cluster, snap);
    const base: StoredSet = found.length ? { ...s, jobs: [...s.jobs, ...found] } : s;
    const head = headOf(base);
    const headState = head ? views.get(head.id)?.state : undefined;
    const wanted =
      ['RUNNING', 'COMPLETING', 'SUSPENDED'].includes(headState ?? '') &&
      base.record.state !== 'ended' &&
      !base.stopRequested;
    const status = wanted ? await readMonitorStatus(cluster.runner, base.record.setDir) : undefined;
    let next = observe(base, { at: Date.parse(snap.updatedAt ?? '') || 0, jobs: views, status }, nowIso());
    const shown = next.record.kind === 'dask' ? next.record.address : next.record.webUIs;
    if (next.record.state === 'running' && next.record.kind !== 'ipyparallel' && !shown) {
      next = await withConnectionInfo(next, cluster);
    }
    if (base.record.state !== 'ended' && next.record.state === 'ended') {
      next = await withLog(next, cluster);
    }
    const problem = await cancelLeftovers(next, cluster);
    if (problem && next.record.state !== 'ended') {
      next.record.message = problem;
    } else if (problem) {
      console.error(`jupyterlab-hpc: set ${id}: ${problem}`); // an ended set keeps why it ended
    }
    table.commit(next);
    if (!ramping(next)) {
      rampingSince.delete(id);
    } else if (!rampingSince.has(id)) {
      rampingSince.set(id, Date.now());
    }
  }

  async function refreshCluster(name: string): Promise<void> {
    const cluster = registry.get(name);
    const ids = table
      .all()
      .filter(s => s.record.cluster === name && isActive(s))
      .map(s => s.record.id);
    if (!cluster || ids.length === 0) {
      return;
    }
    watch(name);
    let snap: QueueSnapshot;
    try {
      snap = await cluster.queue.snapshot();
    } catch {
      return;
    }
    if (snap.status !== 'ok') {
      return; // rows of a failing poll are stale: nothing vanished, nothing ended
    }
    await Promise.all(
      ids.map(id =>
        table
          .lock(id, () => refreshSet(id, cluster, snap))
          .catch(e => console.error(`jupyterlab-hpc: refreshing set ${id}: ${e instanceof Error ? e.message : e}`))
      )
    );
  }

  function refresh(): Promise<void> {
    if (disposed) {
      return Promise.resolve();
    }
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        const clusters = new Set(
          table
            .all()
            .filter(isActive)
            .map(s => s.record.cluster)
        );
        await Promise.all([...clusters].map(refreshCluster));
        unwatchIdle();
      } while (again && !disposed);
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  return {
    refresh,
    watch,
    cancelLeftovers,
    async dispose() {
      disposed = true;
      clearInterval(timer);
      clearInterval(fastTimer);
      for (const w of watches.values()) {
        w.unsubscribe();
      }
      watches.clear();
      await refreshing?.catch(() => undefined);
    }
  };
}
