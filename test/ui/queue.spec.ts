/**
 * The Queue section against the real stack: JupyterLab, the companion and
 * its WebSocket, the local Slurm. A job submitted by the test shows up,
 * its output is followed, and it is cancelled from the UI.
 */
import { randomBytes } from 'crypto';
import { expect, Page, test } from '@playwright/test';

import { executeCommand, openJobsPanel, openLab, runCommand } from './helpers';

/**
 * The companion polls squeue every 5 s: a new job shows within one
 * interval, plus the time to render.
 */
const ONE_INTERVAL_MS = 10_000;

async function sbatch(tag: string): Promise<string> {
  const { code, stdout, stderr } = await runCommand('sbatch', [
    '--parsable',
    '-J',
    `hpc-ui-${tag}`,
    '--chdir=/tmp',
    '--wrap',
    `echo hello-from-${tag}; sleep 300`
  ]);
  if (code !== 0) {
    throw new Error(`sbatch failed (${code}): ${stderr}`);
  }
  return stdout.trim().split(';')[0];
}

/**
 * The job's state per squeue; '' once Slurm forgot it.
 */
async function squeueState(id: string): Promise<string> {
  const { stdout } = await runCommand('squeue', ['-h', '-j', id, '-o', '%T']);
  return stdout.trim();
}

/**
 * Show the queue of `local` and wait until its first snapshot is in.
 */
async function openQueue(page: Page) {
  await openLab(page);
  const queue = await openJobsPanel(page);
  // The cluster list comes from the clusters model; `broken` may hold its
  // reply for as long as Slurm takes to fail there.
  await expect(queue).toHaveAttribute('data-cluster', 'local', { timeout: 120_000 });
  await expect(queue).toHaveAttribute('data-status', 'ok');
  await expect(queue).toHaveAttribute('data-connection', 'open');
  return queue;
}

test('a submitted job shows, its output is followed, and it is cancelled from the UI', async ({ page }) => {
  const queue = await openQueue(page);
  const tag = randomBytes(4).toString('hex');
  const id = await sbatch(tag);
  try {
    // What the templates form does after a submission: show the job,
    // before the companion has even polled it.
    const selected = executeCommand(page, 'hpc:select-job', { cluster: 'local', id });

    const row = queue.locator(`.jp-Hpc-jobRow[data-job-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: ONE_INTERVAL_MS });
    await expect(row).toContainText(`hpc-ui-${tag}`);
    await expect(row.locator('[data-column="user"]')).not.toBeEmpty();
    expect(await selected).toBe(true);
    await expect(row).toHaveClass(/jp-mod-highlighted/);
    await expect(row).toHaveClass(/jp-mod-selected/);
    await expect(row).toHaveAttribute('aria-selected', 'true');
    // The highlight fades; the selection stays.
    await expect(row).not.toHaveClass(/jp-mod-highlighted/);
    await expect(row).toHaveClass(/jp-mod-selected/);

    // The job runs (the debug partition has an idle node) and prints.
    await expect(row).toHaveAttribute('data-state', 'RUNNING', { timeout: 30_000 });
    await page.locator('#jp-hpc-jobs [data-command="hpc:tail-job-output"]').click();
    const tail = page.locator(`.jp-Hpc-outputTail[data-job-id="${id}"][data-stream="stdout"]`);
    await expect(tail).toBeVisible();
    await expect(tail.locator('.jp-Hpc-outputTailText')).toContainText(`hello-from-${tag}`, { timeout: 30_000 });

    // Cancel: back to HPC Jobs (the tail is a tab of the main area too), select the row, the
    // Cancel button, confirm.
    await openJobsPanel(page);
    await row.click();
    await expect(row).toHaveClass(/jp-mod-selected/);
    await page.locator('#jp-hpc-jobs [data-command="hpc:cancel-jobs"]').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Cancel 1 job on local?');
    await expect(dialog.locator(`[data-job-id="${id}"]`)).toContainText(`hpc-ui-${tag}`);
    await dialog.locator('button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);

    await expect
      .poll(async () => ((await row.count()) === 0 ? 'gone' : await row.getAttribute('data-state')), {
        timeout: ONE_INTERVAL_MS
      })
      .toMatch(/^(gone|CANCELLED)$/);
    expect(['', 'CANCELLED']).toContain(await squeueState(id));

    // My job ended: one notification says so, as news, not a warning: I cancelled it (issue 14 point 5).
    const ended = page.locator('.Toastify__toast').filter({ hasText: `Job ${id} (hpc-ui-${tag}) on local` });
    await expect(ended).toContainText('cancelled by you', { timeout: 30_000 });
    await expect(ended).toHaveClass(/Toastify__toast--info/);
  } finally {
    await runCommand('scancel', [id]);
  }
});

test('Delete on a selected row asks before cancelling, and Back keeps the job', async ({ page }) => {
  const queue = await openQueue(page);
  const tag = randomBytes(4).toString('hex');
  const id = await sbatch(tag);
  try {
    const row = queue.locator(`.jp-Hpc-jobRow[data-job-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: ONE_INTERVAL_MS });
    await row.click();
    await expect(queue.locator('.jp-Hpc-jobTable')).toBeFocused();
    await page.keyboard.press('Delete');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Cancel 1 job on local?');
    await dialog.locator('button.jp-mod-reject').click();
    await expect(dialog).toHaveCount(0);
    expect(['PENDING', 'RUNNING', 'CONFIGURING']).toContain(await squeueState(id));
    await expect(row).toBeVisible();
  } finally {
    await runCommand('scancel', [id]);
  }
});

test("Slurm's refusal of an action shows in a notification", async ({ page }) => {
  await openQueue(page);
  // A job id Slurm does not know; commands take explicit jobs as args.
  const done = executeCommand(page, 'hpc:hold-jobs', { cluster: 'local', ids: ['999999999'] });
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Hold 1 job on local?');
  await dialog.locator('button.jp-mod-accept').click();
  await done;
  await expect(page.locator('.Toastify__toast').filter({ hasText: 'Could not hold jobs on local' })).toContainText(
    'Invalid job id specified'
  );
});
