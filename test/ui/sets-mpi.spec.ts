/**
 * The IPyParallel start form's "Engines as MPI ranks" (against the real stack): ticked, the set
 * the sidebar starts is an MPI one; a Dask form has no such box.
 */
import { randomBytes } from 'crypto';
import { expect, test } from '@playwright/test';

import { hpcApi, openHpcSidebar, openLab, removeSet } from './helpers';

const started: string[] = [];

test.afterAll(async () => {
  for (const id of started) {
    await removeSet(id);
  }
});

test('"Engines as MPI ranks" starts an MPI set', async ({ page }) => {
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-sets');
  await expect(section.locator('.jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  const dialog = page.locator('.jp-Dialog');
  const workers = dialog.locator('#jp-Hpc-dialogField-workers');
  const template = dialog.locator('#jp-Hpc-dialogField-template');
  const openForm = async (kind: string): Promise<void> => {
    await section.locator(`.jp-Hpc-setsStart button[data-kind="${kind}"]`).click();
    // a template chooser comes first when templates of the kind exist: none
    await expect(workers.or(template)).toBeVisible();
    if (await template.isVisible()) {
      await template.selectOption('');
      await dialog.locator('button.jp-mod-accept').click();
    }
    await expect(workers).toBeVisible();
  };

  await openForm('dask');
  await expect(dialog.locator('[data-field="mpi"]')).toHaveCount(0);
  await dialog.locator('button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);

  await openForm('ipyparallel');
  const name = `hpc-ui-mpi-${randomBytes(3).toString('hex')}`;
  await workers.fill('1');
  await dialog.locator('#jp-Hpc-dialogField-time').fill('5');
  await dialog.locator('#jp-Hpc-dialogField-name').fill(name);
  await dialog.getByLabel('Engines as MPI ranks').check();
  await dialog.locator('button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  const card = section.locator('.jp-Hpc-set').filter({ has: page.locator('.jp-Hpc-setName', { hasText: name }) });
  await expect(card).toHaveCount(1);
  const id = (await card.getAttribute('data-set-id')) ?? '';
  started.push(id);
  const { body: record } = await hpcApi(`sets/${id}`);
  expect(record).toMatchObject({ kind: 'ipyparallel', spec: { mpi: true, workers: 1 } });
});
