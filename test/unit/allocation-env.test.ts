import { dropEnclosingJobEnv } from '../../server/src/util/allocation-env';

describe('util/allocation-env', () => {
  it("drops the enclosing job's SLURM_* so the jobs a batch-spawned Lab submits do not inherit it", () => {
    const env: NodeJS.ProcessEnv = {
      SLURM_JOB_ID: '74',
      SLURM_MEM_PER_NODE: '1500',
      SLURM_CPUS_PER_TASK: '2',
      SLURM_STEP_ID: '0',
      SLURM_CONF: '/etc/slurm/slurm.conf',
      SLURM_TIME_FORMAT: 'relative',
      SBATCH_ACCOUNT: 'proj1',
      HOME: '/home/alice'
    };
    const dropped = dropEnclosingJobEnv(env);
    expect(dropped.sort()).toEqual(['SLURM_CPUS_PER_TASK', 'SLURM_JOB_ID', 'SLURM_MEM_PER_NODE', 'SLURM_STEP_ID']);
    // what a user or admin set for Slurm's commands stays
    expect(env).toEqual({
      SLURM_CONF: '/etc/slurm/slurm.conf',
      SLURM_TIME_FORMAT: 'relative',
      SBATCH_ACCOUNT: 'proj1',
      HOME: '/home/alice'
    });
  });

  it('leaves a login shell’s environment alone', () => {
    const env: NodeJS.ProcessEnv = { SLURM_CONF: '/x', SLURM_WHATEVER: 'y' };
    expect(dropEnclosingJobEnv(env)).toEqual([]);
    expect(env).toEqual({ SLURM_CONF: '/x', SLURM_WHATEVER: 'y' });
  });
});
