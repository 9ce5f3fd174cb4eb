import { chmodSync, closeSync, constants, existsSync, mkdtempSync, openSync, unlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { body } from '../helpers/http';
import { TestCompanion, localCluster, remoteCluster, startCompanion, waitUntil } from '../helpers/companion';
import { localConf, remoteConf, slurm, squeueState, submitLocal, submitRemote } from '../helpers/slurm';

// A job names its output path, and the job may be another user's: a named pipe there must get a
// clear error in at most 5 s on every transport, never a read that waits for a writer forever.
describe('output tail of a job whose output path is not a regular file', () => {
  jest.setTimeout(180_000);
  let c: TestCompanion;
  beforeAll(async () => {
    c = await startCompanion([
      localCluster(),
      remoteCluster(),
      remoteCluster({ name: 'remote-openssh', transport: 'openssh' })
    ]);
  });
  afterAll(() => c.close());

  const clusters = {
    local: { submit: submitLocal, conf: localConf },
    remote: { submit: submitRemote, conf: remoteConf },
    'remote-openssh': { submit: submitRemote, conf: remoteConf }
  };
  type Name = keyof typeof clusters;

  /** A directory both root and the ssh test user (whose remote jobs run as hpcuser) can write. */
  function sharedDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-tail-hostile-'));
    chmodSync(dir, 0o777);
    return dir;
  }
  function mkfifo(path: string): void {
    execFileSync('mkfifo', ['-m', '0666', path]);
  }

  async function cancelAndWait(cluster: Name, id: string): Promise<void> {
    const conf = clusters[cluster].conf();
    slurm(conf, ['scancel', id]);
    await waitUntil(() => !/^(PENDING|RUNNING|COMPLETING)/.test(squeueState(conf, id)), 60_000, `job ${id} to end`);
  }

  /** The tail's answer once the job runs (a pending job answers 409), and how long that answer took. */
  async function tailOfRunningJob(cluster: Name, id: string) {
    return waitUntil(
      async () => {
        const started = Date.now();
        const res = await c.served.request(`/api/clusters/${cluster}/jobs/${id}/output`, {
          signal: AbortSignal.timeout(15_000)
        });
        const ms = Date.now() - started;
        return res.status === 409 ? undefined : { status: res.status, ms, error: (await body(res)).error as string };
      },
      90_000, // the machine is shared: other sets may hold the node for a while
      `job ${id} to run`
    );
  }

  /** The companion still serves: the queue, and a regular file on the same transport. */
  async function stillServing(cluster: Name, dir: string): Promise<void> {
    const jobs = await c.served.request(`/api/clusters/${cluster}/jobs`, { signal: AbortSignal.timeout(10_000) });
    expect(jobs.status).toBe(200);
    execFileSync('sh', ['-c', 'printf "still here" > "$1"; chmod 0644 "$1"', 'sh', join(dir, 'plain')]);
    await expect(c.registry.get(cluster)?.runner.readFile(join(dir, 'plain'), 0, 100)).resolves.toMatchObject({
      data: 'still here'
    });
  }

  it.each(Object.keys(clusters) as Name[])(
    '%s: a job submitted with -o <named pipe>: an error naming it, and the next requests served',
    async cluster => {
      const dir = sharedDir();
      const fifo = join(dir, 'fifo');
      mkfifo(fifo);
      // Our reader, held for the whole test: slurmstepd's open() of its output then never waits
      // (a stepd stuck there cannot be cancelled: the node would stay "completing" for everyone).
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      const id = clusters[cluster].submit(['-J', 'hpc-tail-fifo', '--time=2', '-o', fifo, '--wrap', 'sleep 60']);
      try {
        const answer = await tailOfRunningJob(cluster, id);
        expect(answer).toMatchObject({
          status: 422,
          error: `job ${id}'s output path ${fifo} is a named pipe, not a regular file`
        });
        expect(answer.ms).toBeLessThan(5_000);
        await stillServing(cluster, dir);
      } finally {
        await cancelAndWait(cluster, id);
        closeSync(reader);
      }
    }
  );

  // No writer at all: a plain open() of this pipe waits forever (a libuv thread, or the SFTP session).
  it.each(Object.keys(clusters) as Name[])(
    '%s: a named pipe put in place of a running job output file: an error in at most 5 s',
    async cluster => {
      const dir = sharedDir();
      const out = join(dir, 'job.out');
      const id = clusters[cluster].submit(['-J', 'hpc-tail-fifo', '--time=2', '-o', out, '--wrap', 'sleep 60']);
      try {
        await waitUntil(() => existsSync(out), 90_000, `job ${id} to start writing ${out}`);
        unlinkSync(out);
        mkfifo(out);
        const answer = await tailOfRunningJob(cluster, id);
        expect(answer).toMatchObject({
          status: 422,
          error: `job ${id}'s output path ${out} is a named pipe, not a regular file`
        });
        expect(answer.ms).toBeLessThan(5_000);
        await stillServing(cluster, dir);
      } finally {
        await cancelAndWait(cluster, id);
      }
    }
  );

  it('local: a job writing to /dev/null: a device, not a file to tail', async () => {
    const id = submitLocal(['-J', 'hpc-tail-null', '--time=2', '-o', '/dev/null', '--wrap', 'sleep 60']);
    try {
      await expect(tailOfRunningJob('local', id)).resolves.toMatchObject({
        status: 422,
        error: `job ${id}'s output path /dev/null is a character device, not a regular file`
      });
    } finally {
      await cancelAndWait('local', id);
    }
  });
});
