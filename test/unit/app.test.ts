import { buildApp } from '../../server/src/app';
import { createClusterRegistry } from '../../server/src/clusters';
import { CommandRunner } from '../../server/src/runners/types';
import { Served, body, serve } from '../helpers/http';

/** A runner that answers from fixed text (by command): the app's wiring is under test, not Slurm. */
function cannedRunner(stdout: string | Record<string, string>, stderr = '', code = 0): CommandRunner {
  return {
    label: 'canned',
    run: async argv => ({
      code,
      signal: null,
      stdout: typeof stdout === 'string' ? stdout : (stdout[argv[0]] ?? ''),
      stderr
    }),
    readFile: async () => ({ data: '', offset: 0, nextOffset: 0, size: 0 }),
    close: async () => undefined
  };
}

function makeApp() {
  const registry = createClusterRegistry({
    adminClusters: [
      { name: 'good', transport: 'local' },
      { name: 'bad', transport: 'local' }
    ],
    createRunner: c =>
      c.name === 'good'
        ? cannedRunner({
            sinfo: 'vm\x1fdebug*\x1fidle\x1f0/8/0/8\x1f4000\x1f0\x1f(null)\x1f(null)\n',
            scontrol: 'PartitionName=debug Default=YES State=UP TotalNodes=1\n'
          })
        : cannedRunner('', 'sinfo: error: slurm_load_partitions: Unable to contact slurm controller\n', 1)
  });
  return buildApp({ token: 'secret', registry });
}

describe('companion app', () => {
  let served: Served;
  beforeEach(async () => {
    served = await serve(makeApp(), 'secret');
  });
  afterEach(() => served.close());

  it('refuses requests without the token', async () => {
    for (const token of [null, 'wrong', '']) {
      const res = await served.request('/api/health', { token });
      expect(res.status).toBe(401);
    }
    const bearer = await served.request('/api/health', { token: null, headers: { authorization: 'Bearer secret' } });
    expect(bearer.status).toBe(401);
    expect((await served.request('/api/health')).status).toBe(200);
  });

  it('answers each cluster on its own', async () => {
    const res = await served.request('/api/clusters');
    expect(res.status).toBe(200);
    const { clusters } = await body(res);
    expect(clusters[0]).toMatchObject({ name: 'good', status: 'ok', partitions: [{ name: 'debug', default: true }] });
    expect(clusters[1]).toMatchObject({ name: 'bad', status: 'error' });
    expect(clusters[1].error).toContain('Unable to contact slurm controller');
  });

  it('merges user clusters over the admin ones and validates them', async () => {
    const put = (clusters: unknown) =>
      served.request('/api/config/user-clusters', { method: 'PUT', body: JSON.stringify({ clusters }) });
    expect((await put([{ name: '$(id)' }])).status).toBe(400);
    const ok = await put([{ name: 'mine', transport: 'local' }]);
    expect((await body(ok)).clusters.map((c: { name: string }) => c.name)).toEqual(['good', 'bad', 'mine']);
  });

  it('answers unknown endpoints with a JSON error', async () => {
    const res = await served.request('/api/nope');
    expect(res.status).toBe(404);
    expect((await body(res)).error).toContain('/api/nope');
  });
});

describe('request bodies', () => {
  it('accepts a DELETE with a JSON content type and no body, refuses broken JSON', async () => {
    const app = makeApp();
    app.delete('/api/test-empty', async () => ({ ok: true }));
    const served = await serve(app, 'secret');
    try {
      const del = await served.request('/api/test-empty', {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' }
      });
      expect(del.status).toBe(200);
      const bad = await served.request('/api/config/user-clusters', { method: 'PUT', body: '{"clusters": [' });
      expect(bad.status).toBe(400);
      expect((await body(bad)).error).toMatch(/not valid JSON/);
    } finally {
      await served.close();
    }
  });
});
