import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster, ClusterRegistry } from '../../server/src/clusters';
import type { QueueSnapshot } from '../../server/src/poller';
import { JOB_FIELD_NAMES } from '../../protocol/jobs';
import { FIELD_SEP, RECORD_SEP } from '../../protocol/records';
import { createSetRefresher } from '../../server/src/sets/refresher';
import { createSetTable } from '../../server/src/sets/table';
import { MonitorStatus, StoredSet } from '../../server/src/sets/types';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** One cluster whose squeue shows the head job 10 running, and whose status.json is `status`. */
function fakeCluster(status: { current: MonitorStatus }, reads: { n: number }): Cluster {
  const record = JOB_FIELD_NAMES.map(
    f => ({ id: '10', name: 'hpc-dask-abc123', user: 'u', state: 'RUNNING' })[f as string] ?? ''
  ).join(FIELD_SEP);
  const snap: QueueSnapshot = {
    status: 'ok',
    version: 1,
    updatedAt: new Date().toISOString(),
    fields: JOB_FIELD_NAMES,
    records: new Map([['10', record]]),
    text: `${record}${RECORD_SEP}\n`
  };
  return {
    user: 'u',
    queue: {
      subscribe: () => ({ snapshot: Promise.resolve(snap), unsubscribe: () => undefined }),
      snapshot: async () => snap,
      refresh: async () => undefined
    },
    runner: {
      readFile: async (path: string) => {
        if (path.endsWith('status.json')) {
          reads.n++;
        }
        const data = path.endsWith('status.json') ? JSON.stringify(status.current) : '{}';
        return { data, offset: 0, nextOffset: data.length, size: data.length };
      }
    }
  } as unknown as Cluster;
}

describe('set refresher', () => {
  it('reads status.json at the fast pace while workers come, at the slow one after', async () => {
    const table = createSetTable(mkdtempSync(join(tmpdir(), 'hpc-refresher-')));
    const set: StoredSet = {
      version: 1,
      jobs: [{ id: '10', role: 'head', workers: 1, state: 'RUNNING', submittedAt: new Date().toISOString() }],
      record: {
        id: 'abc123',
        cluster: 'c',
        kind: 'dask',
        name: 'x',
        state: 'starting',
        jobs: [],
        workers: { requested: 1, connected: 0 },
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        setDir: '/d/abc123',
        spec: { cluster: 'c', kind: 'dask', name: 'x', workers: 1, python: 'python3', setup: [] }
      }
    };
    table.commit(set);
    const status = { current: { v: 1, job: '10', head: 'ok', workers: [] } as MonitorStatus };
    const reads = { n: 0 };
    const cluster = fakeCluster(status, reads);
    const registry = { get: () => cluster } as unknown as ClusterRegistry;
    const refresher = createSetRefresher({ registry, table, refreshMs: 60_000, fastRefreshMs: 20 });
    try {
      await refresher.refresh();
      expect(table.get('abc123')?.record).toMatchObject({ state: 'running', workers: { connected: 0 } });
      await sleep(300);
      expect(reads.n).toBeGreaterThanOrEqual(5); // running with 0 of 1 workers: fast

      status.current = { ...status.current, workers: [{ name: '10-0', job: '10' }] };
      await sleep(100);
      expect(table.get('abc123')?.record.workers.connected).toBe(1);
      const settled = reads.n;
      await sleep(200);
      expect(reads.n).toBeLessThanOrEqual(settled + 1); // all workers there: the slow timer only
    } finally {
      await refresher.dispose();
    }
  });
});
