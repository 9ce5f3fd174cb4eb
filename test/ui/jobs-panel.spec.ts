/**
 * "HPC Jobs" in the main area against the real stack, at 1400 px: every job field as a
 * column for a real job, the details pane (pending reason in words, Slurm's expected start,
 * the output tail), and a reload that brings the panel back with its filter.
 */
import { randomBytes } from 'crypto';
import { expect, Page, test } from '@playwright/test';

import { JOBS_PANEL_COLUMNS } from '../../src/jobs-panel/columns';
import { openHpcSidebar, openLab, runCommand, server } from './helpers';

test.use({ viewport: { width: 1400, height: 900 } });

async function sbatch(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCommand('sbatch', ['--parsable', '--chdir=/tmp', ...args]);
  if (code !== 0) {
    throw new Error(`sbatch failed (${code}): ${stderr}`);
  }
  return stdout.trim().split(';')[0];
}

/** Open the panel from the View menu, as a user would. */
async function openFromViewMenu(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^View$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^HPC Jobs$/ }).click();
}

test('the jobs panel shows every column, the details pane, and comes back after a reload', async ({ page }) => {
  const tag = randomBytes(4).toString('hex');
  // A job that waits for its begin time (a reason and an expected start, without filling the
  // shared cluster) and one that runs and prints.
  const waiting = await sbatch(['-J', `hpc-panel-wait-${tag}`, '--begin=now+1hour', '--wrap', 'true']);
  const running = await sbatch(['-J', `hpc-panel-run-${tag}`, '--wrap', `echo panel-says-${tag}; sleep 300`]);
  try {
    await openLab(page);
    await openFromViewMenu(page);
    const panel = page.locator('#jp-hpc-jobs');
    await expect(panel).toBeVisible();
    const queue = panel.locator('.jp-Hpc-queue');
    await expect(queue).toHaveAttribute('data-cluster', 'local', { timeout: 120_000 });
    await expect(queue).toHaveAttribute('data-status', 'ok');

    // Every field the companion has is a column, with a value in the running job's row.
    const headers = panel.locator('.jp-Hpc-jobHeader .jp-Hpc-sortButton');
    await expect(headers).toHaveCount(JOBS_PANEL_COLUMNS.length);
    const runRow = panel.locator(`.jp-Hpc-jobRow[data-job-id="${running}"]`);
    await expect(runRow).toHaveAttribute('data-state', 'RUNNING', { timeout: 60_000 });
    for (const column of JOBS_PANEL_COLUMNS) {
      await expect(panel.locator(`.jp-Hpc-sortButton[data-column="${column.key}"]`)).toContainText(column.label);
      await expect(runRow.locator(`[data-column="${column.key}"]`)).toHaveCount(1);
    }
    await expect(runRow.locator('[data-column="name"]')).toHaveText(`hpc-panel-run-${tag}`);
    await expect(runRow.locator('[data-column="jobId"]')).toHaveText(running);
    await expect(runRow.locator('[data-column="cpus"]')).not.toBeEmpty();
    await expect(runRow.locator('[data-column="submitTime"]')).not.toBeEmpty();

    // The running job's details: time left and its output, inline.
    await runRow.click();
    const details = panel.locator('.jp-Hpc-jobsPanelDetails');
    await expect(details).toHaveAttribute('data-job-id', running);
    await expect(details.locator('[data-fact="timeLeft"]')).not.toBeEmpty();
    await expect(details.locator('.jp-Hpc-jobsPanelTail[data-stream="stdout"] pre')).toContainText(
      `panel-says-${tag}`,
      { timeout: 60_000 }
    );
    await expect(details.locator('dd[data-field="JobState"]')).toHaveText('RUNNING');

    // The waiting job's details: why it waits in words, and when Slurm expects it to start.
    const waitRow = panel.locator(`.jp-Hpc-jobRow[data-job-id="${waiting}"]`);
    await waitRow.click();
    await expect(details).toHaveAttribute('data-job-id', waiting);
    await expect(details.locator('[data-fact="reason"]')).toHaveText('Its start time has not come yet.');
    await expect(details.locator('[data-fact="start"]')).toHaveText(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    // A filter and a dragged column survive a reload.
    await panel.locator('.jp-Hpc-queueFilter').fill(`hpc-panel-wait-${tag}`);
    await expect(panel.locator('.jp-Hpc-jobRow')).toHaveCount(1);
    const nameHeader = panel.locator('.jp-Hpc-jobHeaderCell', { has: page.locator('[data-column="name"]') });
    const box = await nameHeader.boundingBox();
    const handle = panel.locator('.jp-Hpc-columnResizer[data-column="name"]');
    const handleBox = await handle.boundingBox();
    if (!box || !handleBox) {
      throw new Error('the name column is not laid out');
    }
    await page.mouse.move(handleBox.x + handleBox.width / 2, handleBox.y + handleBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(handleBox.x + 120, handleBox.y + handleBox.height / 2, { steps: 5 });
    await page.mouse.up();
    const widened = (await nameHeader.boundingBox())?.width ?? 0;
    expect(widened).toBeGreaterThan(box.width + 60);
    // The workspace is saved shortly after a change.
    await page.waitForTimeout(3000);

    const { url, token } = server();
    await page.goto(`${url}lab?token=${token}`);
    const restored = page.locator('#jp-hpc-jobs');
    await expect(restored).toBeVisible({ timeout: 120_000 });
    await expect(restored.locator('.jp-Hpc-queueFilter')).toHaveValue(`hpc-panel-wait-${tag}`);
    await expect(restored.locator('.jp-Hpc-jobRow')).toHaveCount(1, { timeout: 60_000 });
    await expect(restored.locator(`.jp-Hpc-jobRow[data-job-id="${waiting}"]`)).toBeVisible();
    const restoredHeader = restored.locator('.jp-Hpc-jobHeaderCell', { has: page.locator('[data-column="name"]') });
    expect(Math.abs(((await restoredHeader.boundingBox())?.width ?? 0) - widened)).toBeLessThan(2);
  } finally {
    await runCommand('scancel', [waiting, running]);
  }
});

test("the toolbar's Hold and Release follow the selected job's new state", async ({ page }) => {
  const tag = randomBytes(4).toString('hex');
  const id = await sbatch(['-J', `hpc-panel-hold-${tag}`, '--begin=now+1hour', '--wrap', 'true']);
  try {
    await openLab(page);
    await page.evaluate(() =>
      (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }).jupyterapp.commands
        .execute('hpc:open-jobs-panel')
        .then(() => null)
    );
    const panel = page.locator('#jp-hpc-jobs');
    const row = panel.locator(`.jp-Hpc-jobRow[data-job-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: 120_000 });
    await row.click();
    const hold = panel.locator('.jp-Toolbar [data-command="hpc:hold-jobs"]');
    const release = panel.locator('.jp-Toolbar [data-command="hpc:release-jobs"]');
    // Lab's toolbar buttons are custom elements: their state is in aria-disabled.
    await expect(hold).toHaveAttribute('aria-disabled', 'false');
    await expect(release).toHaveAttribute('aria-disabled', 'true');

    await hold.click();
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    // The next poll brings the held job: the buttons follow without selecting it again.
    await expect(row.locator('[data-column="reason"]')).toHaveText(/^JobHeld(User|Admin)$/, { timeout: 30_000 });
    await expect(release).toHaveAttribute('aria-disabled', 'false');
    await expect(hold).toHaveAttribute('aria-disabled', 'true');
    await expect(row).toHaveAttribute('aria-selected', 'true');
  } finally {
    await runCommand('scancel', [id]);
  }
});

test('the sidebar lists my active jobs compactly and links each cluster; a click opens HPC Jobs with that job selected', async ({
  page
}) => {
  const tag = randomBytes(4).toString('hex');
  const held = await sbatch(['-J', `hpc-compact-${tag}`, '--hold', '--time=7', '--wrap', 'true']);
  try {
    await openLab(page);
    await openHpcSidebar(page);
    const item = page.locator(`#jp-hpc-my-jobs .jp-Hpc-myJob[data-cluster="local"][data-job-id="${held}"]`);
    await expect(item).toBeVisible({ timeout: 120_000 });
    // id, name, state, time left: one line
    await expect(item.locator('.jp-Hpc-myJobId')).toHaveText(held);
    await expect(item.locator('.jp-Hpc-myJobName')).toHaveText(`hpc-compact-${tag}`);
    await expect(item.locator('.jp-Hpc-myJobState')).toHaveText('PENDING');
    await expect(item.locator('.jp-Hpc-myJobLeft')).toHaveText('7:00');

    // the cluster's link opens its queue in the main area too
    const broken = page.locator('.jp-Hpc-cluster[data-cluster="broken"] .jp-Hpc-clusterJobs');
    await expect(broken).toBeVisible({ timeout: 150_000 });
    await broken.click();
    await expect(page.locator('#jp-hpc-jobs .jp-Hpc-queue')).toHaveAttribute('data-cluster', 'broken');
    await page
      .locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: 'HPC Jobs' })
      .locator('.lm-TabBar-tabCloseIcon')
      .click();
    await expect(page.locator('#jp-hpc-jobs')).toHaveCount(0);

    await item.click();
    const panel = page.locator('#jp-hpc-jobs');
    await expect(panel).toBeVisible();
    await expect(panel.locator(`.jp-Hpc-jobRow[data-job-id="${held}"]`)).toHaveAttribute('aria-selected', 'true');
    await expect(panel.locator('.jp-Hpc-jobsPanelDetails')).toHaveAttribute('data-job-id', held);

    // an ended job leaves the list
    await runCommand('scancel', [held]);
    await expect(item).toHaveCount(0, { timeout: 60_000 });
  } finally {
    await runCommand('scancel', [held]);
  }
});
