import Ajv from 'ajv';
import { startSetSchema } from '../../server/src/sets/spec';
import { errorsInWords } from '../../server/src/util/schema-words';

const validate = new Ajv({ allErrors: true, verbose: true }).compile(startSetSchema);
const words = (request: unknown): string => {
  validate(request);
  return errorsInWords(validate.errors);
};

describe('request errors in words', () => {
  it('says what a pattern means, with the value, never the pattern or a schema path', () => {
    const said = words({ cluster: 'local', kind: 'dask', workers: 1, partition: 'x;y' });
    expect(said).toBe("partition 'x;y' is not a Slurm name (letters, digits and _ . , + -)");
  });

  it('one line per field for alternatives, and the usual keywords in words', () => {
    const said = words({ cluster: '', kind: 'spark', workers: 0, time: 'soon', extra: 1 });
    expect(said.split('; ').sort()).toEqual(
      [
        'cluster must not be empty',
        "kind 'spark' is not one of 'dask', 'ipyparallel', 'custom'",
        'workers must be at least 1',
        "time 'soon' is not a Slurm time (minutes, HH:MM:SS, D-HH:MM:SS…)",
        'extra is not a known field'
      ].sort()
    );
    expect(said).not.toMatch(/must match|\/|pattern/);
  });

  it('names array entries and missing fields', () => {
    expect(
      words({ kind: 'dask', workers: 1, setup: ['ok', 'two\nlines'] })
        .split('; ')
        .sort()
    ).toEqual(['cluster is missing', "setup[1] 'two\nlines' is not one line"].sort());
  });
});
