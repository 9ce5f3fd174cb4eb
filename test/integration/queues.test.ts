import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_FIELDS, NONE_VALUES } from '../../protocol/jobs';
import { decodeRecords, FIELD_SEP } from '../../protocol/records';
import { Served, body } from '../helpers/http';
import { TestCompanion, WsClient, localCluster, remoteCluster, startCompanion, waitUntil } from '../helpers/companion';
import { localConf, remoteConf, slurm, squeueState, submitLocal, submitRemote } from '../helpers/slurm';

type Row = string[];

async function jobs(
  served: Served,
  cluster: string
): Promise<{ fields: string[]; rows: Row[]; status: string; error?: string }> {
  return body(await served.request(`/api/clusters/${cluster}/jobs?all=true`));
}

function field(fields: string[], row: Row, name: string): string {
  return row[fields.indexOf(name)];
}

async function act(served: Served, cluster: string, action: string, ids: string[]): Promise<Response> {
  return served.request(`/api/clusters/${cluster}/jobs/actions`, {
    method: 'POST',
    body: JSON.stringify({ action, ids })
  });
}

describe('queues on two clusters: local (execFile) and remote (ssh2)', () => {
  let c: TestCompanion;
  beforeAll(async () => {
    c = await startCompanion([localCluster(), remoteCluster()]);
  });
  afterAll(() => c.close());

  it.each([
    ['local', () => submitLocal(['--hold', '-J', 'hpc-test-local', '--wrap', 'sleep 30']), localConf],
    ['remote', () => submitRemote(['--hold', '-J', 'hpc-test-remote', '--wrap', 'sleep 30']), remoteConf]
  ])(
    '%s: a job shows with its state; hold/release/cancel through the API change squeue',
    async (cluster, submit, conf) => {
      const id = submit();
      const held = await waitUntil(
        async () => {
          const q = await jobs(c.served, cluster);
          const row = q.rows.find(r => field(q.fields, r, 'id') === id);
          return row && { q, row };
        },
        10_000,
        `job ${id} in the API`
      );
      expect(field(held.q.fields, held.row, 'state')).toBe('PENDING');
      expect(field(held.q.fields, held.row, 'reason')).toBe('JobHeldUser');
      expect(field(held.q.fields, held.row, 'name')).toBe(`hpc-test-${cluster}`);

      expect((await act(c.served, cluster, 'release', [id])).status).toBe(200);
      await waitUntil(() => !squeueState(conf(), id).includes('JobHeldUser') || undefined, 10_000, 'release');

      expect((await act(c.served, cluster, 'cancel', [id])).status).toBe(200);
      await waitUntil(() => squeueState(conf(), id).startsWith('CANCELLED') || undefined, 10_000, 'cancel');
    }
  );

  it('answers a whole queue in the records encoding, filtered by user, states and job ids', async () => {
    const id = submitLocal(['--hold', '-J', 'hpc-test records|enc', '--wrap', 'sleep 30']);
    try {
      const get = async (query: string) => {
        const res = await c.served.request(`/api/clusters/local/jobs?format=records&${query}`);
        expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.jupyterlab-hpc\.records/);
        return decodeRecords(await res.text()) as unknown as {
          status: string;
          count: number;
          fields: string[];
          rows: Row[];
        };
      };
      const mine = await waitUntil(
        async () => {
          const q = await get(`jobs=${id}&states=PENDING`);
          return q.rows.length ? q : undefined;
        },
        10_000,
        `job ${id} in the records answer`
      );
      expect(mine).toMatchObject({ status: 'ok', count: 1 });
      expect(field(mine.fields, mine.rows[0], 'name')).toBe('hpc-test records|enc');
      expect(field(mine.fields, mine.rows[0], 'reason')).toBe('JobHeldUser');
      expect((await get(`jobs=${id}&states=RUNNING`)).rows).toEqual([]);
      expect((await get(`jobs=${id}&user=nobody-here`)).rows).toEqual([]);
      // the whole queue: the same rows as the JSON answer, in squeue's order
      const all = await get('all=true');
      expect(all.count).toBe(all.rows.length);
      expect(all.rows.map(r => r[0])).toContain(id);
      const active = await get('all=true&states=active');
      expect(
        active.rows.every(r => !['COMPLETED', 'CANCELLED', 'FAILED'].includes(field(active.fields, r, 'state')))
      ).toBe(true);
    } finally {
      await act(c.served, 'local', 'cancel', [id]);
    }
  });

  it("brings every field of protocol/jobs.ts, as the cluster's own squeue prints it for a real job", async () => {
    const id = submitLocal([
      '--hold',
      '-J',
      'hpc-test-fields',
      '--qos=normal',
      '--comment',
      'every field',
      '--wrap',
      'true'
    ]);
    try {
      const q = await waitUntil(
        async () => {
          const r = await jobs(c.served, 'local');
          return r.rows.some(row => field(r.fields, row, 'id') === id) ? r : undefined;
        },
        10_000,
        `job ${id} in the API`
      );
      expect(q.fields).toEqual(JOB_FIELDS.map(f => f.name));
      const row = q.rows.find(r => field(q.fields, r, 'id') === id)!;
      const format = JOB_FIELDS.map(f => f.spec).join(FIELD_SEP);
      const raw = slurm(localConf(), ['squeue', '--noheader', `--jobs=${id}`, '-o', format]).replace(/\n$/, '');
      const none: readonly string[] = NONE_VALUES;
      const expected = raw.split(FIELD_SEP).map(value => (none.includes(value) ? '' : value));
      // one by one, so that a failure names the field
      JOB_FIELDS.forEach((f, i) => expect([f.name, row[i]]).toEqual([f.name, expected[i]]));
    } finally {
      await act(c.served, 'local', 'cancel', [id]);
    }
  });

  it('holds several jobs at once, array tasks included', async () => {
    const a = submitLocal(['-J', 'hpc-test-many', '--begin=now+1hour', '--wrap', 'true']);
    const arr = submitLocal(['-J', 'hpc-test-array', '--begin=now+1hour', '--array=0-3', '--wrap', 'true']);
    const res = await act(c.served, 'local', 'hold', [a, `${arr}_[0-3]`]);
    expect(res.status).toBe(200);
    // root's holds are admin holds, a user's are user holds
    expect(squeueState(localConf(), a)).toMatch(/JobHeld(User|Admin)/);
    expect(squeueState(localConf(), arr)).toMatch(/JobHeld(User|Admin)/);
    await act(c.served, 'local', 'cancel', [a, arr]);
  });

  it("answers Slurm's own message for a bad action, and refuses ids that are not job ids", async () => {
    const gone = await act(c.served, 'local', 'hold', ['999999']);
    expect(gone.status).toBe(502);
    expect((await body(gone)).error).toMatch(/Invalid job id specified/);
    for (const id of ['--user=root', '1; scancel -u root', '$(id)', '1 2']) {
      const res = await act(c.served, 'local', 'cancel', [id]);
      expect(res.status).toBe(400);
    }
  });

  it('shows heterogeneous job components and cancels the whole job from any component', async () => {
    const script = '#!/bin/bash\n#SBATCH -n 1 -p debug\n#SBATCH hetjob\n#SBATCH -n 1 -p batch\nsleep 30\n';
    const id = slurm(localConf(), ['sbatch', '--parsable', '--hold', '--chdir=/tmp'], script).trim();
    const q = await waitUntil(
      async () => {
        const r = await jobs(c.served, 'local');
        return r.rows.filter(row => field(r.fields, row, 'id').startsWith(`${id}+`)).length === 2 ? r : undefined;
      },
      10_000,
      'both het components'
    );
    const parts = q.rows.filter(row => field(q.fields, row, 'id').startsWith(`${id}+`));
    expect(parts.map(r => field(q.fields, r, 'partition')).sort()).toEqual(['batch', 'debug']);
    expect((await act(c.served, 'local', 'cancel', [`${id}+1`])).status).toBe(200);
    await waitUntil(
      () =>
        squeueState(localConf(), id)
          .split('\n')
          .every(l => l.startsWith('CANCELLED'))
          ? true
          : undefined,
      10_000,
      'the whole het job cancelled'
    );
  });

  it('shows job details from scontrol, names with spaces intact', async () => {
    const id = submitLocal(['--hold', '-J', 'a name | with, separators', '-p', 'batch', '--wrap', 'true']);
    const { jobs: details } = await body(await c.served.request(`/api/clusters/local/jobs/${id}`));
    expect(details[0]).toMatchObject({
      JobId: id,
      JobName: 'a name | with, separators',
      Partition: 'batch',
      JobState: 'PENDING'
    });
    await act(c.served, 'local', 'cancel', [id]);
  });
});

