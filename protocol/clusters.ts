/**
 * A cluster as an admin (`c.HpcConfig.clusters`) or a user (Settings → HPC) configures it: the
 * companion validates both with CLUSTER_SCHEMA (ajv), the Lab's settings schema
 * (schema/sidebar.json, a static file JupyterLab reads) holds the same schema as its
 * `definitions.cluster` (test/unit/clusters-schema.test.ts keeps them equal), and Python reads
 * the field names from protocol.json.
 *
 * Pure data: no DOM, no Node, and nothing imported at run time (the build loads this file
 * alone to write jupyterlab_hpc/protocol.json).
 */

import type { NodeCounts, Partition } from './resources';

export const TRANSPORTS = ['local', 'ssh', 'openssh'] as const;

export type Transport = (typeof TRANSPORTS)[number];

/** One configured cluster (CLUSTER_SCHEMA says the same, with each field's title and rules). */
export interface ClusterConfig {
  name: string;
  /** Default 'local'. */
  transport?: Transport;
  host?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** openssh transport only: extra `-o Key=Value` options (e.g. ProxyJump=gateway). */
  sshOptions?: string[];
  /** One row per array task instead of squeue's collapsed "12_[3-9]" (default false). */
  expandArrays?: boolean;
  /** Directory holding sbatch, squeue, ... on that cluster. */
  slurmBinDir?: string;
  /** Extra environment for every Slurm command (e.g. SLURM_CONF). */
  env?: Record<string, string>;
  /** srun's --mpi plugin for IPyParallel engines as MPI ranks (default DEFAULT_MPI_PLUGIN). */
  mpiPlugin?: string;
}

/**
 * srun's --mpi plugin when a cluster names none: Open MPI 4 and later, MPICH and Intel MPI
 * all speak PMIx; Debian's Open MPI has no PMI-2 client at all (`--mpi=pmi2` fails in MPI_Init).
 */
export const DEFAULT_MPI_PLUGIN = 'pmix';

/** JSON Schema (draft 07) of a ClusterConfig, with the titles and descriptions Lab's settings editor shows. */
export const CLUSTER_SCHEMA = {
  description:
    "A cluster of the same name from your administrator is replaced by this one as a whole; unset fields take the companion's defaults (transport 'local', port 22).",
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      title: 'Name',
      description:
        "Name shown in the sidebar: letters, digits, '_', '.', '-'. A cluster of the same name from your administrator is replaced by this one.",
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
    },
    transport: {
      title: 'Transport',
      description:
        "How to run Slurm commands: 'local' on the Jupyter server's host (the default), 'ssh' on a login node (built-in client, one warm connection), or 'openssh' (the system ssh client: Kerberos/GSSAPI, ProxyJump, ~/.ssh/config).",
      type: 'string',
      enum: TRANSPORTS
    },
    host: {
      title: 'Host',
      description: "Login node to reach over SSH; required when transport is 'ssh'.",
      type: 'string',
      pattern: '^[A-Za-z0-9_\\[][A-Za-z0-9_.:\\[\\]-]{0,252}$'
    },
    port: {
      title: 'Port',
      description: 'SSH port of the login node (default 22).',
      type: 'integer',
      minimum: 1,
      maximum: 65535
    },
    user: {
      title: 'User',
      description: "User name on the login node; defaults to the Jupyter server's user.",
      type: 'string',
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$'
    },
    identityFile: {
      title: 'Identity file',
      description: "Path, on the Jupyter server's host, of the SSH private key to log in with.",
      type: 'string',
      minLength: 1
    },
    knownHostsFile: {
      title: 'Known hosts file',
      description: "Path, on the Jupyter server's host, of the known_hosts file that checks the login node's host key.",
      type: 'string',
      minLength: 1
    },
    sshOptions: {
      title: 'SSH options',
      description: 'openssh transport only: extra ssh options as Key=Value, e.g. ProxyJump=gateway.example.org.',
      type: 'array',
      items: {
        type: 'string',
        pattern: '^[A-Za-z][A-Za-z0-9]*=[^\\s]+$'
      }
    },
    expandArrays: {
      title: 'One row per array task',
      description: "Show every task of a pending job array as its own row instead of Slurm's collapsed 12_[3-9].",
      type: 'boolean'
    },
    slurmBinDir: {
      title: 'Slurm bin directory',
      description: 'Directory of the Slurm commands (sinfo, squeue, sbatch…) when they are not on the PATH.',
      type: 'string',
      minLength: 1
    },
    env: {
      title: 'Environment',
      description: 'Environment variables for the Slurm commands, e.g. SLURM_CONF.',
      type: 'object',
      additionalProperties: {
        type: 'string'
      },
      propertyNames: {
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$'
      }
    },
    mpiPlugin: {
      title: 'MPI plugin',
      description:
        "srun's --mpi plugin for IPyParallel engines started as MPI ranks, as `srun --mpi=list` names them (default pmix; e.g. pmix_v4, pmi2, cray_shasta).",
      type: 'string',
      pattern: '^[A-Za-z0-9_]{1,64}$'
    }
  },
  if: {
    properties: {
      transport: {
        enum: ['ssh', 'openssh']
      }
    },
    required: ['transport']
  },
  then: {
    required: ['host']
  }
} as const;

export type { NodeCounts, Partition } from './resources';

/** A cluster as `GET clusters` reports it (the reply is `{ clusters: ClusterStatus[] }`). */
export interface ClusterStatus {
  name: string;
  transport: Transport;
  /** Whose jobs are "my jobs" there (the login user over SSH). */
  user?: string;
  /** 'error': the companion could not query the cluster; `error` holds Slurm's (or the transport's) message. */
  status: 'ok' | 'error';
  error?: string;
  partitions: Partition[];
  /** ISO 8601 time of the companion's last successful query. */
  updatedAt: string;
}

/** A column of `%sinfo`'s tables: a partition's member or one of its node counts, and its header. */
export interface PartitionColumn {
  key: keyof Omit<Partition, 'nodes'> | keyof NodeCounts;
  header: string;
}

/**
 * The columns of `%sinfo`'s tables (jupyterlab_hpc/kernel/display.py, text and HTML): the
 * partition (the default one marked `*`, as sinfo does), its availability, its node counts.
 */
export const PARTITION_COLUMNS: readonly PartitionColumn[] = [
  { key: 'name', header: 'PARTITION' },
  { key: 'available', header: 'AVAIL' },
  { key: 'total', header: 'NODES' },
  { key: 'idle', header: 'IDLE' },
  { key: 'allocated', header: 'ALLOC' },
  { key: 'mixed', header: 'MIXED' },
  { key: 'down', header: 'DOWN' },
  { key: 'other', header: 'OTHER' }
];
