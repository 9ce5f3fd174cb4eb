/**
 * The queue view's model (src/queue/model.ts) on the page's real socket client
 * (src/shared/ws.ts) and clusters model, fed the companion's own messages: the golden
 * queues of test/fixtures/wire (captured from the real companion on the fixture's Slurm),
 * diffs of their rows, the captured `GET clusters` reply. What it shows, what it asks the
 * companion for, what stays selected, and how it says the queue is stale or unreadable.
 */
import { ClustersModel } from '../../../src/clusters/model';
import { QueueModel } from '../../../src/queue/model';
import { HpcPollSettings } from '../../../src/shared/pollSettings';
import { HpcSocket } from '../../../src/shared/ws';
import { POLL_LIMIT_DEFAULTS } from '../../../protocol/poll';
import { effectivePoll } from '../../../server/src/poll-limits';
import {
  Answer,
  goldenRows,
  labSettings,
  LoopbackWebSocket,
  replies,
  settle,
  snapshotFrame,
  wireText,
  withFields
} from '../../fixtures/frontend/companion';
import { until } from '../../fixtures/frontend/until';

const CLUSTERS = JSON.parse(wireText('clusters.json'));
const MIXED = goldenRows('mixed');
const LATER = '2026-12-03T10:41:00.000Z';

interface Page {
  model: QueueModel;
  ws: LoopbackWebSocket;
  clusters: ClustersModel;
  socket: HpcSocket;
  poll: HpcPollSettings | null;
}

const pages: Page[] = [];

/** A page's queue model, its socket open and the clusters listed. */
async function openQueue(options: { poll?: Answer } = {}): Promise<Page> {
  const clusters = new ClustersModel({
    auto: false,
    serverSettings: labSettings(replies({ 'GET clusters': CLUSTERS }))
  });
  void clusters.refresh();
  await until(() => clusters.loaded);
  const socket = new HpcSocket({ serverSettings: labSettings() });
  const poll = options.poll ? new HpcPollSettings(labSettings(options.poll)) : null;
  const model = new QueueModel({ socket, clusters, poll });
  await until(() => socket.status === 'open');
  const page = { model, ws: LoopbackWebSocket.opened[LoopbackWebSocket.opened.length - 1], clusters, socket, poll };
  pages.push(page);
  return page;
}

afterEach(() => {
  for (const { model, socket, clusters } of pages.splice(0)) {
    model.dispose();
    socket.dispose();
    clusters.dispose();
  }
  LoopbackWebSocket.opened = [];
});

const ids = (model: QueueModel) => model.rows.map(job => job.id);
const lastSubscribe = (ws: LoopbackWebSocket, cluster: string) =>
  ws.sent.filter(m => m.type === 'subscribe' && m.cluster === cluster).pop();

