import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { run, slurmEnv } from './exec';

/**
 * Unix users the bench creates for the centre row (issue 12): hpc-bench-u01, u02, … each
 * runs its own companion and owns a few held jobs, as the users of one cluster would.
 * bench/cleanup.sh removes them and their jobs on exit, interrupted or not.
 */
export const BENCH_USER_PREFIX = 'hpc-bench-u';
export const CENTRE_JOB_NAME = 'hpc-bench-centre';

export interface BenchUser {
  name: string;
  uid: number;
  gid: number;
  /** Its scratch directory (the companion's runtime dir, data dir and HOME), owned by it. */
  home: string;
}

const userName = (i: number) => `${BENCH_USER_PREFIX}${String(i).padStart(2, '0')}`;

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find(l => l.startsWith(`${name}:`));
  if (!line) {
    return undefined;
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Creates `count` users (no login shell, no home skeleton), each with a scratch dir under `dir`. */
export async function createBenchUsers(count: number, dir: string): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let i = 1; i <= count; i++) {
    const name = userName(i);
    const home = `${dir}/${name}`;
    if (!passwdEntry(name)) {
      await run([
        'useradd',
        '--no-create-home',
        '--user-group',
        '--shell',
        '/usr/sbin/nologin',
        '--home-dir',
        home,
        name
      ]);
    }
    const ids = passwdEntry(name);
    if (!ids) {
      throw new Error(`useradd ${name} left no passwd entry`);
    }
    // the parents open to all (the users traverse them), each home its user's alone
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    mkdirSync(home, { recursive: true, mode: 0o700 });
    chownSync(home, ids.uid, ids.gid);
    users.push({ name, ...ids, home });
  }
  return users;
}

/** Submits `perUser` held jobs as each user (a few users at a time). */
export async function submitUserJobs(users: readonly BenchUser[], perUser: number, conf: string): Promise<void> {
  const submit = (u: BenchUser) =>
    run(
      [
        'runuser',
        '-u',
        u.name,
        '--',
        'sbatch',
        '--parsable',
        '--hold',
        `--job-name=${CENTRE_JOB_NAME}`,
        '--chdir=/tmp',
        '--output=/dev/null',
        '--wrap=true'
      ],
      slurmEnv(conf)
    );
  const queue = users.flatMap(u => Array.from({ length: perUser }, () => u));
  const loop = async () => {
    for (let u = queue.shift(); u; u = queue.shift()) {
      await submit(u);
    }
  };
  await Promise.all(Array.from({ length: 4 }, loop));
}
