import { posix } from 'node:path';
import { CommandRunner } from '../runners/types';
import { MonitorStatus } from './types';

/**
 * The set dir lives on the cluster's filesystem: the companion reads it with
 * the runner (a local file, or SFTP over the warm ssh connection) and writes
 * with argv-only commands (tee, mv, mkdir: no shell, paths as arguments).
 */

/** Where a user's sets live on a cluster: "$HOME/.jupyterlab-hpc/sets" of the cluster's user. */
export async function defaultSetsRoot(runner: CommandRunner): Promise<string> {
  const result = await runner.run(['printenv', 'HOME'], { timeoutMs: 20_000 });
  const home = result.stdout.trim();
  if (result.code !== 0 || !posix.isAbsolute(home) || /[\n\r\0]/.test(home)) {
    throw new Error(`cannot tell the home directory on ${runner.label}: ${result.stderr.trim() || home}`);
  }
  return posix.join(home, '.jupyterlab-hpc', 'sets');
}

async function run(runner: CommandRunner, argv: string[], stdin?: string): Promise<void> {
  const result = await runner.run(argv, { timeoutMs: 20_000, stdin });
  if (result.code !== 0) {
    throw new Error(`${argv[0]} failed on ${runner.label}: ${result.stderr.trim() || `exit code ${result.code}`}`);
  }
}

/** The set dir, private to the user; it must exist before sbatch opens the job's output file in it. */
export async function makeSetDir(runner: CommandRunner, dir: string): Promise<void> {
  await run(runner, ['mkdir', '-p', '--', dir]);
  await run(runner, ['chmod', '700', '--', dir]);
}

/** Writes a small file atomically (tee to a temporary name, then mv). */
export async function writeClusterFile(runner: CommandRunner, path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await run(runner, ['tee', '--', tmp], content);
  await run(runner, ['mv', '-f', '--', tmp, path]);
}

/** A JSON file, or undefined when it is absent or (being written) not yet valid JSON. */
export async function readClusterJson(runner: CommandRunner, path: string): Promise<unknown> {
  try {
    const slice = await runner.readFile(path, 0, 4 * 1024 * 1024);
    return JSON.parse(slice.data) as unknown;
  } catch {
    return undefined;
  }
}

/** A connection file: heads write them non-atomically, so a bad parse is retried a few times. */
export async function readConnectionFile(runner: CommandRunner, path: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    const value = await readClusterJson(runner, path);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    if (attempt >= 4) {
      throw Object.assign(new Error(`the connection file ${path} is missing or not valid JSON`), { statusCode: 409 });
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

export async function readMonitorStatus(runner: CommandRunner, setDir: string): Promise<MonitorStatus | undefined> {
  const value = (await readClusterJson(runner, posix.join(setDir, 'status.json'))) as MonitorStatus | undefined;
  if (!value || value.v !== 1 || typeof value.job !== 'string' || !Array.isArray(value.workers)) {
    return undefined;
  }
  return value;
}

/** The last `maxLines` lines of a file (a job's output), [] when it cannot be read. */
export async function readTail(runner: CommandRunner, path: string, maxLines = 400): Promise<string[]> {
  try {
    const { size } = await runner.readFile(path, 0, 0);
    const bytes = 64 * 1024;
    const slice = await runner.readFile(path, Math.max(0, size - bytes), bytes);
    const lines = slice.data.split('\n');
    if (slice.offset > 0) {
      lines.shift(); // a partial first line
    }
    return lines
      .filter(l => l.trim() !== '')
      .slice(-maxLines)
      .map(l => (l.length > 500 ? `${l.slice(0, 500)}…` : l));
  } catch {
    return [];
  }
}
