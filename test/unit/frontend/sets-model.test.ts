/**
 * The "Parallel clusters" section's model (src/sets/model.ts) on the page's real socket
 * client, fed set records a real companion wrote (test/fixtures/wire/sets.json: a running
 * Dask set and one cancelled outside jupyterlab-hpc, as its `sets` message carries them),
 * and REST replies in the companion's shapes: the list and its order, live updates, a reply
 * older than what the socket said, failures in the companion's words, busy cards, reveal.
 */
import { SetsApi } from '../../../src/sets/api';
import { SetsModel } from '../../../src/sets/model';
import { HpcSocket } from '../../../src/shared/ws';
import type { SetRecord } from '../../../protocol/sets';
import { Answer, json, labSettings, LoopbackWebSocket, replies, wireText } from '../../fixtures/frontend/companion';
import { until } from '../../fixtures/frontend/until';

const SETS = JSON.parse(wireText('sets.json')) as { type: 'sets'; sets: SetRecord[] };
const [RUNNING, ENDED] = SETS.sets;

interface Page {
  model: SetsModel;
  ws: LoopbackWebSocket;
  socket: HpcSocket;
}

const pages: Page[] = [];

async function openSets(rest: Answer = replies({})): Promise<Page> {
  const socket = new HpcSocket({ serverSettings: labSettings() });
  const model = new SetsModel({ api: new SetsApi(labSettings(rest)), socket });
  await until(() => socket.status === 'open');
  const page = { model, socket, ws: LoopbackWebSocket.opened[LoopbackWebSocket.opened.length - 1] };
  pages.push(page);
  return page;
}

afterEach(() => {
  for (const { model, socket } of pages.splice(0)) {
    model.dispose();
    socket.dispose();
  }
  LoopbackWebSocket.opened = [];
});

const later = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
const names = (model: SetsModel) => model.sets.map(set => `${set.id} ${set.state}`);

describe('SetsModel', () => {
  it("lists the companion's sets, alive ones first, and follows each set's changes", async () => {
    const { model, ws } = await openSets();
    expect(model.loaded).toBe(false);
    ws.receive({ type: 'sets', sets: [ENDED, RUNNING] });
    expect(model.loaded).toBe(true);
    expect(names(model)).toEqual(['896bad161b running', '90759f1396 ended']);
    expect(model.get('90759f1396')?.message).toBe('job 152 was cancelled outside jupyterlab-hpc');

    const stopping = { ...RUNNING, state: 'stopping', updatedAt: later(RUNNING.updatedAt, 5) };
    ws.receive({ type: 'set', record: stopping });
    expect(names(model)).toEqual(['896bad161b stopping', '90759f1396 ended']);

    // a newer set that ended sorts by when it ended, before the older ended one
    const ended = {
      ...RUNNING,
      state: 'ended',
      reason: 'stopped',
      updatedAt: later(RUNNING.updatedAt, 9),
      endedAt: later(RUNNING.updatedAt, 9)
    };
    ws.receive({ type: 'set', record: ended });
    expect(names(model)).toEqual(['896bad161b ended', '90759f1396 ended']);
    // what is not a set record is dropped
    ws.receive({ type: 'set', record: { id: 'x' } });
    expect(model.sets).toHaveLength(2);
  });

  it('keeps what the socket said over an older REST reply, and says why a load failed', async () => {
    let fail = true;
    const { model, ws } = await openSets(
      replies({
        'GET sets': () =>
          fail ? json(502, { error: 'ssh: connect to host 127.0.0.1 port 2222: Connection refused' }) : json(200, SETS)
      })
    );
    await model.refresh();
    expect([model.loaded, model.error]).toEqual([
      false,
      'ssh: connect to host 127.0.0.1 port 2222: Connection refused'
    ]);

    ws.receive({ type: 'set', record: { ...RUNNING, state: 'stopping', updatedAt: later(RUNNING.updatedAt, 5) } });
    fail = false;
    await model.refresh();
    expect(model.error).toBeNull();
    // the list replaces the known sets (REST is the whole truth at its time) …
    expect(names(model)).toEqual(['896bad161b running', '90759f1396 ended']);
    // … but a single record never goes back in time
    ws.receive({ type: 'set', record: { ...RUNNING, state: 'starting', updatedAt: later(RUNNING.updatedAt, -5) } });
    expect(model.get('896bad161b')?.state).toBe('running');
  });

  it('marks a card busy while its stop is under way, and refuses a second action meanwhile', async () => {
    let answer: ((response: Response) => void) | null = null;
    const { model, ws } = await openSets(
      replies({ 'DELETE sets/896bad161b': () => new Promise<Response>(resolve => (answer = resolve)) })
    );
    ws.receive(SETS);
    const stopped = model.stop('896bad161b');
    expect(model.busy.get('896bad161b')).toBe('stop');
    await until(() => answer !== null);
    await expect(model.scale('896bad161b', 4)).rejects.toThrow('This set is busy; try again in a moment.');
    answer!(json(200, { ...RUNNING, state: 'stopping', updatedAt: later(RUNNING.updatedAt, 1) }));
    await stopped;
    expect(model.busy.size).toBe(0);
    expect(model.get('896bad161b')?.state).toBe('stopping');
  });

  it('highlights a set started elsewhere when it arrives', async () => {
    const { model, ws } = await openSets(replies({ 'GET sets': { sets: [ENDED] } }));
    model.reveal('896bad161b');
    await until(() => model.loaded);
    expect(model.highlighted.size).toBe(0);
    ws.receive({ type: 'set', record: RUNNING });
    expect([...model.highlighted]).toEqual(['896bad161b']);
  });
});
