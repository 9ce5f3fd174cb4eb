import websocket from '@fastify/websocket';
import { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { Cluster, ClusterRegistry } from './clusters';
import type { DiffMessage, JobEndedEvent, JobEndedMessage, QueueDiff, SnapshotHeader } from '../../protocol/queue';
import { PollControl } from './poll-limits';
import { QueueSnapshot } from './poller';
import { encodeRecords } from './queue-wire';
import { SetManager } from './sets/manager';
import { CLOSE_POLICY, MAX_CLIENT_FRAME_BYTES, readClientMessage } from './ws-messages';

/**
 * The sidebar's live channel: `{type:'subscribe', cluster, all?}` gives a
 * snapshot then diffs of that cluster's shared poll of that scope (the
 * user's own jobs, or every user's where the admin allows it); job-ended
 * events (always from the own-jobs poll) go to
 * exactly one connection that asked for notifications, so several open tabs
 * notify once. Every connection also gets the Dask/IPyParallel sets:
 * `{type:'sets', sets}` on connect, then `{type:'set', record}` on each change.
 */
const ignore = (): void => undefined;

/** A connection gets at most one snapshot of a cluster this often; a later subscribe waits, the last one wins. */
const SNAPSHOT_MIN_MS = 1_000;
/** More messages than this in FLOOD_WINDOW_MS close the connection: no view sends that many. */
const FLOOD_MAX = 1_000;
const FLOOD_WINDOW_MS = 10_000;

interface Connection {
  socket: WebSocket;
  subscriptions: Map<string, () => void>;
  /** Per cluster: when a snapshot was last asked for, and a subscribe waiting for its turn. */
  snapshots: Map<string, { at: number; timer?: NodeJS.Timeout }>;
  flood: { since: number; count: number };
}

/**
 * Adds Slurm's "exit:signal" code to ended jobs while scontrol still knows
 * them (MinJobAge); best effort: the notification goes out either way.
 */
async function withExitCodes(cluster: Cluster, events: JobEndedEvent[]): Promise<JobEndedEvent[]> {
  return Promise.all(
    events.map(async e => {
      try {
        const [job] = await cluster.slurm.showJob(e.id);
        return { ...e, exitCode: job?.ExitCode, state: e.state || job?.JobState || '' };
      } catch {
        return e;
      }
    })
  );
}

/** The events with the jobs the user cancelled through us marked `byUser`. */
function withCancellations(cluster: Cluster, events: JobEndedEvent[]): JobEndedEvent[] {
  return events.map(e => (cluster.cancelled.has(e.id) ? { ...e, byUser: true } : e));
}

/** An array's event keeps its task counts; scontrol's answer about the array id is one task's. */
async function withDetails(cluster: Cluster, events: JobEndedEvent[]): Promise<JobEndedEvent[]> {
  const arrays = events.filter(e => e.tasks);
  const single = await withExitCodes(
    cluster,
    events.filter(e => !e.tasks)
  );
  return withCancellations(cluster, [...single, ...arrays]);
}

export interface Hub {
  readonly connections: number;
}

export function registerHub(
  app: FastifyInstance,
  registry: ClusterRegistry,
  sets?: SetManager,
  poll?: PollControl
): Hub {
  const connections = new Set<Connection>();
  const notifiers = new Set<Connection>();
  const stopWatchingSets = sets?.onChange(record => {
    for (const conn of connections) {
      send(conn, { type: 'set', record });
    }
  });
  app.addHook('onClose', async () => stopWatchingSets?.());

  function send(conn: Connection, message: object): void {
    if (conn.socket.readyState === conn.socket.OPEN) {
      conn.socket.send(JSON.stringify(message));
    }
  }

  /** A snapshot in the records encoding (queue-wire.ts): the scope's queue is squeue's own text, sent as is. */
  function sendSnapshot(conn: Connection, cluster: string, snap: QueueSnapshot): void {
    if (conn.socket.readyState !== conn.socket.OPEN) {
      return;
    }
    const { status, error, warning, updatedAt, version, records } = snap;
    const selected = { text: snap.text, count: records.size };
    const header: Omit<SnapshotHeader, 'fields' | 'none'> = {
      type: 'snapshot',
      cluster,
      status,
      error,
      warning,
      updatedAt,
      version,
      count: selected.count
    };
    const [head, text] = encodeRecords(header, selected.text);
    conn.socket.send(head, { fin: false });
    conn.socket.send(text, { fin: true });
  }

  /** The one connection that shows notifications for a cluster: the oldest subscribed notifier. */
  function notificationOwner(cluster: string): Connection | undefined {
    for (const conn of notifiers) {
      if (conn.subscriptions.has(cluster)) {
        return conn;
      }
    }
    return undefined;
  }

  function subscribe(conn: Connection, cluster: Cluster, all: boolean): void {
    const name = cluster.config.name;
    conn.subscriptions.get(name)?.();
    conn.subscriptions.delete(name);
    const allowed = poll?.settings;
    if (all && allowed && !allowed.allowAllUsers) {
      send(conn, { type: 'error', cluster: name, error: allowed.allUsersDisabledReason ?? 'all users are not shown' });
      return;
    }
    let ready = false;
    const pending: QueueDiff[] = [];
    const deliver = (diff: QueueDiff) => send(conn, { type: 'diff', cluster: name, ...diff } satisfies DiffMessage);
    const ended = (events: JobEndedEvent[]) => {
      const own = events.filter(e => e.user === cluster.user);
      if (own.length && notificationOwner(name) === conn) {
        void withDetails(cluster, own).then(withCodes =>
          send(conn, { type: 'job-ended', cluster: name, events: withCodes } satisfies JobEndedMessage)
        );
      }
    };
    const diff = (d: QueueDiff) => (ready ? deliver(d) : pending.push(d));
    // notifications come from the own-jobs poll whatever the view shows (never twice for one job)
    const sub = all ? cluster.allQueue.subscribe({ diff }) : cluster.queue.subscribe({ diff, ended });
    const notify = all ? cluster.queue.subscribe({ diff: ignore, ended }) : undefined;
    notify?.snapshot.catch(ignore);
    const unsubscribe = (): void => {
      sub.unsubscribe();
      notify?.unsubscribe();
    };
    conn.subscriptions.set(name, unsubscribe);
    sub.snapshot
      .then((snap: QueueSnapshot) => {
        sendSnapshot(conn, name, snap);
        ready = true;
        // diffs that arrived while the snapshot was on its way and are newer than it
        for (const diff of pending.splice(0)) {
          if (diff.version > snap.version) {
            deliver(diff);
          }
        }
      })
      .catch((e: unknown) => {
        // no snapshot to build on: drop the subscription (and the diffs held for it)
        pending.length = 0;
        unsubscribe();
        if (conn.subscriptions.get(name) === unsubscribe) {
          conn.subscriptions.delete(name);
        }
        send(conn, { type: 'error', cluster: name, error: String(e) });
      });
  }

  /** Subscribes now, or once this connection's last snapshot of the cluster is SNAPSHOT_MIN_MS old. */
  function requestSubscribe(conn: Connection, cluster: Cluster, all: boolean): void {
    const name = cluster.config.name;
    const slot = conn.snapshots.get(name) ?? { at: -Infinity };
    conn.snapshots.set(name, slot);
    clearTimeout(slot.timer);
    const go = () => {
      slot.timer = undefined;
      slot.at = Date.now();
      subscribe(conn, cluster, all);
    };
    const wait = slot.at + SNAPSHOT_MIN_MS - Date.now();
    if (wait <= 0) {
      go();
    } else {
      slot.timer = setTimeout(go, wait);
    }
  }

  function flooding(conn: Connection): boolean {
    const now = Date.now();
    if (now - conn.flood.since > FLOOD_WINDOW_MS) {
      conn.flood = { since: now, count: 0 };
    }
    conn.flood.count += 1;
    return conn.flood.count > FLOOD_MAX;
  }

  void app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME_BYTES } });
  void app.register(async instance => {
    instance.get('/api/ws', { websocket: true }, socket => {
      const conn: Connection = {
        socket,
        subscriptions: new Map(),
        snapshots: new Map(),
        flood: { since: Date.now(), count: 0 }
      };
      connections.add(conn);
      if (sets) {
        send(conn, { type: 'sets', sets: sets.list() });
      }
      // an oversized frame: ws closes with 1009 and reports it here; nothing else to do
      socket.on('error', () => undefined);
      socket.on('message', (raw, isBinary) => {
        if (flooding(conn)) {
          socket.close(CLOSE_POLICY, 'too many messages');
          return;
        }
        const read = isBinary ? { refused: 'binary frames are not accepted' } : readClientMessage(String(raw));
        if ('refused' in read) {
          socket.close(CLOSE_POLICY, read.refused);
          return;
        }
        const msg = read.message;
        if (msg.type === 'subscribe') {
          const cluster = registry.get(msg.cluster);
          if (!cluster) {
            send(conn, {
              type: 'error',
              cluster: msg.cluster,
              error: `no cluster named ${JSON.stringify(msg.cluster)}`
            });
          } else {
            requestSubscribe(conn, cluster, msg.all === true);
          }
        } else if (msg.type === 'unsubscribe') {
          clearTimeout(conn.snapshots.get(msg.cluster)?.timer);
          conn.subscriptions.get(msg.cluster)?.();
          conn.subscriptions.delete(msg.cluster);
        } else if (msg.enabled) {
          notifiers.add(conn);
        } else {
          notifiers.delete(conn);
        }
      });
      socket.on('close', () => {
        for (const slot of conn.snapshots.values()) {
          clearTimeout(slot.timer);
        }
        for (const unsubscribe of conn.subscriptions.values()) {
          unsubscribe();
        }
        connections.delete(conn);
        notifiers.delete(conn);
      });
    });
  });

  return {
    get connections() {
      return connections.size;
    }
  };
}
