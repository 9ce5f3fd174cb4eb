import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '../../server/src/app';
import { createClusterRegistry } from '../../server/src/clusters';
import { Served, body, serve } from '../helpers/http';

const centre = resolve(__dirname, '../fixtures/templates/centre');

/** The app with a cluster that never runs anything: the template REST is under test, not Slurm. */
async function start(dataDir?: string): Promise<Served> {
  const registry = createClusterRegistry({
    adminClusters: [{ name: 'alpha', transport: 'local' }],
    createRunner: () => ({
      label: 'none',
      run: () => Promise.reject(new Error('no command runs in this test')),
      readFile: () => Promise.reject(new Error('no file is read in this test')),
      close: async () => undefined
    })
  });
  return serve(buildApp({ token: 't', registry, templateDirs: [centre], dataDir }), 't');
}

const json = (method: string, data: unknown) => ({ method, body: JSON.stringify(data) });

describe('template REST', () => {
  let served: Served;
  let data: string;
  beforeEach(async () => {
    data = mkdtempSync(join(tmpdir(), 'hpc-tpl-api-'));
    served = await start(data);
  });
  afterEach(async () => {
    await served.close();
    rmSync(data, { recursive: true, force: true });
  });

  it('lists a centre and a personal template of the same id, distinguishable; only the personal one is editable', async () => {
    const {
      templates: [probe]
    } = await body(await served.request('/api/templates'));
    const put = await served.request('/api/templates/personal/probe', json('PUT', { ...probe, title: 'My probe' }));
    expect(put.status).toBe(200);
    const file = join(data, 'templates', 'probe.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const list = await body(await served.request('/api/templates'));
    expect(list.errors).toEqual([]);
    expect(
      list.templates.map((t: { source: string; editable: boolean; title: string; file: string }) => [
        t.source,
        t.editable,
        t.title,
        t.file
      ])
    ).toEqual([
      ['centre', false, 'Probe (tests)', join(centre, 'probe.json')],
      ['personal', true, 'My probe', file]
    ]);

    for (const method of ['PUT', 'DELETE']) {
      const res = await served.request('/api/templates/centre/probe', json(method, probe));
      expect(res.status).toBe(403);
      expect((await body(res)).error).toMatch(/centre templates are read-only: duplicate it/);
    }
    expect(readFileSync(join(centre, 'probe.json'), 'utf8')).toContain('"Probe (tests)"');

    // without a source, the personal template wins (as a user's cluster does)
    const render = await served.request(
      '/api/templates/render',
      json('POST', { id: 'probe', params: { outdir: '/o' } })
    );
    expect(render.status).toBe(200);
    expect((await body(await served.request('/api/templates/personal/probe'))).title).toBe('My probe');

    expect((await served.request('/api/templates/personal/probe', { method: 'DELETE' })).status).toBe(200);
    expect(existsSync(file)).toBe(false);
    expect((await served.request('/api/templates/personal/probe', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses an invalid personal template with every field named, and writes nothing', async () => {
    const res = await served.request(
      '/api/templates/personal/mine',
      json('PUT', {
        title: 'Mine',
        script: 'srun {{args}} {{nope}}',
        parameters: { args: { type: 'string', raw: true } },
        resources: { memory: 'lots' }
      })
    );
    expect(res.status).toBe(400);
    const { error, errors } = await body(res);
    expect(error).toMatch(/^invalid template: /);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: '/parameters/args/raw', message: expect.stringContaining('centre templates only') },
        { field: '/script', message: 'line 1: {{nope}} is not a parameter of this template' },
        { field: '/resources/memory', message: expect.stringContaining('"lots" is not valid') }
      ])
    );
    expect(existsSync(join(data, 'templates', 'mine.json'))).toBe(false);

    // bash removes a level of backslashes inside `...`: no quoting of a value survives there
    const backquoted = await served.request(
      '/api/templates/personal/bq',
      json('PUT', { title: 'Bq', script: 'x=`echo "{{v}}"`', parameters: { v: { type: 'string' } } })
    );
    expect(backquoted.status).toBe(400);
    expect((await body(backquoted)).errors).toEqual([
      { field: '/script', message: expect.stringMatching(/^line 1: \{\{v\}\} is inside `\.\.\.`/) }
    ]);
    expect(existsSync(join(data, 'templates', 'bq.json'))).toBe(false);

    for (const [path, given] of [
      ['/api/templates/personal/other', { id: 'mine', title: 'x', script: 'true' }],
      ['/api/templates/personal/..%2Fescape', { title: 'x', script: 'true' }]
    ] as const) {
      const r = await served.request(path, json('PUT', given));
      expect(r.status).toBe(400);
      expect((await body(r)).errors[0].field).toBe('/id');
    }
  });

  it('saves a job as a personal template, and duplicates a centre one under a new id', async () => {
    const saved = await served.request(
      '/api/templates/personal/my-job',
      json('PUT', { title: 'My job', script: 'echo {{n}}', parameters: { n: { type: 'integer', default: 1 } } })
    );
    expect(await body(saved)).toMatchObject({ id: 'my-job', source: 'personal', editable: true, kind: 'batch' });

    const dup = await served.request(
      '/api/templates/personal/probe-copy/duplicate-from',
      json('POST', { source: 'centre', id: 'probe', title: 'Probe, my way' })
    );
    expect(dup.status).toBe(200);
    const { template, warnings } = await body(dup);
    expect(template).toMatchObject({ id: 'probe-copy', title: 'Probe, my way', source: 'personal', editable: true });
    expect(warnings).toEqual([]);
    const ids = (await body(await served.request('/api/templates'))).templates.map(
      (t: { source: string; id: string }) => `${t.source}:${t.id}`
    );
    expect(ids).toEqual(['centre:probe', 'personal:my-job', 'personal:probe-copy']);

    const missing = await served.request(
      '/api/templates/personal/x/duplicate-from',
      json('POST', { source: 'centre', id: 'nope' })
    );
    expect(missing.status).toBe(404);
  });

  it('renders with field-named errors, and checks the cluster', async () => {
    const bad = await served.request(
      '/api/templates/render',
      json('POST', { id: 'probe', source: 'centre', cluster: 'alpha', params: { outdir: '/o', count: 10_000 } })
    );
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual([{ field: '/params/count', message: 'must be ≤ 1000' }]);

    const noCluster = await served.request(
      '/api/templates/render',
      json('POST', { id: 'probe', cluster: 'nowhere', params: { outdir: '/o' } })
    );
    expect(noCluster.status).toBe(404);
    const noTemplate = await served.request('/api/templates/render', json('POST', { id: 'nope' }));
    expect(noTemplate.status).toBe(404);
    expect((await body(noTemplate)).error).toBe('no template with id "nope"');
  });

  it('has no personal templates without a data directory, and says why', async () => {
    await served.close();
    served = await start(undefined);
    const res = await served.request('/api/templates/personal/x', json('PUT', { title: 'x', script: 'true' }));
    expect(res.status).toBe(409);
    expect((await body(res)).error).toMatch(/without a data directory/);
  });
});
