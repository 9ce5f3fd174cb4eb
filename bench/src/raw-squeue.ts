import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { squeueArgv, squeueFormat } from '../../server/src/slurm/squeue';
import { newNonce } from '../../server/src/slurm/squeue-records';
import { run, slurmEnv } from './exec';
import { since } from './stats';

/** The companion's exact squeue argv (delimited, every state, one row per array task). */
export const SQUEUE_ARGV = squeueArgv('squeue', { allStates: true, expandArrays: true });

/** And its format, with a poll's secret, given as the companion gives it: in the environment. */
function squeueEnv(conf: string): NodeJS.ProcessEnv {
  return { ...slurmEnv(conf), SQUEUE_FORMAT: squeueFormat(newNonce()) };
}

export interface RawRun {
  ms: number;
  bytes: number;
  rows: number;
}

/**
 * One raw squeue, timed from spawn to exit with its stdout read through a pipe into memory
 * and dropped: the floor any consumer of squeue pays, and the same path the companion's
 * local runner takes (spawn, pipe, collect), minus everything the companion does after.
 */
export function timeRawSqueue(conf: string): Promise<RawRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(SQUEUE_ARGV[0], SQUEUE_ARGV.slice(1), {
      env: squeueEnv(conf),
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', code => {
      const ms = since(start);
      if (code !== 0) {
        reject(new Error(`squeue exited ${code}: ${stderr.trim()}`));
        return;
      }
      // counted after the clock stopped: records end with \x1e
      let rows = 0;
      let bytes = 0;
      for (const c of chunks) {
        bytes += c.length;
        for (let i = c.indexOf(0x1e); i >= 0; i = c.indexOf(0x1e, i + 1)) {
          rows++;
        }
      }
      resolve({ ms, bytes, rows });
    });
  });
}

/** squeue's own peak memory (max RSS, MB) for the same argv, from GNU time. */
export async function squeuePeakMb(conf: string): Promise<number> {
  const file = join(tmpdir(), `hpc-bench-time-${process.pid}`);
  try {
    await run(
      ['bash', '-c', '"$@" >/dev/null', 'bash', '/usr/bin/time', '-f', '%M', '-o', file, ...SQUEUE_ARGV],
      squeueEnv(conf)
    );
    return Number(readFileSync(file, 'utf8').trim().split('\n').pop()) / 1024;
  } finally {
    rmSync(file, { force: true });
  }
}
