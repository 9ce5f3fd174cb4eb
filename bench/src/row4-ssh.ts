import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRunner } from '../../server/src/runners/local';
import { createOpensshRunner } from '../../server/src/runners/openssh';
import { shellCommand } from '../../server/src/runners/shell-quote';
import { createSshRunner } from '../../server/src/runners/ssh';
import { CommandRunner } from '../../server/src/runners/types';
import { bareSsh2 } from './bare-ssh2';
import { BenchContext } from './context';
import { Summary, since, summarize } from './stats';

/**
 * Row 4: one small command over the companion's warm ssh2 connection (its real runner)
 * vs the same command run locally (the companion's local runner) vs a fresh system `ssh`
 * per call; for information the ssh2 library alone (the floor sshd sets) and the openssh
 * transport (ControlMaster). The calls of the
 * transports are interleaved so drift on a busy machine hits them alike.
 */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
}

export interface SshCommandResult {
  command: string;
  local: Summary;
  ssh2: Summary;
  /** The ssh2 library alone on one connection: sshd's own cost per command. */
  bareSsh2: Summary;
  openssh: Summary;
  freshSsh: Summary;
  /** ssh2 / local of the same round (the two run back to back). */
  ssh2Ratio: Summary;
}

export async function measureSsh(ctx: BenchContext, target: SshTarget, probeJob: string): Promise<SshCommandResult[]> {
  // the same slurmctld either way: sshd gives the ssh user the remote cluster's SLURM_CONF
  const local = createLocalRunner({ env: { SLURM_CONF: ctx.benchConf } });
  const ssh2 = createSshRunner(target);
  // a short private path: ControlMaster sockets must fit in sun_path (108 bytes)
  const controlDir = mkdtempSync(join(tmpdir(), 'hpc-bench-'));
  const openssh = createOpensshRunner({ ...target, controlDir });
  const fresh: CommandRunner = {
    label: 'fresh ssh',
    run: argv => freshSsh(target, argv),
    readFile: () => Promise.reject(new Error('not used')),
    close: async () => undefined
  };
  const bare = await bareSsh2(target);
  const transports = { local, ssh2, bare, openssh, freshSsh: fresh };
  const commands = [['squeue', '--noheader', `--jobs=${probeJob}`], ['true']];
  const results: SshCommandResult[] = [];
  try {
    for (const argv of commands) {
      const times: Record<keyof typeof transports, number[]> = {
        local: [],
        ssh2: [],
        bare: [],
        openssh: [],
        freshSsh: []
      };
      for (let i = -3; i < ctx.runs.ssh; i++) {
        for (const [name, runner] of Object.entries(transports) as Array<[keyof typeof transports, CommandRunner]>) {
          // the goal compares ssh2 with local: they run every round; the slow references every 5th
          if ((name === 'openssh' || name === 'freshSsh') && i >= 0 && i % 5 !== 0) {
            continue;
          }
          const start = performance.now();
          const result = await runner.run(argv);
          const ms = since(start);
          if (result.code !== 0) {
            throw new Error(`${argv.join(' ')} over ${name} exited ${result.code}: ${result.stderr.trim()}`);
          }
          if (argv[0] === 'squeue' && !result.stdout.includes(probeJob)) {
            throw new Error(`${argv.join(' ')} over ${name} did not list job ${probeJob}`);
          }
          // the first rounds open the warm connections: not counted
          if (i >= 0) {
            times[name].push(ms);
          }
        }
      }
      results.push({
        command: argv.join(' '),
        local: summarize(times.local),
        ssh2: summarize(times.ssh2),
        bareSsh2: summarize(times.bare),
        openssh: summarize(times.openssh),
        freshSsh: summarize(times.freshSsh),
        ssh2Ratio: summarize(times.ssh2.map((t, i) => t / times.local[i]))
      });
    }
    return results;
  } finally {
    await Promise.all([ssh2.close(), openssh.close(), bare.close()]);
    rmSync(controlDir, { recursive: true, force: true });
  }
}

/** The system ssh client, a new connection per command (what a naive dashboard does). */
function freshSsh(t: SshTarget, argv: readonly string[]) {
  const args = ['-p', String(t.port), '-i', t.identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes'];
  args.push('-o', `UserKnownHostsFile=${t.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes');
  args.push('-o', 'ControlMaster=no', '-o', 'ControlPath=none', `${t.user}@${t.host}`, shellCommand(argv));
  return new Promise<{ code: number | null; signal: null; stdout: string; stderr: string }>(resolve => {
    execFile('ssh', args, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, signal: null, stdout, stderr });
    });
  });
}