describe('QueueModel', () => {
  it("subscribes to my jobs on every listed cluster, shows the first, then the companion's snapshot and diffs", async () => {
    const { model, ws } = await openQueue();
    expect(model.clusterNames).toEqual(['local', 'unreachable']);
    expect(model.cluster).toBe('local');
    expect(ws.sent).toEqual([
      { type: 'subscribe', cluster: 'local', all: false },
      { type: 'subscribe', cluster: 'unreachable', all: false }
    ]);
    expect(model.status).toBe('loading');

    ws.receive(snapshotFrame('filtered'));
    expect([model.status, model.total, ids(model)]).toEqual(['ok', 3, ['335', '334', '333']]);
    expect(model.updatedAt?.toISOString()).toBe('2026-12-03T10:40:20.326Z');
    const job = model.rows.find(j => j.id === '334')!;
    // as squeue printed it, Slurm's placeholders (N/A) made empty
    expect([job.name, job.comment, job.arrayTaskId, job.user]).toEqual([
      'two\nlines',
      'say "hi" <script>',
      '',
      'hpcuser'
    ]);
    // the cluster's partitions (GET clusters) and its jobs' own
    expect(model.partitionNames).toEqual(['batch', 'debug']);

    ws.receive({
      type: 'diff',
      cluster: 'local',
      version: 2,
      status: 'ok',
      updatedAt: LATER,
      added: [MIXED.get('332')],
      changed: [withFields(MIXED.get('335')!, { state: 'RUNNING', reason: '', nodeList: 'vm' })],
      removed: ['333']
    });
    expect(ids(model)).toEqual(['335', '334', '332']);
    expect(model.rows[0].state).toBe('RUNNING');
    expect(model.states).toEqual(['PENDING', 'RUNNING']);
    expect(model.updatedAt?.toISOString()).toBe(LATER);
  });

  it("switches between my jobs and all users' jobs on the shown cluster only", async () => {
    const { model, ws } = await openQueue();
    ws.receive(snapshotFrame('filtered'));
    model.showAll = true;
    expect(lastSubscribe(ws, 'local')).toEqual({ type: 'subscribe', cluster: 'local', all: true });
    expect(lastSubscribe(ws, 'unreachable')).toEqual({ type: 'subscribe', cluster: 'unreachable', all: false });
    ws.receive(snapshotFrame('mixed', { version: 2 }));
    expect(model.total).toBe(6);
    expect(new Set(model.rows.map(job => job.user))).toEqual(new Set(['root', 'hpcuser']));

    model.showAll = false;
    expect(lastSubscribe(ws, 'local')).toEqual({ type: 'subscribe', cluster: 'local', all: false });
  });

  it("goes back to my jobs when the companion says the admin turned all users' jobs off", async () => {
    const settings = effectivePoll({ ...POLL_LIMIT_DEFAULTS, allowAllUsers: false }, 5);
    let answer: () => void = () => undefined;
    const answered = new Promise<void>(resolve => (answer = resolve));
    const { model, ws, poll } = await openQueue({
      poll: replies({ 'GET poll': () => (answer(), new Response(JSON.stringify(settings), { status: 200 })) })
    });
    model.showAll = true;
    await answered;
    await until(() => poll!.settings !== null);
    expect(model.allUsersAllowed).toBe(false);
    expect(model.showAll).toBe(false);
    expect(lastSubscribe(ws, 'local')).toEqual({ type: 'subscribe', cluster: 'local', all: false });
  });

  it('selects by click and range-click, and keeps only jobs still shown through filters and diffs', async () => {
    const { model, ws } = await openQueue();
    ws.receive(snapshotFrame('mixed'));
    expect(ids(model)).toEqual(['335', '334', '333', '332', '331_[0-2]', '330']);
    model.click(1);
    model.click(3, { range: true });
    expect([...model.selectedIds].sort()).toEqual(['332', '333', '334']);
    expect(model.selectedJobs.map(job => job.name).sort()).toEqual(['plain', 'sep␟in␞name', 'two\nlines']);

    // the filter hides 333 and 334 (not root's): they leave the selection
    model.setFilter({ text: 'root' });
    expect(ids(model)).toEqual(['332', '331_[0-2]', '330']);
    expect([...model.selectedIds]).toEqual(['332']);

    // a job that leaves the queue leaves the selection
    ws.receive({ type: 'diff', cluster: 'local', version: 2, status: 'ok', added: [], changed: [], removed: ['332'] });
    expect(model.selectedIds.size).toBe(0);
    expect(ids(model)).toEqual(['331_[0-2]', '330']);
  });

  it("keeps the rows with Slurm's message while stale, and says so when a queue cannot be read", async () => {
    const { model, ws } = await openQueue();
    ws.receive(snapshotFrame('filtered'));
    const message = 'squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)';
    ws.receive({
      type: 'diff',
      cluster: 'local',
      version: 2,
      status: 'stale',
      error: message,
      added: [],
      changed: [],
      removed: []
    });
    expect([model.status, model.error, model.total]).toEqual(['stale', message, 3]);
    expect(model.updatedAt?.toISOString()).toBe('2026-12-03T10:40:20.326Z');

    // records cut short (a refused golden file): an error of that cluster, not silence
    const cut = wireText('refused/cut.records');
    ws.receive(
      `${JSON.stringify({ type: 'snapshot', cluster: 'local', status: 'ok', version: 3, ...JSON.parse(cut.slice(0, cut.indexOf('\n'))) })}${cut.slice(cut.indexOf('\n'))}`
    );
    expect(model.status).toBe('error');
    expect(model.error).toBe('The queue sent by the HPC companion could not be read; reload to try again.');

    // the next snapshot brings it back
    ws.receive(snapshotFrame('mixed', { version: 4 }));
    expect([model.status, model.error, model.total]).toEqual(['ok', null, 6]);
  });

  it('on another cluster, drops the filters and the selection', async () => {
    const { model, ws } = await openQueue();
    ws.receive(snapshotFrame('mixed'));
    model.setFilter({ state: 'PENDING', partition: 'debug' });
    model.click(0);
    model.cluster = 'unreachable';
    expect([model.query.state, model.query.partition, model.selectedIds.size]).toEqual(['', '', 0]);
    expect([model.status, model.total]).toEqual(['loading', 0]);
    model.cluster = 'local';
    expect(model.total).toBe(6);
  });

  it('reveals a job when it arrives: selected, highlighted, scrolled to', async () => {
    const { model, ws } = await openQueue();
    ws.receive(snapshotFrame('filtered'));
    model.setFilter({ text: 'nothing matches this' });
    const shown = model.reveal('local', '330');
    await settle();
    ws.receive({
      type: 'diff',
      cluster: 'local',
      version: 2,
      status: 'ok',
      added: [MIXED.get('330')],
      changed: [],
      removed: []
    });
    await expect(shown).resolves.toBe(true);
    // the filter would hide it: dropped
    expect(model.query.text).toBe('');
    expect([...model.selectedIds]).toEqual(['330']);
    expect([...model.highlighted]).toEqual(['330']);
    expect(model.scrollRequest?.index).toBe(model.rows.findIndex(job => job.id === '330'));
  });
});
