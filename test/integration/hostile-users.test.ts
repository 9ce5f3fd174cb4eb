import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecords } from '../../protocol/records';
import { body } from '../helpers/http';
import { WsClient, localCluster, remoteCluster, startCompanion, waitUntil } from '../helpers/companion';
import { CompanionProcess, spawnCompanion } from '../helpers/companion-process';
import { localConf, remoteConf, submitLocal, submitRemote } from '../helpers/slurm';

/**
 * Another user of the cluster writes whatever they like in the free text of their own jobs
 * (name, comment, account): the companion of every other user still reads the queue, shows
 * that text as data, and trusts no row it did not get from Slurm.
 */
type Job = Record<string, string>;
type Answer = { status: string; warning?: string; fields: string[]; rows: string[][] };

const FS = '\x1f';
const RS = '\x1e';
// a record as the companion's earlier format printed it: a job of root's, tagged as a set's
const FORGED_ROW = [
  ...['424242', '424242', '', '', 'root', 'debug', 'RUNNING', 'None', '0:01', '1:00:00', '59:59', '1', '1'],
  ...['vm', '2026-01-01T00:00:00', '2026-01-01T00:00:00', '(null)', 'forged', 'hpcset:abc']
].join(FS);
// Slurm refuses more than 1024 bytes in a name or comment (10 kB: "parameter too long")
const LONG = `${'L'.repeat(500)}${FS}${'M'.repeat(500)}${RS}<script>`;

/** sbatch options of the hostile jobs, and what a view must show of them. */
const HOSTILE: Array<{ args: string[]; shows: Partial<Job> }> = [
  { args: ['-J', `sep${FS}in${RS}name`], shows: { name: 'sep␟in␞name' } },
  {
    args: ['-J', 'two\nlines', '--comment', 'say "hi" <script>alert(1)</script>'],
    shows: { name: 'two\nlines', comment: 'say "hi" <script>alert(1)</script>' }
  },
  // The fixture keeps accounting (slurmdbd): Slurm gives a job whose account the user has no
  // association with their default one (root's and hpcuser's: research). Without accounting the
  // account is text any user writes; the name and comment keep the separators' cases here.
  { args: ['-A', `ac${FS}c`, '-J', 'acct'], shows: { account: 'research', name: 'acct' } },
  {
    args: ['-J', 'forger', '--comment', `x${RS}\n${FORGED_ROW}${RS}\n${FORGED_ROW}`],
    shows: { name: 'forger', comment: `x␞\n${FORGED_ROW.replaceAll(FS, '␟')}␞\n${FORGED_ROW.replaceAll(FS, '␟')}` }
  },
  { args: ['-J', LONG, '--comment', LONG], shows: { name: LONG.replaceAll(FS, '␟').replaceAll(RS, '␞') } }
];

function asUser(user: string, conf: string, argv: string[]): string {
  return execFileSync('runuser', ['-u', user, '--', 'env', `SLURM_CONF=${conf}`, ...argv], { encoding: 'utf8' });
}

function submitAs(user: string, conf: string, args: string[]): string {
  return asUser(user, conf, ['sbatch', '--parsable', '--chdir=/tmp', '--hold', ...args, '--wrap', 'true'])
    .trim()
    .split(';')[0];
}

/** Cleanup: a job cancelled already (or gone) is no failure of the test. */
function cancelAs(user: string, conf: string, ids: string[]): void {
  try {
    if (ids.length) {
      asUser(user, conf, ['scancel', ...ids]);
    }
  } catch {
    // scancel said why on stderr
  }
}

const toJobs = ({ fields, rows }: { fields: string[]; rows: string[][] }): Job[] =>
  rows.map(row => Object.fromEntries(fields.map((f, i) => [f, row[i]])));

/** The jobs the companion lists: the real ones only, hostile text as data. */
function expectTheRealJobs(jobs: Job[], own: string[], hostile: string[], ownUser: string, otherUser: string): void {
  const byId = new Map(jobs.map(j => [j.id, j]));
  for (const id of own) {
    expect(byId.get(id)).toMatchObject({ user: ownUser, state: 'PENDING', reason: 'JobHeldUser' });
  }
  HOSTILE.forEach(({ shows }, i) => expect(byId.get(hostile[i])).toMatchObject({ user: otherUser, ...shows }));
  expect(jobs.filter(j => j.id === '424242' || j.comment === 'hpcset:abc')).toEqual([]);
  expect(jobs.filter(j => /[\x1e\x1f]/.test(Object.values(j).join('')))).toEqual([]);
}

