import { SlurmError, checkResult } from '../../server/src/slurm/errors';

const result = (over: Partial<Parameters<typeof checkResult>[1]>) => ({
  code: 0,
  signal: null,
  stdout: 'out',
  stderr: '',
  ...over
});

describe('checkResult', () => {
  it('returns stdout of a clean run', () => {
    expect(checkResult('squeue', result({}))).toBe('out');
  });

  it('treats an RPC failure printed on stderr as an error even with exit code 0', () => {
    expect(() =>
      checkResult(
        'squeue',
        result({ stderr: 'squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation\n' })
      )
    ).toThrow(
      new SlurmError('squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation', 'squeue')
    );
  });

  it('gives Slurm its own words for a non-zero exit', () => {
    expect(() =>
      checkResult('sinfo', result({ code: 1, stderr: 'sinfo: fatal: Unable to process configuration file\n' }))
    ).toThrow('sinfo: fatal: Unable to process configuration file');
  });

  it('explains a run that printed nothing', () => {
    expect(() => checkResult('sinfo', result({ code: 1 }))).toThrow('sinfo exited with code 1');
    expect(() => checkResult('sinfo', result({ code: null, signal: 'SIGKILL', aborted: 'timeout' }))).toThrow(
      'sinfo did not answer in time'
    );
  });

  it('ignores warnings that are not failures', () => {
    expect(checkResult('sbatch', result({ stderr: 'sbatch: warning: can not set memory\n' }))).toBe('out');
  });
});
