import { formatDuration, parseSlurmDuration } from '../../server/src/sets/durations';
import { planScaleDown } from '../../server/src/sets/scale';
import {
  GONE,
  JobView,
  observe,
  reasonFromLog,
  tellingTail,
  walltimeWarning,
  whyLine
} from '../../server/src/sets/state';
import { MonitorStatus, SetJob, StoredSet } from '../../server/src/sets/types';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function stored(over: Partial<StoredSet> = {}, jobs: SetJob[] = [job('10', 'head', 2)]): StoredSet {
  return {
    version: 1,
    jobs,
    record: {
      id: 'abc123',
      cluster: 'local',
      kind: 'dask',
      name: 'x',
      state: 'pending',
      jobs: [],
      workers: { requested: 2, connected: 0 },
      createdAt: iso(T0),
      updatedAt: iso(T0),
      setDir: '/d',
      spec: { cluster: 'local', kind: 'dask', name: 'x', workers: 2, python: 'python3', setup: [] }
    },
    ...over
  };
}

function job(id: string, role: 'head' | 'workers', workers: number, state = 'RUNNING'): SetJob {
  return { id, role, workers, state, submittedAt: iso(T0) };
}

function view(id: string, state: string, over: Partial<JobView> = {}): JobView {
  return {
    id,
    name: 'hpc-dask-abc123',
    state,
    reason: 'None',
    timeLimit: '1:00:00',
    timeLeft: '59:00',
    startTime: '2026-01-01T00:00:01',
    ...over
  };
}

const seen = (...views: JobView[]) => new Map(views.map(v => [v.id, v] as const));
const status = (workers: number, over: Partial<MonitorStatus> = {}): MonitorStatus => ({
  v: 1,
  job: '10',
  head: 'ok',
  workers: Array.from({ length: workers }, (_, i) => ({ name: `10-${i}`, job: '10' })),
  ...over
});
const at = (s: number) => T0 + s * 1000;

describe('the set state machine', () => {
  it('pending with Slurm reason, and says when a request will never run', () => {
    const pending = observe(
      stored(),
      { at: at(1), jobs: seen(view('10', 'PENDING', { reason: 'Resources' })) },
      iso(at(1))
    );
    expect(pending.record).toMatchObject({ state: 'pending', message: 'waiting in the queue: Resources' });
    expect(pending.record.jobs[0]).toMatchObject({ state: 'PENDING', reason: 'Resources' });
    const never = observe(
      stored(),
      { at: at(1), jobs: seen(view('10', 'PENDING', { reason: 'PartitionNodeLimit' })) },
      ''
    );
    expect(never.record.message).toMatch(/^will never run: PartitionNodeLimit/);
  });

  it('pending as soon as submitted, before squeue shows the job', () => {
    const s = stored({}, [{ ...job('10', 'head', 2), state: '' }]);
    expect(observe(s, { at: at(1), jobs: seen() }, '').record).toMatchObject({
      state: 'pending',
      message: 'submitted'
    });
  });

  it('starting until the monitor talks to the head, then running with k/N workers and the walltime', () => {
    const s = stored();
    const starting = observe(s, { at: at(2), jobs: seen(view('10', 'RUNNING')) }, '');
    expect(starting.record).toMatchObject({
      state: 'starting',
      workers: { connected: 0 },
      timeLimit: 3600,
      timeLeft: 3540
    });
    const running = observe(s, { at: at(3), jobs: seen(view('10', 'RUNNING')), status: status(1) }, '');
    expect(running.record).toMatchObject({ state: 'running', workers: { requested: 2, connected: 1 } });
    expect(running.record.startedAt).toBe('2026-01-01T00:00:01');
    expect(running.seenRunning).toBe(true);
    // a status file of an earlier job is not this head's
    expect(
      observe(s, { at: at(3), jobs: seen(view('10', 'RUNNING')), status: status(2, { job: '9' }) }, '').record.state
    ).toBe('starting');
  });

  it('warns when the walltime runs out', () => {
    const s = stored();
    const late = observe(
      s,
      { at: at(3), jobs: seen(view('10', 'RUNNING', { timeLeft: '4:10' })), status: status(2) },
      ''
    );
    expect(late.record.warning).toBe('the walltime runs out in 4 min 10 s');
    expect(walltimeWarning(400, 3600)).toBeUndefined();
    expect(walltimeWarning(10, 60)).toBeDefined(); // < 20 % of a 1-minute limit
    expect(walltimeWarning(30, 60)).toBeUndefined();
    expect(walltimeWarning(undefined, 60)).toBeUndefined();
  });

  it.each([
    ['TIMEOUT', false, false, 'time limit'],
    ['NODE_FAIL', true, false, 'node failure'],
    ['CANCELLED', true, true, 'cancelled'],
    ['CANCELLED', true, false, 'cancelled'],
    ['FAILED', false, false, 'failed to start'],
    ['COMPLETED', false, false, 'failed to start'],
    ['FAILED', true, false, 'failed'],
    ['COMPLETED', true, false, 'completed'],
    ['PREEMPTED', true, false, 'preempted']
  ])('head %s (seen running: %s, stop asked: %s) ends the set: %s', (state, seenRunning, stopRequested, reason) => {
    const s = stored({ seenRunning, stopRequested });
    const next = observe(s, { at: at(5), jobs: seen(view('10', state)) }, iso(at(5)));
    expect(next.record).toMatchObject({ state: 'ended', reason, endedAt: iso(at(5)), workers: { connected: 0 } });
  });

  it('says who cancelled', () => {
    const byUser = observe(stored({ stopRequested: true }), { at: at(5), jobs: seen(view('10', 'CANCELLED')) }, '');
    expect(byUser.record.message).toBe('stopped');
    const byOther = observe(stored(), { at: at(5), jobs: seen(view('10', 'CANCELLED')) }, '');
    expect(byOther.record.message).toMatch(/cancelled outside jupyterlab-hpc/);
  });

  it('stopping while jobs still run; a job missing from squeue is gone only after a grace period', () => {
    const s = stored({ stopRequested: true, seenRunning: true });
    expect(observe(s, { at: at(5), jobs: seen(view('10', 'RUNNING')) }, '').record.state).toBe('stopping');
    expect(observe(s, { at: at(5), jobs: seen() }, '').record.state).toBe('stopping');
    const gone = observe(s, { at: at(30), jobs: seen() }, '');
    expect(gone.jobs[0].state).toBe(GONE);
    expect(gone.record).toMatchObject({ state: 'ended', reason: 'cancelled' });
    expect(observe(stored({ seenRunning: true }), { at: at(30), jobs: seen() }, '').record.reason).toBe('lost');
  });

  it('an ended set stays ended, its jobs still followed', () => {
    const ended = observe(stored(), { at: at(5), jobs: seen(view('10', 'TIMEOUT')) }, '');
    const later = observe(ended, { at: at(9), jobs: seen(view('10', 'RUNNING')) }, '');
    expect(later.record.state).toBe('ended');
  });
});