describe('other users cannot break or forge the queue', () => {
  describe('local: hpcuser writes hostile jobs, the companion runs as root in its own process', () => {
    let companion: CompanionProcess;
    let pid: number;
    const own: string[] = [];
    const hostile: string[] = [];
    beforeAll(async () => {
      own.push(submitLocal(['--hold', '-J', 'hpc-own-plain', '--wrap', 'true']));
      // a pending array shows collapsed, as squeue shows it
      own.push(`${submitLocal(['--hold', '-J', 'hpc-own-array', '--array=0-1', '--wrap', 'true'])}_[0-1]`);
      for (const { args } of HOSTILE) {
        hostile.push(submitAs('hpcuser', localConf(), args));
      }
      companion = await spawnCompanion({
        runtimeDir: mkdtempSync(join(tmpdir(), 'hpc-hostile-users-')),
        dataDir: mkdtempSync(join(tmpdir(), 'hpc-hostile-users-data-')),
        clusters: [localCluster()]
      });
      pid = companion.child.pid!;
    });
    afterAll(() => {
      companion?.child.kill('SIGTERM');
      cancelAs('hpcuser', localConf(), hostile);
      cancelAs(
        'root',
        localConf(),
        own.map(id => id.replace('_[0-1]', ''))
      );
    });

    const jobsAnswer = async (format: string): Promise<Answer & { jobs?: Job[] }> => {
      const res = await companion.request(`/api/clusters/local/jobs?all=true&format=${format}`);
      expect(res.status).toBe(200);
      return format === 'records' ? (decodeRecords(await res.text()) as unknown as Answer) : body(res);
    };

    it('lists every real job over REST, as objects and as records, with the hostile text visible', async () => {
      const objects = await waitUntil(
        async () => {
          const q = await jobsAnswer('objects');
          const ids = new Set(q.jobs!.map(j => j.id));
          return [...own, ...hostile].every(id => ids.has(id)) ? q : undefined;
        },
        20_000,
        'the jobs in the API'
      );
      expect(objects.status).toBe('ok');
      expectTheRealJobs(objects.jobs!, own, hostile, 'root', 'hpcuser');
      const records = await jobsAnswer('records');
      expect(records.status).toBe('ok');
      expectTheRealJobs(toJobs(records), own, hostile, 'root', 'hpcuser');
    }, 30_000);

    it('keeps an open view current while the hostile jobs change, and the companion lives on', async () => {
      const ws = await WsClient.open(`${companion.url.replace('http', 'ws')}/api/ws`, companion.token);
      try {
        ws.send({ type: 'subscribe', cluster: 'local', all: true });
        const snapshot = (await ws.waitFor(m => m.type === 'snapshot')) as unknown as Answer;
        expect(snapshot.status).toBe('ok');
        expectTheRealJobs(toJobs(snapshot), own, hostile, 'root', 'hpcuser');

        cancelAs('hpcuser', localConf(), hostile);
        // the cancelled jobs come back in a diff, their text still data
        const cancelled = new Map<string, Job>();
        await waitUntil(
          () => {
            for (const m of ws.messages.filter(m => m.type === 'diff')) {
              expect(m.status).toBe('ok');
              for (const j of toJobs({ fields: snapshot.fields, rows: m.changed as string[][] })) {
                if (hostile.includes(j.id) && j.state === 'CANCELLED') {
                  cancelled.set(j.id, j);
                }
              }
            }
            return cancelled.size === hostile.length || undefined;
          },
          20_000,
          'the cancelled hostile jobs in a diff'
        );
        HOSTILE.forEach(({ shows }, i) => expect(cancelled.get(hostile[i])).toMatchObject(shows));
        expect(ws.messages.filter(m => m.type === 'error' || m.status === 'error')).toEqual([]);
      } finally {
        ws.close();
      }
      // (they leave squeue only after MinJobAge, 300 s here: the removal path is a unit test's)
      expect(companion.child.exitCode).toBeNull();
      const health = await body(await companion.request('/api/health'));
      expect(health).toMatchObject({ ok: true, pid });
      const after = await jobsAnswer('objects');
      expect(after.status).toBe('ok');
      expectTheRealJobs(after.jobs!, own, hostile, 'root', 'hpcuser');
    }, 60_000);
  });

  it('remote over ssh2: root writes hostile jobs, hpcuser still sees their own jobs right', async () => {
    const own = [submitRemote(['--hold', '-J', 'hpc-own-remote', '--wrap', 'true'])];
    const hostile: string[] = [];
    const c = await startCompanion([remoteCluster()]);
    try {
      for (const { args } of HOSTILE) {
        hostile.push(submitAs('root', remoteConf(), args));
      }
      const q = await waitUntil(
        async () => {
          const a: Answer & { jobs: Job[] } = await body(
            await c.served.request('/api/clusters/remote/jobs?all=true&format=objects')
          );
          const ids = new Set(a.jobs.map(j => j.id));
          return [...own, ...hostile].every(id => ids.has(id)) ? a : undefined;
        },
        20_000,
        'the remote jobs'
      );
      expect(q.status).toBe('ok');
      expectTheRealJobs(q.jobs, own, hostile, 'hpcuser', 'root');
      // the default answer: hpcuser's own jobs only, none of root's hostile ones
      const mine: Answer & { jobs: Job[] } = await body(
        await c.served.request('/api/clusters/remote/jobs?format=objects')
      );
      expect(mine.jobs.map(j => j.id).filter(id => [...own, ...hostile].includes(id))).toEqual(own);
    } finally {
      await c.close();
      cancelAs('root', remoteConf(), hostile);
      cancelAs('hpcuser', remoteConf(), own);
    }
  }, 60_000);
});
