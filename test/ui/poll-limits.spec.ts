/**
 * Centre scale in the browser (issue 12): a hidden tab costs slurmctld nothing, and the
 * admin's limits show. Job RPCs are counted by slurmctld itself (sdiag) on the fixture's
 * controller-only cluster `scale`, which nothing else talks to (poll-scopes.test.ts counts
 * there too: do not run both at once).
 */
import { execFileSync } from 'child_process';
import { expect, Locator, Page, test } from '@playwright/test';

import { IStartedLab, startLab } from './global-setup';
import { hpcApi, openJobsPanel, openLab } from './helpers';

const POLL_INTERVAL_S = 1;
/** Job queries of any kind: own jobs (squeue --user) or the whole queue. */
const JOB_RPCS = ['REQUEST_JOB_USER_INFO', 'REQUEST_JOB_INFO'];

function scaleConf(): string {
  const conf = process.env.HPC_SLURM_CONF_SCALE;
  if (!conf) {
    throw new Error('HPC_SLURM_CONF_SCALE unset: run scripts/slurm/start.sh and source its environment');
  }
  return conf;
}

function sdiag(args: string[] = []): string {
  return execFileSync('sdiag', args, { env: { ...process.env, SLURM_CONF: scaleConf() }, encoding: 'utf8' });
}

/** squeue RPCs slurmctld answered since the last `sdiag -r`. */
function jobRpcs(): number {
  const out = sdiag();
  const byType = out.slice(out.indexOf('by message type'), out.indexOf('by user'));
  let n = 0;
  for (const m of byType.matchAll(/^\s*(\w+)\s+\(\s*\d+\)\s+count:(\d+)/gm)) {
    n += JOB_RPCS.includes(m[1]) ? Number(m[2]) : 0;
  }
  return n;
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(h => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

async function openQueue(page: Page, lab: IStartedLab, cluster: string): Promise<Locator> {
  await openLab(page, lab);
  const queue = await openJobsPanel(page);
  await expect(queue).toHaveAttribute('data-cluster', cluster, { timeout: 120_000 });
  await expect(queue).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  return queue;
}

test.describe('a hidden tab stands by', () => {
  let lab: IStartedLab | undefined;
  test.beforeAll(async () => {
    lab = await startLab({
      hpcConfig: {
        clusters: [{ name: 'scale', transport: 'local', env: { SLURM_CONF: scaleConf() } }],
        poll_interval: POLL_INTERVAL_S
      }
    });
  });
  test.afterAll(async () => {
    await lab?.stop();
  });

  test('no squeue while hidden; visible again, fresh within one interval', async ({ page }) => {
    if (!lab) {
      throw new Error('no Lab');
    }
    const queue = await openQueue(page, lab, 'scale');
    // an action through the companion: polls at the base pace from now (no backoff yet)
    const held = await hpcApi(
      'clusters/scale/submit',
      { method: 'POST', data: { script: '#!/bin/sh\ntrue\n', args: ['--hold', '-J', 'hpc-ui-standby'] } },
      lab
    );
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    const jobId = (held.body as { jobId: string }).jobId;
    try {
      await expect(queue.locator(`.jp-Hpc-jobRow[data-job-id="${jobId}"]`)).toBeVisible({ timeout: 30_000 });
      sdiag(['-r']);
      await page.waitForTimeout(3 * POLL_INTERVAL_S * 1000);
      expect(jobRpcs()).toBeGreaterThan(0); // visible: polled

      await setHidden(page, true);
      await page.waitForTimeout(1000); // a poll under way when the tab hid may still finish
      sdiag(['-r']);
      await page.waitForTimeout(3 * POLL_INTERVAL_S * 1000 + 500);
      expect(jobRpcs()).toBe(0); // hidden: nobody watching, no squeue

      const shown = Date.now();
      await setHidden(page, false);
      const updated = queue.locator('.jp-Hpc-queueStatus .jp-Hpc-queueUpdated');
      // a poll after the tab came back (generous deadline on a loaded machine)
      await expect
        .poll(async () => Date.parse((await updated.getAttribute('data-updated-at')) ?? '') >= shown - 500, {
          timeout: POLL_INTERVAL_S * 1000 + 10_000
        })
        .toBe(true);
      expect(jobRpcs()).toBeGreaterThan(0);
    } finally {
      execFileSync('scancel', [jobId], { env: { ...process.env, SLURM_CONF: scaleConf() } });
    }
  });
});

test.describe("the admin's limits", () => {
  const reason = 'PrivateData=jobs on this cluster: ask hpc@example.org';
  let lab: IStartedLab | undefined;
  test.beforeAll(async () => {
    lab = await startLab({
      hpcConfig: {
        clusters: [{ name: 'local', transport: 'local' }],
        poll_interval: 5,
        min_poll_interval: 7,
        allow_all_users: false,
        all_users_disabled_reason: reason
      }
    });
  });
  test.afterAll(async () => {
    await lab?.stop();
  });

  test('a smaller user setting is raised to the minimum; no "All users" checkbox, 403 with the reason', async ({
    page,
    request
  }) => {
    if (!lab) {
      throw new Error('no Lab');
    }
    const reply = await request.put(`${lab.url}lab/api/settings/jupyterlab-hpc:sidebar`, {
      headers: { Authorization: `token ${lab.token}` },
      data: { raw: JSON.stringify({ refreshInterval: 2 }) }
    });
    expect(reply.ok(), await reply.text()).toBe(true);
    const queue = await openQueue(page, lab, 'local');
    await expect(queue.locator('.jp-Hpc-queueInterval')).toHaveAttribute('data-interval', '7');
    await expect(queue.locator('.jp-Hpc-queueInterval')).toHaveText('every 7 s');
    await expect(queue.locator('.jp-Hpc-queueAllUsers')).toHaveCount(0);
    const poll = await hpcApi('poll', {}, lab);
    expect(poll.body).toMatchObject({ interval: 7, requested: 2, allowAllUsers: false });
    const all = await hpcApi('clusters/local/jobs?all=true', {}, lab);
    expect(all).toEqual({ status: 403, body: { error: reason } });
  });
});
