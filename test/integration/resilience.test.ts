import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { body } from '../helpers/http';
import { WsClient, localCluster, remoteCluster, startCompanion, waitUntil } from '../helpers/companion';
import { fixtureDaemon, sshFixture } from '../helpers/slurm';

const INTERVAL = 2_000;

/** The newest queue status a subscriber has seen for a cluster. */
function lastStatus(ws: WsClient, cluster: string): { status: string; error?: string } | undefined {
  const mine = ws.messages.filter(m => m.cluster === cluster && (m.type === 'diff' || m.type === 'snapshot'));
  return mine[mine.length - 1] as { status: string; error?: string } | undefined;
}

/** Stops a daemon, checks the view goes stale/error within one interval, restarts it, checks recovery. */
async function outageAndRecovery(cluster: string, daemon: string, expectError: RegExp): Promise<void> {
  const c = await startCompanion([localCluster(), remoteCluster()], INTERVAL);
  const ws = await WsClient.open(c.wsUrl);
  try {
    ws.send({ type: 'subscribe', cluster, all: true });
    await ws.waitFor(m => m.type === 'snapshot' && m.status === 'ok');
    fixtureDaemon('stop', daemon);
    const stoppedAt = Date.now();
    const bad = await waitUntil(
      () => {
        const s = lastStatus(ws, cluster);
        return s && s.status !== 'ok' ? s : undefined;
      },
      INTERVAL * 3,
      `${cluster} to show an error`
    );
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(INTERVAL * 2 + 500); // the next poll, which outlives one interval at most
    // eventually Slurm's / the transport's own words
    const err = await waitUntil(
      () => {
        const s = lastStatus(ws, cluster);
        return s && s.status === 'error' ? s : undefined;
      },
      30_000,
      `${cluster}'s error message`
    );
    expect(err.error).toMatch(expectError);
    expect(bad).toBeDefined();

    fixtureDaemon('start', daemon);
    await waitUntil(() => lastStatus(ws, cluster)?.status === 'ok' || undefined, 30_000, `${cluster} to recover`);
    // the other cluster was never affected
    const other = cluster === 'local' ? 'remote' : 'local';
    const { status } = await body(await c.served.request(`/api/clusters/${other}/jobs?all=true`));
    expect(status).toBe('ok');
  } finally {
    fixtureDaemon('start', daemon);
    ws.close();
    await c.close();
  }
}

describe('outages', () => {
  it(
    'sshd stopped: remote shows an error within one interval and recovers by itself',
    () => outageAndRecovery('remote', 'sshd', /cannot connect to .*127\.0\.0\.1:2222|connection to .* closed/),
    90_000
  );

  it(
    "slurmctld stopped and restarted: the same, with Slurm's message",
    () => outageAndRecovery('local', 'local-ctld', /Unable to contact slurm controller/),
    90_000
  );
});

describe('host keys', () => {
  it('a changed host key refuses remote with a clear message; local still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-kh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'impostor')]);
    const [type, key] = readFileSync(join(dir, 'impostor.pub'), 'utf8').split(' ');
    const f = sshFixture();
    writeFileSync(join(dir, 'known_hosts'), `[${f.host}]:${f.port} ${type} ${key}\n`);
    const c = await startCompanion(
      [localCluster(), remoteCluster({ knownHostsFile: join(dir, 'known_hosts') })],
      INTERVAL
    );
    try {
      const { clusters } = await body(await c.served.request('/api/clusters'));
      const remote = clusters.find((x: { name: string }) => x.name === 'remote');
      expect(remote.status).toBe('error');
      expect(remote.error).toMatch(/HOST KEY MISMATCH for \[127\.0\.0\.1\]:2222/);
      const jobs = await body(await c.served.request('/api/clusters/remote/jobs'));
      expect(jobs.status).toBe('error');
      expect(jobs.error).toMatch(/HOST KEY MISMATCH/);
      expect(clusters.find((x: { name: string }) => x.name === 'local').status).toBe('ok');
    } finally {
      await c.close();
    }
  });
});
