/**
 * A Lab that JupyterHub's SlurmSpawner started runs inside a Slurm job, and so
 * does its companion: the job's output variables (SLURM_JOB_ID,
 * SLURM_MEM_PER_NODE, SLURM_CPUS_PER_TASK, …) are in its environment. Jobs
 * the companion submits inherit its environment, and srun inside them reads
 * those as input: a set's `srun` then fails ("SLURM_MEM_PER_CPU, SLURM_MEM_PER_GPU,
 * and SLURM_MEM_PER_NODE are mutually exclusive") or asks for the Lab's CPUs.
 * A command started from the companion must look like one from a login shell.
 */

/** Variables a user or admin sets for Slurm's commands themselves: kept. */
const SLURM_INPUT_ONLY = new Set(['SLURM_CONF', 'SLURM_TIME_FORMAT', 'SLURM_CLUSTERS']);

/** True when `env` is the environment of a process inside a Slurm job. */
function insideSlurmJob(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SLURM_JOB_ID || env.SLURM_JOBID);
}

/**
 * Remove, in place, the SLURM_* variables that describe the job `env` is
 * inside of (nothing outside a job).
 */
export function dropEnclosingJobEnv(env: NodeJS.ProcessEnv): string[] {
  if (!insideSlurmJob(env)) {
    return [];
  }
  const dropped = Object.keys(env).filter(name => name.startsWith('SLURM_') && !SLURM_INPUT_ONLY.has(name));
  for (const name of dropped) {
    delete env[name];
  }
  return dropped;
}
