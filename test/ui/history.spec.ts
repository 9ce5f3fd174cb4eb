/**
 * "Job History" against the real stack: a template job submitted through the companion ends on
 * the local Slurm (which keeps accounting), the history lists it with its exit code and
 * efficiency, and "Run again" opens the template's form with the values it used: submitting it
 * gives a new job in the queue. A cluster without accounting (the fixture's controller-only
 * `scale`) shows the one-line notice, and its queue works as before.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, Page, test } from '@playwright/test';

import { NO_ACCOUNTING_MESSAGE } from '../../protocol/history';
import { IStartedLab, startLab } from './global-setup';
import { hpcApi, openHpcSidebar, openJobsPanel, openLab, runCommand, server } from './helpers';

test.use({ viewport: { width: 1400, height: 900 } });

/** Jobs to cancel after the tests, whatever happens (finished ones are a no-op). */
const submitted: string[] = [];

test.afterAll(async () => {
  for (const id of submitted) {
    await runCommand('scancel', [id]);
  }
});

/** Open the history from the View menu, as a user would. */
async function openHistoryFromViewMenu(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^View$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Job History$/ }).click();
}

/** Bring the history's tab forward (another panel opened over it). */
async function showHistoryTab(page: Page): Promise<void> {
  await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'Job History' }).click();
}

