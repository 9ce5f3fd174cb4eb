/**
 * The Templates section and the template form against the real stack:
 * JupyterLab, the companion, the shipped centre templates and the local
 * Slurm ("Submit to cluster…" on files: submit-file.spec.ts). Every job a
 * test submits is cancelled at the end.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APIRequestContext, expect, Locator, Page, test } from '@playwright/test';

import { openHpcSidebar, openLab, reopenWithSavedLayout, runCommand, server, toastJobId } from './helpers';

/**
 * Job ids to cancel after the tests, whatever happens.
 */
const submitted: string[] = [];

/**
 * Personal template ids to delete after the tests: they live in the
 * companion's data directory, which outlives this JupyterLab.
 */
const personal: string[] = [];

test.afterAll(async ({ playwright }) => {
  for (const id of submitted) {
    await runCommand('scancel', [id]);
  }
  const request = await playwright.request.newContext();
  for (const id of personal) {
    await api(request, 'DELETE', `templates/personal/${id}`);
  }
  await request.dispose();
});

/**
 * Call the HPC API as the test, with the server's token.
 */
async function api(
  request: APIRequestContext,
  method: 'GET' | 'PUT' | 'DELETE',
  endPoint: string,
  data?: unknown
): Promise<{ status: number; body: unknown }> {
  const { url, token } = server();
  const reply = await request.fetch(`${url}hpc/api/${endPoint}`, {
    method,
    headers: { Authorization: `token ${token}` },
    data
  });
  return { status: reply.status(), body: await reply.json().catch(() => null) };
}

/**
 * Open the sidebar and pick a template; resolve with its form.
 */
async function openTemplate(page: Page, id: string, source = 'centre'): Promise<Locator> {
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-templates');
  const item = section.locator(`.jp-Hpc-templateItem[data-template-id="${id}"][data-source="${source}"]`);
  await item.click();
  await expect(item).toHaveAttribute('aria-current', 'true');
  const form = page.locator(
    `#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="${id}"][data-source="${source}"]`
  );
  await expect(form).toBeVisible();
  return form;
}

function param(form: Locator, name: string): Locator {
  return form.locator(`[data-param="${name}"]`).locator('input, select, textarea');
}

/**
 * The form's preview once it is up to date.
 */
async function previewText(form: Locator): Promise<string> {
  await expect(form.locator('.jp-Hpc-preview')).toHaveAttribute('data-state', 'ok');
  return (await form.locator('.jp-Hpc-previewScript').textContent()) ?? '';
}

/**
 * The clusters come from the clusters model, whose first reply may wait
 * for `broken` to fail (up to a minute): pick `local` once it is there.
 */
async function pickLocal(form: Locator): Promise<void> {
  const cluster = form.locator('[data-field="cluster"] select');
  await expect(cluster.locator('option[value="local"]')).toHaveCount(1, { timeout: 150_000 });
  await cluster.selectOption('local');
  await expect(cluster).toHaveValue('local');
}

