/**
 * The Templates form's values (src/templates/values.ts) and where the
 * companion's field errors go (src/templates/fieldErrors.ts), on the test
 * centre template `probe.json`.
 */
import { CLUSTER_FIELD, errorsByField } from '../../../src/templates/fieldErrors';
import { checkValues, initialValues, personalCopy, requestParams } from '../../../src/templates/values';
import { probeTemplate } from '../../fixtures/frontend/templates';
import type { EnumParameter } from '../../../protocol/templates';

describe('template form values', () => {
  const template = probeTemplate();

  it('starts from the defaults, keeps what the user typed for parameters that still exist', () => {
    const values = initialValues(template, { text: 'mine', gone: 'x' });
    expect(values).toMatchObject({ cpus: '2', text: 'mine', choice: 'fast', flag: false, outdir: '' });
    expect(values).not.toHaveProperty('gone');
  });

  it("names what is wrong with each value, in the companion's own words (protocol/templates.ts)", () => {
    const values = {
      ...initialValues(template),
      cpus: '9',
      count: '1.5',
      choice: 'medium',
      text: 'two\nlines',
      file: '-rf'
    };
    expect(checkValues(template, values)).toEqual({
      outdir: 'is required',
      cpus: 'must be ≤ 4',
      count: 'must be an integer',
      choice: `must be one of: ${(template.parameters.choice as EnumParameter).choices.map(c => JSON.stringify(c)).join(', ')}`,
      text: 'must be one line (no newline or control characters)',
      file: 'a path must not start with "-" (write ./-name)'
    });
    expect(checkValues(template, { ...initialValues(template), outdir: 'out' })).toEqual({});
  });

  it('sends values as typed (the companion checks them again), leaving out empty required ones', () => {
    const params = requestParams(template, { ...initialValues(template), flag: true });
    expect(params).toMatchObject({ cpus: '2', count: '3', flag: true, choice: 'fast' });
    expect(params).not.toHaveProperty('outdir');
  });

  it("saves the form's values as a personal template's defaults", () => {
    const { data, unquoted } = personalCopy(template, { ...initialValues(template), cpus: '3' }, 'mine', 'Mine');
    expect(data).toMatchObject({ id: 'mine', title: 'Mine', parameters: { cpus: { type: 'integer', default: 3 } } });
    expect(data).not.toHaveProperty('source');
    expect(unquoted).toEqual([]);
  });
});

describe('errorsByField', () => {
  it("puts the companion's errors at the parameters they name, a resource's at its parameters", () => {
    const errors = errorsByField(probeTemplate(), [
      { field: '/params/cpus', message: 'must be ≤ 4' },
      { field: '/resources/cpusPerTask', message: 'not a count' },
      { field: '/resources/output', message: 'not writable' },
      { field: CLUSTER_FIELD, message: 'unknown cluster' },
      { field: '', message: 'sbatch: error: Batch job submission failed' }
    ]);
    expect(errors).toEqual({
      byField: {
        cpus: 'must be ≤ 4; not a count',
        outdir: 'not writable',
        [CLUSTER_FIELD]: 'unknown cluster'
      },
      general: ['sbatch: error: Batch job submission failed']
    });
  });
});
