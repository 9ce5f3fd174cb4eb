/**
 * The form that starts a set: its fields, the environments that templates
 * offer, and the `POST sets` request made of its values.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { DialogValues, IDialogField } from '../shared/formDialog';
import type { IJobTemplate, TemplatesApi } from '../templates/api';
import type { IHpcClusters } from '../tokens';
import type { IStartSetRequest, SetKind } from './api';

/**
 * Environments a set can start in, by `source/id` of their template.
 */
export class Environments extends Map<string, { title: string; lines: string[] }> {}

/**
 * Quote a word for the shell, whatever it holds.
 */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell lines of a template that set up an environment: its module
 * loads, then its set-up lines. Null for a template without any, or whose
 * lines need parameters (`{{name}}`) that a set has no form for.
 */
export function environmentLines(template: IJobTemplate): string[] | null {
  const lines = [
    ...(template.modules.length > 0 ? [['module', 'load', ...template.modules].map(shellWord).join(' ')] : []),
    ...template.setup
  ];
  return lines.length > 0 && !lines.some(line => line.includes('{{')) ? lines : null;
}

/**
 * Templates that can set up a set's environment, the set's own kind
 * first; none when they cannot be listed (the form works without).
 */
export async function setEnvironments(api: TemplatesApi, kind: SetKind): Promise<Environments> {
  let templates: IJobTemplate[] = [];
  try {
    templates = (await api.list()).templates;
  } catch (error) {
    console.warn('jupyterlab-hpc: no templates for the environment choice.', error);
  }
  const ordered = [...templates.filter(t => t.kind === kind), ...templates.filter(t => t.kind !== kind)];
  const environments = new Environments();
  for (const template of ordered) {
    const lines = environmentLines(template);
    if (lines) {
      environments.set(`${template.source}/${template.id}`, { title: template.title, lines });
    }
  }
  return environments;
}

/**
 * The start form's fields, filled with the last values of the same kind.
 */
export function startFields(
  kind: SetKind,
  environments: Environments,
  last: DialogValues | undefined,
  clusters: IHpcClusters,
  trans: TranslationBundle
): IDialogField[] {
  const names = clusters.clusters.map(cluster => cluster.name);
  const partitions = clusters.clusters
    .filter(cluster => cluster.partitions.length > 0)
    .map(
      cluster =>
        `${cluster.name}: ${cluster.partitions.map(p => (p.default ? trans.__('%1 (default)', p.name) : p.name)).join(', ')}`
    )
    .join('; ');
  const worker = kind === 'ipyparallel' ? trans.__('Engines') : trans.__('Workers');
  const value = (name: string, fallback = ''): string => last?.[name] ?? fallback;
  const fields: IDialogField[] = [
    names.length > 0
      ? {
          name: 'cluster',
          label: trans.__('Cluster'),
          kind: 'select',
          value: names.includes(value('cluster')) ? value('cluster') : names[0],
          choices: names.map(name => ({ value: name, label: name }))
        }
      : { name: 'cluster', label: trans.__('Cluster'), kind: 'text', value: value('cluster', 'local') },
    {
      name: 'partition',
      label: trans.__('Partition'),
      kind: 'text',
      value: value('partition'),
      placeholder: trans.__("the cluster's default"),
      description: partitions || undefined
    },
    {
      name: 'nodes',
      label: trans.__('Nodes'),
      kind: 'text',
      value: value('nodes'),
      placeholder: trans.__('as many as needed')
    },
    { name: 'workers', label: worker, kind: 'text', value: value('workers', '2') },
    {
      name: 'workersPerNode',
      label: trans.__('%1 per node', worker),
      kind: 'text',
      value: value('workersPerNode'),
      placeholder: trans.__('any'),
      description: trans.__('Set it to take whole nodes, shared between the workers of each.')
    },
    {
      name: 'threads',
      label: trans.__('Threads per worker'),
      kind: 'text',
      value: value('threads'),
      placeholder: '1'
    },
    {
      name: 'memory',
      label: trans.__('Memory per worker'),
      kind: 'text',
      value: value('memory'),
      placeholder: trans.__("the partition's default"),
      description: trans.__('e.g. 2G or 1500M')
    },
    {
      name: 'time',
      label: trans.__('Time limit'),
      kind: 'text',
      value: value('time', '60'),
      description: trans.__('Minutes, HH:MM:SS or D-HH:MM:SS')
    },
    {
      name: 'account',
      label: trans.__('Account'),
      kind: 'text',
      value: value('account'),
      placeholder: trans.__('your default account')
    },
    {
      name: 'template',
      label: trans.__('Environment'),
      kind: 'select',
      value: environments.has(value('template')) ? value('template') : '',
      choices: [
        { value: '', label: trans.__('None: as the Jupyter server') },
        ...[...environments].map(([key, env]) => ({ value: key, label: env.title }))
      ],
      description: trans.__("A template's module and set-up lines, run before the set starts.")
    },
    {
      name: 'python',
      label: trans.__('Python'),
      kind: 'text',
      value: value('python'),
      placeholder: trans.__("the Jupyter server's Python"),
      description: trans.__('A path or a command, e.g. python3 for the environment’s own.')
    },
    {
      name: 'name',
      label: trans.__('Name'),
      kind: 'text',
      value: '',
      placeholder: trans.__('%1 × %2', kind, value('workers', '2'))
    }
  ];
  return fields;
}

/**
 * The `POST sets` body of the form's values: empty fields are left to the
 * server's defaults; whole numbers are sent as numbers, anything else as
 * typed, so that the server names the field it refuses.
 */
export function startRequest(
  kind: SetKind,
  values: DialogValues,
  environments: ReadonlyMap<string, { lines: string[] }>
): IStartSetRequest {
  const text = (name: string): string => (values[name] ?? '').trim();
  const number = (name: string): number | string => (/^\d+$/.test(text(name)) ? Number(text(name)) : text(name));
  const request: IStartSetRequest = { cluster: text('cluster'), kind, workers: number('workers') };
  for (const name of ['nodes', 'workersPerNode', 'threads'] as const) {
    if (text(name)) {
      request[name] = number(name);
    }
  }
  for (const name of ['memory', 'time', 'partition', 'account', 'python', 'name'] as const) {
    if (text(name)) {
      request[name] = text(name);
    }
  }
  const environment = environments.get(text('template'));
  if (environment) {
    request.setup = environment.lines;
  }
  return request;
}
