/**
 * The notebook magics and the kernel comm against the real stack. The
 * `%%sbatch` test has a Lab of its own whose companion polls Slurm only
 * every 60 s, so that what shows sooner was pushed by the comm and the
 * companion's refresh after a submission, not by the poll.
 */
import { randomBytes } from 'crypto';
import { expect, test } from '@playwright/test';

import { IStartedLab, startLab } from './global-setup';
import { hpcApi, newNotebook, openHpcSidebar, openJobsPanel, openLab, removeSet, runCell, runCommand } from './helpers';

const POLL_INTERVAL_S = 60;

/**
 * Well below the poll interval, with room for a loaded two-core machine.
 */
const AT_ONCE_MS = 15_000;

let slowLab: IStartedLab | undefined;
const jobs: string[] = [];
const sets: string[] = [];

test.afterAll(async () => {
  for (const id of jobs) {
    await runCommand('scancel', [id]);
  }
  for (const id of sets) {
    await removeSet(id);
  }
  await slowLab?.stop();
});

test('a %%sbatch cell shows its job highlighted in the queue at once, and %squeue renders a table', async ({
  page
}) => {
  // Its own runtime and companion data dirs, so its own companion.
  slowLab = await startLab({ hpcConfig: { poll_interval: POLL_INTERVAL_S } });
  await openLab(page, slowLab);
  // the queue's socket is open and has its first snapshot (HPC Jobs shows the same model)
  const queue = await openJobsPanel(page);
  await expect(queue).toHaveAttribute('data-cluster', 'local', { timeout: 120_000 });
  await expect(queue).toHaveAttribute('data-connection', 'open');
  await expect(queue).toHaveAttribute('data-status', 'ok');
  await openHpcSidebar(page);
  const myJobs = page.locator('#jp-hpc-my-jobs .jp-Hpc-myJobs');
  await expect(myJobs).toBeVisible();

  const notebook = await newNotebook(page);
  await runCell(notebook, '%load_ext jupyterlab_hpc');
  const tag = randomBytes(3).toString('hex');
  const started = Date.now();
  const cell = await runCell(notebook, `%%sbatch --job-name=hpc-ui-magic-${tag} --chdir=/tmp\n#!/bin/bash\nsleep 120`);
  // "Submitted batch job N on local", then the id as the cell's value.
  const output = (await cell.locator('.jp-OutputArea').innerText()).trim();
  const id = /Submitted batch job (\d+)/.exec(output)?.[1] ?? '';
  expect(id, output).not.toBe('');
  jobs.push(id);

  // The kernel told the Lab; the sidebar's list of my jobs selects and flashes the job (HPC Jobs,
  // behind the notebook, selects it too), long before the companion's next poll.
  const item = myJobs.locator(`.jp-Hpc-myJob[data-cluster="local"][data-job-id="${id}"]`);
  await expect(item).toHaveClass(/jp-mod-highlighted/, { timeout: AT_ONCE_MS });
  expect(Date.now() - started).toBeLessThan(POLL_INTERVAL_S * 1000);
  await expect(item).toContainText(`hpc-ui-magic-${tag}`);
  await expect(item).toHaveClass(/jp-mod-selected/);

  // %squeue's JSON output is a table rendered by the extension.
  const table = await runCell(notebook, `%squeue --cluster local --jobs ${id}`);
  const rendered = table.locator('.jp-Hpc-jobsOutputTable');
  await expect(rendered).toBeVisible();
  await expect(rendered.locator('caption')).toContainText('1 job on local');
  const jobRow = rendered.locator(`tr[data-job-id="${id}"]`);
  await expect(jobRow.locator('[data-column="name"]')).toHaveText(`hpc-ui-magic-${tag}`);
  await expect(jobRow.locator('[data-column="state"]')).toHaveText(/PENDING|RUNNING/);
});

test('"Use in notebook" inserts a cell that connects to the set below the active cell; its notification connects the kernel', async ({
  page
}) => {
  const name = `hpc-ui-use-${randomBytes(3).toString('hex')}`;
  const { status, body } = await hpcApi('sets', {
    method: 'POST',
    data: { cluster: 'local', kind: 'dask', workers: 2, memory: '700M', time: '10', name }
  });
  expect(status, JSON.stringify(body)).toBe(201);
  const id = (body as { id: string }).id;
  sets.push(id);

  await openLab(page);
  const notebook = await newNotebook(page);
  // two cells: the first one active, so "below the active cell" is not "at the end"
  await runCell(notebook, 'first = 1');
  const cells = notebook.locator('.jp-Notebook .jp-Cell');
  await expect(cells).toHaveCount(2);
  await cells.nth(0).locator('.jp-InputPrompt').click();
  await expect(cells.nth(0)).toHaveClass(/jp-mod-active/);
  await openHpcSidebar(page);
  const card = page.locator(`#jp-hpc-sets .jp-Hpc-set[data-set-id="${id}"]`);
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  await expect(card).toHaveAttribute('data-workers-connected', '2', { timeout: 120_000 });

  // The code arrives as a cell for the user to read and run, not run behind their back.
  await card.locator('.jp-Hpc-setUse').click();
  await expect(cells).toHaveCount(3);
  const inserted = cells.nth(1);
  await expect(inserted).toHaveClass(/jp-mod-active/);
  await expect(inserted.locator('.cm-content')).toContainText('from distributed import Client');
  await expect(inserted.locator('.cm-content')).toContainText(`set ${id}`);
  await expect(cells.nth(2).locator('.cm-content')).toHaveText('');
  const connecting = await runCell(notebook, '');
  await expect(connecting.locator('.jp-OutputArea-output')).toContainText('Client');
  const again = await runCell(notebook, "print(len(client.scheduler_info()['workers']), client.status)");
  await expect(again.locator('.jp-OutputArea-output')).toHaveText('2 running');
  await runCell(notebook, 'del client');

  // The notification's second action defines the client in the kernel through the comm.
  await cells.nth(0).locator('.jp-InputPrompt').click();
  await card.locator('.jp-Hpc-setUse').click();
  await expect(cells.nth(1).locator('.cm-content')).toContainText('from distributed import Client');
  const toast = page.locator('.Toastify__toast').filter({ hasText: 'Run the new cell' }).last();
  await toast.getByRole('button', { name: 'Connect the kernel now' }).click();
  await expect(page.locator('.Toastify__toast').filter({ hasText: `set ${id}` })).toContainText('Defined client', {
    timeout: 120_000
  });
  await cells.last().locator('.cm-content').click();
  const viaComm = await runCell(notebook, "print(len(client.scheduler_info()['workers']))");
  await expect(viaComm.locator('.jp-OutputArea-output')).toHaveText('2');
});
