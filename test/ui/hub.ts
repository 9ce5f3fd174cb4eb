/**
 * JupyterHub as a centre runs it, for the hub-*.spec.ts tests: the shared
 * environment (scripts/hub-env.sh: the wheel and the centre's config in its
 * etc/jupyter), then the Hub of scripts/hub.sh on loopback with the local or
 * the Slurm spawner, and alice and bob logging in through its login page.
 */
import { execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { expect, Page } from '@playwright/test';
import { sleep, stop, tail } from './global-setup';

const REPO = path.resolve(__dirname, '..', '..');
const HUB_STARTUP_MS = 120_000;
/** pip installs the shared environment on a fresh machine: minutes, once. */
const HUB_ENV_MS = 900_000;
export const HUB_USERS = ['alice', 'bob'] as const;
export type HubUser = (typeof HUB_USERS)[number];

export interface IStartedHub {
  url: string;
  password: string;
  log: string;
  stop: () => Promise<void>;
}

function run(command: string, args: string[], timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: process.env, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      } else {
        resolve(String(stdout));
      }
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose next two are free too: the proxy, the Hub and the proxy's API. */
async function freePortTriple(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await portFree(port)) && (await portFree(port + 1)) && (await portFree(port + 2))) {
      return port;
    }
  }
  throw new Error('no three free consecutive ports on 127.0.0.1');
}

/** Write `content` as `user`'s own file (dirs made as theirs, private). */
function writeUserFile(user: string, home: string, relative: string, content: string): void {
  const { uid, gid } = fs.statSync(home);
  const file = path.join(home, relative);
  let dir = home;
  for (const part of path.relative(home, path.dirname(file)).split(path.sep)) {
    dir = path.join(dir, part);
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.chownSync(dir, uid, gid);
    }
  }
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chownSync(file, uid, gid);
}

export function homeOf(user: string): string {
  return path.join('/home', user);
}

/**
 * Each user's own Jupyter settings, fresh for the run: Lab's news toast off,
 * `window.jupyterapp` for the notebook helpers, and `clusters` as their own
 * Settings → HPC clusters (on top of the centre's).
 */
export function resetUserSettings(user: HubUser, clusters: object[] = []): void {
  const home = homeOf(user);
  fs.rmSync(path.join(home, '.jupyter'), { recursive: true, force: true });
  writeUserFile(
    user,
    home,
    '.jupyter/jupyter_server_config.json',
    JSON.stringify({ LabApp: { expose_app_in_browser: true } })
  );
  const settings = '.jupyter/lab/user-settings';
  writeUserFile(
    user,
    home,
    `${settings}/@jupyterlab/apputils-extension/notification.jupyterlab-settings`,
    JSON.stringify({ fetchNews: 'false', checkForUpdates: false })
  );
  writeUserFile(user, home, `${settings}/jupyterlab-hpc/sidebar.jupyterlab-settings`, JSON.stringify({ clusters }));
}

/**
 * Install the shared environment (idempotent) and start the Hub of
 * scripts/hub.sh with `spawner`; resolves once the Hub answers.
 */
export async function startHub(spawner: 'local' | 'slurm'): Promise<IStartedHub> {
  if (!process.env.HPC_SLURM_CONF_LOCAL) {
    throw new Error('HPC_SLURM_CONF_LOCAL unset: source the fixture env (scripts/slurm/start.sh)');
  }
  await run('bash', [path.join(REPO, 'scripts', 'hub-env.sh')], HUB_ENV_MS);
  const state = fs.mkdtempSync(path.join(os.tmpdir(), `hpc-hub-${spawner}-`));
  const port = await freePortTriple();
  const password = randomBytes(12).toString('hex');
  const log = path.join(state, 'hub.log');
  const logFd = fs.openSync(log, 'a');
  const child = spawn(
    'bash',
    [
      path.join(REPO, 'scripts', 'hub.sh'),
      '--no-setup',
      '--spawner',
      spawner,
      '--port',
      String(port),
      '--state',
      state
    ],
    { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, HPC_HUB_PASSWORD: password } }
  );
  fs.closeSync(logFd);
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + HUB_STARTUP_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the Hub exited (${child.exitCode}) before serving:\n${tail(log)}`);
    }
    const reply = await fetch(`${url}hub/api/`).catch(() => null);
    if (reply?.ok) {
      break;
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`the Hub did not answer within ${HUB_STARTUP_MS / 1000}s:\n${tail(log)}`);
    }
    await sleep(500);
  }
  return {
    url,
    password,
    log,
    stop: async () => {
      // The Hub stops its users' servers on its way out (cleanup_servers).
      await stop(child);
      if (!process.env.HPC_UI_KEEP_TMP) {
        fs.rmSync(state, { recursive: true, force: true });
      }
    }
  };
}

/** Log `user` in through the Hub's own login page. */
export async function hubLogin(page: Page, hub: IStartedHub, user: HubUser): Promise<void> {
  await page.goto(`${hub.url}hub/login`);
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill(hub.password);
  await page.locator('#login_submit').click();
  await page.waitForURL(url => !url.pathname.endsWith('/hub/login'));
}

/**
 * Open `/user/<user>/lab` (the Hub starts the server if it is not running)
 * with the default layout, and wait until the shell is up.
 */
export async function openUserLab(page: Page, hub: IStartedHub, user: HubUser): Promise<void> {
  await page.goto(`${hub.url}user/${user}/lab?reset`, { timeout: 240_000 });
  await page.waitForURL(url => url.pathname.startsWith(`/user/${user}/lab`), { timeout: 240_000 });
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.locator('.jp-SideBar.jp-mod-left')).toBeVisible();
}

/** Stop `user`'s server with the Hub's own "Stop My Server" button. */
export async function stopServerFromHub(page: Page, hub: IStartedHub): Promise<void> {
  await page.goto(`${hub.url}hub/home`);
  await page.locator('#stop').click();
  await expect(page.locator('#start')).toBeVisible({ timeout: 120_000 });
}

/** Pids of `user`'s companion processes (main.js of any install). */
export async function companionPids(user: HubUser): Promise<string[]> {
  const out = await run('ps', ['-u', user, '-o', 'pid=,args='], 10_000).catch(() => '');
  return out
    .split('\n')
    .filter(line => line.includes('companion/main.js'))
    .map(line => line.trim().split(/\s+/)[0]);
}