describe('one squeue per interval for many views', () => {
  it('five WebSocket subscribers to one cluster share one poll', async () => {
    const c = await startCompanion([localCluster()], 1000);
    try {
      const clients = await Promise.all(Array.from({ length: 5 }, () => WsClient.open(c.wsUrl)));
      // "my jobs" views: one scope, one poll (an all-users view adds its own, poll-scopes.test.ts)
      clients.forEach(ws => ws.send({ type: 'subscribe', cluster: 'local' }));
      await Promise.all(clients.map(ws => ws.waitFor(m => m.type === 'snapshot')));
      const before = c.counter.get('local', 'squeue');
      await new Promise(r => setTimeout(r, 5_200));
      const polls = c.counter.get('local', 'squeue') - before;
      // 5.2 s at one poll a second: 5 or 6 polls for all five views together (not 25)
      expect(polls).toBeGreaterThanOrEqual(4);
      expect(polls).toBeLessThanOrEqual(6);

      clients.forEach(ws => ws.close());
      await new Promise(r => setTimeout(r, 500));
      const idle = c.counter.get('local', 'squeue');
      await new Promise(r => setTimeout(r, 2_500));
      expect(c.counter.get('local', 'squeue')).toBe(idle); // nobody subscribed: no polling
    } finally {
      await c.close();
    }
  }, 30_000);
});

