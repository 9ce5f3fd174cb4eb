/**
 * The Queue section with the companion's socket played by the test
 * (`page.routeWebSocket`): 100,000 jobs, diffs, a failing Slurm, a dropped
 * connection, a job-ended event — exactly, and without waiting on Slurm.
 */
import { expect, Page, test, WebSocketRoute } from '@playwright/test';

import { fakeJobRow as row, fakeSnapshot, routeFakeClusters } from './fake-queue';
import { executeCommand, openJobsPanel, openLab } from './helpers';

const JOBS = 100_000;

interface IFakeCompanion {
  /** Every message the page sent, parsed, across connections. */
  received: Array<{ [key: string]: unknown }>;
  /** The current connection. */
  socket: () => WebSocketRoute;
  connections: () => number;
  send: (message: object) => void;
  /** While true, new connections are closed at once (a companion restarting). */
  refuse: (on: boolean) => void;
}

/**
 * Play the clusters API and the companion's socket: each `subscribe` to
 * `local` gets a snapshot of `JOBS` jobs.
 */
async function fakeCompanion(page: Page): Promise<IFakeCompanion> {
  await routeFakeClusters(page);
  // Built once: the same snapshot answers every subscription.
  const snapshot = fakeSnapshot(JOBS);
  const received: Array<{ [key: string]: unknown }> = [];
  let current: WebSocketRoute | null = null;
  let connections = 0;
  let refusing = false;
  await page.routeWebSocket(/\/hpc\/api\/ws/, ws => {
    if (refusing) {
      void ws.close({ code: 1013, reason: 'companion restarting' });
      return;
    }
    current = ws;
    connections++;
    ws.onMessage(data => {
      const message = JSON.parse(String(data));
      received.push(message);
      if (message.type === 'subscribe' && message.cluster === 'local') {
        ws.send(snapshot);
      }
    });
  });
  return {
    received,
    socket: () => {
      if (!current) {
        throw new Error('the page has not connected');
      }
      return current;
    },
    connections: () => connections,
    send: message => current?.send(JSON.stringify(message)),
    refuse: on => {
      refusing = on;
    }
  };
}

function diff(added: string[][], removed: string[] = [], state: object = { status: 'ok' }): object {
  return { type: 'diff', cluster: 'local', version: 2, added, changed: [], removed, ...state };
}

test('100,000 jobs: only visible rows render; sort, filter, keyboard, diffs, select', async ({ page }) => {
  const companion = await fakeCompanion(page);
  await openLab(page);
  const queue = await openJobsPanel(page);
  const rows = queue.locator('.jp-Hpc-jobRow');
  const count = queue.locator('.jp-Hpc-queueCount');

  await expect(queue).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  await expect(count).toHaveAttribute('data-total', String(JOBS));
  // Virtualized: the DOM holds the rows in view, not 100,000.
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(200);
  // Newest first.
  await expect(rows.first()).toHaveAttribute('data-job-id', String(JOBS));

  // The header shows the partitions' free nodes.
  const debug = queue.locator('.jp-Hpc-queuePartition[data-partition="debug"]');
  await expect(debug).toContainText('debug 3 idle · 1 alloc · 0 down');

  // Sort by name, ascending: code-unit order of "job-<n>".
  await queue.locator('.jp-Hpc-sortButton[data-column="name"]').click();
  const names = Array.from({ length: JOBS }, (_, i) => `job-${i + 1}`).sort();
  await expect(rows.first()).toHaveAttribute('data-job-id', names[0].slice(4));
  await expect(queue.locator('[role="columnheader"][aria-sort="ascending"]')).toContainText('Name');
  await queue.locator('.jp-Hpc-sortButton[data-column="id"]').click();
  await expect(rows.first()).toHaveAttribute('data-job-id', String(JOBS));

  // Keyboard: End goes to the last job (id 1), still few rows rendered.
  await rows.first().click();
  await page.keyboard.press('End');
  const last = queue.locator('.jp-Hpc-jobRow[data-job-id="1"]');
  await expect(last).toHaveClass(/jp-mod-selected/);
  await expect(last).toBeInViewport();
  expect(await rows.count()).toBeLessThan(200);
  await page.keyboard.press('ArrowUp');
  await expect(queue.locator('.jp-Hpc-jobRow[data-job-id="2"]')).toHaveClass(/jp-mod-selected/);
  await expect(last).not.toHaveClass(/jp-mod-selected/);
  await page.keyboard.press('Shift+ArrowUp');
  await expect(queue.locator('.jp-Hpc-jobRow.jp-mod-selected')).toHaveCount(2);
  await expect(queue.locator('.jp-Hpc-queueSelectedCount')).toHaveText('2 selected');
  // Ctrl+click adds a row; Space toggles the cursor's row.
  await queue.locator('.jp-Hpc-jobRow[data-job-id="5"]').click({ modifiers: ['ControlOrMeta'] });
  await expect(queue.locator('.jp-Hpc-jobRow.jp-mod-selected')).toHaveCount(3);
  await page.keyboard.press('Space');
  await expect(queue.locator('.jp-Hpc-jobRow.jp-mod-selected')).toHaveCount(2);

  // Filters: text (id, name, user, partition, reason), state, partition.
  const filter = queue.locator('.jp-Hpc-queueFilter');
  await filter.fill('job-4242');
  // job-4242 and job-42420 … job-42429
  await expect(count).toHaveAttribute('data-shown', '11');
  await expect(rows).toHaveCount(11);
  await filter.fill('');
  await queue.locator('.jp-Hpc-queueStateFilter').selectOption('RUNNING');
  await expect(count).toHaveAttribute('data-shown', String(JOBS / 4));
  await queue.locator('.jp-Hpc-queuePartition[data-partition="batch"]').click();
  await expect(queue.locator('.jp-Hpc-queuePartitionFilter')).toHaveValue('batch');
  // Running (n % 4 = 0) in batch (n % 3 = 0): n % 12 = 0.
  await expect(count).toHaveAttribute('data-shown', String(Math.floor(JOBS / 12)));
  await queue.locator('.jp-Hpc-queuePartitionFilter').selectOption('');
  await queue.locator('.jp-Hpc-queueStateFilter').selectOption('');
  await expect(count).toHaveAttribute('data-shown', String(JOBS));

  // A diff: one job leaves, a new one arrives on top.
  companion.send(diff([row(JOBS + 1)], [String(JOBS)]));
  await expect(rows.first()).toHaveAttribute('data-job-id', String(JOBS + 1));
  await expect(count).toHaveAttribute('data-total', String(JOBS));

  // Showing a job that arrives with a later diff, mid-table: the table
  // scrolls to it and highlights it.
  companion.send(diff([], ['50000']));
  await expect(count).toHaveAttribute('data-total', String(JOBS - 1));
  const shown = executeCommand(page, 'hpc:select-job', { cluster: 'local', id: '50000' });
  await page.waitForTimeout(500);
  companion.send(diff([row(50000, { id: '50000_[1-3]', arrayTaskId: '1-3' })]));
  expect(await shown).toBe(true);
  const array = queue.locator('.jp-Hpc-jobRow[data-job-id="50000_[1-3]"]');
  await expect(array).toBeInViewport();
  await expect(array).toHaveClass(/jp-mod-highlighted/);
  await expect(array).toHaveClass(/jp-mod-selected/);
  expect(await rows.count()).toBeLessThan(200);
});

