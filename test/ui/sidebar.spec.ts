/**
 * The HPC sidebar against the real stack: JupyterLab, the HPC server
 * extension and companion, and the local Slurm.
 *
 * What the sidebar should show is asked of Slurm by the test itself, with
 * the same `sinfo` the companion wraps.
 */
import { execFile } from 'child_process';
import { expect, Page, test } from '@playwright/test';

import { hpcTab, openHpcSidebar, openLab } from './helpers';

type NodeState = 'idle' | 'allocated' | 'mixed' | 'down' | 'other';

interface IExpectedPartition {
  total: number;
  counts: Record<NodeState, number>;
  /**
   * False when some node is in a state the companion may bucket either way
   * (e.g. `idle*`, not responding): then only the total is compared.
   */
  exact: boolean;
}

interface IShownPartition {
  name: string;
  total: number;
  counts: Partial<Record<NodeState, number>>;
  text: string;
}

/**
 * Run a Slurm command without a shell; resolve with its exit status and
 * output whether it fails or not.
 */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeout = 120_000
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(command, args, { env, timeout }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * Bucket a `sinfo %T` state as the API does. Returns null for states whose
 * bucket is a judgement call (flagged or compound states).
 */
function bucket(state: string): NodeState | null {
  switch (state) {
    case 'idle':
      return 'idle';
    case 'allocated':
      return 'allocated';
    case 'mixed':
      return 'mixed';
    case 'down':
      return 'down';
    default:
      return null;
  }
}

/**
 * What `sinfo -h -o '%R %D %T'` reports now, per partition.
 */
async function expectedPartitions(): Promise<Map<string, IExpectedPartition>> {
  const { code, stdout, stderr } = await run('sinfo', ['-h', '-o', '%R %D %T']);
  if (code !== 0) {
    throw new Error(`sinfo failed (${code}): ${stderr}`);
  }
  const partitions = new Map<string, IExpectedPartition>();
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) {
      continue;
    }
    const [name, count, state] = fields;
    const n = Number(count);
    let partition = partitions.get(name);
    if (!partition) {
      partition = {
        total: 0,
        counts: { idle: 0, allocated: 0, mixed: 0, down: 0, other: 0 },
        exact: true
      };
      partitions.set(name, partition);
    }
    partition.total += n;
    const b = bucket(state.toLowerCase());
    if (b === null) {
      partition.exact = false;
    } else {
      partition.counts[b] += n;
    }
  }
  return partitions;
}

/**
 * The partitions the sidebar shows for a cluster.
 */
function shownPartitions(page: Page, cluster: string): Promise<IShownPartition[]> {
  return page.locator(`.jp-Hpc-cluster[data-cluster="${cluster}"] .jp-Hpc-partition`).evaluateAll(elements =>
    elements.map(element => {
      const counts: Record<string, number> = {};
      element.querySelectorAll('.jp-Hpc-nodeCount').forEach(count => {
        const state = count.getAttribute('data-state') ?? '';
        counts[state] = Number(count.getAttribute('data-count'));
      });
      return {
        name: element.getAttribute('data-partition') ?? '',
        total: Number(element.getAttribute('data-total')),
        counts,
        text: (element.textContent ?? '').replace(/\s+/g, ' ').trim()
      };
    })
  );
}

/**
 * The differences between what Slurm reports and what the sidebar shows
 * (empty when they agree).
 */
function differences(expected: Map<string, IExpectedPartition>, shown: IShownPartition[]): string[] {
  const problems: string[] = [];
  for (const [name, partition] of expected) {
    const line = shown.find(p => p.name === name);
    if (!line) {
      problems.push(`partition ${name} not shown`);
      continue;
    }
    if (line.total !== partition.total) {
      problems.push(`${name}: ${line.total} nodes shown, sinfo has ${partition.total}`);
    }
    if (!partition.exact) {
      continue;
    }
    for (const state of Object.keys(partition.counts) as NodeState[]) {
      const want = partition.counts[state];
      const got = line.counts[state] ?? 0;
      if (want !== got) {
        problems.push(`${name}: ${got} ${state} shown, sinfo has ${want}`);
      }
      // The words, not just the attributes: "debug: 1 node idle".
      if (want > 0 || state === 'idle') {
        const words = `${want} ${want === 1 ? 'node' : 'nodes'} ${state}`;
        if (!line.text.includes(words)) {
          problems.push(`${name}: "${line.text}" lacks "${words}"`);
        }
      }
    }
    if (!line.text.startsWith(`${name}: `)) {
      problems.push(`${name}: line reads "${line.text}"`);
    }
  }
  return problems;
}

/**
 * The messages Slurm prints for the `broken` cluster's configuration,
 * without their `sinfo: error: ` prefixes (the companion may run another
 * Slurm command, which prints the same messages under its own name).
 */
async function brokenClusterMessages(): Promise<string[]> {
  const { code, stderr } = await run(
    'sinfo',
    ['-h', '-o', '%R %D %T'],
    { ...process.env, SLURM_CONF: '/nonexistent/slurm.conf' },
    // Slurm prints its error at once, then retries for 60 s: its first words are enough
    3_000
  );
  expect(code, 'sinfo with a missing slurm.conf should fail').not.toBe(0);
  return stderr
    .split('\n')
    .map(line => line.replace(/^\S+:\s+(error|fatal):\s+/, '').trim())
    .filter(line => line.length > 0);
}

