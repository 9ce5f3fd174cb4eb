/**
 * How the sidebar renders each state of the API, with the API's replies
 * played by the test (`page.route`), so the rendering is checked exactly
 * and independently of Slurm's current state.
 */
import { expect, Page, Route, test } from '@playwright/test';

import { openHpcSidebar, openLab, server } from './helpers';

const CLUSTERS_URL = /\/hpc\/api\/clusters(\?|$)/;
const USER_CLUSTERS_URL = /\/hpc\/api\/config\/user-clusters(\?|$)/;

const REPLY = {
  clusters: [
    {
      name: 'local',
      transport: 'local',
      status: 'ok',
      updatedAt: '2026-11-22T23:59:00Z',
      partitions: [
        {
          name: 'debug',
          default: true,
          available: 'up',
          nodes: { total: 4, idle: 3, allocated: 0, mixed: 1, down: 0, other: 0 }
        },
        {
          name: 'batch',
          default: false,
          available: 'down',
          nodes: { total: 3, idle: 0, allocated: 2, mixed: 0, down: 1, other: 0 }
        }
      ]
    },
    {
      name: 'broken',
      transport: 'ssh',
      status: 'error',
      error: 'sinfo: error: resolve_ctls_from_dns_srv: res_nsearch error: Unknown host',
      partitions: []
    }
  ]
};

/**
 * Answer `GET hpc/api/clusters` with whatever `answer` says at the time, and
 * `PUT hpc/api/config/user-clusters` with success, recording its bodies.
 */
async function playApi(page: Page, answer: () => Promise<{ status: number; body: unknown }>): Promise<unknown[]> {
  const sent: unknown[] = [];
  await page.route(CLUSTERS_URL, async (route: Route) => {
    const { status, body } = await answer();
    await route.fulfill({
      status,
      contentType: 'application/json',
      body: JSON.stringify(body)
    });
  });
  await page.route(USER_CLUSTERS_URL, async (route: Route) => {
    sent.push(route.request().postDataJSON());
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: '{}'
    });
  });
  return sent;
}

test('partitions, default, availability and per-cluster errors', async ({ page }) => {
  const sent = await playApi(page, async () => ({ status: 200, body: REPLY }));
  await openLab(page);
  await openHpcSidebar(page);

  const local = page.locator('.jp-Hpc-cluster[data-cluster="local"]');
  const debug = local.locator('.jp-Hpc-partition[data-partition="debug"]');
  await expect(debug).toContainText('debug: 1 node mixed, 3 nodes idle');
  await expect(debug).toHaveAttribute('data-default', 'true');
  await expect(debug.locator('.jp-Hpc-defaultBadge')).toBeVisible();

  const batch = local.locator('.jp-Hpc-partition[data-partition="batch"]');
  await expect(batch).toContainText('batch: 2 nodes allocated, 0 nodes idle, 1 node down');
  await expect(batch).toHaveClass(/jp-mod-unavailable/);
  await expect(batch.locator('.jp-Hpc-defaultBadge')).toHaveCount(0);

  const broken = page.locator('.jp-Hpc-cluster[data-cluster="broken"]');
  await expect(broken).toHaveClass(/jp-mod-error/);
  await expect(broken.locator('.jp-Hpc-transport')).toHaveText('ssh');
  await expect(broken.locator('.jp-Hpc-clusterError')).toHaveText(REPLY.clusters[1].error as string);

  // The settings were loaded and the (default, empty) user clusters sent.
  await expect.poll(() => sent).toContainEqual({ clusters: [] });
});

test('loading, then stale data when a refresh fails', async ({ page }) => {
  let release: () => void = () => undefined;
  const firstReply = new Promise<void>(resolve => (release = resolve));
  let failing = false;
  await playApi(page, async () => {
    await firstReply;
    return failing ? { status: 503, body: { error: 'companion is restarting' } } : { status: 200, body: REPLY };
  });
  await openLab(page);
  await openHpcSidebar(page);

  const section = page.locator('#jp-hpc-sidebar .jp-Hpc-clusters');
  await expect(section.locator('.jp-Hpc-loading')).toBeVisible();
  await expect(section).toHaveAttribute('data-state', 'loading');
  release();
  await expect(section).toHaveAttribute('data-state', 'ok');
  await expect(section.locator('.jp-Hpc-loading')).toHaveCount(0);

  failing = true;
  // The toolbar's refresh button is a real, labelled button.
  const refresh = page.locator('#jp-hpc-sidebar [data-command="hpc:refresh"]');
  await expect(refresh).toHaveAttribute('aria-label', 'Refresh clusters');
  await refresh.focus();
  await page.keyboard.press('Enter');

  await expect(section).toHaveAttribute('data-state', 'stale');
  await expect(section.locator('.jp-Hpc-stale')).toContainText('companion is restarting');
  // The last good data stays, marked stale.
  await expect(page.locator('.jp-Hpc-cluster[data-cluster="local"].jp-mod-stale')).toBeVisible();

  failing = false;
  await refresh.click();
  await expect(section).toHaveAttribute('data-state', 'ok');
  await expect(section.locator('.jp-Hpc-stale')).toHaveCount(0);
});

test('an unreachable API on first load is an error, not endless loading', async ({ page }) => {
  await playApi(page, async () => ({
    status: 500,
    body: { error: 'companion did not start' }
  }));
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-sidebar .jp-Hpc-clusters');
  await expect(section).toHaveAttribute('data-state', 'error');
  await expect(section.locator('.jp-Hpc-loadError')).toContainText('companion did not start');
});

test('user settings: clusters go to the companion, refreshInterval paces polling', async ({ page, request }) => {
  const { url, token } = server();
  const settingsUrl = `${url}lab/api/settings/jupyterlab-hpc:sidebar`;
  const mine = {
    name: 'mine',
    transport: 'ssh',
    host: 'login.example.org',
    env: { SLURM_CONF: '/etc/slurm/mine.conf' }
  };
  const save = async (raw: object): Promise<void> => {
    const reply = await request.put(settingsUrl, {
      headers: { Authorization: `token ${token}` },
      data: { raw: JSON.stringify(raw) }
    });
    expect(reply.ok(), await reply.text()).toBe(true);
  };
  await save({ refreshInterval: 1, clusters: [mine] });
  try {
    let fetches = 0;
    const sent = await playApi(page, async () => {
      fetches++;
      return { status: 200, body: REPLY };
    });
    await openLab(page);
    await expect.poll(() => sent).toContainEqual({ clusters: [mine] });
    // At 1 s instead of 5 s, several fetches happen within a few seconds.
    const before = fetches;
    await page.waitForTimeout(6_000);
    expect(fetches - before).toBeGreaterThanOrEqual(3);
    // The played replies never list "mine", as if the companion had
    // restarted and forgotten it: the sidebar sends it again, but only once.
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.length).toBeLessThanOrEqual(3);
  } finally {
    // The server is shared with the other tests: leave no user settings.
    await save({});
  }
});
