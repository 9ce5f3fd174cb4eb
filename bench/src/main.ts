import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launcherSettings } from './companion';
import { BenchContext } from './context';
import { run, slurmEnv } from './exec';
import { Shaped, evaluateGoals } from './goals';
import { describeMachine } from './machine';
import { CENTRE_INTERVAL_S, CentreResult, measureCentre } from './centre';
import { MemoryResult, measureMemory } from './memory';
import { BenchQueue, QUEUE_JOB_NAME, QUEUE_SHAPES, QueueShape, cancelBenchJobs } from './queue';
import { Results, markdown } from './report';
import { QueueSizeResult, measureQueueSize } from './row1-queue';
import { RpcResult, measureRpcs } from './row3-rpcs';
import { SshCommandResult, measureSsh } from './row4-ssh';
import { MagicResult, measureMagic } from './row5-magic';
import { DaskResult, measureDask } from './row6-dask';
import { UiResult, measureUi } from './row2-ui';
import { DASK_WHAT, Skipped, UI_WHAT, uiMissing } from './stubs';

/**
 * The bench (bench/run.sh builds and starts this with the Slurm fixture's environment).
 * Big queues go to the fixture's `remote` slurmctld, driven locally as root, so that other
 * tests on `local` never see them; every job is named hpc-bench-* and cancelled at the end.
 */
