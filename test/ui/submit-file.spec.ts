/**
 * "Submit to cluster…" on batch scripts against the real stack: the file browser's and the
 * editor's command, the dialog's cluster, options and "Runs in" folder, and the job as the local
 * Slurm sees it. Every job a test submits is cancelled at the end.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { APIRequestContext, expect, Page, test } from '@playwright/test';

import { openHpcSidebar, openLab, runCommand, server, toastJobId } from './helpers';

/** Job ids to cancel after the tests, whatever happens. */
const submitted: string[] = [];

test.afterAll(async () => {
  for (const id of submitted) {
    await runCommand('scancel', [id]);
  }
});

/**
 * Create a file in the server's root directory.
 */
async function createFile(request: APIRequestContext, name: string, content: string): Promise<void> {
  const { url, token } = server();
  const created = await request.put(`${url}api/contents/${name}`, {
    headers: { Authorization: `token ${token}` },
    data: { type: 'file', format: 'text', content }
  });
  expect(created.ok(), await created.text()).toBe(true);
}

/**
 * Open JupyterLab once the clusters model has its clusters: the submit
 * dialog offers those.
 */
async function openLabWithClusters(page: Page): Promise<void> {
  await openLab(page);
  await openHpcSidebar(page);
  await expect(page.locator('.jp-Hpc-cluster[data-cluster="local"]')).toBeVisible({ timeout: 150_000 });
}

/**
 * The success toast of "Submit to cluster…" for a file.
 */
function fileSubmitted(name: string): RegExp {
  return new RegExp(`Job \\d+ submitted to local \\(${name.replace(/\./g, '\\.')}\\)`);
}

test('"Submit to cluster…" on a .sh file in the file browser', async ({ page, request }) => {
  const tag = randomBytes(4).toString('hex');
  const name = `hpc-ui-submit-${tag}.sh`;
  await createFile(
    request,
    name,
    `#!/bin/bash\n#SBATCH --job-name=hpc-ui-file-${tag}\n#SBATCH --chdir=/tmp\nsleep 300\n`
  );
  await openLabWithClusters(page);
  await page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click();
  const item = page.locator('.jp-DirListing-item[data-file-type="hpc-batch-script"]', { hasText: name });
  await expect(item).toBeVisible();
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu-item[data-command="hpc:submit-file"]').click();

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(name);
  const cluster = dialog.locator('select[name="cluster"]');
  await expect(cluster.locator('option[value="local"]')).toHaveCount(1);
  await cluster.selectOption('local');
  // the script's own #SBATCH --chdir is where it runs: shown as such
  await expect(dialog.locator('input[name="chdir"]')).toHaveValue('/tmp');
  const args = dialog.locator('input[name="args"]');
  // An unclosed quote is refused in the dialog, which stays open.
  await args.fill('--hold --comment="made by');
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog.locator('[data-field="args"] .jp-Hpc-fieldProblems')).toContainText('quote is not closed');
  // Quotes group words; the words reach sbatch as they are.
  await dialog.locator('input[name="args"]').fill('--hold --comment="made by the UI test"');
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  const id = await toastJobId(submitted, page, fileSubmitted(name));
  const squeue = await runCommand('squeue', ['-h', '-j', id, '-o', '%j|%k']);
  expect(squeue.stdout.trim()).toBe(`hpc-ui-file-${tag}|made by the UI test`);

  // The toast's action shows the job in the queue, selected.
  await page
    .locator('.Toastify__toast')
    .filter({ hasText: `Job ${id}` })
    .getByRole('button', { name: 'Show in queue' })
    .click();
  const row = page.locator(`#jp-hpc-my-jobs .jp-Hpc-myJob[data-job-id="${id}"]`);
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toHaveClass(/jp-mod-selected/);
});

test('"Submit to cluster…" runs a script in its own folder by default, shown in the dialog', async ({
  page,
  request
}) => {
  const tag = randomBytes(4).toString('hex');
  const folder = `hpc-ui-where-${tag}`;
  const { url, token } = server();
  const made = await request.put(`${url}api/contents/${folder}`, {
    headers: { Authorization: `token ${token}` },
    data: { type: 'directory' }
  });
  expect(made.ok(), await made.text()).toBe(true);
  const name = `where-${tag}.sh`;
  await createFile(request, `${folder}/${name}`, '#!/bin/bash\npwd\n');
  await openLabWithClusters(page);
  const root = await page.evaluate(
    () => JSON.parse(document.getElementById('jupyter-config-data')?.textContent ?? '{}').serverRoot as string
  );
  const expected = path.join(root, folder);
  try {
    await page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click();
    await page.locator('.jp-DirListing-item', { hasText: folder }).dblclick();
    const item = page.locator('.jp-DirListing-item[data-file-type="hpc-batch-script"]', { hasText: name });
    await item.click({ button: 'right' });
    await page.locator('.lm-Menu-item[data-command="hpc:submit-file"]').click();

    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('select[name="cluster"]').selectOption('local');
    // the folder it runs in, shown before Submit
    await expect(dialog.locator('input[name="chdir"]')).toHaveValue(expected);
    await dialog.locator('.jp-mod-accept').click();
    const id = await toastJobId(submitted, page, fileSubmitted(`${folder}/${name}`));

    // the job's own `pwd`, in its output file in that folder
    const out = path.join(expected, `slurm-${id}.out`);
    await expect
      .poll(() => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : ''), { timeout: 120_000 })
      .toBe(`${expected}\n`);
  } finally {
    fs.rmSync(expected, { recursive: true, force: true });
  }
});

test('"Submit to cluster…" in the editor saves the script first', async ({ page, request }) => {
  const tag = randomBytes(4).toString('hex');
  const name = `hpc-ui-edit-${tag}.sbatch`;
  await createFile(request, name, '#!/bin/bash\n#SBATCH --chdir=/tmp\nsleep 300\n');
  await openLabWithClusters(page);
  await page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click();
  await page.locator('.jp-DirListing-item', { hasText: name }).dblclick();
  const editor = page.locator('.jp-FileEditor .cm-content');
  await expect(editor).toContainText('sleep 300');

  // An unsaved change: the job's name.
  await editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(`#SBATCH --job-name=hpc-ui-edited-${tag}`);
  await editor.click({ button: 'right' });
  await page.locator('.lm-Menu-item[data-command="hpc:submit-file"]').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('select[name="cluster"]').selectOption('local');
  await dialog.locator('input[name="args"]').fill('--hold');
  await dialog.locator('.jp-mod-accept').click();

  const id = await toastJobId(submitted, page, fileSubmitted(name));
  const squeue = await runCommand('squeue', ['-h', '-j', id, '-o', '%j']);
  expect(squeue.stdout.trim()).toBe(`hpc-ui-edited-${tag}`);
});
