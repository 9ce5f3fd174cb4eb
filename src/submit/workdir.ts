/**
 * Where a batch script submitted from the Lab runs: the folder its own
 * `#SBATCH --chdir` names, else the script's folder on the Jupyter host, as
 * `sbatch` typed in that folder would.
 */
import { PageConfig, PathExt } from '@jupyterlab/coreutils';

/** The script's folder on the Jupyter host (`path` is relative to the server's root). */
export function scriptFolder(path: string): string {
  const root = PageConfig.getOption('serverRoot').replace(/\/+$/, '');
  const folder = PathExt.dirname(path);
  return folder ? `${root}/${folder}` : root || '/';
}

/**
 * The folder of the script's own `#SBATCH --chdir=DIR` / `-D DIR`, read as
 * sbatch reads directives: up to the first command line.
 */
export function scriptChdir(script: string): string | null {
  let folder: string | null = null;
  for (const line of script.split('\n').slice(1)) {
    const text = line.trim();
    if (text !== '' && !text.startsWith('#')) {
      break;
    }
    const match = /^#SBATCH\s+(?:--chdir(?:=|\s+)|-D\s*)(\S+)/.exec(text);
    if (match) {
      folder = match[1];
    }
  }
  return folder;
}
