import type { SetCommands } from '../templates/types';
import { posix } from 'node:path';
import { DASK_PRELOAD_FILE, DASK_PRELOAD_PY } from './py-files';
import { TLS_CERT_FILE, TLS_KEY_FILE } from './tls';
import { SetConnection, SetField, SetKind, SetLink, SetSpec } from './types';

/**
 * Dask and IPyParallel are two configurations of one model: a head command, a
 * worker command, the file that says the head is ready, the file a client
 * connects with, and the monitor probe that counts and retires workers. A
 * custom set (a template) fills in the same table.
 *
 * Commands are argv templates: `{name}` stands for a value the job script sets
 * at run time (the node's host name is only known there). Every other
 * character is literal and quoted when the script is written.
 */
export const PLACEHOLDERS = {
  python: 'HPC_PY',
  setDir: 'HPC_SET_DIR',
  host: 'HPC_HOST',
  ip: 'HPC_IP',
  threads: 'HPC_THREADS',
  memory: 'HPC_MEMORY'
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** How the monitor counts workers: Dask's and IPyParallel's own clients, a template's HTTP JSON (`json`), or not. */
export type Probe = 'dask' | 'ipyparallel' | 'json' | 'none';

export interface KindConfig {
  kind: SetKind;
  /** For log lines and messages: "Dask scheduler". */
  headLabel: string;
  head: string[];
  worker: string[];
  /** An option the worker command takes a unique "<job>-<task>" name with (Dask: --name). */
  workerNameOption?: string;
  /**
   * The worker command waits for the ready file by itself: workers start beside
   * the head, their start-up (Python imports) overlapping the head's.
   */
  workersWaitForReady?: boolean;
  /** Head and workers speak TLS with the set's certificate (tls.ts), made before the head job is submitted. */
  tls?: boolean;
  /** Constant files (name in the set dir → content) the head job writes before it starts anything. */
  files?: Record<string, string>;
  /** Relative to the set dir: exists once workers can join. */
  readyFile: string;
  /** Relative to the set dir: what a client connects with. */
  connectionFile: string;
  probe: Probe;
  /** The connection info for a client, from the parsed connection file. */
  connection(file: Record<string, unknown>, path: string): SetConnection;
}

/** A custom kind as a template declares it (the `set` field of a job template). */
export type CustomKindTemplate = SetCommands;

const IPP_SECURITY = 'profile/security';

function daskConnection(file: Record<string, unknown>, path: string): SetConnection {
  const address = file.address;
  if (typeof address !== 'string') {
    throw new Error(`${path} has no scheduler address`);
  }
  return { kind: 'dask', address, dashboard: daskDashboard(file), schedulerFile: path };
}

/** http://host:port/status from scheduler.json (services.dashboard holds the port). */
export function daskDashboard(file: Record<string, unknown>): string | undefined {
  const services = file.services as Record<string, unknown> | undefined;
  const port = services?.dashboard;
  const host = /^[a-z]+:\/\/(.+):\d+$/.exec(String(file.address ?? ''))?.[1];
  return typeof port === 'number' && host ? `http://${host}:${port}/status` : undefined;
}

/** Mutual TLS with the set's own certificate: nobody without its key talks to the set. */
const DASK_TLS = [
  `--tls-ca-file={setDir}/${TLS_CERT_FILE}`,
  `--tls-cert={setDir}/${TLS_CERT_FILE}`,
  `--tls-key={setDir}/${TLS_KEY_FILE}`
];

/**
 * Dask. Workers start with the scheduler (--scheduler-file waits for the file),
 * without a nanny unless asked for (the nanny starts each worker as a second
 * Python process: ~0.6-1.5 s more), and both connect their bokeh dashboards
 * after start-up rather than before it (py/dask_preload.py).
 */
function dask(spec: SetSpec): KindConfig {
  const preload = `--preload={setDir}/${DASK_PRELOAD_FILE}`;
  return {
    kind: 'dask',
    headLabel: 'Dask scheduler',
    head: [
      '{python}',
      '-m',
      'distributed.cli.dask_scheduler',
      '--scheduler-file={setDir}/scheduler.json',
      '--host={host}',
      '--port=0',
      '--protocol=tls',
      ...DASK_TLS,
      // the HTTP server (and the port in scheduler.json) now, the dashboard pages by the preload
      '--dashboard-address={host}:0',
      '--no-dashboard',
      preload
    ],
    worker: [
      '{python}',
      '-m',
      'distributed.cli.dask_worker',
      '--scheduler-file={setDir}/scheduler.json',
      '--nthreads={threads}',
      // Dask sizes memory from the host, not the allocation: always explicit
      '--memory-limit={memory}',
      // workers orphaned by a dead scheduler leave on their own (also: how long one waits for scheduler.json)
      '--death-timeout=60',
      // they listen on tls:// too (the scheduler's protocol)
      ...DASK_TLS,
      ...(spec.nanny ? [] : ['--no-nanny']),
      '--no-dashboard',
      preload
    ],
    workerNameOption: '--name',
    workersWaitForReady: true,
    tls: true,
    files: { [DASK_PRELOAD_FILE]: DASK_PRELOAD_PY },
    readyFile: 'scheduler.json',
    connectionFile: 'scheduler.json',
    probe: 'dask',
    connection: daskConnection
  };
}

function ipyparallel(spec: SetSpec): KindConfig {
  return {
    kind: 'ipyparallel',
    headLabel: 'IPyParallel controller',
    head: [
      '{python}',
      '-m',
      'ipyparallel.controller',
      '--profile-dir={setDir}/profile',
      '--ip={ip}',
      '--location={host}',
      // engines register in ~1 s instead of ~3 s
      '--HeartMonitor.period=1000'
    ],
    worker: [
      '{python}',
      '-m',
      'ipyparallel.engine',
      '--profile-dir={setDir}/profile',
      `--file={setDir}/${IPP_SECURITY}/ipcontroller-engine.json`,
      // the engines of one srun step share one MPI COMM_WORLD (mpi4py)
      ...(spec.mpi ? ['--mpi'] : [])
    ],
    readyFile: `${IPP_SECURITY}/ipcontroller-engine.json`,
    connectionFile: `${IPP_SECURITY}/ipcontroller-client.json`,
    probe: 'ipyparallel',
    connection: (file, path) => ({ kind: 'ipyparallel', clientFile: file, path })
  };
}

/** The kind table entry of a spec. */
export function kindConfig(spec: SetSpec, custom = spec.template): KindConfig {
  switch (spec.kind) {
    case 'dask':
      return dask(spec);
    case 'ipyparallel':
      return ipyparallel(spec);
    case 'custom':
      if (!custom) {
        throw new Error('a custom set needs its template');
      }
      return customKind(custom);
  }
}

/** The file the monitor's `json` probe reads its template's `workers` declaration from (py/monitor.py). */
export const JSON_PROBE_FILE = 'workers-probe.json';
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const RESERVED_FILES = new Set(['monitor.py', 'status.json', JSON_PROBE_FILE]);

/**
 * A custom kind: head and worker commands, helper files and the connection a
 * template declares. Its head writes the connection file; the monitor counts
 * workers from the head's HTTP JSON when the template says how (`workers`).
 */
export function customKind(t: CustomKindTemplate): KindConfig {
  for (const arg of [...t.head, ...t.worker]) {
    placeholdersOf(arg);
  }
  for (const file of [t.readyFile, t.connectionFile]) {
    if (posix.isAbsolute(file) || file.split('/').includes('..') || /[\n\r\0]/.test(file)) {
      throw new Error(`a template's files must be relative to the set dir: ${JSON.stringify(file)}`);
    }
  }
  const files: Record<string, string> = {};
  for (const [name, lines] of Object.entries(t.files ?? {})) {
    if (!FILE_NAME.test(name) || RESERVED_FILES.has(name)) {
      throw new Error(`a template cannot write the file ${JSON.stringify(name)} into the set dir`);
    }
    files[name] = lines.join('\n') + '\n';
  }
  if (t.workers) {
    files[JSON_PROBE_FILE] = JSON.stringify({ ...t.workers, connectionFile: t.connectionFile });
  }
  return {
    kind: 'custom',
    headLabel: t.headLabel,
    head: t.head,
    worker: t.worker,
    workerNameOption: t.workerNameOption,
    files,
    readyFile: t.readyFile,
    connectionFile: t.connectionFile,
    probe: t.workers ? 'json' : 'none',
    connection: (file, path) => customConnection(t, file, path)
  };
}

/** A connection file value as text for the card (objects as JSON). */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** The web UIs a template declares, from its connection file: only http(s) URLs with a host. */
export function customWebUIs(t: CustomKindTemplate, file: Record<string, unknown>): SetLink[] {
  return (t.webUIs ?? []).flatMap(ui => {
    const url = file[ui.key];
    return typeof url === 'string' && /^https?:\/\/[^/\s]+/.test(url) ? [{ label: ui.label, url }] : [];
  });
}

/** The values a template shows on the card. */
export function customFields(t: CustomKindTemplate, file: Record<string, unknown>): SetField[] {
  return (t.show ?? []).flatMap(f => (f.key in file ? [{ label: f.label, value: asText(file[f.key]) }] : []));
}

/**
 * The template's snippet with `{{key}}` replaced by the connection value as a
 * Python literal (JSON's strings, numbers and booleans; `None` for a missing key).
 */
export function customSnippet(lines: readonly string[], file: Record<string, unknown>): string {
  const literal = (value: unknown): string =>
    value === undefined || value === null
      ? 'None'
      : typeof value === 'boolean'
        ? value
          ? 'True'
          : 'False'
        : typeof value === 'number' || typeof value === 'string'
          ? JSON.stringify(value)
          : JSON.stringify(JSON.stringify(value));
  return lines
    .map(line => line.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, key: string) => literal(file[key])))
    .join('\n');
}

function customConnection(t: CustomKindTemplate, file: Record<string, unknown>, path: string): SetConnection {
  return {
    kind: 'custom',
    connection: file,
    path,
    fields: customFields(t, file),
    webUIs: customWebUIs(t, file),
    ...(t.snippet ? { code: customSnippet(t.snippet, file) } : {})
  };
}

/** Splits a template argument into literal text and placeholders; throws on an unknown `{name}`. */
export function placeholdersOf(arg: string): Array<string | { var: Placeholder }> {
  const parts: Array<string | { var: Placeholder }> = [];
  let last = 0;
  for (const m of arg.matchAll(/\{([A-Za-z]+)\}/g)) {
    const name = m[1];
    if (!(name in PLACEHOLDERS)) {
      throw new Error(`unknown placeholder {${name}} in ${JSON.stringify(arg)}`);
    }
    if (m.index > last) {
      parts.push(arg.slice(last, m.index));
    }
    parts.push({ var: name as Placeholder });
    last = m.index + m[0].length;
  }
  if (last < arg.length) {
    parts.push(arg.slice(last));
  }
  return parts;
}
