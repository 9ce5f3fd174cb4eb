/**
 * Shared steps of the UI tests.
 */
import { expect, Locator, Page } from '@playwright/test';
import { execFile } from 'child_process';

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
export async function openLab(page: Page, lab: { url: string; token: string } = server()): Promise<void> {
  const { url, token } = lab;
  await page.goto(`${url}lab?reset&token=${token}`);
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0, {
    timeout: 120_000
  });
  await expect(page.locator('.jp-SideBar.jp-mod-left')).toBeVisible();
}

/**
 * Resolve once the Lab's saved workspaces hold `text` (JupyterLab saves the layout shortly after
 * a change), then open the Lab again without `reset`: what the layout restorer brings back.
 */
export async function reopenWithSavedLayout(
  page: Page,
  text: string,
  lab: { url: string; token: string } = server()
): Promise<void> {
  await expect
    .poll(
      async () => {
        const reply = await fetch(`${lab.url}lab/api/workspaces`, { headers: { Authorization: `token ${lab.token}` } });
        return reply.ok && (await reply.text()).includes(text);
      },
      { timeout: 30_000, message: `the saved workspace names ${text}` }
    )
    .toBe(true);
  await page.goto(`${lab.url}lab?token=${lab.token}`);
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0, { timeout: 120_000 });
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

/**
 * Open "HPC Jobs" (the queue at full size) from the View menu, as a user
 * would; resolve with its queue view.
 */
export async function openJobsPanel(page: Page): Promise<Locator> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^View$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^HPC Jobs$/ }).click();
  const panel = page.locator('#jp-hpc-jobs');
  await expect(panel).toBeVisible();
  return panel.locator('.jp-Hpc-queue');
}

/**
 * Run a command (a Slurm one, with the test's SLURM_CONF) without a shell;
 * resolve with its exit status and output whether it fails or not.
 */
export function runCommand(
  command: string,
  args: string[],
  timeout = 120_000
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(command, args, { env: process.env, timeout }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * Run a JupyterLab command in the page and resolve with its result
 * (global-setup.ts exposes the app as `window.jupyterapp`).
 */
export function executeCommand(
  page: Page,
  id: string,
  args: { [key: string]: string | string[] } = {}
): Promise<unknown> {
  return page.evaluate(
    ([command, commandArgs]) =>
      (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string, args: object): Promise<unknown> } };
        }
      ).jupyterapp.commands.execute(command, commandArgs),
    [id, args] as const
  );
}

/**
 * Call the HPC API (`{url}hpc/api/{endPoint}`) as the test, with the
 * server's token; resolve with the status and the JSON body (null if none).
 */
export async function hpcApi(
  endPoint: string,
  init: { method?: string; data?: unknown } = {},
  lab: { url: string; token: string } = server()
): Promise<{ status: number; body: unknown }> {
  const reply = await fetch(`${lab.url}hpc/api/${endPoint}`, {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `token ${lab.token}`,
      ...(init.data === undefined ? {} : { 'Content-Type': 'application/json' })
    },
    body: init.data === undefined ? undefined : JSON.stringify(init.data)
  });
  const text = await reply.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: reply.status, body };
}

/**
 * Stop a Dask/IPyParallel set, wait until it ended, and forget it: what a
 * test started never outlives it.
 */
export async function removeSet(id: string, lab: { url: string; token: string } = server()): Promise<void> {
  await hpcApi(`sets/${id}`, { method: 'DELETE' }, lab);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { body } = await hpcApi(`sets/${id}`, {}, lab);
    if (!body || (body as { state?: string }).state === 'ended') {
      break;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  await hpcApi(`sets/${id}?forget=true`, { method: 'DELETE' }, lab);
}

/**
 * Create a notebook with the Python kernel in the Lab's root, and wait
 * until its kernel is idle; resolve with its panel.
 */
export async function newNotebook(page: Page): Promise<Locator> {
  // Not `executeCommand`: the command resolves with the panel, which does
  // not serialize out of the page.
  await page.evaluate(async () => {
    const app = (
      window as unknown as { jupyterapp: { commands: { execute(id: string, args: object): Promise<unknown> } } }
    ).jupyterapp;
    await app.commands.execute('notebook:create-new', { kernelName: 'python3' });
  });
  const panel = page.locator('.jp-NotebookPanel:visible');
  await expect(panel).toHaveCount(1);
  await expect(panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).toHaveCount(1, {
    timeout: 60_000
  });
  return panel;
}

/**
 * Type `code` into the notebook's active cell and run it (Shift+Enter);
 * resolve with the cell, once it ran.
 */
export async function runCell(panel: Locator, code: string): Promise<Locator> {
  const cells = panel.locator('.jp-Notebook .jp-Cell');
  const index = await cells.evaluateAll(nodes => nodes.findIndex(node => node.classList.contains('jp-mod-active')));
  const ran = cells.nth(index);
  await ran.locator('.cm-content').click();
  await ran.page().keyboard.type(code);
  await ran.page().keyboard.press('Shift+Enter');
  // The prompt shows a number once the kernel has run it (`[*]` while it runs).
  await expect(ran.locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/, { timeout: 180_000 });
  return ran;
}

/**
 * The job id of the success toast that names `what`, added to `submitted` (the jobs a spec
 * cancels at its end).
 */
export async function toastJobId(submitted: string[], page: Page, what: RegExp): Promise<string> {
  const toast = page.locator('.Toastify__toast').filter({ hasText: what });
  await expect(toast).toBeVisible();
  const match = /Job (\d+)/.exec(await toast.innerText());
  expect(match, 'the toast names the job').not.toBeNull();
  const id = (match as RegExpExecArray)[1];
  submitted.push(id);
  return id;
}
