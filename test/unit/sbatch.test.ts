import { parseSbatchParsable, sbatchArgv } from '../../server/src/slurm/sbatch';

describe('sbatch', () => {
  it('builds argv from options only; the script goes on stdin', () => {
    expect(sbatchArgv(['--partition=debug', '--job-name=a; b $(c)'])).toEqual([
      'sbatch',
      '--parsable',
      '--partition=debug',
      '--job-name=a; b $(c)'
    ]);
  });

  it.each([['script.sh'], ['-p'], ['--wrap=id'], ['--Partition=x'], ['; id']])('refuses %s', opt => {
    expect(() => sbatchArgv([opt])).toThrow();
  });

  it('reads the job id of --parsable', () => {
    expect(parseSbatchParsable('1234\n')).toBe('1234');
    expect(parseSbatchParsable('1234;alpha\n')).toBe('1234');
    expect(() => parseSbatchParsable('Submitted batch job 1234\n')).toThrow(/unexpected sbatch output/);
  });
});