test('Slurm errors, a dropped connection, All users, and job-ended notifications', async ({ page }) => {
  const companion = await fakeCompanion(page);
  await openLab(page);
  const queue = await openJobsPanel(page);
  await expect(queue).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  expect(companion.received).toContainEqual({ type: 'notifications', enabled: true });
  expect(companion.received).toContainEqual({ type: 'subscribe', cluster: 'local', all: false });

  // Slurm fails: the rows stay, with Slurm's message and their age.
  const error = 'squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation';
  companion.send(diff([], [], { status: 'error', error, updatedAt: '2026-11-22T10:00:00Z' }));
  await expect(queue).toHaveAttribute('data-status', 'error');
  await expect(queue.locator('.jp-Hpc-queueErrorMessage')).toHaveText(error);
  await expect(queue.locator('.jp-Hpc-queueError')).toContainText('Last updated');
  await expect(queue.locator('.jp-Hpc-jobRow').first()).toBeVisible();
  companion.send(diff([], [], { status: 'ok' }));
  await expect(queue).toHaveAttribute('data-status', 'ok');
  await expect(queue.locator('.jp-Hpc-queueError')).toHaveCount(0);

  // The companion restarts: the page says so while it is away (refused reconnects keep it away
  // however slowly a loaded machine renders), then reconnects and subscribes again.
  companion.refuse(true);
  await companion.socket().close({ code: 1011, reason: 'companion restarting' });
  await expect(queue).not.toHaveAttribute('data-connection', 'open');
  await expect(queue.locator('.jp-Hpc-queueDisconnected')).toBeVisible();
  companion.refuse(false);
  await expect(queue).toHaveAttribute('data-connection', 'open', { timeout: 45_000 });
  expect(companion.connections()).toBe(2);
  await expect(queue).toHaveAttribute('data-status', 'ok');

  // All users: subscribe again, for everyone's jobs.
  await queue.locator('.jp-Hpc-queueAllUsers input').check();
  await expect
    .poll(() => companion.received.filter(m => m.type === 'subscribe' && m.all === true))
    .toEqual([{ type: 'subscribe', cluster: 'local', all: true }]);
  await expect(queue).toHaveAttribute('data-all', 'true');

  companion.send({
    type: 'job-ended',
    cluster: 'local',
    events: [{ id: '7', name: 'job-7', user: 'alice', state: 'COMPLETED', exitCode: '0:0' }]
  });
  await expect(page.locator('.Toastify__toast')).toContainText('Job 7 (job-7) on local: COMPLETED, exit 0:0');
});
