import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FieldErrors } from '../../server/src/templates/errors';
import { validateTemplate } from '../../server/src/templates/load';
import { renderEnvironment, renderTemplate } from '../../server/src/templates/render';
import { TemplateData } from '../../server/src/templates/types';

const probe = validateTemplate(
  JSON.parse(readFileSync(resolve(__dirname, '../fixtures/templates/centre/probe.json'), 'utf8')),
  'centre'
);

/** The field errors of rendering, or [] when it renders. */
function renderErrors(t: TemplateData, params: Record<string, unknown>) {
  try {
    renderTemplate(t, params);
    return [];
  } catch (e) {
    if (e instanceof FieldErrors) {
      return e.errors;
    }
    throw e;
  }
}

describe('rendering a template', () => {
  it('writes the preview that runs: #! line, one #SBATCH line per option, modules, set-up, body', () => {
    const job = renderTemplate(probe, { outdir: '/scratch/out', text: 'a b', flag: true });
    expect(job.options).toEqual([
      '--cpus-per-task=2',
      '--mem=300M',
      '--time=00:07:00',
      '--partition=batch',
      '--job-name=probe',
      '--output=/scratch/out/probe-%j.out'
    ]);
    expect(job.script).toBe(
      [
        '#!/bin/bash',
        ...job.options.map(o => `#SBATCH ${o}`),
        '',
        'if command -v module >/dev/null 2>&1; then',
        "  module load tpl-test/1.0 || { echo 'jupyterlab-hpc: module load tpl-test/1.0 failed; stopping the job' >&2; exit 1; }",
        'else',
        `  echo 'jupyterlab-hpc: no "module" command on this node; skipping: module load tpl-test/1.0' >&2`,
        'fi',
        '',
        'export HPC_TPL_MARK=ok',
        '',
        "# a run about 'a b'",
        'echo "mark=$HPC_TPL_MARK"',
        "printf 'word=[%s]\\n' 'a b'",
        'printf \'double=[%s]\\n\' "a b"',
        "printf 'single=[%s]\\n' 'a b'",
        "printf 'notes=[%s]\\n' ''",
        "printf 'path=[%s]\\n' data/in.h5",
        "printf 'count=[%s]\\n' 3",
        "printf 'choice=[%s]\\n' fast",
        'if true; then echo flag=on; else echo flag=off; fi',
        'echo probe-done',
        ''
      ].join('\n')
    );
  });

  it('takes form values as text or JSON values', () => {
    const job = renderTemplate(probe, { outdir: '/o', cpus: '4', count: 7, flag: 'false' });
    expect(job.options).toContain('--cpus-per-task=4');
    expect(job.script).toContain("printf 'count=[%s]\\n' 7");
    expect(job.script).toContain('if false; then');
  });

  it('names every bad parameter at once', () => {
    expect(
      renderErrors(probe, {
        cpus: 9,
        text: 'two\nlines',
        count: '1; rm -rf ~',
        choice: 'medium',
        flag: 'yes',
        file: '-rf',
        nope: 1
      })
    ).toEqual([
      { field: '/params/nope', message: 'the template has no such parameter' },
      { field: '/params/outdir', message: 'is required' },
      { field: '/params/cpus', message: 'must be ≤ 4' },
      { field: '/params/text', message: 'must be one line (no newline or control characters)' },
      { field: '/params/file', message: 'a path must not start with "-" (write ./-name)' },
      { field: '/params/count', message: 'must be an integer' },
      { field: '/params/choice', message: 'must be one of: "fast", "slow"' },
      { field: '/params/flag', message: 'must be true or false' }
    ]);
  });

  it.each([
    ['a 10 kB string', { text: 'x'.repeat(10_000) }, /is 10000 characters long; at most 1024/],
    ['a NUL byte', { notes: 'a\0b' }, /control characters/],
    ['a carriage return', { text: 'a\rb' }, /one line/],
    ['a non-integer', { count: 1.5 }, /must be an integer/],
    ['NaN', { count: 'NaN' }, /must be an integer/],
    ['an array', { text: ['a'] }, /must be a string/]
  ])('refuses %s', (_what, params, message) => {
    expect(renderErrors(probe, { outdir: '/o', ...params })).toEqual([
      { field: expect.stringMatching(/^\/params\//), message: expect.stringMatching(message) }
    ]);
  });

  it('checks resources made from values, and leaves out those that come out empty', () => {
    const t = validateTemplate(
      {
        id: 'res',
        title: 'Resources',
        script: 'true',
        resources: { partition: '{{p}}', account: '{{a}}', time: '{{t}}', jobName: 'named' },
        parameters: {
          p: { type: 'string', default: 'debug' },
          a: { type: 'string', default: '' },
          t: { type: 'integer', default: 10 }
        }
      },
      'personal'
    );
    expect(renderTemplate(t, {}).options).toEqual(['--time=10', '--partition=debug', '--job-name=named']);
    expect(renderErrors(t, { p: 'debug --uid=0' })).toEqual([
      {
        field: '/resources/partition',
        message: '"debug --uid=0" (from {{p}}) is not valid: expected partition names'
      }
    ]);
    expect(renderErrors(t, { a: 'x#y' })).toEqual([
      { field: '/resources/account', message: expect.stringContaining('expected an account name') }
    ]);
  });

  it('substitutes a raw parameter of a centre template as written', () => {
    const t = validateTemplate(
      {
        id: 'raw',
        title: 'Raw',
        script: 'srun ./app {{args}}',
        parameters: { args: { type: 'string', raw: true, pattern: '[A-Za-z0-9 =-]*', default: '' } }
      },
      'centre'
    );
    expect(renderTemplate(t, { args: '--steps 10 -v' }).script).toMatch(/srun \.\/app --steps 10 -v\n$/);
    expect(renderErrors(t, { args: '1; id' })).toEqual([
      { field: '/params/args', message: 'may hold only letters, digits, = - and spaces' }
    ]);
  });

  it('refuses a reference anywhere inside backquotes, even in quotes or a comment there', () => {
    const t = validateTemplate(
      { id: 'bq', title: 'Backquotes', script: 'echo {{v}}', parameters: { v: { type: 'string', default: 'x' } } },
      'centre'
    );
    for (const script of ['x=`echo "{{v}}"`', "x=`echo '{{v}}'`", 'x=`true # {{v}}`\necho $x']) {
      // a template that skipped the check at save (e.g. edited on disk) is still refused where it runs
      expect(renderErrors({ ...t, script }, { v: '$(touch /tmp/pwned)' })).toEqual([
        { field: '/script', message: expect.stringMatching(/^line 1: \{\{v\}\} is inside `\.\.\.`.*cannot be quoted/) }
      ]);
    }
  });
});

describe("rendering a set template's environment", () => {
  const setTemplate = validateTemplate(
    {
      id: 'dask-env',
      title: 'Dask env',
      kind: 'dask',
      script: 'never run by a set',
      modules: ['gcc/12', 'python/3.11'],
      setup: ['export GREETING={{greeting}}', 'if true; then', '  echo "{{greeting}}"', 'fi'],
      resources: { time: '{{minutes}}', qos: 'normal' },
      parameters: { greeting: { type: 'string', default: 'hi' }, minutes: { type: 'integer', default: 5 } }
    },
    'centre'
  );

  it('is the module loads then the set-up, each value quoted for its place; no script', () => {
    const hostile = `a'b $(id) "c" \`d\``;
    const { options, environment } = renderEnvironment(setTemplate, { greeting: hostile, minutes: 3 });
    expect(options).toEqual(['--time=3', '--qos=normal', '--job-name=dask-env']);
    expect(environment).toContain('module load gcc/12 python/3.11 || {');
    expect(environment).not.toContain('never run by a set');
    // bash reads exactly the value back, in a word and inside double quotes
    const out = execFileSync(
      'bash',
      ['-c', `module() { :; }; eval "$1"; printf '%s\\n' "$GREETING"`, 'x', environment],
      {
        encoding: 'utf8'
      }
    );
    expect(out).toBe(`${hostile}\n${hostile}\n`);
  });

  it('names a bad parameter', () => {
    expect(() => renderEnvironment(setTemplate, { minutes: 'soon' })).toThrow(/\/params\/minutes: must be an integer/);
  });
});