const PROBE_JOB_NAME = 'hpc-bench-probe';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the bench through bench/run.sh (it starts the Slurm fixture)`);
  }
  return value;
}

/** Keeps the newest `keep` run directories (ISO-time names) of `<out>/raw`: companion logs for diagnosis. */
function pruneScratch(dir: string, keep: number): void {
  const runs = readdirSync(dir)
    .filter(name => /^\d{4}-\d\d-\d\dT/.test(name))
    .sort();
  for (const name of runs.slice(0, Math.max(0, runs.length - keep))) {
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000,100000' },
      out: { type: 'string', default: 'bench/results' },
      quick: { type: 'boolean', default: false },
      shape: { type: 'string' },
      users: { type: 'string' },
      bundle: { type: 'string' },
      scratch: { type: 'string' },
      repo: { type: 'string', default: '.' }
    }
  });
  const repo = resolve(values.repo as string);
  const sizes = (values.sizes as string)
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  if (sizes.some(n => !Number.isInteger(n) || n < 100 || n > 150_000)) {
    throw new Error(`--sizes: whole numbers of jobs from 100 to 150000, got ${values.sizes}`);
  }
  const quick = values.quick as boolean;
  // --quick (the smoke test in CI) stays on arrays and leaves the centre row out unless asked
  const shapes = (values.shape ?? (quick ? 'arrays' : QUEUE_SHAPES.join(','))).split(',') as QueueShape[];
  if (shapes.length === 0 || shapes.some(s => !QUEUE_SHAPES.includes(s))) {
    throw new Error(`--shape: ${QUEUE_SHAPES.join(' and/or ')}, comma-separated; got ${values.shape}`);
  }
  const users = Number(values.users ?? (quick ? 0 : 50));
  if (!Number.isInteger(users) || users < 0 || users > 99) {
    throw new Error(`--users: a whole number of centre users from 0 (no centre row) to 99, got ${values.users}`);
  }
  const out = resolve(values.out as string);
  const scratch = resolve(values.scratch ?? join(out, 'raw', new Date().toISOString().replace(/[:.]/g, '-')));
  mkdirSync(scratch, { recursive: true });
  pruneScratch(join(out, 'raw'), 3);
  const benchCtx: BenchContext = {
    benchConf: env('HPC_SLURM_CONF_REMOTE'),
    bundle: resolve(values.bundle ?? join(repo, 'jupyterlab_hpc/companion/main.js')),
    launch: launcherSettings(join(repo, '.venv/bin/python')),
    scratch,
    quick,
    runs: quick
      ? { raw: 5, first: 2, rounds: 2, views: 2, ssh: 20, rpcWindowS: 4 }
      : { raw: 11, first: 5, rounds: 7, views: 3, ssh: 100, rpcWindowS: 10 },
    log: line => process.stderr.write(`${line}\n`)
  };
  const ctx = benchCtx;
  const started = performance.now();
  const machine = describeMachine(repo);
  const names = [QUEUE_JOB_NAME, PROBE_JOB_NAME];
  // an interrupted earlier run may have left jobs: start from none of ours
  await cancelBenchJobs(ctx.benchConf, names);

  const row1: Array<Shaped<QueueSizeResult>> = [];
  const row3s: Array<Shaped<RpcResult> & { jobs: number }> = [];
  let memory: MemoryResult | undefined;
  let centre: CentreResult | undefined;
  let row4: SshCommandResult[] = [];
  const row5: Array<Shaped<MagicResult>> = [];
  let row6: DaskResult | undefined;
  let row2: UiResult | undefined;
  const skipped: Skipped[] = [];
  // rows 5 and 6 run Python (a kernel; Dask workers) from the project's venv
  const python = join(repo, '.venv/bin/python');
  try {
    ctx.log('row 4: one command over warm ssh2, locally, and over a fresh ssh per call');
    const probe = (
      await run(
        [
          'sbatch',
          '--parsable',
          '--hold',
          `--job-name=${PROBE_JOB_NAME}`,
          '--chdir=/tmp',
          '--output=/dev/null',
          '--wrap=true'
        ],
        slurmEnv(ctx.benchConf)
      )
    )
      .trim()
      .split(';')[0];
    row4 = await measureSsh(
      ctx,
      {
        host: env('HPC_SSH_HOST'),
        port: Number(env('HPC_SSH_PORT')),
        user: env('HPC_SSH_USER'),
        identityFile: env('HPC_SSH_KEY'),
        knownHostsFile: env('HPC_SSH_KNOWN_HOSTS')
      },
      probe
    );

    for (const shape of shapes) {
      // companions' scratch per shape: runtime dirs (connection files) are never reused
      const ctx = { ...benchCtx, scratch: join(benchCtx.scratch, shape) };
      const queue = new BenchQueue(ctx.benchConf, shape, ctx.log);
      // one queue on slurmctld at a time: each shape starts from none
      await queue.clear();
      for (const n of sizes) {
        ctx.log(`row 1: building a queue of ${n} held jobs (${shape})`);
        await queue.growTo(n);
        row1.push({ ...(await measureQueueSize(ctx, queue)), shape });
        if (row3s.length < shapes.indexOf(shape) + 1) {
          ctx.log(`row 3: slurmctld RPCs with 1 and 10 views (${n} jobs, ${shape})`);
          row3s.push({ ...(await measureRpcs(ctx)), shape, jobs: queue.size });
        }
        if (!memory && n <= 1000) {
          ctx.log(`memory: the companion idle, and with a "my jobs" view of ${n} own jobs`);
          memory = await measureMemory(ctx, queue.size);
        }
        if (!quick) {
          ctx.log(`row 5: %squeue in a kernel vs raw squeue (${n} jobs, ${shape})`);
          row5.push({ ...(await measureMagic(ctx, python, repo, n)), shape });
        }
      }
      // the centre row on the realistic queue (the last shape's biggest, individual by default)
      if (users > 0 && shape === shapes[shapes.length - 1]) {
        ctx.log(`centre: ${users} users, each with a companion and a view (${queue.size} jobs, ${shape})`);
        centre = await measureCentre(ctx, users, queue, quick ? 2 : CENTRE_INTERVAL_S);
      }
    }
  } finally {
    ctx.log('cancelling the bench jobs');
    await cancelBenchJobs(ctx.benchConf, names);
  }
  if (!quick) {
    // sets need compute, not a big queue: on the fixture's `local` cluster, with the queues gone
    ctx.log('row 6: "Start Dask cluster", first worker connected − Slurm job start (local cluster)');
    try {
      row6 = await measureDask(ctx, env('HPC_SLURM_CONF_LOCAL'), python, 3);
    } catch (e) {
      skipped.push({ row: 6, what: DASK_WHAT, skipped: `failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  if (!quick) {
    // no Slurm: a real JupyterLab in Chromium, the companion's socket played by the bench
    const missing = uiMissing(repo);
    if (missing) {
      skipped.push(missing);
    } else {
      ctx.log(`row 2: the Queue section in Chromium at 100k rows (faked socket): update → painted, scrolling`);
      try {
        row2 = await measureUi(ctx, repo);
      } catch (e) {
        skipped.push({ row: 2, what: UI_WHAT, skipped: `failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }

  machine.loadEnd = loadavg()[0];
  const stubs = skipped;
  const measured = { row1, row2, row3: row3s, row4, row5, row6, memory, centre, stubs };
  const results: Results = {
    machine,
    options: {
      sizes,
      shapes,
      users,
      quick,
      bundle: ctx.bundle,
      benchCluster: 'remote slurmctld, local transport, expandArrays'
    },
    durationS: (performance.now() - started) / 1000,
    ...measured,
    goals: evaluateGoals(measured)
  };
  const md = markdown(results);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(out, 'latest.md'), md);
  process.stdout.write(md);
}

main().catch(e => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
