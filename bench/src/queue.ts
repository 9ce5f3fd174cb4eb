import { run, slurmEnv, sleep } from './exec';

/**
 * The bench's queue of held (never running) jobs on one slurmctld, grown in place from one
 * size to the next, in one of two shapes:
 *  - `arrays`: job arrays of at most 10,000 tasks plus up to 100 separate jobs. Cheap to build,
 *    but slurmctld keeps an array as one record until tasks split off: 100k tasks cost it ~2 ms.
 *  - `individual`: one job per record, as a centre's queue mostly is (issue 12): built with a
 *    few parallel `sbatch --hold` loops (~3 min for 100k here), ~475 ms of slurmctld per full squeue.
 * Every job is named `hpc-bench-queue`, so one `scancel --name` removes them (also from
 * bench/cleanup.sh after an interrupted run).
 */
export const QUEUE_JOB_NAME = 'hpc-bench-queue';
export const QUEUE_SHAPES = ['arrays', 'individual'] as const;
export type QueueShape = (typeof QUEUE_SHAPES)[number];

const ARRAY_CHUNK = 10_000;
const MAX_SINGLES = 100;
/** Parallel sbatch loops for individual jobs: slurmctld takes ~550 submissions/s with 4 here. */
const SUBMIT_LOOPS = 4;
/** Job ids per `scontrol update` (one argv; slurmctld updates them one by one). */
const UPDATE_CHUNK = 500;

const common = ['--parsable', '--hold', `--job-name=${QUEUE_JOB_NAME}`, '--chdir=/tmp', '--output=/dev/null'];

export class BenchQueue {
  private readonly arrays: Array<{ id: string; size: number }> = [];
  private readonly singles: string[] = [];

  constructor(
    private readonly conf: string,
    readonly shape: QueueShape,
    private readonly log: (line: string) => void = () => undefined
  ) {}

  get size(): number {
    return this.singles.length + this.arrays.reduce((n, a) => n + a.size, 0);
  }

  /** Submits held jobs until the bench owns `n` pending jobs (array tasks count one each). */
  async growTo(n: number): Promise<void> {
    if (this.shape === 'individual') {
      return this.submitSingles(n);
    }
    const env = slurmEnv(this.conf);
    await this.submitSingles(Math.min(MAX_SINGLES, Math.floor(n / 10)));
    while (this.size < n) {
      const size = Math.min(ARRAY_CHUNK, n - this.size);
      const id = parseId(await run(['sbatch', ...common, `--array=0-${size - 1}`, '--wrap=true'], env));
      this.arrays.push({ id, size });
    }
  }

  /** Separate held jobs until there are `n`, from SUBMIT_LOOPS loops at once. */
  private async submitSingles(n: number): Promise<void> {
    const env = slurmEnv(this.conf);
    const started = performance.now();
    let nextReport = Math.ceil((this.singles.length + 1) / 10_000) * 10_000;
    const loop = async () => {
      while (this.singles.length < n) {
        // counted before the answer comes, so the loops stop at n together
        const slot = this.singles.push('') - 1;
        this.singles[slot] = parseId(await run(['sbatch', ...common, '--wrap=true'], env));
        if (slot + 1 >= nextReport) {
          this.log(`    ${nextReport} jobs submitted in ${Math.round((performance.now() - started) / 1000)} s`);
          nextReport += 10_000;
        }
      }
    };
    await Promise.all(Array.from({ length: SUBMIT_LOOPS }, loop));
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
    // one RPC per array range: keeps the change itself short next to a poll
    const ids = this.arrays.map(a => `${a.id}_[0-${Math.ceil(a.size / 100) - 1}]`);
    const singles = this.singles.slice(0, Math.ceil(this.singles.length / 100));
    for (let i = 0; i < singles.length; i += UPDATE_CHUNK) {
      ids.push(singles.slice(i, i + UPDATE_CHUNK).join(','));
    }
    await Promise.all(ids.map(id => run(['scontrol', 'update', `JobId=${id}`, comment], env)));
  }

  /** Cancels the whole queue (the next shape starts from none). */
  async clear(): Promise<void> {
    await cancelBenchJobs(this.conf, [QUEUE_JOB_NAME]);
    this.arrays.length = 0;
    this.singles.length = 0;
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
export async function cancelBenchJobs(conf: string, names: readonly string[], user = 'root'): Promise<void> {
  const env = slurmEnv(conf);
  for (const name of names) {
    await run(['scancel', `--user=${user}`, `--name=${name}`], env);
  }
  // 100k individual jobs take slurmctld a while to let go of
  for (let i = 0; i < 600; i++) {
    const left = await run(['squeue', '--noheader', `--user=${user}`, `--name=${names.join(',')}`, '--format=%i'], env);
    if (left.trim() === '') {
      return;
    }
    await sleep(200);
  }
  throw new Error(`bench jobs still in the queue after scancel: ${names.join(', ')}`);
}
