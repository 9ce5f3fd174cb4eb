import { run, slurmEnv, sleep } from './exec';

/**
 * The bench's queue of held (never running) jobs on one slurmctld: job arrays of at most
 * 10,000 tasks plus up to 100 separate jobs, grown in place from one size to the next so a
 * 1k/10k/100k run submits 100k jobs in all. Every job is named `hpc-bench-queue`, so one
 * `scancel --name` removes them (also from bench/cleanup.sh after an interrupted run).
 */
export const QUEUE_JOB_NAME = 'hpc-bench-queue';
const ARRAY_CHUNK = 10_000;
const MAX_SINGLES = 100;

const common = ['--parsable', '--hold', `--job-name=${QUEUE_JOB_NAME}`, '--chdir=/tmp', '--output=/dev/null'];

export class BenchQueue {
  private readonly arrays: Array<{ id: string; size: number }> = [];
  private readonly singles: string[] = [];

  constructor(private readonly conf: string) {}

  get size(): number {
    return this.singles.length + this.arrays.reduce((n, a) => n + a.size, 0);
  }

  /** Submits held jobs until the bench owns `n` pending jobs (array tasks count one each). */
  async growTo(n: number): Promise<void> {
    const env = slurmEnv(this.conf);
    const singlesWanted = Math.min(MAX_SINGLES, Math.floor(n / 10));
    while (this.singles.length < singlesWanted) {
      this.singles.push(parseId(await run(['sbatch', ...common, '--wrap=true'], env)));
    }
    while (this.size < n) {
      const size = Math.min(ARRAY_CHUNK, n - this.size);
      const id = parseId(await run(['sbatch', ...common, `--array=0-${size - 1}`, '--wrap=true'], env));
      this.arrays.push({ id, size });
    }
  }

  /** How many rows `change1pct` changes: 1% of every array and of the separate jobs, rounded up. */
  get changedPerRound(): number {
    return this.arrays.reduce((n, a) => n + Math.ceil(a.size / 100), 0) + Math.ceil(this.singles.length / 100);
  }

  /**
   * Changes 1% of the jobs (their Comment, shown by squeue's %k) without letting any run.
   * The first round also splits those tasks off their array record in slurmctld (new %A).
   */
  async change1pct(round: number): Promise<void> {
    const env = slurmEnv(this.conf);
    const comment = `Comment=hpc-bench-${round}`;
    const ids = this.arrays.map(a => `${a.id}_[0-${Math.ceil(a.size / 100) - 1}]`);
    ids.push(...this.singles.slice(0, Math.ceil(this.singles.length / 100)));
    // one RPC per array range: keeps the change itself short next to a poll
    await Promise.all(ids.map(id => run(['scontrol', 'update', `JobId=${id}`, comment], env)));
  }
}

function parseId(out: string): string {
  const id = out.trim().split(';')[0];
  if (!/^\d+$/.test(id)) {
    throw new Error(`unexpected sbatch output: ${JSON.stringify(out)}`);
  }
  return id;
}

/** Cancels every bench job (root's, by name) and waits until none is pending or running. */
export async function cancelBenchJobs(conf: string, names: readonly string[]): Promise<void> {
  const env = slurmEnv(conf);
  for (const name of names) {
    await run(['scancel', '--user=root', `--name=${name}`], env);
  }
  for (let i = 0; i < 100; i++) {
    const left = await run(['squeue', '--noheader', '--user=root', `--name=${names.join(',')}`, '--format=%i'], env);
    if (left.trim() === '') {
      return;
    }
    await sleep(200);
  }
  throw new Error(`bench jobs still in the queue after scancel: ${names.join(', ')}`);
}
