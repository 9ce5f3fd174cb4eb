import { execFileSync } from 'node:child_process';

/** The fixture's cluster configs, exported by scripts/slurm/start.sh. */
export function fixtureEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests through scripts/test.sh (it starts the Slurm fixture)`);
  }
  return value;
}

export const localConf = () => fixtureEnv('HPC_SLURM_CONF_LOCAL');
export const remoteConf = () => fixtureEnv('HPC_SLURM_CONF_REMOTE');
/** The controller-only cluster nothing else talks to: its sdiag counts are one test's own. */
export const scaleConf = () => fixtureEnv('HPC_SLURM_CONF_SCALE');

/** `sdiag -r` (root): the controller's RPC counters from zero. */
export function sdiagReset(conf: string): void {
  slurm(conf, ['sdiag', '-r']);
}

/** How many RPCs of each type the controller answered since the last reset (sdiag). */
export function sdiagCounts(conf: string): Map<string, number> {
  const out = slurm(conf, ['sdiag']);
  const byType = out.slice(out.indexOf('by message type'), out.indexOf('by user'));
  const counts = new Map<string, number>();
  for (const m of byType.matchAll(/^\s*(\w+)\s+\(\s*\d+\)\s+count:(\d+)/gm)) {
    counts.set(m[1], Number(m[2]));
  }
  return counts;
}

/** Runs a Slurm command directly (the ground truth the companion is compared with). */
export function slurm(conf: string, argv: string[], input?: string): string {
  return execFileSync(argv[0], argv.slice(1), { env: { ...process.env, SLURM_CONF: conf }, encoding: 'utf8', input });
}

/** The fixture's ssh2 target: a non-root user on the loopback sshd. */
export function sshFixture() {
  return {
    host: fixtureEnv('HPC_SSH_HOST'),
    port: Number(fixtureEnv('HPC_SSH_PORT')),
    user: fixtureEnv('HPC_SSH_USER'),
    identityFile: fixtureEnv('HPC_SSH_KEY'),
    knownHostsFile: fixtureEnv('HPC_SSH_KNOWN_HOSTS')
  };
}

/** Submits a held job on the local cluster as root, argv only; returns its id. */
export function submitLocal(args: string[]): string {
  return slurm(localConf(), ['sbatch', '--parsable', '--chdir=/tmp', ...args])
    .trim()
    .split(';')[0];
}

/** Submits on the remote cluster as the ssh test user, through the system ssh client. */
export function submitRemote(args: string[]): string {
  const f = sshFixture();
  const quoted = args.map(a => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return execFileSync(
    'ssh',
    [
      '-p',
      String(f.port),
      '-i',
      f.identityFile,
      '-o',
      `UserKnownHostsFile=${f.knownHostsFile}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      `${f.user}@${f.host}`,
      `cd ~ && sbatch --parsable ${quoted}`
    ],
    { encoding: 'utf8' }
  )
    .trim()
    .split(';')[0];
}

/** squeue's own view of one job ('' when gone), for ground truth. */
export function squeueState(conf: string, id: string): string {
  try {
    return slurm(conf, ['squeue', '--noheader', '--states=all', '--jobs', id, '--format', '%T|%r']).trim();
  } catch {
    return '';
  }
}

/** Runs one of the fixture's daemon controls (stop/start sshd, local-ctld, remote-ctld). */
export function fixtureDaemon(action: 'stop' | 'start', daemon: string): void {
  execFileSync('bash', [`${__dirname}/../../scripts/slurm/daemon.sh`, action, daemon], { stdio: 'ignore' });
}
