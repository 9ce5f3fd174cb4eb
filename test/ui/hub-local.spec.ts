/**
 * JupyterHub with servers as the users' own processes (LocalProcessSpawner),
 * the shared install of scripts/hub-env.sh and the centre's config in its
 * etc/jupyter: alice works under /user/alice/, bob beside her sees none of it.
 */
import { randomBytes } from 'crypto';
import { BrowserContext, expect, Page, test } from '@playwright/test';
import { openHpcSidebar, runCommand } from './helpers';
import { hubLogin, IStartedHub, openUserLab, resetUserSettings, startHub } from './hub';

test.describe.configure({ mode: 'serial' });

let hub: IStartedHub | undefined;
const jobs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(900_000); // a fresh machine installs the shared environment first
  // alice's own Settings → HPC cluster: the remote fixture cluster under a name of hers
  resetUserSettings('alice', [
    { name: 'alice-own', transport: 'local', env: { SLURM_CONF: process.env.HPC_SLURM_CONF_REMOTE ?? '' } }
  ]);
  resetUserSettings('bob');
  hub = await startHub('local');
});

test.afterAll(async () => {
  if (jobs.length) {
    await runCommand('scancel', jobs);
  }
  await hub?.stop();
});

async function userPage(context: BrowserContext, user: 'alice' | 'bob'): Promise<Page> {
  const page = await context.newPage();
  await hubLogin(page, hub!, user);
  await openUserLab(page, hub!, user);
  await openHpcSidebar(page);
  return page;
}

