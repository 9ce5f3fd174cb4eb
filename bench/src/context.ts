import type { LaunchSettings } from './companion';

/** What every row needs: where the big queue lives, which companion to run, how often to repeat. */
export interface BenchContext {
  /** slurm.conf of the cluster the bench loads (the fixture's `remote` slurmctld, run locally as root). */
  benchConf: string;
  /** The companion bundle under test. */
  bundle: string;
  /** Node flags and environment for it, as jupyterlab_hpc's launcher gives them. */
  launch: LaunchSettings;
  /** Scratch directory of this run (companion configs and logs). */
  scratch: string;
  runs: { raw: number; first: number; rounds: number; views: number; ssh: number; rpcWindowS: number };
  quick: boolean;
  log(line: string): void;
}

/** The companion's name for the bench cluster (a local transport aimed at the remote slurmctld). */
export const benchCluster = 'bench';
