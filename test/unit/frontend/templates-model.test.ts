/**
 * The Templates section's model (src/templates/model.ts) against the companion's own
 * templates routes (server/src/app.ts served in this process, on the test template directories)
 * and the clusters model fed the captured `GET clusters` reply: the list with the files that
 * did not load, selection with defaults, values checked by protocol/templates.ts as typed,
 * the companion's preview and its field errors, personal templates saved and deleted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ClustersModel } from '../../../src/clusters/model';
import { TemplatesModel } from '../../../src/templates/model';
import { buildApp } from '../../../server/src/app';
import { ClusterRegistry, createClusterRegistry } from '../../../server/src/clusters';
import { createRunner } from '../../../server/src/runners';
import { fromCompanion, labSettings, replies, wireText } from '../../fixtures/frontend/companion';
import { serve, Served } from '../../helpers/http';
import { until } from '../../fixtures/frontend/until';

const TEMPLATES = path.join(__dirname, '..', '..', 'fixtures', 'templates');
const TOKEN = 'companion-token';

let registry: ClusterRegistry;
let clusters: ClustersModel;
let model: TemplatesModel;
let dataDir: string;
let served: Served;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpc-templates-model-'));
  // the clusters GET clusters names; no Slurm command runs for templates
  registry = createClusterRegistry({
    adminClusters: [
      { name: 'local', transport: 'local', env: {} },
      { name: 'unreachable', transport: 'local', env: {} }
    ],
    createRunner,
    statusTtlMs: 0
  });
  const app = buildApp({
    token: TOKEN,
    registry,
    templateDirs: [path.join(TEMPLATES, 'centre'), path.join(TEMPLATES, 'invalid')],
    dataDir
  });
  served = await serve(app, TOKEN);
  clusters = new ClustersModel({
    auto: false,
    serverSettings: labSettings(replies({ 'GET clusters': JSON.parse(wireText('clusters.json')) }))
  });
  void clusters.refresh();
  await until(() => clusters.loaded);
  model = new TemplatesModel({ clusters, serverSettings: labSettings(fromCompanion(served)), previewDelay: 0 });
  await model.refresh();
});

afterEach(async () => {
  model.dispose();
  clusters.dispose();
  await served.close();
  await registry.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('TemplatesModel', () => {
  it("lists the companion's templates, and the files that did not load in its words", () => {
    expect([model.loaded, model.listError]).toEqual([true, null]);
    expect(model.templates.map(t => `${t.source}/${t.id}`).sort()).toEqual(['centre/probe', 'centre/still-good']);
    const failed = model.loadErrors.map(e => `${path.basename(e.file ?? '')} ${e.field}: ${e.message}`);
    expect(failed).toEqual([
      expect.stringMatching(/^bad-json.json : not valid JSON/),
      'bad-resource.json /resources/memory: "4 GB" is not valid: expected a size such as 4G, 512M or 4096 (MB)',
      'missing-title.json /title: is required',
      'unknown-ref.json /script: line 2: {{nope}} is not a parameter of this template',
      'wrong-type.json /parameters/bins/minimum: must be integer'
    ]);
  });

  it('selects a template with its defaults and the clusters it may go to, the first reachable one picked', () => {
    expect(model.selected).toBeNull();
    model.select('centre', 'probe');
    expect(model.selected?.title).toBe('Probe (tests)');
    expect(model.values).toMatchObject({ cpus: '2', text: 'hello world', choice: 'fast', flag: false, outdir: '' });
    expect(model.clusterChoices).toEqual([
      { name: 'local', ok: true },
      { name: 'unreachable', ok: false }
    ]);
    expect(model.cluster).toBe('local');
    // selecting another template resets the form
    const key = model.formKey;
    model.select('centre', 'still-good');
    expect(model.formKey).not.toBe(key);
    expect(model.values).not.toHaveProperty('cpus');
  });

  it('prefills a form with a finished job\'s values and cluster, suggestions beside their fields ("Run again")', async () => {
    model.select('centre', 'probe');
    model.setValue('text', 'typed before');
    const key = model.formKey;
    const found = await model.prefill('centre', 'probe', {
      values: { cpus: '4', outdir: 'runs', flag: true },
      cluster: 'unreachable',
      suggestions: { cpus: '1' }
    });
    expect(found).toBe(true);
    // the form starts again from the job's values, the others from the defaults
    expect(model.formKey).not.toBe(key);
    expect(model.values).toMatchObject({ cpus: '4', outdir: 'runs', flag: true, text: 'hello world' });
    expect([model.cluster, model.suggestions]).toEqual(['unreachable', { cpus: '1' }]);
    await until(() => model.previewState !== 'pending');
    expect(model.preview?.script).toContain('#SBATCH --cpus-per-task=4');
    // a cluster the template may not go to is not picked; another template drops the suggestions
    await model.prefill('centre', 'probe', { values: {}, cluster: 'elsewhere' });
    expect(model.cluster).toBe('unreachable');
    model.select('centre', 'still-good');
    expect(model.suggestions).toEqual({});
    expect(await model.prefill('centre', 'gone', { values: {} })).toBe(false);
  });

  it('checks each value as it is typed, and previews only a valid form', async () => {
    model.select('centre', 'probe');
    expect(model.fieldErrors).toEqual({ outdir: 'is required' });
    expect(model.previewState).toBe('invalid');
    model.setValue('cpus', '9');
    model.setValue('outdir', 'out');
    expect(model.fieldErrors).toEqual({ cpus: 'must be ≤ 4' });
    expect(model.previewState).toBe('invalid');

    model.setValue('cpus', '3');
    model.setValue('text', "it's $HOME");
    expect([model.fieldErrors, model.previewState]).toEqual([{}, 'pending']);
    await until(() => model.previewState !== 'pending');
    expect([model.previewState, model.previewError, model.generalErrors]).toEqual(['ok', null, []]);
    // the companion's render, quoted by it
    expect(model.preview?.script).toContain('#SBATCH --cpus-per-task=3');
    expect(model.preview?.script).toContain("printf 'word=[%s]\\n' 'it'\\''s $HOME'");
    expect(model.canSubmit).toBe(true);
    // Submit sends what the preview shows: not for another cluster
    model.setCluster('unreachable');
    expect(model.canSubmit).toBe(false);
  });

  it("shows the companion's refusal at its field, until that field changes", async () => {
    model.select('centre', 'probe');
    // a path the browser accepts, which makes the output option invalid once rendered
    model.setValue('outdir', 'out dir');
    expect(model.fieldErrors).toEqual({});
    await until(() => model.previewState !== 'pending');
    expect(model.previewState).toBe('invalid');
    expect(model.fieldErrors).toEqual({
      outdir:
        '"out dir/probe-%j.out" (from {{outdir}}) is not valid: expected a path without spaces, quotes, # or backslashes'
    });
    expect(model.canSubmit).toBe(false);

    model.setValue('outdir', 'out');
    expect(model.fieldErrors).toEqual({});
    await until(() => model.previewState !== 'pending');
    expect(model.previewState).toBe('ok');
  });

  it('refuses a personal template the companion cannot load, naming the field', async () => {
    await expect(model.savePersonal('mine', { title: 'Mine', script: 'echo {{nope}}' })).rejects.toMatchObject({
      errors: [{ field: '/script', message: 'line 1: {{nope}} is not a parameter of this template' }]
    });
    expect(model.find('personal', 'mine')).toBeNull();
  });

  it('saves the form as a personal template with its values as defaults, selects it, deletes it', async () => {
    model.select('centre', 'probe');
    model.setValue('cpus', '4');
    const { data, unquoted } = model.asNewTemplate('mine', 'Mine');
    expect(unquoted).toEqual([]);
    await model.savePersonal('mine', data);
    expect([model.selected?.source, model.selected?.id, model.values.cpus]).toEqual(['personal', 'mine', '4']);
    expect(model.find('personal', 'mine')?.editable).toBe(true);

    await model.deletePersonal('mine');
    expect(model.find('personal', 'mine')).toBeNull();
  });
});
