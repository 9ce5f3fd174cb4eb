/**
 * The form that starts a set: its fields, the templates of its kind and
 * their parameters, and the `POST sets` request made of its values. The
 * browser sends data only: the companion renders a template's environment.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { DialogValues, IDialogField } from '../shared/formDialog';
import type { IJobTemplate, TemplatesApi } from '../templates/api';
import { initialValues, requestParams } from '../templates/values';
import type { IHpcClusters } from '../tokens';
import type { ISetRecord, IStartSetRequest, SetKind } from './api';

/**
 * The templates a set of this kind can start from (templates of the same
 * kind); none when they cannot be listed (the form works without).
 */
export async function setTemplates(api: TemplatesApi, kind: SetKind): Promise<IJobTemplate[]> {
  try {
    return (await api.list()).templates.filter(t => t.kind === kind);
  } catch (error) {
    console.warn('jupyterlab-hpc: no templates to start a set from.', error);
    return [];
  }
}

/** A template's key in a form's select: its source and id. */
export const templateKey = (template: Pick<IJobTemplate, 'source' | 'id'>): string =>
  `${template.source}/${template.id}`;

/** The form field of a template parameter. */
const PARAM_PREFIX = 'param.';

/**
 * The fields of a template's parameters, as the start form shows them:
 * choices for enums and booleans, text for the rest (the companion checks
 * each value when it renders the template).
 */
function parameterFields(
  template: IJobTemplate,
  last: DialogValues | undefined,
  trans: TranslationBundle
): IDialogField[] {
  const values = initialValues(template);
  return Object.entries(template.parameters).map(([name, p]) => {
    const value = last?.[PARAM_PREFIX + name] ?? String(values[name]);
    const base = { name: PARAM_PREFIX + name, label: p.title || name, value, description: p.description || undefined };
    if (p.type === 'enum' && p.choices) {
      return { ...base, kind: 'select', choices: p.choices.map(c => ({ value: c, label: c })) };
    }
    if (p.type === 'boolean') {
      return {
        ...base,
        kind: 'select',
        choices: [
          { value: 'true', label: trans.__('yes') },
          { value: 'false', label: trans.__('no') }
        ]
      };
    }
    return { ...base, kind: 'text', placeholder: p.default === undefined ? trans.__('required') : undefined };
  });
}

/** IPyParallel: the engines are the ranks of one MPI job (`srun --mpi`, mpi4py in the engines). */
const mpiField = (value: string, trans: TranslationBundle): IDialogField => ({
  name: 'mpi',
  label: trans.__('Engines as MPI ranks'),
  kind: 'checkbox',
  value,
  description: trans.__('The engines share one MPI COMM_WORLD (mpi4py); engine i is rank i.')
});

/**
 * The start form's fields, filled with the last values of the same kind.
 */
export function startFields(
  kind: SetKind,
  template: IJobTemplate | null,
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
      name: 'python',
      label: trans.__('Python'),
      kind: 'text',
      value: value('python'),
      placeholder: trans.__("the Jupyter server's Python"),
      description: trans.__('A path or a command, e.g. python3 for the environment’s own.')
    },
    ...(kind === 'ipyparallel' ? [mpiField(value('mpi'), trans)] : []),
    {
      name: 'name',
      label: trans.__('Name'),
      kind: 'text',
      value: value('name'),
      placeholder: trans.__('%1 × %2', kind, value('workers', '2'))
    }
  ];
  // the template's parameters after the set's own fields; its resources are the defaults of those
  return template ? [...fields, ...parameterFields(template, last, trans)] : fields;
}

/**
 * The `POST sets` body of the form's values: empty fields are left to the
 * server's defaults; whole numbers are sent as numbers, anything else as
 * typed, so that the server names the field it refuses. A template goes as
 * its id and parameter values: the companion renders it.
 */
export function startRequest(kind: SetKind, values: DialogValues, template: IJobTemplate | null): IStartSetRequest {
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
  if (kind === 'ipyparallel' && values.mpi === 'true') {
    request.mpi = true;
  }
  if (template) {
    const given = Object.fromEntries(Object.keys(template.parameters).map(n => [n, values[PARAM_PREFIX + n] ?? '']));
    request.template = template.id;
    request.source = template.source;
    request.params = requestParams(template, given);
  }
  return request;
}

/**
 * The form values of a set's spec: "start again with the same settings".
 */
export function specValues(spec: ISetRecord['spec']): DialogValues {
  const values: DialogValues = { cluster: spec.cluster, workers: String(spec.workers), name: spec.name };
  const optional = {
    nodes: spec.nodes,
    workersPerNode: spec.workersPerNode,
    threads: spec.threads,
    memory: spec.memoryMiB === undefined ? undefined : `${spec.memoryMiB}M`,
    time: spec.time,
    partition: spec.partition,
    account: spec.account,
    python: spec.python
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) {
      values[name] = String(value);
    }
  }
  if (spec.mpi) {
    values.mpi = 'true';
  }
  for (const [name, value] of Object.entries(spec.fromTemplate?.params ?? {})) {
    values[PARAM_PREFIX + name] = String(value);
  }
  return values;
}
