/**
 * The sets' start form (src/sets/startForm.ts): what it sends is data only, a template as its
 * id and parameter values; "Start again" fills the form from a set's spec.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { act } from 'react';
import { createRoot } from 'react-dom/client';

import { DialogValues, FormDialogFields } from '../../../src/shared/formDialog';
import type { IJobTemplate } from '../../../src/templates/api';
import type { ISetRecord } from '../../../src/sets/api';
import { specValues, startFields, startRequest } from '../../../src/sets/startForm';
import type { IHpcClusters } from '../../../src/tokens';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const trans = { __: (text: string) => text, _n: (one: string) => one } as unknown as TranslationBundle;
const clusters = { clusters: [{ name: 'local', partitions: [] }] } as unknown as IHpcClusters;

/** The start form's fields as the dialog renders them; `values` follows what the user changes. */
function renderForm(kind: 'dask' | 'ipyparallel'): { host: HTMLElement; values: DialogValues } {
  const fields = startFields(kind, null, undefined, clusters, trans);
  const values: DialogValues = Object.fromEntries(fields.map(f => [f.name, f.value]));
  const host = document.createElement('div');
  document.body.appendChild(host);
  act(() =>
    createRoot(host).render(
      React.createElement(FormDialogFields, {
        fields,
        values,
        problems: [],
        onChange: (name: string, value: string) => {
          values[name] = value;
        },
        trans
      })
    )
  );
  return { host, values };
}

const template: IJobTemplate = {
  id: 'dask-env',
  source: 'centre',
  editable: false,
  file: '/etc/templates/dask-env.json',
  title: 'Dask env',
  description: '',
  kind: 'dask',
  clusters: [],
  resources: {},
  modules: ['gcc/12'],
  setup: ['export GREETING={{greeting}}'],
  script: '',
  parameters: { greeting: { type: 'string', default: 'hi' }, required: { type: 'string' } }
};

describe('the start form of a set', () => {
  it('sends a template as its id, source and values; never shell lines', () => {
    const values = { cluster: 'local', workers: '2', time: '10', 'param.greeting': "a 'b' $(c)", 'param.required': '' };
    const request = startRequest('dask', values, template);
    expect(request).toEqual({
      cluster: 'local',
      kind: 'dask',
      workers: 2,
      time: '10',
      template: 'dask-env',
      source: 'centre',
      // an empty value of a parameter without a default is left out: the companion says "is required"
      params: { greeting: "a 'b' $(c)" }
    });
    expect(JSON.stringify(request)).not.toMatch(/module|setup/);
    expect(startRequest('dask', { cluster: 'local', workers: 'x' }, null)).toEqual({
      cluster: 'local',
      kind: 'dask',
      workers: 'x'
    });
  });

  it('fills the form again from a set spec, its template values included', () => {
    const spec: ISetRecord['spec'] = {
      cluster: 'local',
      kind: 'dask',
      name: 'again',
      workers: 3,
      threads: 2,
      memoryMiB: 1500,
      time: '2',
      python: '/venv/bin/python',
      setup: [],
      fromTemplate: { id: 'dask-env', source: 'centre', params: { greeting: 'yo' } }
    };
    const values = specValues(spec);
    expect(values).toEqual({
      cluster: 'local',
      workers: '3',
      name: 'again',
      threads: '2',
      memory: '1500M',
      time: '2',
      python: '/venv/bin/python',
      'param.greeting': 'yo'
    });
    expect(startRequest('dask', values, template)).toMatchObject({
      workers: 3,
      memory: '1500M',
      params: { greeting: 'yo' }
    });
  });

  it('sends mpi: true when "Engines as MPI ranks" is ticked (IPyParallel only)', () => {
    const { host, values } = renderForm('ipyparallel');
    const box = host.querySelector<HTMLInputElement>('[data-field="mpi"] input[type="checkbox"]');
    expect(box?.closest('label')?.textContent).toBe('Engines as MPI ranks');
    expect(box?.checked).toBe(false);
    expect(startRequest('ipyparallel', values, null)).not.toHaveProperty('mpi');
    act(() => box?.click());
    expect(startRequest('ipyparallel', values, null)).toEqual({
      cluster: 'local',
      kind: 'ipyparallel',
      workers: 2,
      time: '60',
      mpi: true
    });
    // "Start again" ticks it again
    const spec = {
      cluster: 'local',
      kind: 'ipyparallel',
      name: 'n',
      workers: 4,
      python: 'python3',
      setup: [],
      mpi: true
    };
    expect(specValues(spec as ISetRecord['spec']).mpi).toBe('true');
    // a Dask form has no such box
    expect(renderForm('dask').host.querySelector('[data-field="mpi"]')).toBeNull();
  });
});
