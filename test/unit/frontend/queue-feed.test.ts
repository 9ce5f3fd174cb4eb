/**
 * The queue's live data (src/queue/feed.ts): the companion's snapshots and
 * diffs kept per cluster, the filtered and sorted view that diffs update in
 * place, subscriptions, and a pending reveal (src/queue/reveal.ts).
 */
import { Signal } from '@lumino/signaling';

import { QueueFeed } from '../../../src/queue/feed';
import { PendingReveal } from '../../../src/queue/reveal';
import type { ClusterJobs, StoreChange } from '../../../src/queue/store';
import { DEFAULT_QUERY, IQueueQuery } from '../../../src/queue/view';
import type { HpcSocket } from '../../../src/shared/ws';
import { diff, fakeJobRow, snapshot, T1 } from '../../fixtures/frontend/queue-messages';

/**
 * The part of the page's socket the feed uses: its messages, and what the
 * feed asks of the companion.
 */
class Socket {
  readonly messageReceived = new Signal<this, HpcSocket.ServerMessage>(this);
  readonly sent: string[] = [];
  subscribe(cluster: string, all: boolean): void {
    this.sent.push(`subscribe ${cluster} ${all}`);
  }
  unsubscribe(cluster: string): void {
    this.sent.push(`unsubscribe ${cluster}`);
  }
}

function feedOf(): { socket: Socket; feed: QueueFeed; updates: Array<[ClusterJobs, StoreChange | null]> } {
  const socket = new Socket();
  const updates: Array<[ClusterJobs, StoreChange | null]> = [];
  const feed = new QueueFeed(socket as unknown as HpcSocket, (store, change) => updates.push([store, change]));
  return { socket, feed, updates };
}

const ids = (rows: ReadonlyArray<{ id: string }> | undefined) => rows?.map(job => job.id);

describe('QueueFeed', () => {
  it('subscribes once per cluster, again when `all` changes, and unsubscribes the ones no longer wanted', () => {
    const { socket, feed } = feedOf();
    feed.subscribe(
      new Map([
        ['local', false],
        ['remote', false]
      ])
    );
    feed.subscribe(
      new Map([
        ['local', true],
        ['remote', false]
      ])
    );
    feed.subscribe(new Map([['local', true]]));
    expect(socket.sent).toEqual([
      'subscribe local false',
      'subscribe remote false',
      'subscribe local true',
      'unsubscribe remote'
    ]);
    expect(feed.store('remote')).toBeUndefined();
    expect(feed.store('local')?.status).toBe('loading');
  });

  it('keeps a snapshot, then diffs (added, changed, removed) in the sorted view', () => {
    const { socket, feed, updates } = feedOf();
    feed.subscribe(new Map([['local', false]]));
    socket.messageReceived.emit(snapshot({ rows: [1, 2, 3].map(n => fakeJobRow(n)) }));
    expect(ids(feed.view('local', DEFAULT_QUERY)?.rows)).toEqual(['3', '2', '1']);
    socket.messageReceived.emit(
      diff(
        { status: 'ok', updatedAt: T1 },
        { added: [fakeJobRow(10)], changed: [fakeJobRow(2, { state: 'RUNNING' })], removed: ['1'] }
      )
    );
    expect(ids(feed.view('local', DEFAULT_QUERY)?.rows)).toEqual(['10', '3', '2']);
    expect(feed.store('local')?.jobs.get('2')?.state).toBe('RUNNING');
    expect(updates.map(([store, change]) => [store.cluster, change?.reset])).toEqual([
      ['local', true],
      ['local', false]
    ]);
  });

  it('filters by text, state and partition and sorts by any column', () => {
    const { socket, feed } = feedOf();
    feed.subscribe(new Map([['local', false]]));
    // fakeJobRow: every 4th job runs; partition batch when n % 3 == 0, else debug
    socket.messageReceived.emit(snapshot({ rows: Array.from({ length: 12 }, (_, i) => fakeJobRow(i + 1)) }));
    const query = (q: Partial<IQueueQuery>): string[] | undefined =>
      ids(feed.view('local', { ...DEFAULT_QUERY, ...q })?.rows);
    expect(query({ state: 'RUNNING' })).toEqual(['12', '8', '4']);
    expect(query({ partition: 'batch' })).toEqual(['12', '9', '6', '3']);
    expect(query({ text: 'job-1' })).toEqual(['12', '11', '10', '1']);
    expect(query({ state: 'RUNNING', sort: { column: 'id', ascending: true } })).toEqual(['4', '8', '12']);
    // nodes: 1 + n % 8; equal counts in id order
    expect(query({ state: 'RUNNING', sort: { column: 'nodes', ascending: true } })).toEqual(['8', '4', '12']);
  });

  it('turns an error of a cluster into its error state, keeping the rows, and ignores unknown clusters', () => {
    const { socket, feed, updates } = feedOf();
    feed.subscribe(new Map([['local', false]]));
    socket.messageReceived.emit(snapshot());
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    socket.messageReceived.emit({ type: 'error', cluster: 'local', error: 'squeue: error: Invalid user' });
    socket.messageReceived.emit({ type: 'error', cluster: 'elsewhere', error: 'not subscribed' });
    socket.messageReceived.emit(snapshot({ cluster: 'elsewhere' }));
    warn.mockRestore();
    const store = feed.store('local');
    expect([store?.status, store?.error, store?.jobs.size]).toEqual(['error', 'squeue: error: Invalid user', 2]);
    expect(updates.map(([, change]) => change === null)).toEqual([false, true]);
  });

  it('stops listening when disposed', () => {
    const { socket, feed, updates } = feedOf();
    feed.subscribe(new Map([['local', false]]));
    feed.dispose();
    socket.messageReceived.emit(snapshot());
    expect(updates).toEqual([]);
  });
});

describe('PendingReveal', () => {
  it("matches what sbatch --parsable printed, an array's tasks, only on its cluster", async () => {
    const { socket, feed } = feedOf();
    feed.subscribe(new Map([['local', false]]));
    socket.messageReceived.emit(
      snapshot({
        rows: [
          fakeJobRow(7, { id: '7_1', arrayJobId: '7', jobId: '8' }),
          fakeJobRow(7, { id: '7_2', arrayJobId: '7', jobId: '9' }),
          fakeJobRow(5)
        ]
      })
    );
    const jobs = [...(feed.store('local')?.jobs.values() ?? [])];
    const reveal = new PendingReveal();
    const shown = reveal.start('local', '7;local', 60_000);
    expect(reveal.match('remote', jobs)).toEqual([]);
    expect(reveal.match('local', jobs)).toEqual(['7_1', '7_2']);
    reveal.settle(true);
    await expect(shown).resolves.toBe(true);
    expect(reveal.cluster).toBeNull();
  });

  it('resolves an earlier request with false when a new one starts', async () => {
    const reveal = new PendingReveal();
    const first = reveal.start('local', '1', 60_000);
    const second = reveal.start('local', '2', 60_000);
    await expect(first).resolves.toBe(false);
    reveal.settle(false);
    await expect(second).resolves.toBe(false);
  });
});
