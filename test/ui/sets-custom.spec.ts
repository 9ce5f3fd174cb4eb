/**
 * A custom set from the shipped centre template spark-standalone, through the sidebar against
 * the real stack (JupyterLab, the companion, the local Slurm, pyspark with Java 17,
 * jupyter-server-proxy): the template chooser, the card's connection values and its web UI in
 * Lab through the proxy, and "Use in notebook" inserting the snippet the template declares (its
 * SparkSession counting on the set's 2 executors is test/integration/sets-spark.test.ts: a JVM
 * in the notebook's kernel would add a minute here).
 */
import { randomBytes } from 'crypto';
import { expect, test } from '@playwright/test';

import { hpcApi, newNotebook, openHpcSidebar, openLab, removeSet } from './helpers';

const started: string[] = [];

test.afterAll(async () => {
  for (const id of started) {
    await removeSet(id);
  }
});

test('spark-standalone starts from the sidebar; its web UI opens in Lab; "Use in notebook" inserts its snippet', async ({
  page
}) => {
  test.setTimeout(300_000);
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-sets');
  await expect(section.locator('.jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  const notebook = await newNotebook(page);

  // the template first: custom templates only, no "none"
  await section.locator('.jp-Hpc-setsStart button[data-kind="custom"]').click();
  const dialog = page.locator('.jp-Dialog');
  const choice = dialog.locator('#jp-Hpc-dialogField-template');
  await expect(choice.locator('option', { hasText: 'Spark standalone' })).toHaveCount(1);
  await expect(choice.locator('option[value=""]')).toHaveCount(0);
  await choice.selectOption('centre/spark-standalone');
  await dialog.locator('button.jp-mod-accept').click();
  await expect(dialog.locator('[data-field="workers"]')).toBeVisible();
  const name = `hpc-ui-spark-${randomBytes(3).toString('hex')}`;
  await dialog.locator('#jp-Hpc-dialogField-workers').fill('2');
  await dialog.locator('#jp-Hpc-dialogField-time').fill('10');
  await dialog.locator('#jp-Hpc-dialogField-name').fill(name);
  await dialog.locator('button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  const card = section.locator('.jp-Hpc-set').filter({ has: page.locator('.jp-Hpc-setName', { hasText: name }) });
  await expect(card).toHaveCount(1);
  const id = (await card.getAttribute('data-set-id')) ?? '';
  started.push(id);
  await expect(card).toHaveAttribute('data-kind', 'custom');
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  await expect(card).toHaveAttribute('data-workers-connected', '2', { timeout: 120_000 });
  await expect(card.locator('.jp-Hpc-setStatus')).toHaveText('Running: 2 workers');

  // the connection values the template declares, never the secret
  const fields = card.locator('.jp-Hpc-setFields');
  await expect(fields.locator('dt')).toHaveText(['Master', 'Executor memory']);
  await expect(fields.locator('dd').first()).toHaveText(/^spark:\/\/[^/]+:\d+$/);
  await expect(card).not.toContainText('secret');

  // the master's web UI in Lab, through the Jupyter server's proxy
  const ui = card.locator('.jp-Hpc-setWebUI');
  await expect(ui).toHaveText('Spark master UI');
  await ui.click();
  const panel = page.locator(`.jp-Hpc-dashboard[data-set-id="${id}"]`);
  await expect(panel).toBeVisible();
  const src = (await panel.locator('iframe').getAttribute('src')) ?? '';
  expect(src).toMatch(/\/proxy\/[^/]+:\d+\/$/);
  const page200 = await page.evaluate(url => fetch(url).then(async r => [r.status, await r.text()] as const), src);
  expect(page200[0]).toBe(200);
  expect(page200[1]).toContain('Spark Master at spark://');
  const workersJson = await page.evaluate(url => fetch(`${url}json/`).then(r => r.json()), src);
  expect(workersJson.aliveworkers).toBe(2);

  // "Use in notebook": the template's snippet with this set's values, as the companion gives it
  const { body } = await hpcApi(`sets/${id}/connection`);
  const code = (body as { code: string }).code;
  expect(code).toContain('SparkSession.builder.master("spark://');
  // the web UI is in front: the most recent notebook gets the cell, and comes to the front
  await card.locator('.jp-Hpc-setUse').click();
  await expect(notebook).toBeVisible();
  const inserted = notebook.locator('.jp-Cell.jp-mod-active');
  await expect(inserted.locator('.cm-content')).toContainText('from pyspark.sql import SparkSession');
  const text = await inserted.locator('.cm-content').evaluate(node =>
    Array.from(node.querySelectorAll('.cm-line'))
      .map(line => line.textContent)
      .join('\n')
  );
  expect(text).toContain(code.split('\n').slice(-3).join('\n'));
  expect(text).toContain(code.split('\n')[3]);

  // Stop, confirmed: the set ends (cancelled)
  await card.locator('.jp-Hpc-setStop').click();
  await page.locator('.jp-Dialog button.jp-mod-warn').click();
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 90_000 });
  await expect(card).toHaveAttribute('data-reason', 'cancelled');
});
