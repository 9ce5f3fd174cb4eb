/**
 * Sets from templates and the walltime, through the sidebar against the real stack (JupyterLab,
 * the companion, the local Slurm, real Dask): the start form offers the templates of the set's
 * kind with their parameters and sends data only; a set's time limit is announced, then shown.
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import * as path from 'path';
import { expect, Locator, Page, test } from '@playwright/test';

import { hpcApi, openHpcSidebar, openLab, removeSet, server } from './helpers';

const started: string[] = [];
const templateId = `ui-dask-env-${randomBytes(3).toString('hex')}`;
const venvPython = path.join(process.env.HPC_VENV || path.join(__dirname, '..', '..', '.venv'), 'bin', 'python');

/** What the workers of a set see in their environment (the kernel's own Dask client). */
const WORKER_ENV_PY = `
import json, os, sys
from jupyterlab_hpc.kernel.set_clients import make_client
client = make_client("dask", json.loads(sys.argv[1]))
print(json.dumps(sorted(set(client.run(os.getenv, sys.argv[2]).values()))))
client.close()
`;

async function setSetting(value: object): Promise<void> {
  const { url, token } = server();
  const reply = await fetch(`${url}lab/api/settings/jupyterlab-hpc:sidebar`, {
    method: 'PUT',
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ raw: JSON.stringify(value) })
  });
  expect(reply.status).toBeLessThan(300);
}

test.beforeAll(async () => {
  const saved = await hpcApi(`templates/personal/${templateId}`, {
    method: 'PUT',
    data: {
      id: templateId,
      title: `Dask with a greeting ${templateId}`,
      kind: 'dask',
      script: '',
      setup: ['export HPC_GREETING={{greeting}}'],
      parameters: { greeting: { type: 'string', title: 'Greeting', default: 'hello' } }
    }
  });
  expect(saved.status).toBeLessThan(300);
});

test.afterAll(async () => {
  for (const id of started) {
    await removeSet(id);
  }
  await hpcApi(`templates/personal/${templateId}`, { method: 'DELETE' });
  await setSetting({});
});

async function openSets(page: Page): Promise<Locator> {
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-sets');
  await expect(section.locator('.jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  return section;
}

function cardNamed(page: Page, section: Locator, name: string): Locator {
  return section.locator('.jp-Hpc-set').filter({ has: page.locator('.jp-Hpc-setName', { hasText: name }) });
}

test('a Dask cluster from a template: its parameters in the form, its set-up seen by the workers', async ({ page }) => {
  const section = await openSets(page);
  await section.locator('.jp-Hpc-setsStart button[data-kind="dask"]').click();
  const dialog = page.locator('.jp-Dialog');
  // first the template: only those of the set's kind are offered
  const choice = dialog.locator('#jp-Hpc-dialogField-template');
  await expect(choice.locator('option')).toContainText([`Dask with a greeting ${templateId}`]);
  await expect(choice.locator('option', { hasText: 'MPI' })).toHaveCount(0);
  await choice.selectOption(`personal/${templateId}`);
  await dialog.locator('button.jp-mod-accept').click();

  // then the set's fields and the template's parameters
  const greeting = `hi from the form; $(id) 'q'`;
  const name = `hpc-ui-tpl-${randomBytes(3).toString('hex')}`;
  await expect(dialog.locator('[data-field="workers"]')).toBeVisible();
  const param = dialog.locator('[id="jp-Hpc-dialogField-param.greeting"]');
  await expect(param).toHaveValue('hello');
  await param.fill(greeting);
  await dialog.locator('#jp-Hpc-dialogField-workers').fill('2');
  await dialog.locator('#jp-Hpc-dialogField-time').fill('10');
  await dialog.locator('#jp-Hpc-dialogField-name').fill(name);
  await dialog.locator('button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  const card = cardNamed(page, section, name);
  await expect(card).toHaveCount(1);
  const id = (await card.getAttribute('data-set-id')) ?? '';
  started.push(id);
  // the browser sent data only: the template's id and values, no shell lines of its own
  const { body: record } = await hpcApi(`sets/${id}`);
  expect(record).toMatchObject({
    spec: { setup: [], fromTemplate: { id: templateId, source: 'personal', params: { greeting } } }
  });
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  await expect(card).toHaveAttribute('data-workers-connected', '2', { timeout: 120_000 });

  const connection = await hpcApi(`sets/${id}/connection`);
  const seen = await new Promise<string>((resolve, reject) =>
    execFile(
      venvPython,
      ['-c', WORKER_ENV_PY, JSON.stringify(connection.body), 'HPC_GREETING'],
      { timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))
    )
  );
  expect(JSON.parse(seen)).toEqual([greeting]);
  await removeSet(id);
  started.splice(started.indexOf(id), 1);
});

test('a 2-minute set: the walltime warning comes first, then "time limit", then "Start again"', async ({ page }) => {
  test.setTimeout(420_000);
  await setSetting({ setWarningMinutes: 1 });
  const section = await openSets(page);
  const name = `hpc-ui-walltime-${randomBytes(3).toString('hex')}`;
  await section.locator('.jp-Hpc-setsStart button[data-kind="dask"]').click();
  const dialog = page.locator('.jp-Dialog');
  // the template chooser comes first (this spec's personal template is of this kind): none
  const choice = dialog.locator('#jp-Hpc-dialogField-template');
  await expect(choice).toBeVisible();
  await choice.selectOption('');
  await dialog.locator('button.jp-mod-accept').click();
  await dialog.locator('#jp-Hpc-dialogField-workers').fill('1');
  await dialog.locator('#jp-Hpc-dialogField-time').fill('2');
  await dialog.locator('#jp-Hpc-dialogField-name').fill(name);
  await dialog.locator('button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  const card = cardNamed(page, section, name);
  const id = (await card.getAttribute('data-set-id')) ?? '';
  started.push(id);
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  await expect(card.locator('.jp-Hpc-setLeft')).toContainText('left');

  const warning = page.locator('.Toastify__toast').filter({ hasText: `${name} reaches its time limit in` });
  await expect(warning).toHaveCount(1, { timeout: 120_000 });
  // the warning came while the set still ran
  await expect(card).toHaveAttribute('data-state', 'running');
  await expect(card).toHaveAttribute('data-reason', 'time limit', { timeout: 180_000 });
  await expect(card.locator('.jp-Hpc-setStatus')).toHaveText('Ended: time limit');

  // "Start again": the form with the same settings
  await card.locator('.jp-Hpc-setAgain').click();
  await expect(dialog.locator('#jp-Hpc-dialogField-time')).toHaveValue('2');
  await expect(dialog.locator('#jp-Hpc-dialogField-workers')).toHaveValue('1');
  await expect(dialog.locator('#jp-Hpc-dialogField-name')).toHaveValue(name);
  await dialog.locator('button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
});
