import { posix } from 'node:path';
import { CommandRunner } from '../runners/types';
import { SetError } from './table';
import { SetTls } from './types';

/**
 * A Dask set's TLS: one self-signed certificate per set (EC P-256), its own CA,
 * with its key in the set's 0700 directory. Scheduler, workers and every client
 * the product makes present it (mutual TLS, distributed's Security): a process
 * without the key cannot talk to the set, by `tcp://` or by `tls://`.
 *
 * Made by `openssl` on the cluster before the head job is submitted (~0.1 s,
 * argv only, the key never leaves the cluster on the way): the job starts no
 * later than without TLS.
 */
export const TLS_CERT_FILE = 'tls-cert.pem';
export const TLS_KEY_FILE = 'tls-key.pem';

/**
 * The dashboard's secret (256 bits, hex): the scheduler's HTTP server answers
 * only requests that carry it (dask-preload-py.ts), as the cookie
 * DASHBOARD_COOKIE_PREFIX + set id (the owner's browser, through Jupyter) or
 * as `Authorization: token <secret>` (the monitor).
 */
export const DASHBOARD_SECRET_FILE = 'dashboard-secret';
export const DASHBOARD_COOKIE_PREFIX = 'hpc-dash-';
export const dashboardCookieName = (setId: string): string => `${DASHBOARD_COOKIE_PREFIX}${setId}`;

/** The openssl command: a self-signed certificate (CA:TRUE from openssl's defaults), no passphrase. */
export function certificateArgv(setDir: string, days = 3650): string[] {
  return [
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    posix.join(setDir, TLS_KEY_FILE),
    '-out',
    posix.join(setDir, TLS_CERT_FILE),
    '-days',
    String(days),
    '-subj',
    '/CN=jupyterlab-hpc-set'
  ];
}

/** Made on the cluster, into a file: the secret is never in an argv (/proc/PID/cmdline is world-readable). */
export const dashboardSecretArgv = (setDir: string): string[] => [
  'openssl',
  'rand',
  '-hex',
  '-out',
  posix.join(setDir, DASHBOARD_SECRET_FILE),
  '32'
];

async function mustRun(runner: CommandRunner, argv: string[], what: string): Promise<void> {
  let problem: string | undefined;
  try {
    const result = await runner.run(argv, { timeoutMs: 20_000 });
    if (result.code !== 0) {
      problem = result.stderr.trim() || `exit code ${result.code}`;
    }
  } catch (e) {
    problem = (e as Error).message;
  }
  if (problem !== undefined) {
    throw new SetError(`cannot ${what} on ${runner.label} (openssl is needed there): ${problem}`, 502);
  }
}

/** The set's certificate, key and dashboard secret, private to the user (the set dir is 0700 already). */
export async function makeSetCredentials(runner: CommandRunner, setDir: string): Promise<void> {
  await Promise.all([
    mustRun(runner, certificateArgv(setDir), "create the set's TLS certificate"),
    mustRun(runner, dashboardSecretArgv(setDir), "create the set's dashboard secret")
  ]);
  // openssl before 3.0 writes the key with the umask; chmod never follows the files' owner anyway
  const files = [TLS_KEY_FILE, TLS_CERT_FILE, DASHBOARD_SECRET_FILE].map(f => posix.join(setDir, f));
  await mustRun(runner, ['chmod', '600', '--', ...files], "make the set's TLS files private");
}

/** The dashboard's secret, for the owner's browser; undefined for a set made before sets had one. */
export async function readDashboardSecret(runner: CommandRunner, setDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = (await runner.readFile(posix.join(setDir, DASHBOARD_SECRET_FILE), 0, 1024)).data.trim();
  } catch {
    return undefined;
  }
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new SetError(`the set's ${DASHBOARD_SECRET_FILE} is not what openssl rand -hex 32 writes`, 409);
  }
  return text;
}

/** The PEM contents, for a client of the set's owner (through the companion's authenticated API). */
export async function readSetTls(runner: CommandRunner, setDir: string): Promise<SetTls> {
  const read = async (name: string): Promise<string> => {
    try {
      return (await runner.readFile(posix.join(setDir, name), 0, 64 * 1024)).data;
    } catch (e) {
      throw new SetError(`cannot read the set's ${name}: ${(e as Error).message}`, 409);
    }
  };
  const [cert, key] = await Promise.all([read(TLS_CERT_FILE), read(TLS_KEY_FILE)]);
  return { ca: cert, cert, key };
}

/** The same files by path, for a kernel on the cluster's own host. */
export const setTlsFiles = (setDir: string): SetTls => ({
  ca: posix.join(setDir, TLS_CERT_FILE),
  cert: posix.join(setDir, TLS_CERT_FILE),
  key: posix.join(setDir, TLS_KEY_FILE)
});
