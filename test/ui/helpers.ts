/**
 * Shared steps of the UI tests.
 */
import { expect, Page } from '@playwright/test';

/**
 * The JupyterLab started by global-setup.ts.
 */
export function server(): { url: string; token: string } {
  const url = process.env.HPC_UI_URL;
  const token = process.env.HPC_UI_TOKEN;
  if (!url || !token) {
    throw new Error('HPC_UI_URL/HPC_UI_TOKEN unset: run with the UI config');
  }
  return { url, token };
}

/**
 * Open JupyterLab with the default layout (`reset` drops the workspace
 * that earlier tests saved) and wait until the shell is up.
 */
export async function openLab(page: Page): Promise<void> {
  const { url, token } = server();
  await page.goto(`${url}lab?reset&token=${token}`);
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0, {
    timeout: 120_000
  });
  await expect(page.locator('.jp-SideBar.jp-mod-left')).toBeVisible();
}

/**
 * The HPC tab of the left sidebar.
 */
export function hpcTab(page: Page) {
  return page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-hpc-sidebar"]');
}

/**
 * Show the HPC sidebar by clicking its tab (unless it is already shown:
 * a second click would collapse it).
 */
export async function openHpcSidebar(page: Page): Promise<void> {
  const tab = hpcTab(page);
  await expect(tab).toBeVisible();
  if ((await tab.getAttribute('aria-selected')) !== 'true') {
    await tab.click();
  }
  await expect(page.locator('#jp-hpc-sidebar')).toBeVisible();
}
