/**
 * JupyterHub with batchspawner's SlurmSpawner: alice's Lab is a Slurm job on
 * the local cluster; the sidebar, the companion, the magics and the sets all
 * work from inside that allocation, and the Hub's "Stop My Server" leaves no
 * companion and no set job behind.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, test } from '@playwright/test';
import { newNotebook, openHpcSidebar, runCell, runCommand } from './helpers';
import {
  companionPids,
  homeOf,
  hubLogin,
  IStartedHub,
  openUserLab,
  resetUserSettings,
  startHub,
  stopServerFromHub
} from './hub';

test.describe.configure({ mode: 'serial' });

let hub: IStartedHub | undefined;
const jobs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(900_000); // a fresh machine installs the shared environment first
  resetUserSettings('alice');
  hub = await startHub('slurm');
});

test.afterAll(async () => {
  if (jobs.length) {
    await runCommand('scancel', jobs);
  }
  await hub?.stop();
});

/** alice's jobs: id → "name|state". */
async function aliceJobs(): Promise<Map<string, string>> {
  const { stdout } = await runCommand('squeue', ['-h', '-u', 'alice', '-o', '%i|%j|%T']);
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [id, ...rest] = line.trim().split('|');
        return [id, rest.join('|')];
      })
  );
}

test('alice’s Lab runs as a Slurm job: sidebar, %sbatch and a Dask set from inside it; stopping it from the Hub leaves nothing', async ({
  page
}) => {
  await hubLogin(page, hub!, 'alice');
  await openUserLab(page, hub!, 'alice');

  // Her server is a Slurm job of hers, running.
  const server = [...(await aliceJobs())].find(([, what]) => what === 'spawner-jupyterhub|RUNNING');
  expect(server, 'squeue shows her server job').toBeDefined();
  const serverJob = server![0];
  jobs.push(serverJob);

  // The sidebar works from inside the allocation: partitions, and her own server job in her queue.
  await openHpcSidebar(page);
  await expect(
    page.locator('.jp-Hpc-cluster[data-cluster="local"] .jp-Hpc-partition[data-partition="debug"]')
  ).toBeVisible({
    timeout: 120_000
  });
  await expect(page.locator(`#jp-hpc-my-jobs .jp-Hpc-myJob[data-job-id="${serverJob}"]`)).toBeVisible({
    timeout: 60_000
  });

  // %%sbatch from a notebook of that server submits, as alice.
  const notebook = await newNotebook(page);
  await runCell(notebook, '%load_ext jupyterlab_hpc');
  const tag = randomBytes(3).toString('hex');
  const cell = await runCell(notebook, `%%sbatch --hold --job-name=hub-nb-${tag}\n#!/bin/bash\nsleep 60`);
  const output = (await cell.locator('.jp-OutputArea').innerText()).trim();
  const submitted = /Submitted batch job (\d+)/.exec(output)?.[1] ?? '';
  expect(submitted, output).not.toBe('');
  jobs.push(submitted);
  expect((await aliceJobs()).get(submitted)).toBe(`hub-nb-${tag}|PENDING`);

  // A Dask set started from there runs (its srun steps get none of the Lab job's Slurm settings).
  const sets = page.locator('#jp-hpc-sets');
  await expect(sets.locator('.jp-Hpc-sets')).toHaveAttribute('data-state', 'ok');
  const name = `hub-slurm-dask-${tag}`;
  await sets.locator('.jp-Hpc-setsStart button[data-kind="dask"]').click();
  const dialog = page.locator('.jp-Dialog');
  for (const [field, value] of Object.entries({ workers: '1', memory: '700M', time: '10', name })) {
    await dialog.locator(`#jp-Hpc-dialogField-${field}`).fill(value);
  }
  await dialog.locator('button.jp-mod-accept').click();
  const card = sets.locator('.jp-Hpc-set').filter({ has: page.locator('.jp-Hpc-setName', { hasText: name }) });
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 180_000 });
  await expect(card).toHaveAttribute('data-workers-connected', '1', { timeout: 120_000 });
  const setJobs = ((await card.getAttribute('data-jobs')) ?? '').split(' ').filter(Boolean);
  expect(setJobs.length).toBeGreaterThan(0);
  jobs.push(...setJobs);
  expect(await companionPids('alice')).toHaveLength(1);
  // Its runtime dir and connection file are alice's own, inside her home, private.
  const runtime = path.join(homeOf('alice'), '.local', 'share', 'jupyter', 'runtime');
  const connection = path.join(runtime, `jupyterlab-hpc-${os.hostname()}.json`);
  for (const [file, mode] of [
    [runtime, 0o700],
    [connection, 0o600]
  ] as const) {
    const info = fs.statSync(file);
    expect([info.uid, info.mode & 0o777], file).toEqual([fs.statSync(homeOf('alice')).uid, mode]);
  }

  // "Stop My Server" on the Hub's home page: the server job, her companion and the set's jobs end.
  await stopServerFromHub(page, hub!);
  await expect
    .poll(
      async () => {
        const left = await aliceJobs();
        return [serverJob, ...setJobs].filter(id => left.has(id) && !left.get(id)!.endsWith('|COMPLETING'));
      },
      { timeout: 60_000 }
    )
    .toEqual([]);
  await expect.poll(() => companionPids('alice'), { timeout: 30_000 }).toEqual([]);
});
