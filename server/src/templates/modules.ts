import { shellQuote } from '../runners/shell-quote';

/**
 * The `module load` lines of a job. Nodes without Environment Modules (a laptop cluster, a
 * container) run the job anyway and say on stderr what was skipped; where `module` exists, a
 * module that does not load stops the job, rather than letting it run with the wrong software.
 * Module names are checked by the template schema; quoting them anyway keeps this file safe
 * on its own.
 */
export function moduleLines(modules: readonly string[]): string[] {
  if (modules.length === 0) {
    return [];
  }
  const load = ['module', 'load', ...modules].map(shellQuote).join(' ');
  const failed = shellQuote(`jupyterlab-hpc: ${load} failed; stopping the job`);
  const skipped = shellQuote(`jupyterlab-hpc: no "module" command on this node; skipping: ${load}`);
  return [
    'if command -v module >/dev/null 2>&1; then',
    `  ${load} || { echo ${failed} >&2; exit 1; }`,
    'else',
    `  echo ${skipped} >&2`,
    'fi'
  ];
}
