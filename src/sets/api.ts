/**
 * The companion's Dask / IPyParallel sets: the shapes of `hpc/api/sets`
 * (protocol/sets.ts defines them), one function per request, and
 * the mapping of the server's refusals onto the start form's fields.
 */
import type { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../shared/api';

import type { SetConnection, SetJob, SetKind as AnySetKind, SetRecord, StartSetRequest } from '../../protocol/sets';

/** The kinds the start form offers (`custom` sets come from templates). */
export type SetKind = StartSetRequest['kind'];

export type { SetState } from '../../protocol/sets';

/** A Slurm job of a set: the head (scheduler/controller and the first workers) or a scale-up's workers. */
export type ISetJob = Pick<SetJob, 'id' | 'role' | 'state' | 'workers' | 'reason'>;

/** A set as the companion reports it (REST and WebSocket alike): protocol/sets.ts. */
export type ISetRecord = SetRecord;

/** Any kind a record may have. */
export type ISetKind = AnySetKind;

/** The body of `POST sets`. */
export type IStartSetRequest = StartSetRequest;

/** `GET sets/:id/connection`. */
export type { SetConnection, SetTls as ISetTls } from '../../protocol/sets';

/**
 * The fields of the start form, in the order the form shows them.
 */
export const START_FIELDS = [
  'cluster',
  'partition',
  'nodes',
  'workers',
  'workersPerNode',
  'threads',
  'memory',
  'time',
  'account',
  'template',
  'python',
  'name'
] as const;

export type StartField = (typeof START_FIELDS)[number];

/**
 * A refusal of the start request, at a field or about the whole.
 */
export interface IStartProblem {
  field?: StartField;
  message: string;
}

/**
 * The sets API, bound to one server.
 */
export class SetsApi {
  constructor(private readonly _settings?: ServerConnection.ISettings) {}

  async list(): Promise<ISetRecord[]> {
    const reply = await requestAPI<{ sets?: unknown }>('sets', { method: 'GET' }, this._settings);
    return asSetRecords(reply?.sets);
  }

  async start(request: IStartSetRequest): Promise<ISetRecord> {
    return this._record(await this._json('sets', 'POST', request));
  }

  async scale(id: string, workers: number): Promise<ISetRecord> {
    return this._record(await this._json(`sets/${encodeURIComponent(id)}/scale`, 'POST', { workers }));
  }

  async stop(id: string): Promise<ISetRecord> {
    return this._record(await this._json(`sets/${encodeURIComponent(id)}`, 'DELETE'));
  }

  async forget(id: string): Promise<void> {
    await this._json(`sets/${encodeURIComponent(id)}?forget=true`, 'DELETE');
  }

  connection(id: string): Promise<SetConnection> {
    return this._json<SetConnection>(`sets/${encodeURIComponent(id)}/connection`, 'GET');
  }

  private _json<T = unknown>(endPoint: string, method: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    return requestAPI<T>(endPoint, init, this._settings);
  }

  private _record(value: unknown): ISetRecord {
    const record = asSetRecord(value);
    if (!record) {
      throw new Error('Unexpected reply from hpc/api/sets');
    }
    return record;
  }
}

/**
 * A record from the wire, or null when it lacks what the cards rely on.
 */
export function asSetRecord(value: unknown): ISetRecord | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const r = value as Partial<ISetRecord>;
  const ok =
    typeof r.id === 'string' &&
    typeof r.cluster === 'string' &&
    typeof r.name === 'string' &&
    typeof r.state === 'string' &&
    Array.isArray(r.jobs) &&
    typeof r.workers === 'object' &&
    r.workers !== null;
  return ok ? ({ spec: {}, ...r } as ISetRecord) : null;
}

export function asSetRecords(value: unknown): ISetRecord[] {
  return (Array.isArray(value) ? value : []).map(asSetRecord).filter((r): r is ISetRecord => r !== null);
}

/**
 * What to tell about a field whose value does not have the right shape:
 * the server's own words are a regular expression.
 */
const SHAPE_HINTS: { [field: string]: string } = {
  time: 'Use minutes, HH:MM:SS or D-HH:MM:SS.',
  memory: 'Use a size like 2G or 1500M.',
  partition: 'A Slurm partition name (letters, digits, _ . , + -).',
  account: 'A Slurm account name (letters, digits, _ . , + -).',
  python: 'An absolute path or a command name.',
  name: 'No control characters.'
};

/**
 * Words in a message (the companion's or Slurm's) that say which field it is
 * about, when it names none with a JSON pointer.
 */
const FIELD_WORDS: ReadonlyArray<[StartField, RegExp]> = [
  ['cluster', /\bcluster\b/i],
  ['partition', /partition/i],
  ['account', /account/i],
  ['python', /python/i],
  ['memory', /\bmem(ory)?\b/i],
  ['time', /time limit|\btime\b/i],
  ['workersPerNode', /per node/i],
  ['nodes', /\bnode(s|\(s\))?\b/i],
  ['threads', /\bthreads?\b|\bcpus?\b/i],
  ['workers', /\bworkers?\b/i]
];

/**
 * The problems in a refusal of `POST sets`, each at its field when the
 * message says which: the validator's `body/time must …` or `/time must …`
 * (several joined by `, ` or `; `), the companion's "invalid memory …",
 * Slurm's "Invalid partition name specified".
 */
export function startProblems(message: string): IStartProblem[] {
  const text = message.replace(/^invalid set request:\s*/, '');
  // the companion says each field in words ("partition 'x;y' is not a Slurm name …; time …")
  const fieldStart = `(?:(?:body)?\\/\\w|(?:${START_FIELDS.join('|')})\\b)`;
  const parts = text.split(new RegExp(`[;,]\\s+(?=${fieldStart})`));
  const problems: IStartProblem[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const pointer = /^(?:body)?\/(\w+)\s+(.*)$/.exec(part.trim());
    const named = pointer ? undefined : /^(\w+)(?:\[\d+\])?\s/.exec(part.trim());
    const field = pointer
      ? known(pointer[1])
      : ((named && known(named[1])) ?? FIELD_WORDS.find(([, words]) => words.test(part))?.[0]);
    if (field && seen.has(field)) {
      // anyOf and pattern errors come in several parts: one line per field
      continue;
    }
    let said = pointer ? pointer[2] : part.trim();
    if (field && /must match (pattern|a schema)|must be (integer|string)/.test(said) && SHAPE_HINTS[field]) {
      said = SHAPE_HINTS[field];
    }
    if (field) {
      seen.add(field);
    }
    problems.push(field ? { field, message: said } : { message: said });
  }
  return problems;
}

function known(name: string): StartField | undefined {
  return (START_FIELDS as ReadonlyArray<string>).includes(name) ? (name as StartField) : undefined;
}
