import { SetRequestError, normalizeSpec, parseMemoryMiB } from '../../server/src/sets/spec';

const base = { cluster: 'local', kind: 'dask', workers: 2 };
const spec = (over: object) => normalizeSpec({ ...base, ...over }, '/opt/py/bin/python');
const refused = (over: object) => expect(() => spec(over)).toThrow(SetRequestError);

describe('set requests', () => {
  it('fills defaults: the default python, one thread per worker, a name', () => {
    expect(spec({})).toEqual({
      cluster: 'local',
      kind: 'dask',
      name: 'dask × 2',
      workers: 2,
      threads: 1,
      python: '/opt/py/bin/python',
      setup: []
    });
  });

  it('keeps what was given, normalised', () => {
    expect(
      spec({
        nodes: 2,
        workersPerNode: 1,
        threads: 4,
        memory: '2G',
        time: 30,
        partition: 'debug,batch',
        account: 'proj_1',
        python: 'python3',
        setup: ['module load python/3.11', 'source ~/venv/bin/activate'],
        name: '  analysis  '
      })
    ).toMatchObject({
      nodes: 2,
      workersPerNode: 1,
      threads: 4,
      memoryMiB: 2048,
      time: '30',
      partition: 'debug,batch',
      account: 'proj_1',
      python: 'python3',
      name: 'analysis'
    });
  });

  it('leaves threads to the job (cores / workers per node) when only workers per node is given', () => {
    expect(spec({ workersPerNode: 4 }).threads).toBeUndefined();
  });

  it.each([
    ['2G', 2048],
    ['1.5G', 1536],
    ['1500M', 1500],
    ['1500', 1500],
    ['2GiB', 2048],
    ['2GB', 2048],
    ['1T', 1024 * 1024],
    ['100K', 1]
  ])('memory %s is %d MiB', (text, mib) => {
    expect(parseMemoryMiB(text)).toBe(mib);
  });

  it.each(['1:00:00', '2-00', '2-12:00:00', '90', '10:00', 'UNLIMITED'])('accepts time %s', time => {
    expect(spec({ time }).time).toBe(time);
  });

  it('refuses values that could leave their place', () => {
    refused({ partition: 'debug; touch x' });
    refused({ partition: '--wrap=id' });
    refused({ partition: 'a b' });
    refused({ account: '$(id)' });
    refused({ python: '/usr/bin/python\nid' });
    refused({ python: 'bin/python' });
    refused({ python: '-c' });
    refused({ python: '' });
    refused({ setup: ['true\nid'] });
    refused({ setup: ['true\rid'] });
    refused({ setup: ['a\u0000b'] });
    refused({ name: 'a\nb' });
    refused({ memory: '1G; id' });
    refused({ time: '1; id' });
    refused({ time: 0 });
    refused({ workers: 0 });
    refused({ workers: 1.5 });
    refused({ workers: '2' });
    refused({ kind: 'spark' });
    refused({ unknown: 1 });
  });

  it('refuses combinations that make no sense', () => {
    refused({ mpi: true });
    expect(normalizeSpec({ ...base, kind: 'ipyparallel', mpi: true }, 'python3').mpi).toBe(true);
    refused({ kind: 'ipyparallel', nanny: true });
    refused({ nanny: 'yes' });
    expect(normalizeSpec({ ...base, nanny: true }, 'python3').nanny).toBe(true);
    expect(normalizeSpec({ ...base, nanny: false }, 'python3')).not.toHaveProperty('nanny');
    refused({ nodes: 1, workersPerNode: 1 }); // 2 workers do not fit
  });

  it('refuses a default python that is not a path or a command name', () => {
    expect(() => normalizeSpec(base, 'python3; id')).toThrow(/invalid python/);
  });
});
