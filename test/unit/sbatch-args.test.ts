import { SbatchArgsError, parseSbatchArgs } from '../../server/src/slurm/sbatch-args';
import { sbatchArgv } from '../../server/src/slurm/sbatch';

describe('sbatch arguments as a user typed them', () => {
  it.each([
    [
      ['-p', 'batch', '-t', '5', '-J', 'name'],
      ['--partition=batch', '--time=5', '--job-name=name']
    ],
    [
      ['-N', '1', '--time=10', '-pdebug'],
      ['--nodes=1', '--time=10', '--partition=debug']
    ],
    [
      ['--partition', 'debug', '--mem=4G'],
      ['--partition=debug', '--mem=4G']
    ],
    [['-Hv'], ['--hold', '--verbose']],
    [['-HJx'], ['--hold', '--job-name=x']],
    [
      ['--part=debug', '--cpus-per-t=2'],
      ['--partition=debug', '--cpus-per-task=2']
    ],
    [
      ['--exclusive', '--nice=5', '--export', 'ALL'],
      ['--exclusive', '--nice=5', '--export=ALL']
    ],
    [
      ['-J', '-odd', '-o', 'out file'],
      ['--job-name=-odd', '--output=out file']
    ],
    [
      ['--job-name=a; touch /tmp/x', '--comment=$(id)'],
      ['--job-name=a; touch /tmp/x', '--comment=$(id)']
    ],
    [[], []]
  ])('%j → %j', (args, options) => {
    const parsed = parseSbatchArgs(args);
    expect(parsed).toEqual(options);
    // and they pass the adapter's own check
    expect(sbatchArgv(parsed).slice(2)).toEqual(options);
  });

  it.each([
    [['script.sh'], /"script.sh" is not an option: sbatch would take it as the script's file name/],
    [['-p', 'debug', 'job.sbatch'], /"job.sbatch" is not an option/],
    [['-'], /"-" is not an option/],
    [['--', '-p'], /"--" is not an option/],
    [[':', '-n', '2'], /":" is not an option/],
    [['--wrap=id'], /--wrap.*cannot be used here: the script is sent on its own/],
    [['--wrap', 'touch /tmp/x'], /--wrap/],
    [['--wr=id'], /--wrap/],
    [['-W'], /blocks until the job ends/],
    [['--test-only'], /submits nothing/],
    [['--help'], /prints help/],
    [['--bogus'], /--bogus is not an sbatch option/],
    [['-P'], /-P is not an sbatch option/],
    [['--mem-per'], /ambiguous: it could be --mem-per-cpu, --mem-per-gpu/],
    [['-p'], /-p \(--partition\) needs a value/],
    [['--hold=yes'], /takes no value/],
    [['--comment=a\0b'], /NUL/]
  ])('refuses %j', (args, message) => {
    expect(() => parseSbatchArgs(args)).toThrow(SbatchArgsError);
    expect(() => parseSbatchArgs(args)).toThrow(message);
  });
});
