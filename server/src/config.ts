import Ajv, { ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { PollLimits, pollLimitsSchema } from './poll-limits';
import { CLUSTER_SCHEMA, ClusterConfig } from '../../protocol/clusters';
import { errorsInWords } from './util/schema-words';

export type { ClusterConfig };

export interface CompanionConfig {
  clusters: ClusterConfig[];
  /** Seconds between polls of a cluster that someone watches. */
  pollInterval: number;
  templateDirs: string[];
  /** The admin's limits on polling (poll-limits.ts). */
  limits: PollLimits;
  /**
   * Stop every running set when the Jupyter server that started the companion
   * ends (JupyterHub stopped it, its Slurm job ended), not when it was only idle.
   */
  stopSetsOnExit: boolean;
}

/** protocol/clusters.ts's schema, with the default transport filled in (ajv's useDefaults). */
export const clusterSchema = {
  ...CLUSTER_SCHEMA,
  properties: { ...CLUSTER_SCHEMA.properties, transport: { ...CLUSTER_SCHEMA.properties.transport, default: 'local' } }
} as const;

export const clusterListSchema = { type: 'array', items: clusterSchema } as const;

const configSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    clusters: clusterListSchema,
    pollInterval: { type: 'number', minimum: 0.5, default: 5 },
    templateDirs: { type: 'array', items: { type: 'string' }, default: [] },
    limits: pollLimitsSchema,
    stopSetsOnExit: { type: 'boolean', default: false }
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
    limits: data.limits as PollLimits,
    stopSetsOnExit: data.stopSetsOnExit as boolean
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
