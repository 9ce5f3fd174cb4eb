import { execFile } from 'node:child_process';

/** The environment of a Slurm client command aimed at one cluster's slurmctld. */
export function slurmEnv(conf: string): NodeJS.ProcessEnv {
  return { ...process.env, SLURM_CONF: conf };
}

/** Runs a command (argv, no shell) to completion; rejects with its stderr on failure. */
export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { env, maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${argv.slice(0, 3).join(' ')} failed: ${stderr.trim() || error.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));
