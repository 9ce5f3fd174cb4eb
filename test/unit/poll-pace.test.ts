import { POLL_LIMIT_DEFAULTS, QUIET_MAX_INTERVAL } from '../../protocol/poll';
import { JOB_FIELD_NAMES } from '../../server/src/slurm/squeue';
import { createQueuePoller } from '../../server/src/poller';
import { effectivePoll } from '../../server/src/poll-limits';

/** A record in the wire form with id, state and elapsed time filled. */
function rec(id: string, state: string, elapsed = '0:00'): string {
  const fields: string[] = JOB_FIELD_NAMES.map(() => 'x');
  fields[JOB_FIELD_NAMES.indexOf('id')] = id;
  fields[JOB_FIELD_NAMES.indexOf('state')] = state;
  fields[JOB_FIELD_NAMES.indexOf('elapsed')] = elapsed;
  return fields.join('\x1f') + '\x1e\n';
}

/** The times (ms of the fake clock) at which squeue ran; `queue()` says what it prints. */
function fakeSqueue(queue: () => string) {
  const at: number[] = [];
  const fetch = async () => {
    at.push(Date.now());
    return { text: queue(), refused: [] };
  };
  return { fetch, at };
}

const gaps = (at: number[]): number[] => at.slice(1).map((t, i) => t - at[i]);

describe('poll pace: back off while my jobs do not change', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('doubles the wait after each unchanged poll up to the cap; a change brings the base back', async () => {
    let text = rec('1', 'PENDING');
    const slurm = fakeSqueue(() => text);
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000, quietMaxMs: 8000 });
    await poller.subscribe({ diff: () => undefined }).snapshot;
    await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000 + 8000);
    expect(gaps(slurm.at)).toEqual([1000, 2000, 4000, 8000, 8000]);
    text = rec('1', 'RUNNING'); // the job started: the next poll sees it, and the pace is back to base
    await jest.advanceTimersByTimeAsync(8000 + 1000 + 2000);
    expect(gaps(slurm.at).slice(5)).toEqual([8000, 1000, 2000]);
    poller.dispose();
  });

  it("counts a running job's clock ticking as no change", async () => {
    let tick = 0;
    const slurm = fakeSqueue(() => rec('1', 'RUNNING', `0:0${tick++ % 10}`));
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000, quietMaxMs: 4000 });
    await poller.subscribe({ diff: () => undefined }).snapshot;
    await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 4000);
    expect(gaps(slurm.at)).toEqual([1000, 2000, 4000, 4000]);
    poller.dispose();
  });

  it('an action polls at once and goes back to the base interval', async () => {
    const slurm = fakeSqueue(() => rec('1', 'PENDING'));
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000, quietMaxMs: 30_000 });
    await poller.subscribe({ diff: () => undefined }).snapshot;
    await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000 + 3000); // backed off to 16 s
    expect(slurm.at).toEqual([0, 1000, 3000, 7000, 15000]);
    await poller.refresh(); // e.g. a cancel through the companion, at 18 s
    await jest.advanceTimersByTimeAsync(1000);
    expect(slurm.at.slice(5)).toEqual([18000, 19000]);
    poller.dispose();
  });

  it('a new view gets the last snapshot at once and a fresh poll within one base interval', async () => {
    const slurm = fakeSqueue(() => rec('1', 'PENDING'));
    const poller = createQueuePoller({ fetch: slurm.fetch, intervalMs: 1000, quietMaxMs: 30_000 });
    const first = poller.subscribe({ diff: () => undefined });
    await first.snapshot;
    await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000 + 2000); // next poll due at 31 s
    expect(slurm.at).toEqual([0, 1000, 3000, 7000, 15000]);
    const second = poller.subscribe({ diff: () => undefined });
    expect((await second.snapshot).version).toBe(5); // no squeue for it: the last poll's rows
    expect(slurm.at).toHaveLength(5);
    await jest.advanceTimersByTimeAsync(0);
    expect(slurm.at[5]).toBe(17000); // the last poll was 2 s old: fresh now, not at 31 s
    // nobody watching: no poll at all; back again: the last rows at once, then a poll
    first.unsubscribe();
    second.unsubscribe();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(slurm.at).toHaveLength(6);
    const back = poller.subscribe({ diff: () => undefined });
    expect((await back.snapshot).version).toBe(6);
    await jest.advanceTimersByTimeAsync(0);
    expect(slurm.at).toHaveLength(7);
    poller.dispose();
  });

  it('the quiet cap keeps a job-ended notification at most 30 s late by default', () => {
    const settings = effectivePoll(POLL_LIMIT_DEFAULTS, 5);
    expect(settings).toMatchObject({ interval: 5, quietMaxInterval: QUIET_MAX_INTERVAL, allUsersInterval: 30 });
    expect(QUIET_MAX_INTERVAL).toBe(30);
  });

  it("raises a user's interval to the admin's minimum, and all users' to their own floor", () => {
    const limits = { ...POLL_LIMIT_DEFAULTS, minPollInterval: 10, minAllUsersInterval: 60, allowAllUsers: false };
    expect(effectivePoll(limits, 5, 2)).toMatchObject({
      interval: 10,
      requested: 2,
      allUsersInterval: 60,
      allowAllUsers: false,
      allUsersDisabledReason: POLL_LIMIT_DEFAULTS.allUsersDisabledReason
    });
    expect(effectivePoll(limits, 5, 90)).toMatchObject({ interval: 90, quietMaxInterval: 90, allUsersInterval: 90 });
  });
});
