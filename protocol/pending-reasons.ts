/**
 * Slurm's pending reasons in plain words, and which of them mean the job will never start as
 * it is (the partition or the account can never hold it): a set waiting for its workers stops
 * waiting at once with that reason, a job's details say it. Pure data, no run-time import.
 */

export interface PendingReason {
  /** What it means, for a user. */
  words: string;
  /** True when the job cannot start until the job or the site changes (not a matter of waiting). */
  never: boolean;
}

export const PENDING_REASONS: Readonly<Record<string, PendingReason>> = {
  Priority: { words: 'Jobs of higher priority are ahead of it.', never: false },
  Resources: { words: 'Waiting for the nodes, CPUs or memory it asked for to be free.', never: false },
  Dependency: { words: 'Waiting for the jobs it depends on.', never: false },
  DependencyNeverSatisfied: { words: 'A job it depends on ended in a way that can never satisfy it.', never: true },
  BeginTime: { words: 'Its start time has not come yet.', never: false },
  JobHeldUser: { words: 'Held by its owner: release it to let it start.', never: false },
  JobHeldAdmin: { words: 'Held by an administrator.', never: false },
  PartitionNodeLimit: { words: "It asks for more nodes than the partition's limit allows.", never: true },
  PartitionTimeLimit: { words: "Its time limit is longer than the partition's.", never: true },
  PartitionConfig: {
    words: "It asks for more than the partition's nodes have (CPUs, memory or tasks per node).",
    never: true
  },
  PartitionDown: { words: 'The partition is down.', never: false },
  PartitionInactive: { words: 'The partition is inactive.', never: false },
  ReqNodeNotAvail: { words: 'A node it needs is not available (down, drained or reserved).', never: false },
  BadConstraints: { words: 'No node has the features it asks for.', never: true },
  InvalidAccount: { words: 'Its account is not valid.', never: true },
  InvalidQOS: { words: 'Its QOS is not valid.', never: true },
  AccountNotAllowed: { words: 'Its account may not use this partition.', never: true },
  QOSNotAllowed: { words: 'Its QOS may not use this partition.', never: true },
  QOSMaxWallDurationPerJobLimit: { words: 'Its time limit is longer than its QOS allows.', never: true },
  QOSMaxNodePerJobLimit: { words: 'It asks for more nodes than its QOS allows.', never: true },
  QOSMaxCpuPerJobLimit: { words: 'It asks for more CPUs than its QOS allows.', never: true },
  NodeDown: { words: 'A node it needs is down.', never: false },
  Reservation: { words: 'Waiting for its reservation to start.', never: false }
};

/** The reason in words, or Slurm's own word when it has none here. */
export function pendingReasonWords(reason: string): string {
  return PENDING_REASONS[reason]?.words ?? reason;
}

/** Slurm's reason means the job will never start as it is. */
export function neverStarts(reason: string | undefined): boolean {
  return reason !== undefined && PENDING_REASONS[reason]?.never === true;
}
