import { parseTestOnly, sbatchTestOnlyArgv } from '../../server/src/slurm/test-only';

// captured from sbatch --test-only on the fixture (Slurm 22.05)
const WOULD_START =
  'sbatch: Job 107 to start at 2026-12-03T13:18:43 using 1 processors on nodes vm in partition debug\n';
const NO_PARTITION =
  'sbatch: error: invalid partition specified: nope\nallocation failure: Invalid partition name specified\n';
const TOO_BIG = 'allocation failure: Requested node configuration is not available\n';

describe('sbatch --test-only', () => {
  it('asks Slurm without submitting, the script on stdin', () => {
    expect(sbatchTestOnlyArgv(['--cpus-per-task=2'], '/s/sbatch')).toEqual([
      '/s/sbatch',
      '--test-only',
      '--cpus-per-task=2'
    ]);
    expect(() => sbatchTestOnlyArgv(['--wrap=true'])).toThrow(/--wrap/);
  });

  it('reads when, where and in which partition the job would start', () => {
    expect(parseTestOnly(WOULD_START, 0)).toEqual({
      ok: true,
      message: 'Job 107 to start at 2026-12-03T13:18:43 using 1 processors on nodes vm in partition debug',
      start: '2026-12-03T13:18:43',
      nodes: 'vm',
      partition: 'debug'
    });
  });

  it("gives Slurm's refusal in its own words, without the program's prefixes", () => {
    expect(parseTestOnly(NO_PARTITION, 1)).toEqual({
      ok: false,
      message: 'invalid partition specified: nope\nInvalid partition name specified'
    });
    expect(parseTestOnly(TOO_BIG, 1)).toEqual({ ok: false, message: 'Requested node configuration is not available' });
  });

  it('throws on a success it cannot read', () => {
    expect(() => parseTestOnly('something else\n', 0)).toThrow(/unexpected sbatch --test-only output/);
  });
});
