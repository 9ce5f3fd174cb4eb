/**
 * Start a real JupyterLab with the HPC server extension for the UI tests,
 * and stop it afterwards (the returned function is the global teardown).
 *
 * The server's config and runtime dirs are private temporary dirs, so user
 * settings and workspaces start fresh; the data dirs are left alone, so the
 * labextension installed in the venv is found. Tests get the server through
 * HPC_UI_URL and HPC_UI_TOKEN.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * The clusters the companion serves: the real local Slurm, and one whose
 * Slurm configuration does not exist, so that Slurm itself fails.
 */
const HPC_CLUSTERS = [
  { name: 'local', transport: 'local' },
  {
    name: 'broken',
    transport: 'local',
    env: { SLURM_CONF: '/nonexistent/slurm.conf' }
  }
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForServer(url: string, token: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exited: number | null = null;
  child.once('exit', code => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`jupyter lab exited (${exited}) before serving:\n${tail(log)}`);
    }
    try {
      const reply = await fetch(`${url}api/status`, {
        headers: { Authorization: `token ${token}` }
      });
      if (reply.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(`jupyter lab did not answer within ${STARTUP_TIMEOUT_MS / 1000}s:\n${tail(log)}`);
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
      resolve();
      return;
    }
    const pid = child.pid;
    // The server was started in its own process group: signalling the group
    // also stops the companion and any Slurm command it is running.
    const signal = (name: NodeJS.Signals): void => {
      try {
        process.kill(-pid, name);
      } catch {
        // Already gone.
      }
    };
    const killTimer = setTimeout(() => signal('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    signal('SIGTERM');
  });
}

/**
 * What a test that needs a Lab of its own may change (see `startLab`).
 */
export interface ILabOptions {
  /**
   * `c.HpcConfig` entries besides the clusters, e.g. `poll_interval`.
   */
  hpcConfig?: { [key: string]: unknown };
  /**
   * Extra environment of the server (and so of its companion and kernels).
   */
  env?: { [name: string]: string };
}

/**
 * A running JupyterLab; `stop` ends it and removes its temporary dirs.
 */
export interface IStartedLab {
  url: string;
  token: string;
  log: string;
  stop: () => Promise<void>;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const lab = await startLab();
  process.env.HPC_UI_URL = lab.url;
  process.env.HPC_UI_TOKEN = lab.token;
  process.env.HPC_UI_LOG = lab.log;
  console.log(`JupyterLab for UI tests at ${lab.url} (log: ${lab.log})`);
  return lab.stop;
}

/**
 * Start a JupyterLab in private config and runtime dirs, with the test
 * clusters; resolves once it serves.
 */
export async function startLab(options: ILabOptions = {}): Promise<IStartedLab> {
  const venv = process.env.HPC_VENV || path.join(REPO, '.venv');
  const jupyter = path.join(venv, 'bin', 'jupyter');
  if (!fs.existsSync(jupyter)) {
    throw new Error(`No ${jupyter}: set HPC_VENV to a venv with jupyterlab`);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hpc-ui-'));
  const configDir = path.join(tmp, 'config');
  const runtimeDir = path.join(tmp, 'runtime');
  const rootDir = path.join(tmp, 'root');
  for (const dir of [configDir, runtimeDir, rootDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(
    path.join(configDir, 'jupyter_server_config.json'),
    JSON.stringify(
      {
        HpcConfig: { clusters: HPC_CLUSTERS, ...options.hpcConfig },
        // The wheel enables the server extension in its own config file;
        // saying it here too lets the tests run against a source checkout
        // (PYTHONPATH and JUPYTER_PATH pointing at it).
        ServerApp: { jpserver_extensions: { jupyterlab_hpc: true } },
        // No network here: keep JupyterLab from looking for news/updates.
        LabApp: {
          news_url: null,
          check_for_updates_class: 'jupyterlab.NeverCheckForUpdate',
          // window.jupyterapp, for tests that call commands (hpc:select-job).
          expose_app_in_browser: true
        }
      },
      null,
      2
    )
  );
  // Dask dashboards open in Lab through jupyter-server-proxy, which forwards
  // only to allowed hosts: here, as a centre would configure it, loopback
  // and the nodes of the user's running sets.
  fs.writeFileSync(
    path.join(configDir, 'jupyter_server_config.py'),
    'from jupyterlab_hpc.dashboards import allow_set_nodes\n\nc.ServerProxy.host_allowlist = allow_set_nodes\n'
  );

  // …and from asking about news in a toast that could cover the page.
  const notificationSettings = path.join(configDir, 'lab', 'user-settings', '@jupyterlab', 'apputils-extension');
  fs.mkdirSync(notificationSettings, { recursive: true });
  fs.writeFileSync(
    path.join(notificationSettings, 'notification.jupyterlab-settings'),
    JSON.stringify({ fetchNews: 'false', checkForUpdates: false })
  );

  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const url = `http://127.0.0.1:${port}/`;
  const log = path.join(tmp, 'jupyter.log');
  const logFd = fs.openSync(log, 'a');

  const child = spawn(
    jupyter,
    [
      'lab',
      '--allow-root',
      '--no-browser',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${rootDir}`
    ],
    {
      cwd: rootDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        JUPYTER_CONFIG_DIR: configDir,
        JUPYTER_RUNTIME_DIR: runtimeDir,
        // set records and personal templates of this run only, not the user's own
        JUPYTERLAB_HPC_DATA_DIR: path.join(runtimeDir, 'hpc-data'),
        ...options.env,
        // As if the venv were activated, for the server's subprocesses.
        PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`
      }
    }
  );
  fs.closeSync(logFd);

  try {
    await waitForServer(url, token, child, log);
  } catch (error) {
    await stop(child);
    throw error;
  }

  return {
    url,
    token,
    log,
    stop: async () => {
      await stop(child);
      if (!process.env.HPC_UI_KEEP_TMP) {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
  };
}
