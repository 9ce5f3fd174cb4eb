import { existsSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { body } from '../helpers/http';
import { TestCompanion, localCluster, remoteCluster, startCompanion, waitUntil } from '../helpers/companion';
import { submitLocal, submitRemote } from '../helpers/slurm';

/** Every hostile string aims at creating the marker file if anything ever runs it through a shell. */
function hostileStrings(marker: string): string[] {
  return [
    `x; touch ${marker}`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `a && touch ${marker} #`,
    `| touch ${marker}`
  ];
}

describe('hostile inputs never execute anything, over both transports', () => {
  let c: TestCompanion;
  let dir: string;
  beforeAll(async () => {
    c = await startCompanion([localCluster(), remoteCluster()]);
    dir = mkdtempSync(join(tmpdir(), 'hpc-hostile-'));
    chmodSync(dir, 0o777); // the remote user must be able to create the marker if an injection worked
  });
  afterAll(() => c.close());

  it.each([
    ['local', submitLocal],
    ['remote', submitRemote]
  ])('%s: job names are shown as data, filters and actions treat them as data', async (cluster, submit) => {
    const marker = join(dir, `pwned-${cluster}`);
    const names = hostileStrings(marker);
    const ids = names.map(name => submit(['--hold', '-J', name, '--wrap', 'true']));
    const rows = await waitUntil(
      async () => {
        const q = await body(await c.served.request(`/api/clusters/${cluster}/jobs?all=true&format=objects`));
        const found = q.jobs.filter((j: { id: string }) => ids.includes(j.id));
        return found.length === ids.length ? found : undefined;
      },
      15_000,
      'the hostile jobs'
    );
    expect(rows.map((j: { name: string }) => j.name).sort()).toEqual([...names].sort());

    for (const evil of names) {
      // a user filter is matched in the companion, never passed to a command
      const res = await c.served.request(`/api/clusters/${cluster}/jobs?user=${encodeURIComponent(evil)}`);
      expect(res.status).toBe(200);
      expect((await body(res)).rows).toEqual([]);
      // ids are validated before any command line exists
      const act = await c.served.request(`/api/clusters/${cluster}/jobs/actions`, {
        method: 'POST',
        body: JSON.stringify({ action: 'cancel', ids: [evil] })
      });
      expect(act.status).toBe(400);
      expect((await c.served.request(`/api/clusters/${cluster}/jobs/${encodeURIComponent(evil)}`)).status).toBe(400);
      expect((await c.served.request(`/api/clusters/${encodeURIComponent(evil)}/jobs`)).status).toBe(404);
    }
    await c.served.request(`/api/clusters/${cluster}/jobs/actions`, {
      method: 'POST',
      body: JSON.stringify({ action: 'cancel', ids })
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('cluster fields with shell syntax are refused before use', async () => {
    const marker = join(dir, 'pwned-config');
    for (const bad of [
      { name: `x$(touch ${marker})` },
      { name: 'x', transport: 'ssh', host: `h;touch ${marker}` },
      { name: 'x', transport: 'ssh', host: 'h', user: `u$(touch ${marker})` },
      { name: 'x', env: { [`A;touch ${marker}`]: '1' } }
    ]) {
      const res = await c.served.request('/api/config/user-clusters', {
        method: 'PUT',
        body: JSON.stringify({ clusters: [bad] })
      });
      expect(res.status).toBe(400);
    }
    // values that are allowed (paths, env values) travel as quoted data
    const ok = await c.served.request('/api/config/user-clusters', {
      method: 'PUT',
      body: JSON.stringify({
        clusters: [{ ...remoteCluster(), name: 'remote-env', env: { SLURM_CONF: `/nonexistent/$(touch ${marker})` } }]
      })
    });
    expect(ok.status).toBe(200);
    const { clusters } = await body(await c.served.request('/api/clusters'));
    const envCluster = clusters.find((x: { name: string }) => x.name === 'remote-env');
    expect(envCluster.status).toBe('error');
    expect(envCluster.error).toContain(`/nonexistent/$(touch ${marker})`);
    expect(existsSync(marker)).toBe(false);
  });
});