test('the HPC sidebar opens from the command palette', async ({ page }) => {
  await openLab(page);
  await expect(hpcTab(page)).toHaveAttribute('aria-selected', 'false');
  const palette = page.locator('#command-palette');
  // The shortcut only works once the page has focus and Lab's key bindings
  // are in place, which the splash screen going away does not promise.
  await expect(async () => {
    await page.locator('.jp-Launcher-body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+C');
    await expect(palette).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await palette.locator('input').fill('Open HPC sidebar');
  await expect(palette.locator('.lm-CommandPalette-item', { hasText: 'Open HPC sidebar' }).first()).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('#jp-hpc-sidebar')).toBeVisible();
  await expect(hpcTab(page)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#jp-hpc-sidebar .jp-Hpc-clustersSection')).toBeVisible();
});

test('the View menu opens the HPC sidebar', async ({ page }) => {
  await openLab(page);
  await page.locator('.lm-MenuBar-item', { hasText: 'View' }).click();
  await page.locator('.lm-Menu-item[data-command="hpc:open-sidebar"]').click();
  await expect(page.locator('#jp-hpc-sidebar')).toBeVisible();
});

test('the sidebar shows what Slurm reports, and Slurm errors per cluster', async ({ page }) => {
  // Slurm takes about a minute to give up on a missing slurm.conf: ask it
  // while the page loads.
  const brokenMessages = brokenClusterMessages();

  await openLab(page);
  await openHpcSidebar(page);

  const local = page.locator('.jp-Hpc-cluster[data-cluster="local"]');
  await expect(local).toBeVisible({ timeout: 150_000 });
  await expect(local.locator('.jp-Hpc-clusterName')).toHaveText('local');
  await expect(local.locator('.jp-Hpc-transport')).toHaveText('local');

  // Both sides are read again on each try, so a node changing state
  // between the two reads does not fail the test.
  await expect
    .poll(async () => differences(await expectedPartitions(), await shownPartitions(page, 'local')), {
      timeout: 60_000,
      intervals: [1_000, 2_000, 5_000]
    })
    .toEqual([]);

  // The default partition is marked.
  const { stdout } = await run('sinfo', ['-h', '-o', '%P']);
  const defaults = stdout
    .split('\n')
    .filter(name => name.trim().endsWith('*'))
    .map(name => name.trim().slice(0, -1));
  for (const name of defaults) {
    await expect(local.locator(`.jp-Hpc-partition[data-partition="${name}"] .jp-Hpc-defaultBadge`)).toBeVisible();
  }

  // The broken cluster shows Slurm's own words, in the error style.
  const broken = page.locator('.jp-Hpc-cluster[data-cluster="broken"]');
  const error = broken.locator('.jp-Hpc-clusterError');
  await expect(error).toBeVisible({ timeout: 180_000 });
  await expect(broken).toHaveClass(/jp-mod-error/);
  const messages = await brokenMessages;
  const shown = (await error.innerText()).trim();
  expect(
    messages.some(message => shown.includes(message)),
    `"${shown}" should contain one of Slurm's messages:\n${messages.join('\n')}`
  ).toBe(true);
  await expect(broken.locator('.jp-Hpc-partition')).toHaveCount(0);

  // …and the local cluster still shows.
  await expect(local.locator('.jp-Hpc-partition').first()).toBeVisible();
  await expect(local.locator('.jp-Hpc-clusterError')).toHaveCount(0);
});

test("each partition shows its CPUs idle/total as sinfo -o '%C' does, during a running job", async ({ page }) => {
  const job = await run('sbatch', [
    '--parsable',
    '--chdir=/tmp',
    '--cpus-per-task=3',
    '--output=/dev/null',
    '--wrap=sleep 300'
  ]);
  expect(job.code, job.stderr).toBe(0);
  const id = job.stdout.trim().split(';')[0];
  try {
    await expect
      .poll(async () => (await run('squeue', ['-h', '-j', id, '-o', '%T'])).stdout.trim(), { timeout: 60_000 })
      .toBe('RUNNING');
    await openLab(page);
    await openHpcSidebar(page);
    const local = page.locator('.jp-Hpc-cluster[data-cluster="local"]');
    await expect(local).toBeVisible({ timeout: 150_000 });

    // sinfo's allocated/idle/other/total per partition against the line shown; both read on each try
    const partitions = (await run('sinfo', ['-h', '-o', '%R'])).stdout.trim().split('\n');
    const truth = async () =>
      (
        await Promise.all(
          partitions.map(async p => {
            const [, idle, , total] = (await run('sinfo', ['-h', '-p', p, '-o', '%C'])).stdout.trim().split('/');
            return `${p}: CPUs ${idle}/${total} idle`;
          })
        )
      ).join('\n');
    const shown = async () =>
      (
        await Promise.all(
          partitions.map(async p => {
            const line = local.locator(`.jp-Hpc-partition[data-partition="${p}"] .jp-Hpc-partitionResources`);
            return `${p}: ${((await line.textContent()) ?? '').split(',')[0]}`;
          })
        )
      ).join('\n');
    await expect
      .poll(
        async () => {
          const [now, expected] = [await shown(), await truth()];
          return now === expected ? 'same' : `shown ${now}; sinfo ${expected}`;
        },
        { timeout: 60_000, intervals: [1_000, 2_000, 5_000] }
      )
      .toBe('same');
    // the running job's CPUs are counted, and memory is shown beside them
    const debug = local.locator('.jp-Hpc-partition[data-partition="debug"] .jp-Hpc-partitionResources');
    expect(Number(await debug.getAttribute('data-cpus-allocated'))).toBeGreaterThanOrEqual(3);
    await expect(debug).toContainText('memory 3.9 GB');
    await expect(debug).toHaveAttribute(
      'title',
      /A job here: up to 1 node, 8 CPUs and 3\.9 GB per node, no time limit/
    );
  } finally {
    await run('scancel', [id]);
  }
});
