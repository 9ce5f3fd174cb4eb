import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTemplateStore } from '../../server/src/templates/store';
import { validateTemplate } from '../../server/src/templates/load';
import { FieldErrors } from '../../server/src/templates/errors';

const fixtures = resolve(__dirname, '../fixtures/templates');
const shipped = resolve(__dirname, '../../templates/centre');

/** The field errors of validating `data`, or [] when it is valid. */
function problems(data: unknown, source: 'centre' | 'personal' = 'centre') {
  try {
    validateTemplate(data, source);
    return [];
  } catch (e) {
    if (e instanceof FieldErrors) {
      return e.errors;
    }
    throw e;
  }
}

const minimal = { id: 't', title: 'T', script: 'echo hi' };

describe('loading template files', () => {
  it('names the file and the field of every invalid one, and still loads the others', async () => {
    const dir = join(fixtures, 'invalid');
    const { templates, errors } = await createTemplateStore({ centreDirs: [dir] }).list();
    expect(templates.map(t => t.id)).toEqual(['still-good']);
    expect(templates[0]).toMatchObject({ source: 'centre', editable: false, file: join(dir, 'a-good.json') });
    expect(errors).toEqual(
      expect.arrayContaining([
        { file: join(dir, 'bad-json.json'), field: '', message: expect.stringMatching(/^not valid JSON: /) },
        { file: join(dir, 'missing-title.json'), field: '/title', message: 'is required' },
        { file: join(dir, 'wrong-type.json'), field: '/parameters/bins/minimum', message: 'must be integer' },
        {
          file: join(dir, 'unknown-ref.json'),
          field: '/script',
          message: 'line 2: {{nope}} is not a parameter of this template'
        },
        {
          file: join(dir, 'bad-resource.json'),
          field: '/resources/memory',
          message: expect.stringContaining('"4 GB" is not valid: expected a size such as 4G')
        }
      ])
    );
    expect(new Set(errors.map(e => e.file)).size).toBe(5);
  });

  it('refuses raw parameters in a personal template, and lists the centre and personal ones', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hpc-tpl-load-'));
    try {
      cpSync(join(fixtures, 'personal-raw'), data, { recursive: true });
      const store = createTemplateStore({ centreDirs: [join(fixtures, 'centre')], personalDir: data });
      const { templates, errors } = await store.list();
      expect(templates.map(t => `${t.source}:${t.id}`)).toEqual(['centre:probe']);
      expect(errors).toEqual([
        {
          file: join(data, 'raw-personal.json'),
          field: '/parameters/args/raw',
          message: expect.stringContaining('for centre templates only')
        }
      ]);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('reports a missing centre directory and a personal file whose id is not its name', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hpc-tpl-load-'));
    try {
      writeFileSync(join(data, 'other.json'), JSON.stringify(minimal));
      const { errors } = await createTemplateStore({ centreDirs: ['/nonexistent/tpl'], personalDir: data }).list();
      expect(errors).toEqual([
        { file: '/nonexistent/tpl', field: '', message: 'cannot read the template directory: ENOENT' },
        { file: join(data, 'other.json'), field: '/id', message: 'must be "other", the file\'s name' }
      ]);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('duplicates a centre template into a personal one; raw parameters become quoted ones', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hpc-tpl-load-'));
    try {
      const store = createTemplateStore({ centreDirs: [shipped], personalDir: data });
      const { template, warnings } = await store.duplicate({ source: 'centre', id: 'mpi-application' }, 'my-mpi');
      expect(warnings).toEqual(['parameter "args" was raw in the centre template; its value is now shell-quoted']);
      expect(template).toMatchObject({ id: 'my-mpi', source: 'personal', editable: true, title: 'MPI application' });
      expect(template.parameters.args.raw).toBeUndefined();
      expect((await store.find('mpi-application', 'centre')).parameters.args.raw).toBe(true);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('loads the shipped centre examples without an error', async () => {
    const { templates, errors } = await createTemplateStore({ centreDirs: [shipped] }).list();
    expect(errors).toEqual([]);
    expect(templates.map(t => t.id).sort()).toEqual(['mpi-application', 'spark-standalone', 'thalamus-analysis']);
  });
});

describe('what the schema cannot say', () => {
  it('fills the defaults of optional fields', () => {
    expect(validateTemplate(minimal, 'personal')).toEqual({
      ...minimal,
      description: '',
      kind: 'batch',
      clusters: [],
      resources: {},
      modules: [],
      setup: [],
      parameters: {}
    });
  });

  it.each([
    [{ kind: 'slurm' }, '/kind', /must be one of: "batch", "dask"/],
    [{ kind: 'custom' }, '/set', /is required/],
    [{ kind: 'custom', set: { headLabel: 'Head', head: [] } }, '/set/head', /must NOT have fewer than 1 items/],
    [{ bogus: 1 }, '/bogus', /is not a known field/],
    [{ parameters: { x: { type: 'text' } } }, '/parameters/x/type', /must be one of string, path/],
    [{ parameters: { x: { type: 'string', minimum: 1 } } }, '/parameters/x/minimum', /is not a known field/],
    [{ parameters: { 'bad name': { type: 'string' } } }, '/parameters/bad name', /is not a valid name/],
    [{ parameters: { x: { type: 'enum' } } }, '/parameters/x/choices', /is required/],
    [{ modules: ['gcc; rm -rf ~'] }, '/modules/0', /must match pattern/],
    [{ parameters: { x: { type: 'integer', default: 11, maximum: 10 } } }, '/parameters/x/default', /must be ≤ 10/],
    [{ parameters: { x: { type: 'integer', minimum: 5, maximum: 1 } } }, '/parameters/x/minimum', /greater than/],
    [{ parameters: { x: { type: 'string', pattern: '(' } } }, '/parameters/x/pattern', /regular expression/],
    [{ parameters: { x: { type: 'string', default: 'a\nb' } } }, '/parameters/x/default', /one line/],
    [{ parameters: { x: { type: 'enum', choices: ['a', 'b'], default: 'c' } } }, '/parameters/x/default', /one of/],
    [{ script: '#!/bin/sh\necho' }, '/script', /leave out the #! line/],
    [{ script: 'echo\n#SBATCH -p x' }, '/script', /line 2: #SBATCH lines go in "resources"/],
    [{ script: 'echo "open' }, '/script', /line 1: unclosed double quote/],
    [{ setup: ['a=1', 'echo {{x}}'] }, '/setup/1', /{{x}} is not a parameter/],
    [{ resources: { partition: '{{p}}' } }, '/resources/partition', /{{p}} is not a parameter/],
    [{ resources: { time: '25 min' } }, '/resources/time', /expected minutes, MM:SS/],
    [{ resources: { partition: 'a b' } }, '/resources/partition', /expected partition names/],
    [
      { script: 'cat <<EOF\n{{x}}\nEOF', parameters: { x: { type: 'string' } } },
      '/script',
      /line 2: {{x}} is inside a here-document, where its value cannot be quoted/
    ],
    [
      { script: 'echo $(( {{x}} + 1 ))', parameters: { x: { type: 'string' } } },
      '/script',
      /only integer and number parameters/
    ]
  ])('%j → %s', (change, field, message) => {
    expect(problems({ ...minimal, ...change })).toEqual(
      expect.arrayContaining([{ field, message: expect.stringMatching(message) }])
    );
  });

  it('lets a centre template mark a parameter raw, where quoting would not work', () => {
    const t = { ...minimal, script: 'cat <<EOF\n{{x}}\nEOF', parameters: { x: { type: 'string', raw: true } } };
    expect(problems(t, 'centre')).toEqual([]);
    expect(problems(t, 'personal')).toEqual([{ field: '/parameters/x/raw', message: expect.any(String) }]);
  });

  it('checks resources built from parameters with their defaults, and later with the values', () => {
    const t = { ...minimal, resources: { cpusPerTask: '{{n}}' }, parameters: { n: { type: 'string', default: 'x' } } };
    expect(problems(t)).toEqual([
      { field: '/resources/cpusPerTask', message: '"x" (from {{n}}) is not valid: expected a positive integer' }
    ]);
    // without a default the value is checked when rendering
    expect(problems({ ...t, parameters: { n: { type: 'string' } } })).toEqual([]);
  });
});