test('alice under /user/alice/: centre and own clusters, a centre template job, a Dask set and its dashboard; bob sees none of it', async ({
  browser
}) => {
  const url = hub!.url;
  const aliceContext = await browser.newContext();
  const alice = await userPage(aliceContext, 'alice');

  // The centre's clusters (local, remote) and her own, with local's partitions.
  const local = alice.locator('.jp-Hpc-cluster[data-cluster="local"]');
  await expect(local.locator('.jp-Hpc-partition[data-partition="debug"]')).toBeVisible({ timeout: 120_000 });
  await expect(local.locator('.jp-Hpc-partition[data-partition="batch"]')).toBeVisible();
  await expect(alice.locator('.jp-Hpc-cluster[data-cluster="remote"] .jp-Hpc-partition').first()).toBeVisible();
  await expect(alice.locator('.jp-Hpc-cluster[data-cluster="alice-own"] .jp-Hpc-partition').first()).toBeVisible();

  // The centre's template, submitted: her job, selected in her queue.
  const templates = alice.locator('#jp-hpc-templates');
  const item = templates.locator('.jp-Hpc-templateItem[data-template-id="centre-hello"][data-source="centre"]');
  await item.click();
  const form = alice.locator('#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="centre-hello"]');
  await form.locator('[data-field="cluster"] select').selectOption('local');
  await expect(form.locator('.jp-Hpc-preview')).toHaveAttribute('data-state', 'ok');
  await form.locator('.jp-Hpc-submitRow button').click();
  const toast = alice.locator('.Toastify__toast').filter({ hasText: /Job \d+ submitted to local/ });
  await expect(toast).toBeVisible();
  const aliceJob = /Job (\d+)/.exec(await toast.innerText())?.[1] ?? '';
  jobs.push(aliceJob);
  expect((await runCommand('squeue', ['-h', '-j', aliceJob, '-o', '%u|%j'])).stdout.trim()).toBe('alice|centre-hello');
  const aliceRow = alice.locator(`#jp-hpc-my-jobs .jp-Hpc-myJob[data-job-id="${aliceJob}"]`);
  await expect(aliceRow).toBeVisible({ timeout: 60_000 });
  await expect(aliceRow).toHaveClass(/jp-mod-selected/);

  // A Dask set from the sidebar, running as alice.
  const sets = alice.locator('#jp-hpc-sets');
  await expect(sets.locator('.jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  const name = `hub-dask-${randomBytes(3).toString('hex')}`;
  await sets.locator('.jp-Hpc-setsStart button[data-kind="dask"]').click();
  const dialog = alice.locator('.jp-Dialog');
  for (const [field, value] of Object.entries({ workers: '1', memory: '700M', time: '10', name })) {
    await dialog.locator(`#jp-Hpc-dialogField-${field}`).fill(value);
  }
  await dialog.locator('button.jp-mod-accept').click();
  const card = sets.locator('.jp-Hpc-set').filter({ has: alice.locator('.jp-Hpc-setName', { hasText: name }) });
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  const setId = (await card.getAttribute('data-set-id')) ?? '';
  const setJobs = ((await card.getAttribute('data-jobs')) ?? '').split(' ').filter(Boolean);
  jobs.push(...setJobs);
  expect((await runCommand('squeue', ['-h', '-j', setJobs[0], '-o', '%u'])).stdout.trim()).toBe('alice');

  // Its dashboard inside Lab, proxied under /user/alice/, its secret a cookie of that path only.
  await card.locator('.jp-Hpc-setDashboard').click();
  const panel = alice.locator(`.jp-Hpc-dashboard[data-set-id="${setId}"]`);
  await expect(panel).toBeVisible();
  const src = new URL((await panel.locator('iframe').getAttribute('src')) ?? '', url).pathname;
  expect(src).toMatch(/^\/user\/alice\/proxy\/[^/]+:\d+\/status$/);
  expect(await alice.evaluate(u => fetch(u).then(reply => reply.status), src)).toBe(200);
  const secret = (await aliceContext.cookies()).find(cookie => cookie.name === `hpc-dash-${setId}`);
  expect(secret?.path).toBe(src.replace(/status$/, ''));
  expect(await alice.evaluate(() => document.cookie)).not.toContain(`hpc-dash-${setId}`);
  const frame = alice.frameLocator(`.jp-Hpc-dashboard[data-set-id="${setId}"] iframe`);
  await expect.poll(() => frame.locator('title').textContent()).toMatch(/Dask/);

  // bob, in a browser of his own: the centre's config, not alice's cluster, jobs or sets.
  const bobContext = await browser.newContext();
  const bob = await userPage(bobContext, 'bob');
  const bobJob = (
    await runCommand('/usr/sbin/runuser', [
      '-u',
      'bob',
      '--',
      'sbatch',
      '--parsable',
      '--hold',
      '-J',
      'bob-own',
      '--wrap',
      'true'
    ])
  ).stdout.trim();
  jobs.push(bobJob);
  await expect(bob.locator('.jp-Hpc-cluster[data-cluster="local"] .jp-Hpc-partition').first()).toBeVisible({
    timeout: 120_000
  });
  await expect(bob.locator('.jp-Hpc-cluster[data-cluster="remote"]')).toBeVisible();
  await expect(bob.locator('.jp-Hpc-cluster[data-cluster="alice-own"]')).toHaveCount(0);
  await expect(
    bob.locator('#jp-hpc-templates .jp-Hpc-templateItem[data-template-id="centre-hello"][data-source="centre"]')
  ).toBeVisible();
  const bobJobs = bob.locator('#jp-hpc-my-jobs');
  await expect(bobJobs.locator(`.jp-Hpc-myJob[data-job-id="${bobJob}"]`)).toBeVisible({ timeout: 60_000 });
  await expect(bobJobs.locator(`.jp-Hpc-myJob[data-job-id="${aliceJob}"]`)).toHaveCount(0);
  await expect(bob.locator('#jp-hpc-sets .jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  await expect(bob.locator(`#jp-hpc-sets .jp-Hpc-set[data-set-id="${setId}"]`)).toHaveCount(0);
  await expect(bob.locator('#jp-hpc-sets .jp-Hpc-setName', { hasText: name })).toHaveCount(0);
  // His session is refused on alice's server: her hpc API and her dashboard.
  for (const path of [`user/alice/hpc/api/sets`, src.slice(1)]) {
    const reply = await bobContext.request.get(`${url}${path}`);
    expect(reply.status(), path).toBe(403);
    expect(await reply.text()).not.toContain(setId);
  }
  await bobContext.close();

  // alice stops her set: no job of it is left.
  await card.locator('.jp-Hpc-setStop').click();
  await alice.locator('.jp-Dialog button.jp-mod-accept').click();
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  await expect
    .poll(
      async () =>
        (await runCommand('squeue', ['-h', '-o', '%i'])).stdout.split('\n').filter(id => setJobs.includes(id.trim())),
      {
        timeout: 30_000
      }
    )
    .toEqual([]);
  await card.locator('.jp-Hpc-setForget').click();
  await aliceContext.close();
});
