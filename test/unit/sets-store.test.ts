import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSetStore } from '../../server/src/sets/store';
import { StoredSet } from '../../server/src/sets/types';

function set(id: string, createdAt: string): StoredSet {
  return {
    version: 1,
    jobs: [{ id: '5', role: 'head', workers: 1, state: 'RUNNING', submittedAt: createdAt }],
    record: {
      id,
      cluster: 'local',
      kind: 'dask',
      name: id,
      state: 'running',
      jobs: [],
      workers: { requested: 1, connected: 1 },
      createdAt,
      updatedAt: createdAt,
      setDir: `/d/${id}`,
      spec: { cluster: 'local', kind: 'dask', name: id, workers: 1, python: 'python3', setup: [] }
    }
  };
}

describe('the set store', () => {
  it('writes each set atomically, private to the user, and loads them oldest first', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hpc-store-'));
    const store = createSetStore(dataDir);
    store.save(set('bbbb', '2026-01-02T00:00:00Z'));
    store.save(set('aaaa', '2026-01-01T00:00:00Z'));
    const updated = set('bbbb', '2026-01-02T00:00:00Z');
    updated.record.state = 'ended';
    store.save(updated);
    expect(readdirSync(store.dir).sort()).toEqual(['aaaa.json', 'bbbb.json']); // no temporary file left
    expect(statSync(join(store.dir, 'aaaa.json')).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    const loaded = createSetStore(dataDir).load();
    expect(loaded.map(s => [s.record.id, s.record.state])).toEqual([
      ['aaaa', 'running'],
      ['bbbb', 'ended']
    ]);
    store.remove('aaaa');
    expect(
      createSetStore(dataDir)
        .load()
        .map(s => s.record.id)
    ).toEqual(['bbbb']);
  });

  it('skips a damaged record without hiding the others', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hpc-store-'));
    const store = createSetStore(dataDir);
    store.save(set('good', '2026-01-01T00:00:00Z'));
    writeFileSync(join(store.dir, 'bad1.json'), '{"version": 1, "rec');
    writeFileSync(join(store.dir, 'bad2.json'), '{"version": 2}');
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(store.load().map(s => s.record.id)).toEqual(['good']);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });

  it('refuses ids that are not ours', () => {
    const store = createSetStore(mkdtempSync(join(tmpdir(), 'hpc-store-')));
    expect(() => store.save(set('../x', '2026-01-01T00:00:00Z'))).toThrow(/invalid set id/);
    expect(() => store.remove('a/b')).toThrow(/invalid set id/);
  });
});
