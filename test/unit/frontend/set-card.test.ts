/**
 * A set's card says what the set is (src/sets/card.tsx setSummary): its kind, its workers as
 * requested (so a scale shows at once), its cluster and Slurm's start time.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ISetRecord } from '../../../src/sets/api';
import { setSummary } from '../../../src/sets/card';

/** Lab's own bundle without a language pack (its module is ESM, which jest does not load). */
const fill = (text: string, args: unknown[]): string => text.replace(/%(\d)/g, (_, i: string) => String(args[+i - 1]));
const trans = {
  __: (text: string, ...args: unknown[]) => fill(text, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) => fill(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;

function record(patch: Partial<ISetRecord>): ISetRecord {
  return {
    id: 's1',
    cluster: 'local',
    kind: 'dask',
    name: 'dask-s1',
    state: 'running',
    jobs: [],
    workers: { requested: 2, connected: 2 },
    createdAt: '2026-12-03T13:59:00Z',
    updatedAt: '2026-12-03T14:03:00Z',
    setDir: '/tmp/s1',
    spec: {} as ISetRecord['spec'],
    ...patch
  };
}

describe('set card summary', () => {
  it('names the kind, the workers, the cluster and the start time', () => {
    expect(setSummary(record({ startedAt: '2026-12-03T14:02:11' }), trans)).toBe(
      'Dask · 2 workers · local · started 14:02'
    );
    expect(
      setSummary(record({ kind: 'ipyparallel', cluster: 'remote', workers: { requested: 1, connected: 0 } }), trans)
    ).toBe('IPyParallel · 1 engine · remote');
  });

  it('follows a scale: the workers requested, before they connect', () => {
    const scaled = record({ startedAt: '2026-12-03T14:02:11', workers: { requested: 4, connected: 2 } });
    expect(setSummary(scaled, trans)).toBe('Dask · 4 workers · local · started 14:02');
  });
});
