import websocket from '@fastify/websocket';
import { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { Cluster, ClusterRegistry } from './clusters';
import { JobEndedEvent, QueueDiff, QueueSnapshot } from './poller';
import { encodeRecords, recordMatcher, selectRecords } from './queue-wire';
import { SetManager } from './sets/manager';
import { JOB_FIELD_NAMES } from './slurm/squeue';

/**
 * The sidebar's live channel: `{type:'subscribe', cluster, all?}` gives a
 * snapshot then diffs of that cluster's shared poll; job-ended events go to
 * exactly one connection that asked for notifications, so several open tabs
 * notify once. Every connection also gets the Dask/IPyParallel sets:
 * `{type:'sets', sets}` on connect, then `{type:'set', record}` on each change.
 */
type ClientMessage =
  | { type: 'subscribe'; cluster: string; all?: boolean }
  | { type: 'unsubscribe'; cluster: string }
  | { type: 'notifications'; enabled: boolean };

const F_USER = JOB_FIELD_NAMES.indexOf('user');

interface Connection {
  socket: WebSocket;
  subscriptions: Map<string, () => void>;
}

/**
 * Adds Slurm's "exit:signal" code to ended jobs while scontrol still knows
 * them (MinJobAge); best effort: the notification goes out either way.
 */
async function withExitCodes(
  cluster: Cluster,
  events: JobEndedEvent[]
): Promise<Array<JobEndedEvent & { exitCode?: string }>> {
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

export interface Hub {
  readonly connections: number;
}

export function registerHub(app: FastifyInstance, registry: ClusterRegistry, sets?: SetManager): Hub {
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

  /** A snapshot in the records encoding (queue-wire.ts): the whole queue is squeue's own text, sent as is. */
  function sendSnapshot(conn: Connection, cluster: string, snap: QueueSnapshot, match?: (r: string) => boolean): void {
    if (conn.socket.readyState !== conn.socket.OPEN) {
      return;
    }
    const { status, error, updatedAt, version, records } = snap;
    const selected = match ? selectRecords(records.values(), match) : { text: snap.text, count: records.size };
    const header = { type: 'snapshot', cluster, status, error, updatedAt, version, count: selected.count };
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
    conn.subscriptions.get(cluster.config.name)?.();
    const name = cluster.config.name;
    const mine = (row: string[]) => all || row[F_USER] === cluster.user;
    let ready = false;
    const pending: QueueDiff[] = [];
    const deliver = (diff: QueueDiff) =>
      send(conn, {
        type: 'diff',
        cluster: name,
        ...diff,
        added: diff.added.filter(mine),
        changed: diff.changed.filter(mine)
      });
    const sub = cluster.queue.subscribe({
      diff: diff => (ready ? deliver(diff) : pending.push(diff)),
      ended: (events: JobEndedEvent[]) => {
        const own = events.filter(e => e.user === cluster.user);
        if (own.length && notificationOwner(name) === conn) {
          void withExitCodes(cluster, own).then(withCodes =>
            send(conn, { type: 'job-ended', cluster: name, events: withCodes })
          );
        }
      }
    });
    conn.subscriptions.set(name, sub.unsubscribe);
    sub.snapshot
      .then((snap: QueueSnapshot) => {
        sendSnapshot(conn, name, snap, all ? undefined : recordMatcher({ user: cluster.user }));
        ready = true;
        // diffs that arrived while the snapshot was on its way and are newer than it
        for (const diff of pending.splice(0)) {
          if (diff.version > snap.version) {
            deliver(diff);
          }
        }
      })
      .catch((e: unknown) => send(conn, { type: 'error', cluster: name, error: String(e) }));
  }

  void app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  void app.register(async instance => {
    instance.get('/api/ws', { websocket: true }, socket => {
      const conn: Connection = { socket, subscriptions: new Map() };
      connections.add(conn);
      if (sets) {
        send(conn, { type: 'sets', sets: sets.list() });
      }
      socket.on('message', raw => {
        let msg: ClientMessage;
        try {
          msg = JSON.parse(String(raw)) as ClientMessage;
        } catch {
          send(conn, { type: 'error', error: 'messages must be JSON' });
          return;
        }
        if (msg.type === 'subscribe') {
          const cluster = registry.get(msg.cluster);
          if (!cluster) {
            send(conn, {
              type: 'error',
              cluster: msg.cluster,
              error: `no cluster named ${JSON.stringify(msg.cluster)}`
            });
          } else {
            subscribe(conn, cluster, msg.all === true);
          }
        } else if (msg.type === 'unsubscribe') {
          conn.subscriptions.get(msg.cluster)?.();
          conn.subscriptions.delete(msg.cluster);
        } else if (msg.type === 'notifications') {
          if (msg.enabled) {
            notifiers.add(conn);
          } else {
            notifiers.delete(conn);
          }
        } else {
          send(conn, { type: 'error', error: 'unknown message type' });
        }
      });
      socket.on('close', () => {
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
