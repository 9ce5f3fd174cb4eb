import { sbatchArgv } from './sbatch';

/**
 * `sbatch --test-only`: Slurm's scheduler says when and where a job would start, or why it
 * would be refused, without submitting it. The script still goes on stdin (sbatch reads its
 * #SBATCH lines), the options as argv.
 */
export function sbatchTestOnlyArgv(options: readonly string[], sbatch = 'sbatch'): string[] {
  const argv = sbatchArgv(options, sbatch).filter(a => a !== '--parsable');
  return [argv[0], '--test-only', ...argv.slice(1)];
}

export interface TestOnlyResult {
  ok: boolean;
  message: string;
  start?: string;
  nodes?: string;
  partition?: string;
}

const WOULD_START = /Job \d+ to start at (\S+) using \d+ processors on nodes (\S+) in partition (\S+)/;

/**
 * Reads sbatch's stderr: "sbatch: Job 107 to start at 2026-12-03T13:18:43 using 1 processors
 * on nodes vm in partition debug" when it would run (exit 0); Slurm's refusal otherwise.
 */
export function parseTestOnly(stderr: string, exitCode: number | null): TestOnlyResult {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  const started = lines.map(l => WOULD_START.exec(l)).find(m => m !== null);
  if (exitCode === 0 && started) {
    const message = lines.find(l => WOULD_START.test(l))!.replace(/^sbatch: /, '');
    return { ok: true, message, start: started[1], nodes: started[2], partition: started[3] };
  }
  if (exitCode === 0) {
    throw new Error(`unexpected sbatch --test-only output: ${JSON.stringify(stderr.slice(0, 200))}`);
  }
  // "sbatch: error: …" then "allocation failure: …": Slurm's words without the program's prefix
  const message = [...new Set(lines.map(l => l.replace(/^(sbatch: error: |allocation failure: )/, '')))].join('\n');
  return { ok: false, message: message || `sbatch --test-only exited with code ${exitCode}` };
}
