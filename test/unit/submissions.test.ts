import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSubmissionStore } from '../../server/src/history/submissions';

describe('the record of what the companion submitted', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpc-subs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the user's scripts and values private, merges a job's facts, and takes the newest of a recycled id", async () => {
    const store = createSubmissionStore(dir);
    const template = { id: 'probe', source: 'centre' as const, params: { cpus: 2 } };
    await store.record({ cluster: 'local', jobId: '5', at: '2026-12-03T10:00:00.000Z', script: '#!/bin/sh\nold\n' });
    await store.record({
      cluster: 'local',
      jobId: '5',
      at: '2026-12-03T11:00:00.000Z',
      script: '#!/bin/sh\n',
      template
    });
    await store.record({ cluster: 'local', jobId: '5', at: '2026-12-03T11:00:00.000Z', stdout: '/tmp/out-5.out' });
    await store.record({
      cluster: 'remote',
      jobId: '5',
      at: '2026-12-03T11:00:00.000Z',
      script: '#!/bin/sh\nremote\n'
    });
    expect(statSync(join(dir, 'submissions.jsonl')).mode & 0o777).toBe(0o600);

    const found = await store.find('local', ['5', '6']);
    expect([...found.keys()]).toEqual(['5']);
    expect(found.get('5')).toEqual({
      cluster: 'local',
      jobId: '5',
      at: '2026-12-03T11:00:00.000Z',
      script: '#!/bin/sh\n',
      template,
      stdout: '/tmp/out-5.out'
    });
    expect((await createSubmissionStore(join(dir, 'none')).find('local', ['5'])).size).toBe(0);
  });
});
