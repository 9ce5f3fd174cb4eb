import { QueueDiff, QueueText, JobEndedEvent, createQueuePoller } from '../../server/src/poller';
import { JOB_FIELD_NAMES } from '../../server/src/slurm/squeue';
import { SqueueRecords } from '../../server/src/slurm/squeue-records';

/** A record in the wire form with only id, user and state filled. */
function rec(id: string, state: string, user = 'alice'): string {
  const fields: string[] = JOB_FIELD_NAMES.map(() => 'x');
  fields[JOB_FIELD_NAMES.indexOf('id')] = id;
  fields[JOB_FIELD_NAMES.indexOf('user')] = user;
  fields[JOB_FIELD_NAMES.indexOf('state')] = state;
  return fields.join('\x1f') + '\x1e\n';
}

const read = (text: string): SqueueRecords => ({ text, refused: [] });

function fakeSlurm(outputs: Array<string | SqueueRecords | Error>) {
  let i = 0;
  const calls = { n: 0 };
  const fetch = async () => {
    calls.n += 1;
    const o = outputs[Math.min(i++, outputs.length - 1)];
    if (o instanceof Error) {
      throw o;
    }
    return typeof o === 'string' ? read(o) : o;
  };
  return { fetch, calls };
}

describe('queue poller', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('polls once per interval for any number of subscribers, and not at all without them', async () => {
    const slurm = fakeSlurm([rec('1', 'PENDING')]);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000 });
    const subs = Array.from({ length: 5 }, () => poller.subscribe({ diff: () => undefined }));
    await Promise.all(subs.map(s => s.snapshot));
    expect(slurm.calls.n).toBe(1);
    await jest.advanceTimersByTimeAsync(3000);
    expect(slurm.calls.n).toBe(4);
    subs.forEach(s => s.unsubscribe());
    await jest.advanceTimersByTimeAsync(5000);
    expect(slurm.calls.n).toBe(4);
    poller.dispose();
  });

  it('sends diffs by job id and reports jobs that ended or left the queue, once', async () => {
    const slurm = fakeSlurm([
      rec('1', 'RUNNING') + rec('2', 'PENDING') + rec('3', 'PENDING'),
      rec('1', 'COMPLETED') + rec('2', 'PENDING') + rec('4', 'PENDING') + rec('5', 'FAILED'),
      rec('1', 'COMPLETED') + rec('2', 'PENDING') + rec('4', 'PENDING') + rec('5', 'FAILED')
    ]);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000 });
    const diffs: QueueDiff[] = [];
    const ended: JobEndedEvent[] = [];
    const sub = poller.subscribe({ diff: d => diffs.push(d), ended: e => ended.push(...e) });
    const snap = await sub.snapshot;
    diffs.splice(0); // the first poll's diff repeats the snapshot (subscribers keep only newer versions)
    expect([...snap.records.keys()]).toEqual(['1', '2', '3']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs).toHaveLength(1);
    expect(diffs[0].added.map(r => r[0])).toEqual(['4', '5']);
    expect(diffs[0].changed.map(r => r[0])).toEqual(['1']);
    expect(diffs[0].removed).toEqual(['3']);
    expect(ended).toEqual([
      { id: '1', name: 'x', user: 'alice', state: 'COMPLETED' },
      { id: '5', name: 'x', user: 'alice', state: 'FAILED' },
      { id: '3', name: 'x', user: 'alice', state: '' }
    ]);
    await jest.advanceTimersByTimeAsync(1000);
    // nothing changed: an empty diff says when the poll was (the views' "Last updated")
    expect(diffs).toHaveLength(2);
    expect(diffs[1]).toMatchObject({ status: 'ok', added: [], changed: [], removed: [] });
    expect(diffs[1].updatedAt).not.toBe(diffs[0].updatedAt);
    sub.unsubscribe();
    poller.dispose();
  });

  it('keeps the last rows when Slurm fails, says why, backs off, and recovers', async () => {
    const slurm = fakeSlurm([
      rec('1', 'PENDING'),
      new Error('squeue: error: slurm_load_jobs error: Unable to contact slurm controller'),
      new Error('squeue: error: slurm_load_jobs error: Unable to contact slurm controller'),
      rec('1', 'PENDING')
    ]);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000, maxBackoffMs: 4000 });
    const diffs: QueueDiff[] = [];
    const sub = poller.subscribe({ diff: d => diffs.push(d) });
    await sub.snapshot;
    diffs.splice(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs[0]).toMatchObject({ status: 'error', error: expect.stringContaining('Unable to contact') });
    expect((await poller.snapshot()).records.size).toBe(1);
    await jest.advanceTimersByTimeAsync(1000); // after one failure: one interval
    expect(slurm.calls.n).toBe(3);
    await jest.advanceTimersByTimeAsync(1000); // after two: two intervals
    expect(slurm.calls.n).toBe(3);
    await jest.advanceTimersByTimeAsync(1000);
    expect(slurm.calls.n).toBe(4);
    expect(diffs[diffs.length - 1]).toMatchObject({ status: 'ok' });
    sub.unsubscribe();
    poller.dispose();
  });

  it('marks the view stale when a poll outlives one interval', async () => {
    let release: (v: SqueueRecords) => void = () => undefined;
    let n = 0;
    const poller = createQueuePoller({
      fetch: () =>
        n++ === 0 ? Promise.resolve(read(rec('1', 'PENDING'))) : new Promise<SqueueRecords>(r => (release = r)),
      intervalMs: 1000
    });
    const diffs: QueueDiff[] = [];
    const sub = poller.subscribe({ diff: d => diffs.push(d) });
    await sub.snapshot;
    diffs.splice(0);
    await jest.advanceTimersByTimeAsync(2100);
    expect(diffs[0]).toMatchObject({ status: 'stale', error: 'Slurm has not answered for 1 s' });
    // and again each interval while squeue hangs, with the time so far
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs[diffs.length - 1]).toMatchObject({ status: 'stale', error: 'Slurm has not answered for 2 s' });
    release(read(rec('1', 'PENDING')));
    await jest.advanceTimersByTimeAsync(10);
    expect(diffs[diffs.length - 1]).toMatchObject({ status: 'ok' });
    sub.unsubscribe();
    poller.dispose();
  });

  it("hands fresh text to its user as soon as squeue's output arrives; the views' diff waits for it", async () => {
    const slurm = fakeSlurm([rec('1', 'PENDING'), rec('1', 'RUNNING'), new Error('slurm_load_jobs error: down')]);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000 });
    const diffs: QueueDiff[] = [];
    const sub = poller.subscribe({ diff: d => diffs.push(d) });
    await sub.snapshot;
    diffs.splice(0);
    const got: QueueText[] = [];
    const take = async (t: QueueText) => void got.push(t);
    // fresh enough: no squeue
    await poller.withFreshText(take);
    expect(got[0]).toMatchObject({ status: 'ok', version: 1, text: rec('1', 'PENDING') });
    expect(slurm.calls.n).toBe(1);
    // older than an interval: a poll; its diff reaches the views only once the text was used
    await jest.advanceTimersByTimeAsync(999);
    jest.setSystemTime(Date.now() + 1500);
    let finish = () => undefined as void;
    const used = poller.withFreshText(t => new Promise<void>(resolve => ((finish = resolve), got.push(t))));
    await jest.advanceTimersByTimeAsync(0);
    expect(got[1]).toMatchObject({ status: 'ok', version: 2, text: rec('1', 'RUNNING') });
    expect(diffs).toHaveLength(0);
    finish();
    await used;
    await jest.advanceTimersByTimeAsync(0);
    expect(diffs.map(d => d.changed.length)).toEqual([1]);
    jest.setSystemTime(Date.now() + 1500);
    await poller.withFreshText(take);
    expect(got[2]).toMatchObject({ status: 'error', error: expect.stringMatching(/down/), text: rec('1', 'RUNNING') });
    sub.unsubscribe();
    poller.dispose();
  });

  it('shows the views a poll it cannot read at once, and keeps when the queue was last read', async () => {
    const twice = rec('1', 'PENDING') + rec('1', 'RUNNING');
    const slurm = fakeSlurm([rec('1', 'PENDING'), twice, rec('1', 'RUNNING')]);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000 });
    const diffs: QueueDiff[] = [];
    const sub = poller.subscribe({ diff: d => diffs.push(d) });
    const { updatedAt } = await sub.snapshot;
    diffs.splice(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs).toEqual([
      expect.objectContaining({ status: 'error', error: expect.stringMatching(/job "1" appears twice/), updatedAt })
    ]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs[1]).toMatchObject({ status: 'ok', changed: [expect.arrayContaining(['1', 'RUNNING'])] });
    sub.unsubscribe();
    poller.dispose();
  });

  it('updates every other job when squeue printed a record it could not read, and says so', async () => {
    const refused = [{ id: '7', why: "17 fields before the job's own text, expected 16" }];
    const slurm = fakeSlurm([
      rec('1', 'PENDING'),
      { text: rec('1', 'RUNNING') + rec('2', 'PENDING'), refused },
      rec('1', 'RUNNING') + rec('2', 'PENDING')
    ]);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000 });
    const diffs: QueueDiff[] = [];
    const sub = poller.subscribe({ diff: d => diffs.push(d) });
    await sub.snapshot;
    diffs.splice(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs[0]).toMatchObject({
      status: 'ok',
      warning: "1 job record from squeue could not be read (job 7: 17 fields before the job's own text, expected 16)"
    });
    expect(diffs[0].changed.map(r => r[0])).toEqual(['1']);
    expect(diffs[0].added.map(r => r[0])).toEqual(['2']);
    expect((await poller.snapshot()).warning).toBeDefined();
    // read in full again: the warning is withdrawn, even with nothing else changed
    await jest.advanceTimersByTimeAsync(1000);
    expect(diffs[1]).toMatchObject({ status: 'ok', added: [], changed: [], removed: [] });
    expect(diffs[1].warning).toBeUndefined();
    sub.unsubscribe();
    poller.dispose();
  });
});
