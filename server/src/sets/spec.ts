import Ajv, { ValidateFunction } from 'ajv';
import { describeErrors } from '../config';
import type { StartSetRequest } from '../../../protocol/sets';
import { SET_KINDS, SetSpec } from './types';

/** A start request once the schema has checked it: its counts are numbers. */
type CheckedStartRequest = StartSetRequest & {
  workers: number;
  nodes?: number;
  workersPerNode?: number;
  threads?: number;
};

/**
 * The start form, checked before anything exists: every value that reaches the
 * batch script is a name, a number or a path of a known shape, quoted where it
 * is used. Only `setup` lines are shell (the user's own set-up, which is their
 * intended place), and none of them can span a line.
 */
const SINGLE_LINE = '^[^\\n\\r\\u0000]*$';
/** Partitions and accounts: Slurm names (a partition list may be comma-separated); never an option. */
const SLURM_NAME = '^[A-Za-z0-9_][A-Za-z0-9_.,+-]{0,127}$';
const SLURM_NAME_WORDS = 'a Slurm name (letters, digits and _ . , + -)';
/** An absolute path, or a command name looked up on the job's PATH after the set-up lines. */
const PYTHON = '^(/[^\\n\\r\\u0000]{0,1023}|[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127})$';
/** Slurm's --time forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED. */
const TIME = '^(\\d{1,7}(:\\d{1,2}){0,2}|\\d{1,4}-\\d{1,2}(:\\d{1,2}){0,2}|UNLIMITED|unlimited|infinite)$';
const MEMORY = '^\\d{1,9}(\\.\\d{1,3})?\\s?([KMGT]i?B?)?$';

export const startSetSchema = {
  type: 'object',
  required: ['cluster', 'kind', 'workers'],
  additionalProperties: false,
  properties: {
    cluster: { type: 'string', minLength: 1, maxLength: 64 },
    kind: { enum: [...SET_KINDS] },
    workers: { type: 'integer', minimum: 1, maximum: 4096 },
    nodes: { type: 'integer', minimum: 1, maximum: 1024 },
    workersPerNode: { type: 'integer', minimum: 1, maximum: 1024 },
    threads: { type: 'integer', minimum: 1, maximum: 1024 },
    memory: { type: 'string', pattern: MEMORY, maxLength: 20, description: 'a size such as 2G or 1500M' },
    time: {
      description: 'a Slurm time (minutes, HH:MM:SS, D-HH:MM:SS…)',
      anyOf: [
        { type: 'integer', minimum: 1, maximum: 10_000_000 },
        { type: 'string', pattern: TIME, maxLength: 20 }
      ]
    },
    partition: { type: 'string', pattern: SLURM_NAME, description: SLURM_NAME_WORDS },
    account: { type: 'string', pattern: SLURM_NAME, description: SLURM_NAME_WORDS },
    python: { type: 'string', pattern: PYTHON, description: 'an absolute path or a command name' },
    setup: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', pattern: SINGLE_LINE, maxLength: 2000, description: 'one line' }
    },
    name: {
      type: 'string',
      pattern: '^[^\\u0000-\\u001f\\u007f]*$',
      maxLength: 100,
      description: 'a name without control characters'
    },
    mpi: { type: 'boolean' },
    nanny: { type: 'boolean' },
    template: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'a template id' },
    source: { enum: ['centre', 'personal'] },
    // checked against the template's parameters when it is rendered
    params: { type: 'object', maxProperties: 256 }
  }
} as const;

export const scaleSetSchema = {
  type: 'object',
  required: ['workers'],
  additionalProperties: false,
  properties: { workers: { type: 'integer', minimum: 1, maximum: 4096 } }
} as const;

export class SetRequestError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'SetRequestError';
  }
}

let compiled: ValidateFunction | undefined;

/** Compiled on first use: a companion that never starts a set does not hold the validator. */
function startValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true }).compile(startSetSchema);
  return compiled;
}

const UNIT_MIB: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** '2G', '1500M', '2GiB', '512' (Slurm's default unit: MB) → MiB, rounded up. */
export function parseMemoryMiB(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s?([KMGT])?(?:i?B)?$/i.exec(text.trim());
  if (!m) {
    throw new SetRequestError(`invalid memory ${JSON.stringify(text)}: use a size like 2G or 1500M`);
  }
  const mib = Math.ceil(Number(m[1]) * UNIT_MIB[(m[2] ?? 'M').toUpperCase()]);
  if (mib < 1) {
    throw new SetRequestError(`memory ${JSON.stringify(text)} is less than 1 MiB`);
  }
  return mib;
}

/** Validates a start request (also when it does not come through the REST route). */
export function normalizeSpec(raw: unknown, defaultPython: string): SetSpec {
  const validateStart = startValidator();
  if (!validateStart(raw)) {
    throw new SetRequestError(`invalid set request: ${describeErrors(validateStart.errors)}`);
  }
  const r = raw as CheckedStartRequest;
  if (r.mpi && r.kind !== 'ipyparallel') {
    throw new SetRequestError('mpi applies to ipyparallel sets only');
  }
  if (r.nanny && r.kind !== 'dask') {
    throw new SetRequestError('nanny applies to dask sets only');
  }
  if (r.nodes && r.workersPerNode && r.nodes * r.workersPerNode < r.workers) {
    throw new SetRequestError(
      `${r.nodes} node(s) × ${r.workersPerNode} worker(s) per node cannot hold ${r.workers} workers`
    );
  }
  const spec: SetSpec = {
    cluster: r.cluster,
    kind: r.kind,
    name: r.name?.trim() || `${r.kind} × ${r.workers}`,
    workers: r.workers,
    python: r.python ?? defaultPython,
    setup: r.setup ?? []
  };
  if (!new RegExp(PYTHON).test(spec.python)) {
    throw new SetRequestError(`invalid python ${JSON.stringify(spec.python)}: give an absolute path or a command name`);
  }
  if (r.nodes !== undefined) {
    spec.nodes = r.nodes;
  }
  if (r.workersPerNode !== undefined) {
    spec.workersPerNode = r.workersPerNode;
  }
  // Without threads and without workers per node, one thread each: a set never takes whole nodes unasked.
  if (r.threads !== undefined || r.workersPerNode === undefined) {
    spec.threads = r.threads ?? 1;
  }
  if (r.memory !== undefined) {
    spec.memoryMiB = parseMemoryMiB(r.memory);
  }
  if (r.time !== undefined) {
    spec.time = String(r.time);
  }
  if (r.partition !== undefined) {
    spec.partition = r.partition;
  }
  if (r.account !== undefined) {
    spec.account = r.account;
  }
  if (r.mpi) {
    spec.mpi = true;
  }
  if (r.nanny) {
    spec.nanny = true;
  }
  return spec;
}
