/**
 * The queue view's store of one cluster (src/queue/store.ts) and how job
 * text is shown (src/shared/visible.ts): pure frontend models, no DOM.
 */
import { shownReason } from '../../../src/queue/jobs';
import { ClusterJobs } from '../../../src/queue/store';
import { visibleText } from '../../../src/shared/visible';
import { diff, fakeJobRow, snapshot, T1 } from '../../fixtures/frontend/queue-messages';

describe('ClusterJobs', () => {
  it("keeps the companion's last successful poll as updatedAt through errors, and its rows", () => {
    const store = new ClusterJobs('local');
    store.applySnapshot(snapshot());
    store.applyDiff(diff({ status: 'stale', error: 'Slurm has not answered for 2 s', updatedAt: T1 }));
    expect(store.status).toBe('stale');
    expect(store.error).toBe('Slurm has not answered for 2 s');
    expect(store.updatedAt?.toISOString()).toBe(T1);
    expect(store.jobs.size).toBe(2);
    // an error without a time (never happens from the poller) does not make one up
    store.applyDiff(diff({ status: 'error', error: 'slurm_load_jobs error: Unable to contact slurm controller' }));
    expect(store.updatedAt?.toISOString()).toBe(T1);
    store.applyDiff(diff({ status: 'ok', updatedAt: '2026-11-22T10:42:00.000Z' }));
    expect([store.status, store.error, store.updatedAt?.toISOString()]).toEqual([
      'ok',
      null,
      '2026-11-22T10:42:00.000Z'
    ]);
  });

  it('shows a warning while the state carries one, and drops it when a state has none', () => {
    const store = new ClusterJobs('local');
    store.applySnapshot(snapshot({ warning: '1 record of squeue could not be read' }));
    expect([store.status, store.warning]).toEqual(['ok', '1 record of squeue could not be read']);
    store.applyDiff(diff({ status: 'ok', updatedAt: T1 }));
    expect(store.warning).toBeNull();
  });

  it('after an error outside a diff, ignores diffs until a snapshot replaces the rows', () => {
    const store = new ClusterJobs('local');
    store.applySnapshot(snapshot());
    store.setError('The queue sent by the HPC companion could not be read; reload to try again.');
    store.applyDiff(diff({ status: 'ok', updatedAt: T1 }, { added: [fakeJobRow(3)] }));
    expect(store.status).toBe('error');
    expect(store.jobs.size).toBe(2);
    store.applySnapshot(snapshot({ rows: [fakeJobRow(3)] }));
    expect([store.status, [...store.jobs.keys()]]).toEqual(['ok', ['3']]);
  });
});

describe('visibleText', () => {
  it('shows newline as ␤, other C0 controls and DEL as control pictures', () => {
    expect(visibleText('a\nb\tc\x1bd\x00e\x7ff\x1fg\x1eh')).toBe('a␤b␉c␛d␀e␡f␟g␞h');
  });

  it('names C1 controls and bidi overrides by code point, so a name cannot reorder itself', () => {
    expect(visibleText('job\u202egnp.exe\x85')).toBe('job⟨U+202E⟩gnp.exe⟨U+0085⟩');
  });

  it('returns other text as is', () => {
    const text = '<script>alert(1)</script> ünïcödé 名前 "quoted" \'x\'';
    expect(visibleText(text)).toBe(text);
  });
});

describe('shownReason', () => {
  it("shows no reason for squeue's None and Slurm's placeholders (protocol/jobs.ts NONE_VALUES)", () => {
    expect(['None', '(null)', 'N/A', 'n/a', '(None)', ''].map(reason => shownReason({ reason }))).toEqual([
      '',
      '',
      '',
      '',
      '',
      ''
    ]);
    expect(shownReason({ reason: 'JobHeldUser' })).toBe('JobHeldUser');
  });
});
