import type { Page } from 'playwright-core';
import { JOB_FIELD_NAMES } from '../../protocol/jobs';

/**
 * A made-up queue in the companion's wire format (rows of `FIELDS`, the
 * companion's own field list), for the UI tests and the benchmark that play
 * the companion's clusters API and WebSocket themselves.
 */
export const FIELDS: readonly string[] = JOB_FIELD_NAMES;

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];

/** Job `n` (1-based): every fourth runs; names are `job-<n>`. */
export function fakeJobRow(n: number, overrides: { [field: string]: string } = {}): string[] {
  const running = n % 4 === 0;
  const job: { [field: string]: string } = {
    id: String(n),
    jobId: String(n),
    arrayJobId: String(n),
    arrayTaskId: 'N/A',
    name: `job-${n}`,
    user: USERS[n % USERS.length],
    account: 'science',
    partition: n % 3 ? 'debug' : 'batch',
    state: running ? 'RUNNING' : 'PENDING',
    reason: running ? 'None' : 'Priority',
    elapsed: running ? `${n % 60}:0${n % 10}` : '0:00',
    timeLimit: '1:00:00',
    timeLeft: running ? '59:00' : '1:00:00',
    nodes: String(1 + (n % 8)),
    cpus: '1',
    nodeList: running ? 'vm' : '',
    submitTime: '2026-11-22T10:00:00',
    startTime: 'N/A',
    comment: '',
    ...overrides
  };
  // a field this made-up queue does not fill (one added to protocol/jobs.ts since) is empty, as Slurm's '(null)'
  return FIELDS.map(field => job[field] ?? '');
}

/** The clusters API's answer: `local` with a default `debug` and a `batch` partition. */
export const FAKE_CLUSTERS_REPLY = {
  clusters: [
    {
      name: 'local',
      transport: 'local',
      status: 'ok',
      partitions: [
        {
          name: 'debug',
          default: true,
          available: 'up',
          nodes: { total: 4, idle: 3, allocated: 0, mixed: 1, down: 0, other: 0 }
        },
        {
          name: 'batch',
          default: false,
          available: 'up',
          nodes: { total: 3, idle: 0, allocated: 2, mixed: 0, down: 1, other: 0 }
        }
      ]
    }
  ]
};

/** Plays the clusters API (and no user clusters) for `page`. */
export async function routeFakeClusters(page: Page): Promise<void> {
  await page.route(/\/hpc\/api\/clusters(\?|$)/, route =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(FAKE_CLUSTERS_REPLY) })
  );
  await page.route(/\/hpc\/api\/config\/user-clusters(\?|$)/, route =>
    route.fulfill({ status: 200, contentType: 'application/json', body: '{}' })
  );
}

/** A snapshot message of `local` with jobs 1..`jobs`, as the socket sends it. */
export function fakeSnapshot(jobs: number): string {
  const rows: string[][] = [];
  for (let n = 1; n <= jobs; n++) {
    rows.push(fakeJobRow(n));
  }
  return JSON.stringify({
    type: 'snapshot',
    cluster: 'local',
    status: 'ok',
    updatedAt: new Date().toISOString(),
    version: 1,
    fields: FIELDS,
    rows
  });
}