test('pick a template, change parameters, the preview follows, submit: the job is selected in the queue', async ({
  page
}) => {
  // A working directory whose analysis.py says what it was given and stays
  // running, so the job is still in the queue when the test looks.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hpc-ui-template-'));
  fs.chmodSync(work, 0o755);
  fs.writeFileSync(
    path.join(work, 'analysis.py'),
    'import sys, time\nprint("analysis", sys.argv[1:], flush=True)\ntime.sleep(600)\n'
  );
  try {
    const form = await openTemplate(page, 'thalamus-analysis');
    await expect(form.locator('.jp-Hpc-sourceBadge')).toHaveText('centre');
    // Centre templates are read-only: no Edit, no Delete.
    await expect(form.locator('[data-action="edit"], [data-action="delete"]')).toHaveCount(0);

    const before = await previewText(form);
    expect(before).toContain('--bins 50\n');
    expect(before).toContain('#SBATCH --cpus-per-task=2\n');

    // A body parameter, a resource parameter and an enum resource.
    await param(form, 'bins').fill('123');
    await param(form, 'cores').fill('3');
    await param(form, 'memory').selectOption('1G');
    await param(form, 'workdir').fill(work);
    await expect(form.locator('.jp-Hpc-previewScript')).toContainText('--bins 123\n');
    let script = await previewText(form);
    expect(script).not.toContain('--bins 50');
    expect(script).toContain('#SBATCH --cpus-per-task=3\n');
    expect(script).toContain('#SBATCH --mem=1G\n');
    // The sbatch arguments are shown too: the same options as argv.
    const options = form.locator('.jp-Hpc-previewOption');
    await expect(options.filter({ hasText: /^--cpus-per-task=3$/ })).toHaveCount(1);
    await expect(options.filter({ hasText: /^--mem=1G$/ })).toHaveCount(1);
    await expect(options.filter({ hasText: new RegExp(`^--chdir=${work}$`) })).toHaveCount(1);
    // the form says where the job runs
    await expect(form.locator('.jp-Hpc-runsIn')).toHaveAttribute('data-folder', work);

    // The browser's own checks: a bound and a pattern, at their fields.
    const submit = form.locator('.jp-Hpc-submitRow button');
    await param(form, 'cores').fill('65');
    await expect(form.locator('[data-param="cores"] .jp-Hpc-fieldError')).toHaveText('must be ≤ 64');
    await expect(param(form, 'cores')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('.jp-Hpc-preview')).toHaveAttribute('data-state', 'invalid');
    await expect(submit).toBeDisabled();
    await param(form, 'cores').fill('3');
    // The companion's checks, mapped to the field the bad value came from:
    // a working directory with a space cannot be an #SBATCH --chdir.
    await param(form, 'workdir').fill(`${work}/a b`);
    await expect(form.locator('[data-param="workdir"] .jp-Hpc-fieldError')).toContainText('is not valid');
    await expect(submit).toBeDisabled();
    await param(form, 'workdir').fill(work);

    await pickLocal(form);
    script = await previewText(form);
    await expect(submit).toBeEnabled();
    await submit.click();
    const id = await toastJobId(submitted, page, /Job \d+ submitted to local/);

    // Slurm stored exactly the previewed script.
    await expect
      .poll(async () => (await runCommand('scontrol', ['write', 'batch_script', id, '-'])).stdout)
      .toBe(script);
    const squeue = await runCommand('squeue', ['-h', '-j', id, '-o', '%j|%C']);
    expect(squeue.stdout.trim()).toBe('thalamus-analysis|3');

    // The sidebar's list of my jobs shows the new job, selected.
    const row = page.locator(`#jp-hpc-my-jobs .jp-Hpc-myJob[data-job-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: 60_000 });
    await expect(row).toHaveClass(/jp-mod-selected/);

    // And the job ran with the values of the form.
    const out = path.join(work, `thalamus-${id}.out`);
    await expect
      .poll(() => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : ''), { timeout: 120_000 })
      .toContain("analysis ['--input', 'data/thalamus.h5', '--bins', '123']");
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('a template picked in the sidebar opens in the main area, its form beside the preview, and is there again after a reload', async ({
  page
}) => {
  const form = await openTemplate(page, 'thalamus-analysis');
  // the main area, not the sidebar: the sidebar keeps the list only
  await expect(page.locator('#jp-main-dock-panel #jp-hpc-template-panel')).toBeVisible();
  await expect(page.locator('#jp-hpc-sidebar .jp-Hpc-templateForm')).toHaveCount(0);
  await expect(page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'Template: ' })).toBeVisible();
  // side by side: the preview starts right of the fields, level with them
  await expect(form.locator('.jp-Hpc-preview')).toHaveAttribute('data-state', /ok|none|pending/);
  const field = await form.locator('[data-param="bins"]').boundingBox();
  const preview = await form.locator('.jp-Hpc-preview').boundingBox();
  expect(field && preview, 'both laid out').toBeTruthy();
  expect(preview!.x).toBeGreaterThanOrEqual(field!.x + field!.width);
  expect(preview!.y).toBeLessThan(field!.y + field!.height);

  // the layout restorer brings the same template back (`openLab`'s URL resets the layout: not a reload)
  await reopenWithSavedLayout(page, 'hpc-template:hpc-template');
  await expect(
    page.locator(
      '#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="thalamus-analysis"][data-source="centre"]'
    )
  ).toBeVisible({ timeout: 60_000 });
});

test('duplicate a centre template, edit its JSON with field errors, save the form as a template, delete', async ({
  page,
  request
}) => {
  const tag = randomBytes(4).toString('hex');
  const copyId = `thalamus-ui-${tag}`;
  const savedId = `thalamus-ui-saved-${tag}`;
  personal.push(copyId, savedId);

  const form = await openTemplate(page, 'thalamus-analysis');
  await form.locator('[data-action="duplicate"]').click();
  let dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="id"]').fill(copyId);
  await dialog.locator('input[name="title"]').fill(`UI copy ${tag}`);
  await dialog.locator('.jp-mod-accept').click();

  // The copy's editor opens: a bad maximum is named by its field.
  dialog = page.locator('.jp-Dialog');
  const json = dialog.locator('textarea[name="json"]');
  await expect(json).toBeVisible();
  const data = JSON.parse(await json.inputValue());
  expect(data.id).toBe(copyId);
  data.parameters.bins.maximum = 'many';
  await json.fill(JSON.stringify(data, null, 2));
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog.locator('.jp-Hpc-fieldProblems')).toContainText('/parameters/bins/maximum');
  data.parameters.bins.maximum = 500;
  data.parameters.bins.default = 77;
  await dialog.locator('textarea[name="json"]').fill(JSON.stringify(data, null, 2));
  await dialog.locator('.jp-mod-accept').click();
  await expect(page.locator('.Toastify__toast').filter({ hasText: `Saved the template "${copyId}"` })).toBeVisible();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);

  // Both templates are listed, told apart; the copy is selected, editable.
  const section = page.locator('#jp-hpc-templates');
  await expect(section.locator('.jp-Hpc-templateItem[data-template-id="thalamus-analysis"]')).toHaveCount(1);
  const copyItem = section.locator(`.jp-Hpc-templateItem[data-template-id="${copyId}"][data-source="personal"]`);
  await expect(copyItem.locator('.jp-Hpc-sourceBadge')).toHaveText('personal');
  await expect(copyItem).toHaveAttribute('aria-current', 'true');
  const copyForm = page.locator(`#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="${copyId}"]`);
  await expect(param(copyForm, 'bins')).toHaveValue('77');
  await expect(copyForm.locator('[data-param="bins"] .jp-Hpc-fieldBounds')).toHaveText('1–500');

  // Save as template: the form's values become the new defaults.
  await param(copyForm, 'bins').fill('88');
  await param(copyForm, 'memory').selectOption('2G');
  await previewText(copyForm);
  await copyForm.locator('[data-action="save-as"]').click();
  dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="id"]').fill(savedId);
  await dialog.locator('.jp-mod-accept').click();
  await expect(
    page.locator('.Toastify__toast').filter({ hasText: `Saved the personal template "${savedId}"` })
  ).toBeVisible();
  const saved = await api(request, 'GET', `templates/personal/${savedId}`);
  expect(saved.status).toBe(200);
  const savedParameters = (saved.body as { parameters: { [name: string]: { default: unknown } } }).parameters;
  expect(savedParameters.bins.default).toBe(88);
  expect(savedParameters.memory.default).toBe('2G');
  const savedForm = page.locator(`#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="${savedId}"]`);
  await expect(param(savedForm, 'bins')).toHaveValue('88');

  // Delete asks first; then both personal templates are gone.
  for (const id of [savedId, copyId]) {
    await section.locator(`.jp-Hpc-templateItem[data-template-id="${id}"]`).click();
    await page
      .locator(`#jp-hpc-template-form .jp-Hpc-templateForm[data-template-id="${id}"] [data-action="delete"]`)
      .click();
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    await expect(section.locator(`.jp-Hpc-templateItem[data-template-id="${id}"]`)).toHaveCount(0);
  }
  expect((await api(request, 'GET', `templates/personal/${copyId}`)).status).toBe(404);
});

test('template files that do not load are listed with their field, beside the others', async ({ page }) => {
  // The companion's answer is played here: the shipped directory has no
  // broken file, and the rendering of the errors is what is checked.
  await page.route(/\/hpc\/api\/templates(\?|$)/, async route => {
    const reply = await route.fetch();
    const body = await reply.json();
    body.errors = [
      { file: '/etc/hpc/templates/bad.json', field: '/parameters/n/maximum', message: 'must be number' },
      { file: '/etc/hpc/templates/worse.json', field: '', message: 'is not JSON: Unexpected token' }
    ];
    await route.fulfill({ response: reply, json: body });
  });
  await openLab(page);
  await openHpcSidebar(page);
  const section = page.locator('#jp-hpc-templates');
  const errors = section.locator('.jp-Hpc-templateLoadErrors');
  await expect(errors).toContainText('2 template files could not be loaded');
  const bad = errors.locator('.jp-Hpc-templateLoadError[data-file="/etc/hpc/templates/bad.json"]');
  await expect(bad.locator('.jp-Hpc-errorField')).toHaveText('/parameters/n/maximum');
  await expect(bad.locator('.jp-Hpc-errorMessage')).toHaveText('must be number');
  await expect(section.locator('.jp-Hpc-templateItem[data-template-id="mpi-application"]')).toBeVisible();
  await expect(section.locator('.jp-Hpc-templateItem[data-template-id="thalamus-analysis"]')).toBeVisible();
});

test("the form is checked against the chosen cluster: the partition's limit named, any Slurm time, Slurm's --test-only answer", async ({
  page
}) => {
  const form = await openTemplate(page, 'thalamus-analysis');
  await pickLocal(form);
  // The partition is a choice of the site's partitions, the default first.
  const partition = form.locator('[data-param="partition"] select');
  await expect(partition.locator('option')).toHaveText([
    'Default (debug)',
    /^debug — CPUs \d+\/8 idle; per node ≤ 8 CPUs, 3\.9 GB; no time limit$/,
    /^batch — CPUs \d+\/8 idle/
  ]);

  // More cores than the partition's nodes have: the message names the limit.
  const submit = form.locator('.jp-Hpc-submitRow button');
  await param(form, 'cores').fill('16');
  await expect(form.locator('[data-param="cores"] .jp-Hpc-fieldError')).toHaveText(
    "16 cores is more than partition debug's 8 CPUs per node"
  );
  await expect(submit).toBeDisabled();
  await expect(form.locator('.jp-Hpc-testOnly')).toHaveCount(0);
  await param(form, 'cores').fill('2');

  // Any Slurm time form, where the partition allows it (the fixture's have no MaxTime).
  await param(form, 'time').fill('2-00:00:00');
  expect(await previewText(form)).toContain('#SBATCH --time=2-00:00:00\n');
  await expect(form.locator('[data-param="time"] .jp-Hpc-fieldError')).toHaveCount(0);

  // Slurm's own answer before Submit, for the partition chosen.
  const answer = form.locator('.jp-Hpc-testOnly');
  await expect(answer).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(answer).toHaveText(
    /^Slurm on local: Job \d+ to start at \S+ using 2 processors on nodes vm in partition debug$/
  );
  await partition.selectOption('batch');
  await expect(answer).toHaveText(/in partition batch$/, { timeout: 30_000 });
  await expect(submit).toBeEnabled();
});