describe('output tail', () => {
  let c: TestCompanion;
  beforeAll(async () => {
    c = await startCompanion([localCluster(), remoteCluster()]);
  });
  afterAll(() => c.close());

  /** A directory both root and the ssh test user can write, for output files and markers. */
  function sharedDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-tail-'));
    chmodSync(dir, 0o777);
    return dir;
  }
  const submitters = {
    local: submitLocal,
    remote: submitRemote
  };
  // The job writes its second line only once the test has read the first (a marker file),
  // so a slow first read on a loaded machine cannot see both lines at once.
  it.each(['local', 'remote'] as const)("%s: follows a running job's stdout from the last offset", async cluster => {
    const dir = sharedDir();
    const marker = join(dir, 'go');
    const script = `echo first line; while [ ! -e ${marker} ]; do sleep 0.1; done; echo second line`;
    const id = submitters[cluster](['-J', 'hpc-tail', '--time=2', '-o', join(dir, 'slurm-%j.out'), '--wrap', script]);
    const first = await waitUntil(
      async () => {
        const res = await c.served.request(`/api/clusters/${cluster}/jobs/${id}/output`);
        if (res.status !== 200) {
          return undefined;
        }
        const slice = await body(res);
        return slice.data.includes('first line') ? slice : undefined;
      },
      30_000,
      'the first line'
    );
    expect(first.data).not.toContain('second line');
    writeFileSync(marker, '');
    expect(first.path).toMatch(new RegExp(`slurm-${id}\\.out$`));
    const rest = await waitUntil(
      async () => {
        const slice = await body(
          await c.served.request(`/api/clusters/${cluster}/jobs/${id}/output?offset=${first.nextOffset}`)
        );
        return slice.data.includes('second line') ? slice : undefined;
      },
      15_000,
      'the second line'
    );
    expect(rest.data).not.toContain('first line');
    expect(rest.offset).toBe(first.nextOffset);
  });

  it.each(['local', 'remote'] as const)(
    "%s: a pending job shows no output, not an older job's file at its path",
    async cluster => {
      const dir = sharedDir();
      const out = join(dir, 'job.out');
      writeFileSync(out, 'an older job wrote this\n');
      chmodSync(out, 0o666);
      const id = submitters[cluster](['-J', 'hpc-tail', '--time=2', '--hold', '-o', out, '--wrap', 'echo fresh']);
      try {
        const pending = await c.served.request(`/api/clusters/${cluster}/jobs/${id}/output`);
        expect(pending.status).toBe(409);
        expect((await body(pending)).error).toMatch(new RegExp(`job ${id} is pending`));
        expect((await act(c.served, cluster, 'release', [id])).status).toBe(200);
        const slice = await waitUntil(
          async () => {
            const res = await c.served.request(`/api/clusters/${cluster}/jobs/${id}/output`);
            const s = res.status === 200 ? await body(res) : undefined;
            return s?.data.includes('fresh') ? s : undefined;
          },
          30_000,
          "the job's own output"
        );
        expect(slice.path).toBe(out);
        expect(slice.data).not.toContain('older job');
      } finally {
        await act(c.served, cluster, 'cancel', [id]);
      }
    }
  );
});
