import { chmod, lstat, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from './types';

/**
 * The openssh transport's ControlMaster sockets: whoever owns their directory
 * can stand in for the login node (read every job script, answer with fake job
 * ids). So the directory must be the user's own, mode 0700, a real directory,
 * checked before every use; never a shared, guessable /tmp path that another
 * user could create first.
 */

/** ssh binds "<ControlPath>.<16 random chars>" first; sun_path holds 103 bytes on macOS, 107 on Linux. */
const MAX_CONTROL_PATH = 103 - 17;
/** The socket's own name: our 16-hex digest of the target (see openssh.ts), with its slash. */
const SOCKET_NAME_LENGTH = 17;

/** Why `path` is not a private directory of ours, or undefined when it is. */
export async function privateDirProblem(path: string): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    return `cannot be checked (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (st.isSymbolicLink()) {
    return 'is a symbolic link, not a directory';
  }
  if (!st.isDirectory()) {
    return 'is not a directory';
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    return `is owned by uid ${st.uid}, not you (uid ${uid})`;
  }
  const mode = st.mode & 0o7777;
  if (mode !== 0o700) {
    return `has mode ${mode.toString(8).padStart(4, '0')}, not 0700`;
  }
  return undefined;
}

/**
 * Makes `path` (its parent must exist: never a recursive mkdir) or accepts it
 * if it is already ours and private; anything else is refused, naming the path
 * and what is wrong with it.
 */
export async function ensurePrivateDir(path: string): Promise<string> {
  try {
    await mkdir(path, { mode: 0o700 });
    await chmod(path, 0o700); // the umask may have taken bits off
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new TransportError(
        `cannot create the ssh control directory ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'openssh'
      );
    }
  }
  const problem = await privateDirProblem(path);
  if (problem) {
    throw new TransportError(
      `refusing the ssh control directory ${path}: it ${problem}. Its sockets carry every command to the cluster; ` +
        'remove it (or fix it) and retry',
      'openssh'
    );
  }
  return path;
}

/** A path ssh can take as-is and bind a socket under. */
function usable(dir: string): boolean {
  return dir.length + SOCKET_NAME_LENGTH <= MAX_CONTROL_PATH && /^\/[^\s"'\\%]*$/.test(dir);
}

/**
 * Where the control sockets live unless configured: $XDG_RUNTIME_DIR (the
 * user's private tmpfs) when it is set and private, else the companion's own
 * runtime directory, else (both missing or too long for a socket path) a fresh
 * private directory from mkdtemp, whose random name no one can take first.
 */
export function controlDirChooser(runtimeDir?: string): () => Promise<string> {
  let chosen: Promise<string> | undefined;
  async function choose(): Promise<string> {
    const xdg = process.env.XDG_RUNTIME_DIR;
    if (xdg && usable(join(xdg, 'jupyterlab-hpc-ssh')) && !(await privateDirProblem(xdg))) {
      return join(xdg, 'jupyterlab-hpc-ssh');
    }
    if (runtimeDir && usable(join(runtimeDir, 'hpc-ssh'))) {
      return join(runtimeDir, 'hpc-ssh');
    }
    return mkdtemp(join(tmpdir(), 'jupyterlab-hpc-ssh-'));
  }
  return () => {
    chosen ??= choose();
    chosen.catch(() => (chosen = undefined));
    return chosen;
  };
}
