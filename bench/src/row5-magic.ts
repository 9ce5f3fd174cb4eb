import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchContext, benchCluster } from './context';
import { sleep } from './exec';
import { timeRawSqueue } from './raw-squeue';
import { Summary, summarize } from './stats';

/**
 * Row 5: `jobs = %squeue --cluster bench -a -t all` in a real IPython kernel (jupyter_client,
 * execute_request → execute_reply) next to raw squeue with the companion's argv, same queue,
 * interleaved; per-round ratios. Driven by bench/squeue_kernel.py; the kernel's clusters come
 * from an isolated JUPYTER_CONFIG_DIR, its companion (the bundle under test) from an isolated
 * runtime dir. Each %squeue is made to poll squeue itself (pollInterval 0.5 s, ≥ 0.6 s idle
 * before it; rounds where the companion answered from its snapshot are not counted).
 */
export interface MagicResult {
  jobs: number;
  rows: number;
  raw: Summary;
  /** `jobs = %squeue ...`: no display. */
  assign: Summary;
  ratio: Summary;
  /** `%squeue ...` as the cell's value: HTML table + jobs mime bundle sent on iopub. */
  display: Summary;
  displayRatio: Summary;
  displayBytes: number;
  /** Rounds dropped because the companion served its snapshot (no fresh squeue). */
  cachedRounds: number;
  /** The kernel companion's own polls (HPC_COMPANION_TIMINGS): squeue + split/diff, and squeue alone. */
  poll: Summary;
  pollFetch: Summary;
  /** One pass of each part, timed inside the kernel (ms; bytes where named). */
  parts: Record<string, number>;
}

interface Reply {
  ms: number;
  rows: number;
  updatedAt: string | null;
  bytes?: number;
  error?: string;
  [k: string]: unknown;
}

class KernelDriver {
  private readonly lines: string[] = [];
  private waiter?: () => void;
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', line => {
      this.lines.push(line);
      this.waiter?.();
    });
    child.on('exit', () => {
      this.exited = true;
      this.waiter?.();
    });
  }

  async call(command: string, timeoutMs = 300_000): Promise<Reply> {
    this.child.stdin!.write(`${command}\n`);
    const deadline = performance.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.exited) {
        throw new Error(`the kernel driver exited during ${command}`);
      }
      if (performance.now() > deadline) {
        throw new Error(`the kernel driver did not answer ${command} within ${timeoutMs} ms`);
      }
      await new Promise<void>(r => {
        this.waiter = r;
        setTimeout(r, 200);
      });
    }
    const reply = JSON.parse(this.lines.shift() as string) as Reply;
    if (reply.error) {
      throw new Error(`%squeue kernel driver, ${command}: ${reply.error}`);
    }
    return reply;
  }

  async stop(): Promise<void> {
    if (this.exited) {
      return;
    }
    const gone = new Promise<void>(r => this.child.once('exit', () => r()));
    this.child.stdin!.end('stop\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
  }
}

export async function measureMagic(
  ctx: BenchContext,
  python: string,
  repo: string,
  jobs: number
): Promise<MagicResult> {
  const dir = join(ctx.scratch, `magic-${jobs}`);
  const config = join(dir, 'config');
  mkdirSync(config, { recursive: true });
  mkdirSync(join(dir, 'runtime'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(config, 'jupyter_server_config.json'),
    JSON.stringify({
      HpcConfig: {
        // the minimum: with no view open, a %squeue ≥ 0.5 s after the last poll runs squeue itself
        poll_interval: 0.5,
        clusters: [{ name: benchCluster, transport: 'local', env: { SLURM_CONF: ctx.benchConf }, expandArrays: true }]
      }
    })
  );
  const log = createWriteStream(join(dir, 'driver.log'));
  const child = spawn(python, [join(repo, 'bench/squeue_kernel.py')], {
    cwd: dir,
    env: {
      ...process.env,
      JUPYTER_CONFIG_DIR: config,
      JUPYTER_RUNTIME_DIR: join(dir, 'runtime'),
      JUPYTERLAB_HPC_DATA_DIR: join(dir, 'data'),
      HPC_BENCH_BUNDLE: resolve(ctx.bundle),
      // the launcher passes its environment on: the companion logs its polls' timings
      HPC_COMPANION_TIMINGS: '1'
    },
    stdio: ['pipe', 'pipe', 'pipe']
  });
  child.stderr!.pipe(log);
  const driver = new KernelDriver(child);
  const n = ctx.quick ? 3 : ctx.runs.raw;
  try {
    await driver.call('start');
    const raws: number[] = [];
    const assigns: number[] = [];
    const ratios: number[] = [];
    const displays: number[] = [];
    const displayRatios: number[] = [];
    let rows = 0;
    let displayBytes = 0;
    let cachedRounds = 0;
    let last: string | null = null;
    const fresh = (r: Reply) => {
      const ok = r.updatedAt !== last;
      last = r.updatedAt;
      return ok;
    };
    // untimed: one of each, so the first timed round is not the first of its kind
    await sleep(600);
    fresh(await driver.call('display'));
    for (let i = 0; assigns.length < n && i < n * 2; i++) {
      await sleep(600);
      const raw = (await timeRawSqueue(ctx.benchConf)).ms;
      await sleep(600);
      const r = await driver.call('assign');
      if (!fresh(r)) {
        cachedRounds++;
        continue;
      }
      raws.push(raw);
      assigns.push(r.ms);
      ratios.push(r.ms / raw);
      rows = r.rows;
    }
    for (let i = 0; displays.length < Math.min(n, 5) && i < 10; i++) {
      await sleep(600);
      const raw = (await timeRawSqueue(ctx.benchConf)).ms;
      await sleep(600);
      const r = await driver.call('display');
      if (!fresh(r)) {
        cachedRounds++;
        continue;
      }
      raws.push(raw);
      displays.push(r.ms);
      displayRatios.push(r.ms / raw);
      displayBytes = r.bytes ?? 0;
    }
    await sleep(600);
    const partsReply = await driver.call('parts');
    const parts: Record<string, number> = {};
    for (const [k, v] of Object.entries(partsReply)) {
      if (typeof v === 'number') {
        parts[k] = v;
      }
    }
    const polls: Array<{ totalMs: number; fetchMs: number }> = [];
    const runtime = join(dir, 'runtime');
    for (const f of readdirSync(runtime).filter(f => f.endsWith('.log'))) {
      for (const line of readFileSync(join(runtime, f), 'utf8').split('\n')) {
        const at = line.indexOf('HPC_TIMING ');
        if (at >= 0) {
          polls.push(JSON.parse(line.slice(at + 'HPC_TIMING '.length)));
        }
      }
    }
    // the first poll (warm-up) fills the snapshot from nothing: not a measured round
    const measuredPolls = polls.slice(1);
    return {
      jobs,
      rows,
      poll: summarize(measuredPolls.map(p => p.totalMs)),
      pollFetch: summarize(measuredPolls.map(p => p.fetchMs)),
      raw: summarize(raws),
      assign: summarize(assigns),
      ratio: summarize(ratios),
      display: summarize(displays),
      displayRatio: summarize(displayRatios),
      displayBytes,
      cachedRounds,
      parts
    };
  } finally {
    await driver.stop();
    log.end();
  }
}
