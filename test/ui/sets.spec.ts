/**
 * The "Parallel clusters" section against the real stack: JupyterLab, the
 * companion, the local Slurm, real Dask (distributed + bokeh) and
 * jupyter-server-proxy. Every set a test starts is stopped and forgotten.
 */
import { randomBytes } from 'crypto';
import { expect, Locator, Page, test } from '@playwright/test';

import { openHpcSidebar, openLab, removeSet, runCommand } from './helpers';

/**
 * Sets to remove after the tests, whatever happens.
 */
const started: string[] = [];

test.afterAll(async () => {
  for (const id of started) {
    await removeSet(id);
  }
});

/**
 * The section, once its sets have loaded.
 */
async function openSets(page: Page): Promise<Locator> {
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-sets');
  await expect(section.locator('.jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  return section;
}

/**
 * Open the start form of a kind and fill it in.
 */
async function fillStartForm(page: Page, section: Locator, kind: string, values: { [field: string]: string }) {
  await section.locator(`.jp-Hpc-setsStart button[data-kind="${kind}"]`).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('[data-field="workers"]')).toBeVisible();
  for (const [field, value] of Object.entries(values)) {
    await dialog.locator(`#jp-Hpc-dialogField-${field}`).fill(value);
  }
  return dialog;
}

test('the start form shows the server’s objection at its field', async ({ page }) => {
  const section = await openSets(page);
  const before = await section.locator('.jp-Hpc-set').count();
  const dialog = await fillStartForm(page, section, 'dask', { workers: '2', time: 'soon' });
  await dialog.locator('button.jp-mod-accept').click();

  // The same dialog comes back, the time field marked, the rest kept.
  const time = dialog.locator('#jp-Hpc-dialogField-time');
  await expect(time).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.locator('[data-field="time"] .jp-Hpc-fieldProblems')).toContainText('HH:MM:SS');
  await expect(time).toHaveValue('soon');
  await expect(dialog.locator('#jp-Hpc-dialogField-workers')).toHaveValue('2');
  await expect(dialog.locator('#jp-Hpc-dialogField-workers')).not.toHaveAttribute('aria-invalid', 'true');

  await dialog.locator('button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  await expect(section.locator('.jp-Hpc-set')).toHaveCount(before);
});

test('a Dask cluster starts from the sidebar, shows its dashboard in Lab, and stops', async ({ page }) => {
  const section = await openSets(page);
  const name = `hpc-ui-dask-${randomBytes(3).toString('hex')}`;
  const dialog = await fillStartForm(page, section, 'dask', {
    nodes: '1',
    workers: '2',
    memory: '700M',
    time: '10',
    name
  });
  await dialog.locator('button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  const card = section.locator('.jp-Hpc-set').filter({ has: page.locator('.jp-Hpc-setName', { hasText: name }) });
  await expect(card).toHaveCount(1);
  const id = (await card.getAttribute('data-set-id')) ?? '';
  started.push(id);
  // Just started: highlighted, and its first state is shown at once.
  await expect(card).toHaveClass(/jp-mod-highlighted/);
  await expect(card).toHaveAttribute('data-state', /^(pending|starting|running)$/);

  // Live over the socket: running, both workers connected.
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  await expect(card).toHaveAttribute('data-workers-connected', '2', { timeout: 120_000 });
  await expect(card.locator('.jp-Hpc-setStatus')).toHaveText('Running: 2 workers');
  await expect(card.locator('.jp-Hpc-setLeft')).toContainText('left');
  // The card says what the set is: kind, workers, cluster, when it started.
  await expect(card.locator('.jp-Hpc-setSummary')).toHaveText(/^Dask · 2 workers · local · started \d\d:\d\d$/);

  // The dashboard opens in the main area, through the Jupyter server.
  await card.locator('.jp-Hpc-setDashboard').click();
  const panel = page.locator(`.jp-Hpc-dashboard[data-set-id="${id}"]`);
  await expect(panel).toBeVisible();
  const src = (await panel.locator('iframe').getAttribute('src')) ?? '';
  expect(src).toMatch(/\/proxy\/[^/]+:\d+\/status$/);
  const status = await page.evaluate(url => fetch(url).then(reply => reply.status), src);
  expect(status).toBe(200);
  // The set's secret is a cookie of the proxied dashboard's path only; a tab of its own sends it too.
  expect(await page.evaluate(() => document.cookie)).not.toContain(`hpc-dash-${id}`);
  const tab = await page.context().newPage();
  expect((await tab.goto(new URL(src, page.url()).href))?.status()).toBe(200);
  await tab.close();
  const frame = page.frameLocator(`.jp-Hpc-dashboard[data-set-id="${id}"] iframe`);
  await expect.poll(() => frame.locator('title').textContent()).toMatch(/Dask/);
  // Bokeh rendered its plots: the dashboard's scripts ran inside Lab.
  await expect(frame.locator('.bk-Figure, .bk-Canvas, .bk-root, [data-root-id]').first()).toBeAttached({
    timeout: 60_000
  });

  // Scaled, the card names the workers asked for.
  await card.locator('.jp-Hpc-setScale input').fill('1');
  await card.locator('.jp-Hpc-setScale button').click();
  await expect(card.locator('.jp-Hpc-setSummary')).toHaveText(/^Dask · 1 worker · local · started \d\d:\d\d$/, {
    timeout: 60_000
  });

  // Stop, after a confirmation: the card says why it ended; no job is left.
  const jobs = ((await card.getAttribute('data-jobs')) ?? '').split(' ').filter(Boolean);
  expect(jobs.length).toBeGreaterThan(0);
  await card.locator('.jp-Hpc-setStop').click();
  const confirm = page.locator('.jp-Dialog');
  await expect(confirm).toContainText(`Stop ${name}?`);
  await confirm.locator('button.jp-mod-accept').click();
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  await expect(card).toHaveAttribute('data-reason', 'cancelled');
  await expect(card.locator('.jp-Hpc-setStatus')).toHaveText('Ended: cancelled');
  // Its dashboard, still open, says the set ended rather than showing a frozen cluster.
  await expect(panel).toHaveAttribute('data-ended', 'true');
  await expect(panel.locator('.jp-Hpc-dashboardEnded')).toHaveText(
    `${name} ended (cancelled): this dashboard no longer updates.`
  );
  await expect
    .poll(
      async () => {
        const { stdout } = await runCommand('squeue', ['-h', '-o', '%i']);
        return stdout.split('\n').filter(line => jobs.includes(line.trim()));
      },
      { timeout: 30_000 }
    )
    .toEqual([]);

  // Forget removes the ended set from the list.
  await card.locator('.jp-Hpc-setForget').click();
  await expect(card).toHaveCount(0);
  started.splice(started.indexOf(id), 1);
});