describe('logs of ended sets', () => {
  const log = [
    'jupyterlab-hpc: starting the Dask scheduler on n1 with /p/python',
    ...Array.from({ length: 30 }, (_, i) => `2026-01-01 - distributed.scheduler - INFO - routine ${i}`),
    'slurmstepd: error: *** JOB 7 ON n1 CANCELLED AT 2026-01-01T00:01:18 DUE TO TIME LIMIT ***',
    ...Array.from({ length: 30 }, (_, i) => `2026-01-01 - distributed.nanny - INFO - closing ${i}`)
  ];

  it('keeps the telling lines, not just the last ones', () => {
    const tail = tellingTail(log);
    expect(tail[0]).toMatch(/^jupyterlab-hpc: starting/);
    expect(tail).toContain(log[31]);
    expect(tail.slice(-5)).toEqual(log.slice(-5));
    expect(reasonFromLog(tail)).toBe('time limit');
  });

  it('finds the line that says why', () => {
    expect(whyLine(['x', 'jupyterlab-hpc: python not found or not executable: /p', 'y'])).toBe(
      'jupyterlab-hpc: python not found or not executable: /p'
    );
    expect(whyLine(['all good'])).toBeUndefined();
    expect(reasonFromLog(['slurmstepd: error: *** JOB 1 ON n CANCELLED AT 2026 ***'])).toBe('cancelled');
    expect(reasonFromLog(['nothing'])).toBeUndefined();
  });
});

describe('scaling down', () => {
  const workers = (job: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${job}-${i}`, job }));

  it('retires the newest scale-up job first and cancels it once empty', () => {
    const jobs = [job('10', 'head', 2), job('11', 'workers', 1), job('12', 'workers', 2)];
    const plan = planScaleDown(jobs, 5, 3, [...workers('10', 2), ...workers('11', 1), ...workers('12', 2)]);
    expect(plan).toEqual({ cancelPending: [], retire: ['12-1', '12-0'], cancelAfter: ['12'] });
  });

  it('drops pending scale-up jobs before retiring anyone', () => {
    const jobs = [job('10', 'head', 2), job('11', 'workers', 1, 'PENDING')];
    expect(planScaleDown(jobs, 3, 2, workers('10', 2))).toEqual({ cancelPending: ['11'], retire: [], cancelAfter: [] });
  });

  it('drops whole scale-up jobs, running ones too, of a set that cannot retire single workers', () => {
    const jobs = [job('10', 'head', 2), job('11', 'workers', 1), job('12', 'workers', 2)];
    expect(planScaleDown(jobs, 5, 2, [], false)).toEqual({ cancelPending: ['12', '11'], retire: [], cancelAfter: [] });
    // the head job's own workers stay: 5 → 1 drops what it can
    expect(planScaleDown(jobs, 5, 1, [], false).cancelPending).toEqual(['12', '11']);
  });

  it("retires the head job's own workers last, never its head", () => {
    const jobs = [job('10', 'head', 3), job('11', 'workers', 1)];
    const plan = planScaleDown(jobs, 4, 1, [...workers('10', 3), ...workers('11', 1)]);
    expect(plan.retire).toEqual(['11-0', '10-2', '10-1']);
    expect(plan.cancelAfter).toEqual(['11']);
  });

  it('orders engine ids numerically and keeps jobs with workers left', () => {
    const jobs = [job('10', 'head', 2), job('11', 'workers', 2)];
    const engines = [
      { name: '0', job: '10' },
      { name: '1', job: '10' },
      { name: '2', job: '11' },
      { name: '10', job: '11' }
    ];
    const plan = planScaleDown(jobs, 4, 3, engines);
    expect(plan).toEqual({ cancelPending: [], retire: ['10'], cancelAfter: [] });
  });
});

describe('Slurm durations', () => {
  it.each([
    ['0:45', 45],
    ['1:00', 60],
    ['1:02:03', 3723],
    ['2-03:04:05', 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['UNLIMITED', undefined],
    ['INVALID', undefined],
    ['', undefined]
  ])('%s is %s s', (text, seconds) => {
    expect(parseSlurmDuration(text)).toBe(seconds);
  });

  it('formats for messages', () => {
    expect(formatDuration(12)).toBe('12 s');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(3900)).toBe('1 h 5 min');
  });
});
