/**
 * What a cluster's partitions hold and allow, as `GET hpc/api/clusters` (each partition) and
 * `GET hpc/api/clusters/<c>/partitions` answer it: the sidebar shows it, template forms are
 * checked against it, the kernel may read it. Pure data: no run-time import.
 */

/** Nodes of a partition by the state groups a user cares about (sinfo's extended state). */
export interface NodeCounts {
  total: number;
  idle: number;
  allocated: number;
  mixed: number;
  down: number;
  /** Any state not bucketed above (reserved, planned, …). */
  other: number;
}

/** CPUs of a partition's nodes, as `sinfo -o %C` counts them (allocated/idle/other/total). */
export interface CpuCounts {
  allocated: number;
  idle: number;
  /** CPUs of nodes that cannot take jobs (down, drained, …). */
  other: number;
  total: number;
}

/** Megabytes, as Slurm counts them (1G = 1024M). */
export interface MemoryCounts {
  totalMB: number;
  /** Memory given to running jobs (sinfo's AllocMem). */
  allocatedMB: number;
}

/** Generic resources named `gpu` (sinfo's Gres and GresUsed), summed over the partition's nodes. */
export interface GpuCounts {
  total: number;
  allocated: number;
}

/**
 * The limits a job form needs, from `scontrol show partition` and the partition's nodes;
 * `null` where Slurm sets none (UNLIMITED).
 */
export interface PartitionLimits {
  /** MaxTime in minutes. */
  maxTimeMinutes: number | null;
  /** DefaultTime in minutes (the time limit of a job that asks none). */
  defaultTimeMinutes: number | null;
  /** The most nodes one job may have: MaxNodes, bounded by the partition's node count. */
  maxNodes: number;
  /** The most CPUs one job may use on one node: MaxCPUsPerNode, bounded by the biggest node. */
  maxCpusPerNode: number;
  /** The most memory one job may use on one node (MB): MaxMemPerNode, bounded by the biggest node. */
  maxMemPerNodeMB: number;
}

/** One partition: where it stands now, and what a job in it may ask. */
export interface PartitionResources {
  cpus: CpuCounts;
  memory: MemoryCounts;
  gpus: GpuCounts;
  limits: PartitionLimits;
}

export interface Partition extends PartitionResources {
  name: string;
  /** The cluster's default partition (sinfo marks it with '*'). */
  default: boolean;
  /** 'up', 'down', 'drain' or 'inact' (sinfo's words). */
  available: string;
  nodes: NodeCounts;
}

/** The body of `GET hpc/api/clusters/<c>/partitions`. */
export interface PartitionsReply {
  cluster: string;
  partitions: Partition[];
  /** ISO 8601 time of the Slurm query the answer comes from (cached per poll interval). */
  updatedAt: string;
}

/**
 * `sbatch --test-only`'s answer for a job (Slurm's scheduler, asked without submitting):
 * `POST hpc/api/templates/test-only` and `POST hpc/api/clusters/<c>/test-only`.
 */
export interface TestOnlyAnswer {
  cluster: string;
  /** True when Slurm would take the job; false with Slurm's refusal in `message`. */
  ok: boolean;
  /** Slurm's own line, e.g. "Job 12 to start at 2026-12-03T13:18:43 using 2 processors on nodes vm in partition debug". */
  message: string;
  /** With ok: when the job would start (Slurm's ISO time), on which nodes, in which partition. */
  start?: string;
  nodes?: string;
  partition?: string;
}

/** One account the user may charge on a cluster, with the QOS it allows (`sacctmgr show assoc`). */
export interface AccountChoice {
  account: string;
  /** The QOS this user may ask under the account; '' in `defaultQos` when Slurm names none. */
  qos: string[];
  defaultQos: string;
}

/**
 * `GET hpc/api/clusters/<c>/accounts`: the accounts and QOS a template form offers the user.
 * Without accounting: `accounting: false` and no accounts (forms keep a free text field).
 */
export interface AccountsReply {
  cluster: string;
  accounting: boolean;
  /** The user's default account ('' when none). */
  defaultAccount: string;
  accounts: AccountChoice[];
}
