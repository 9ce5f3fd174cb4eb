/**
 * The sets' start form (src/sets/startForm.ts): what it sends is data only, a template as its
 * id and parameter values; "Start again" fills the form from a set's spec.
 */
import type { IJobTemplate } from '../../../src/templates/api';
import type { ISetRecord } from '../../../src/sets/api';
import { specValues, startRequest } from '../../../src/sets/startForm';

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
});
