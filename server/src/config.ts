import Ajv, { ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { PollLimits, pollLimitsSchema } from './poll-limits';
import { errorsInWords } from './util/schema-words';

/** One configured cluster, as an admin or a user writes it. */
export interface ClusterConfig {
  name: string;
  transport: 'local' | 'ssh' | 'openssh';
  host?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** openssh transport only: extra `-o Key=Value` options (e.g. ProxyJump=gateway). */
  sshOptions?: string[];
  /** Directory holding sbatch, squeue, ... on that cluster. */
  slurmBinDir?: string;
  /** Extra environment for every Slurm command (e.g. SLURM_CONF). */
  env?: Record<string, string>;
  /** One row per array task instead of squeue's collapsed "12_[3-9]" (default false). */
  expandArrays?: boolean;
}

export interface CompanionConfig {
  clusters: ClusterConfig[];
  /** Seconds between polls of a cluster that someone watches. */
  pollInterval: number;
  templateDirs: string[];
  /** The admin's limits on polling (poll-limits.ts). */
  limits: PollLimits;
}

export const clusterSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
    transport: { enum: ['local', 'ssh', 'openssh'], default: 'local' },
    host: { type: 'string', pattern: '^[A-Za-z0-9_\\[][A-Za-z0-9_.:\\[\\]-]{0,252}$' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    user: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$' },
    identityFile: { type: 'string', minLength: 1 },
    knownHostsFile: { type: 'string', minLength: 1 },
    sshOptions: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*=[^\\s]+$' } },
    slurmBinDir: { type: 'string', minLength: 1 },
    expandArrays: { type: 'boolean' },
    env: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { type: 'string' }
    }
  },
  if: { properties: { transport: { enum: ['ssh', 'openssh'] } }, required: ['transport'] },
  then: { required: ['host'] }
} as const;

export const clusterListSchema = { type: 'array', items: clusterSchema } as const;

const configSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    clusters: clusterListSchema,
    pollInterval: { type: 'number', minimum: 0.5, default: 5 },
    templateDirs: { type: 'array', items: { type: 'string' }, default: [] },
    limits: pollLimitsSchema
  }
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true });
const validateConfig = ajv.compile(configSchema);
const validateClusters = ajv.compile(clusterListSchema);

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return errorsInWords(errors);
}

export const DEFAULT_CLUSTERS: ClusterConfig[] = [{ name: 'local', transport: 'local' }];

/** Validates (and fills defaults of) a configuration object. */
export function parseConfig(raw: unknown, source = 'configuration'): CompanionConfig {
  const data = (raw ?? {}) as Record<string, unknown>;
  if (!validateConfig(data)) {
    throw new Error(`invalid ${source}: ${describeErrors(validateConfig.errors)}`);
  }
  const clusters = (data.clusters as ClusterConfig[] | undefined) ?? [];
  assertUniqueNames(clusters, source);
  return {
    clusters: clusters.length ? clusters : DEFAULT_CLUSTERS,
    pollInterval: data.pollInterval as number,
    templateDirs: data.templateDirs as string[],
    limits: data.limits as PollLimits
  };
}

export function loadConfigFile(path: string | undefined): CompanionConfig {
  if (!path) {
    return parseConfig({});
  }
  return parseConfig(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** Validates a user's cluster list (from the Lab settings). */
export function parseClusterList(raw: unknown): ClusterConfig[] {
  if (!validateClusters(raw)) {
    throw new Error(`invalid clusters: ${describeErrors(validateClusters.errors)}`);
  }
  const clusters = raw as ClusterConfig[];
  assertUniqueNames(clusters, 'clusters');
  return clusters;
}

function assertUniqueNames(clusters: ClusterConfig[], source: string): void {
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) {
      throw new Error(`invalid ${source}: cluster name "${c.name}" appears twice`);
    }
    seen.add(c.name);
  }
}