test('a finished template job in the history: Run again opens its form with its values, and submits a new job', async ({
  page
}) => {
  const tag = randomBytes(4).toString('hex');
  const bins = String(100 + (parseInt(tag.slice(0, 4), 16) % 900));
  // analysis.py holds a little memory for a few seconds (so Slurm samples it) and ends well
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hpc-ui-history-'));
  fs.chmodSync(work, 0o755);
  fs.writeFileSync(
    path.join(work, 'analysis.py'),
    `import sys, time\nblock = bytearray(20 * 1024 * 1024)\nprint("analysis ${tag}", sys.argv[1:], flush=True)\ntime.sleep(4)\n`
  );
  const values = { bins, cores: '2', memory: '2G', time: '00:05:00', workdir: work, input: `in-${tag}.h5` };
  const first = await hpcApi('templates/submit', {
    method: 'POST',
    data: { source: 'centre', id: 'thalamus-analysis', cluster: 'local', params: values }
  });
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const firstId = (first.body as { jobId: string }).jobId.split(';')[0];
  submitted.push(firstId);
  await expect
    .poll(async () => (await runCommand('sacct', ['-n', '-X', '-P', '-j', firstId, '-o', 'State'])).stdout.trim(), {
      timeout: 120_000
    })
    .toBe('COMPLETED');

  await openLab(page);
  await openHistoryFromViewMenu(page);
  const history = page.locator('#jp-hpc-history');
  await expect(history.locator('.jp-Hpc-jobsPanelBody')).toHaveAttribute('data-cluster', 'local', {
    timeout: 150_000
  });
  const row = history.locator(`.jp-Hpc-jobRow[data-job-id="${firstId}"]`);
  await expect(async () => {
    await history.locator('[data-action="refresh"]').click();
    await expect(row).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(row.locator('[data-column="state"]')).toHaveText('COMPLETED');
  await expect(row.locator('[data-column="exit"]')).toHaveText('0:0');
  await expect(row.locator('[data-column="name"]')).toHaveText('thalamus-analysis');

  // the details: how it ended, what it asked for and used, the output file
  await row.click();
  const details = history.locator('.jp-Hpc-historyDetails');
  await expect(details).toHaveAttribute('data-job-id', firstId);
  await expect(details.locator('[data-fact="exitCode"]')).toHaveText('0');
  await expect(details.locator('[data-fact="cpus"]')).toHaveText('2 / 2');
  await expect(details.locator('[data-fact="memory"]')).toContainText('2 GB /');
  await expect(details.locator('.jp-Hpc-efficiency[data-resource="cpu"]')).toBeVisible();
  await expect(details.locator('.jp-Hpc-efficiency[data-resource="memory"]')).toBeVisible();
  await expect(details.locator('.jp-Hpc-historyPath')).toHaveText(path.join(work, `thalamus-${firstId}.out`));

  // Run again: the template's form, in the sidebar, with the values the job used
  await details.locator('[data-action="run-again"]').click();
  const form = page.locator('#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="thalamus-analysis"]');
  await expect(form).toBeVisible();
  const param = (name: string) => form.locator(`[data-param="${name}"]`).locator('input, select, textarea');
  await expect(param('bins')).toHaveValue(bins);
  await expect(param('workdir')).toHaveValue(work);
  await expect(param('input')).toHaveValue(`in-${tag}.h5`);
  await expect(param('memory')).toHaveValue('2G');
  await expect(form.locator('[data-field="cluster"] select')).toHaveValue('local');
  // it used a few MB of the 2 GB and a sliver of the 2 CPUs it asked for: the details say so in
  // words, and the form suggests the sizes beside their fields
  await expect(details.locator('.jp-Hpc-historyHint')).toContainText(
    /asked 2 GB, peaked at \d+ MB: ask for \d+ MB next time/
  );
  await expect(details.locator('.jp-Hpc-efficiency[data-resource="memory"]')).toHaveClass(/jp-mod-low/);
  await expect(form.locator('[data-param="memory"] .jp-Hpc-fieldSuggestion')).toHaveAttribute('data-suggested', '1G');
  await expect(form.locator('[data-param="cores"] .jp-Hpc-fieldSuggestion')).toHaveAttribute('data-suggested', '1');
  await form.locator('[data-param="memory"] .jp-Hpc-useSuggestion').click();
  await expect(param('memory')).toHaveValue('1G');
  await expect(param('bins')).toHaveValue(bins);
  await expect(form.locator('.jp-Hpc-preview')).toHaveAttribute('data-state', 'ok');
  await expect(form.locator('.jp-Hpc-previewScript')).toContainText(`--bins ${bins}\n`);
  await expect(form.locator('.jp-Hpc-previewScript')).toContainText('#SBATCH --mem=1G\n');

  const submit = form.locator('.jp-Hpc-submitRow button');
  await expect(submit).toBeEnabled();
  await submit.click();
  const toast = page.locator('.Toastify__toast').filter({ hasText: /Job \d+ submitted to local/ });
  await expect(toast).toBeVisible();
  const againId = /Job (\d+)/.exec(await toast.innerText())?.[1] ?? '';
  submitted.push(againId);
  expect(againId).not.toBe('');
  expect(againId).not.toBe(firstId);
  // the submitted job is selected in the sidebar's list of my jobs
  await openHpcSidebar(page);
  await expect(
    page.locator(`#jp-hpc-my-jobs .jp-Hpc-myJob[data-cluster="local"][data-job-id="${againId}"]`)
  ).toBeVisible({ timeout: 60_000 });
  const script = (await runCommand('scontrol', ['write', 'batch_script', againId, '-'])).stdout;
  expect(script).toContain(`--input in-${tag}.h5 --bins ${bins}\n`);
  expect(script).toContain('#SBATCH --mem=1G\n');
  expect(script).toContain('#SBATCH --cpus-per-task=2\n');
});

test('Run again of a script job opens the submit dialog with its script', async ({ page }) => {
  const tag = randomBytes(4).toString('hex');
  const script = `#!/bin/bash\n#SBATCH --job-name=hist-script-${tag}\necho script-${tag}\n`;
  const first = await hpcApi('clusters/local/submit', { method: 'POST', data: { script, args: ['--chdir=/tmp'] } });
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const firstId = (first.body as { jobId: string }).jobId.split(';')[0];
  submitted.push(firstId);
  await expect
    .poll(async () => (await runCommand('sacct', ['-n', '-X', '-P', '-j', firstId, '-o', 'State'])).stdout.trim(), {
      timeout: 120_000
    })
    .toBe('COMPLETED');

  await openLab(page);
  // from the command palette
  const palette = page.locator('#command-palette');
  await expect(async () => {
    await page.locator('.jp-Launcher-body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+C');
    await expect(palette).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await palette.locator('input').fill('Job History');
  await expect(palette.locator('.lm-CommandPalette-item', { hasText: 'Job History' }).first()).toBeVisible();
  await page.keyboard.press('Enter');
  const history = page.locator('#jp-hpc-history');
  await history.locator('[data-filter="name"]').fill(`hist-script-${tag}`);
  const row = history.locator(`.jp-Hpc-jobRow[data-job-id="${firstId}"]`);
  await expect(async () => {
    await history.locator('[data-action="refresh"]').click();
    await expect(row).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 150_000 });
  await expect(history.locator('.jp-Hpc-jobRow')).toHaveCount(1);
  await row.click();
  // its output, opened from the details
  await history.locator('.jp-Hpc-historyDetails [data-action="open-output"]').click();
  const tail = page.locator(`.jp-Hpc-outputTail[data-job-id="${firstId}"][data-stream="stdout"]`);
  await expect(tail.locator('.jp-Hpc-outputTailText')).toContainText(`script-${tag}`, { timeout: 30_000 });

  // the history comes back after a reload with its filters (the workspace is saved shortly after)
  await showHistoryTab(page);
  await history.locator('[data-filter="state"]').selectOption('COMPLETED');
  await expect(history.locator('.jp-Hpc-jobsPanelBody')).toHaveAttribute('data-status', 'ok');
  await page.waitForTimeout(3000);
  const { url, token } = server();
  await page.goto(`${url}lab?token=${token}`);
  await expect(history).toBeVisible({ timeout: 120_000 });
  await showHistoryTab(page);
  await expect(history.locator('[data-filter="name"]')).toHaveValue(`hist-script-${tag}`);
  await expect(history.locator('[data-filter="state"]')).toHaveValue('COMPLETED');
  await expect(row).toBeVisible({ timeout: 150_000 });
  await expect(history.locator('.jp-Hpc-jobRow')).toHaveCount(1);

  await row.click();
  await history.locator('.jp-Hpc-historyDetails [data-action="run-again"]').click();

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Submit to cluster');
  // sacct --batch-script prints the stored script with a newline of its own after it
  const trailing = (text: string) => text.replace(/\n+$/, '\n');
  await expect.poll(async () => trailing(await dialog.locator('textarea').inputValue())).toBe(script);
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  const toast = page.locator('.Toastify__toast').filter({ hasText: /Job \d+ submitted to local/ });
  await expect(toast).toBeVisible();
  const againId = /Job (\d+)/.exec(await toast.innerText())?.[1] ?? '';
  submitted.push(againId);
  expect(againId).not.toBe(firstId);
  expect(trailing((await runCommand('scontrol', ['write', 'batch_script', againId, '-'])).stdout)).toBe(script);
});

test.describe('a cluster without accounting', () => {
  let lab: IStartedLab | undefined;
  test.beforeAll(async () => {
    const scale = process.env.HPC_SLURM_CONF_SCALE;
    if (!scale) {
      throw new Error('HPC_SLURM_CONF_SCALE unset: source the fixture environment');
    }
    lab = await startLab({
      hpcConfig: { clusters: [{ name: 'scale', transport: 'local', env: { SLURM_CONF: scale } }] }
    });
  });
  test.afterAll(async () => {
    await lab?.stop();
  });

  test('the history says so in one line; the queue works as before', async ({ page }) => {
    if (!lab) {
      throw new Error('no Lab');
    }
    await openLab(page, lab);
    const queue = await openJobsPanel(page);
    await expect(queue).toHaveAttribute('data-status', 'ok', { timeout: 120_000 });
    // from the HPC Jobs panel's toolbar
    await page.locator('#jp-hpc-jobs .jp-Toolbar [data-command="hpc:open-history"]').click();
    const history = page.locator('#jp-hpc-history');
    const notice = history.locator('.jp-Hpc-historyNotice');
    await expect(notice).toHaveText(NO_ACCOUNTING_MESSAGE, { timeout: 60_000 });
    await expect(notice).toHaveCount(1);
    await expect(history.locator('.jp-Hpc-jobTable, .jp-Hpc-historyDetails')).toHaveCount(0);
    // the queue is untouched
    await expect(queue).toHaveAttribute('data-status', 'ok');
  });
});
