/**
 * Accounts and QOS in a template's form, where the site has accounting: the fixture's `local`
 * cluster keeps Slurm's associations in slurmdbd, so the shipped "MPI application" template
 * offers the user's own accounts (`sacctmgr show assoc`, read by the companion) and the QOS of
 * the chosen one, and what is picked reaches the script that would run.
 */
import { expect, Locator, Page, test } from '@playwright/test';

import type { AccountsReply } from '../../protocol/resources';
import { hpcApi, openHpcSidebar, openLab, runCommand } from './helpers';

async function openMpiTemplate(page: Page): Promise<Locator> {
  await openLab(page);
  await openHpcSidebar(page);
  await page.locator('#jp-hpc-templates .jp-Hpc-templateItem[data-template-id="mpi-application"]').click();
  const form = page.locator('#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="mpi-application"]');
  await expect(form).toBeVisible();
  await form.locator('[data-field="cluster"] select').selectOption('local');
  return form;
}

const field = (form: Locator, name: string): Locator => form.locator(`[data-param="${name}"] select`);

test('the form offers my accounts and their QOS on a cluster with accounting, and Slurm takes them', async ({
  page
}) => {
  const reply = (await hpcApi('clusters/local/accounts')).body as AccountsReply;
  expect(reply.accounting).toBe(true);
  // the companion's list is sacctmgr's, for the user the Lab runs as
  const whoami = (await runCommand('id', ['-un'])).stdout.trim();
  const assoc = await runCommand('sacctmgr', [
    '-nP',
    'show',
    'assoc',
    'cluster=local',
    `user=${whoami}`,
    'format=account'
  ]);
  const accounts = [...new Set(assoc.stdout.split('\n').filter(Boolean))].sort();
  expect(reply.accounts.map(a => a.account).sort()).toEqual(accounts);

  const form = await openMpiTemplate(page);
  const account = field(form, 'account');
  await expect(account).toBeVisible({ timeout: 30_000 });
  const offered = await account
    .locator('option')
    .evaluateAll(options => options.map(o => (o as HTMLOptionElement).value));
  expect(offered[0]).toBe('');
  expect(offered.slice(1).sort()).toEqual(accounts);
  await expect(account.locator('option').first()).toHaveText(`Default (${reply.defaultAccount})`);

  const chosen = accounts.find(a => a !== reply.defaultAccount) ?? accounts[0];
  await account.selectOption(chosen);
  const qos = field(form, 'qos');
  const expectedQos = reply.accounts.find(a => a.account === chosen)?.qos ?? [];
  expect(expectedQos.length).toBeGreaterThan(0);
  const qosOffered = await qos
    .locator('option')
    .evaluateAll(options => options.map(o => (o as HTMLOptionElement).value));
  expect(qosOffered).toEqual(['', ...expectedQos]);
  await qos.selectOption(expectedQos[0]);

  await expect(form.locator('.jp-Hpc-preview')).toHaveAttribute('data-state', 'ok');
  const preview = form.locator('.jp-Hpc-previewScript');
  await expect(preview).toContainText(`#SBATCH --account=${chosen}\n`);
  await expect(preview).toContainText(`#SBATCH --qos=${expectedQos[0]}\n`);

  // Slurm takes the account and QOS as chosen
  const submit = form.locator('.jp-Hpc-submitRow button');
  await expect(submit).toBeEnabled();
  await submit.click();
  const toast = page.locator('.Toastify__toast').filter({ hasText: /Job \d+ submitted to local/ });
  await expect(toast).toBeVisible();
  const jobId = /Job (\d+)/.exec(await toast.innerText())?.[1] ?? '';
  expect(jobId).not.toBe('');
  try {
    const shown = await runCommand('squeue', ['-h', '-j', jobId, '-o', '%a %q', '-t', 'all']);
    expect(shown.stdout.trim()).toBe(`${chosen} ${expectedQos[0]}`);
  } finally {
    await runCommand('scancel', [jobId]);
  }
});
