/**
 * The WebSocket client of the companion's live channel (`hpc/api/ws`): one
 * socket per page, shared by the queue view and the job notifications.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import type * as Queue from '../../protocol/queue';
import { decodeRecords } from '../../protocol/records';

/**
 * A session shorter than this counts as a failed connection, so that a
 * proxy that accepts and at once drops the socket is retried with backoff
 * rather than in a tight loop.
 */
const MIN_SESSION_MS = 10_000;

/**
 * The client of `{baseUrl}hpc/api/ws`. It connects at once, reconnects with
 * backoff whenever the socket drops (the companion restarts, the server
 * goes away), and replays the subscriptions and the notification request
 * on every new connection.
 *
 * Nobody watching, no poll: while the page is hidden it stands by, its
 * subscriptions dropped on the companion (which then runs no squeue for
 * it); visible again, it subscribes again and gets the last snapshot at
 * once, then fresh rows within one interval. Jobs that ended meanwhile are
 * notified then.
 */
export class HpcSocket implements IDisposable {
  constructor(options: HpcSocket.IOptions = {}) {
    this._settings = options.serverSettings ?? ServerConnection.makeSettings();
    const interval = options.reconnectInterval ?? 1000;
    this._poll = new Poll({
      auto: true,
      factory: () => this._session(),
      frequency: { interval, backoff: true, max: options.maxReconnectInterval ?? 30_000 },
      name: 'jupyterlab-hpc:ws',
      // Notifications must arrive while the tab is in the background too.
      standby: 'never'
    });
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this._onVisibility);
      this._standby = document.visibilityState === 'hidden';
    }
  }

  /**
   * Whether the page is hidden, and its subscriptions with it.
   */
  get standby(): boolean {
    return this._standby;
  }

  /**
   * Every message from the companion.
   */
  get messageReceived(): ISignal<this, HpcSocket.ServerMessage> {
    return this._messageReceived;
  }

  /**
   * Emits on every change of `status`.
   */
  get statusChanged(): ISignal<this, HpcSocket.Status> {
    return this._statusChanged;
  }

  get status(): HpcSocket.Status {
    return this._status;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Call `handler` with every message of `type`, as the companion sent it
   * (parsed JSON, unchecked): for messages this client does not type itself,
   * e.g. the Dask/IPyParallel sets' `sets` and `set`. Dispose the result to
   * stop listening.
   */
  addListener(type: string, handler: (message: { [key: string]: unknown }) => void): IDisposable {
    const handlers = this._listeners.get(type) ?? new Set();
    handlers.add(handler);
    this._listeners.set(type, handlers);
    let isDisposed = false;
    return {
      get isDisposed() {
        return isDisposed;
      },
      dispose: () => {
        isDisposed = true;
        handlers.delete(handler);
      }
    };
  }

  /**
   * Receive a cluster's queue: a snapshot, then diffs. Subscribing again
   * with another `all` replaces the subscription (and sends a new snapshot).
   */
  subscribe(cluster: string, all: boolean): void {
    if (this._subscriptions.get(cluster) === all) {
      return;
    }
    this._subscriptions.set(cluster, all);
    if (!this._standby) {
      this._send({ type: 'subscribe', cluster, all });
    }
  }

  unsubscribe(cluster: string): void {
    if (this._subscriptions.delete(cluster) && !this._standby) {
      this._send({ type: 'unsubscribe', cluster });
    }
  }

  /**
   * Ask for `job-ended` events of the subscribed clusters. The companion
   * sends each event to one connection only among those that asked, so
   * several open tabs notify once.
   */
  enableNotifications(): void {
    if (!this._notifications) {
      this._notifications = true;
      this._send({ type: 'notifications', enabled: true });
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (typeof document !== 'undefined') {
      document.removeEventListener('visibilitychange', this._onVisibility);
    }
    this._poll.dispose();
    this._socket?.close();
    this._socket = null;
    Signal.clearData(this);
  }

  /**
   * The poll's factory: one connection's life. Resolves when a socket that
   * lived long enough closes (the poll reconnects after its interval);
   * rejects when it could not connect or dropped at once (the poll backs
   * off).
   */
  private _session(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let opened = 0;
      let socket: WebSocket;
      try {
        socket = new this._settings.WebSocket(socketUrl(this._settings));
      } catch (error) {
        reject(error);
        return;
      }
      this._socket = socket;
      this._setStatus('connecting');
      socket.onopen = () => {
        opened = Date.now();
        this._setStatus('open');
        if (this._notifications) {
          this._send({ type: 'notifications', enabled: true });
        }
        if (!this._standby) {
          for (const [cluster, all] of this._subscriptions) {
            this._send({ type: 'subscribe', cluster, all });
          }
        }
      };
      socket.onmessage = event => {
        const data = parseJson(event.data);
        const message = parseMessage(data);
        if (message) {
          this._messageReceived.emit(message);
        }
        if (data && typeof data.type === 'string') {
          this._listeners.get(data.type)?.forEach(handler => handler(data));
        }
      };
      socket.onclose = event => {
        if (this._socket === socket) {
          this._socket = null;
        }
        if (this._isDisposed) {
          return;
        }
        this._setStatus('closed');
        if (opened > 0 && Date.now() - opened >= MIN_SESSION_MS) {
          resolve();
        } else {
          reject(new Error(`hpc/api/ws closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`));
        }
      };
    });
  }

  private _send(message: HpcSocket.ClientMessage): void {
    // While disconnected, nothing is lost: the next connection replays the
    // subscriptions and the notification request.
    if (this._socket?.readyState === WebSocket.OPEN) {
      this._socket.send(JSON.stringify(message));
    }
  }

  private _setStatus(status: HpcSocket.Status): void {
    if (status !== this._status) {
      this._status = status;
      this._statusChanged.emit(status);
    }
  }

  private _onVisibility = (): void => {
    const hidden = document.visibilityState === 'hidden';
    if (hidden === this._standby) {
      return;
    }
    this._standby = hidden;
    for (const [cluster, all] of this._subscriptions) {
      this._send(hidden ? { type: 'unsubscribe', cluster } : { type: 'subscribe', cluster, all });
    }
  };

  private _isDisposed = false;
  private _standby = false;
  private _listeners = new Map<string, Set<(message: { [key: string]: unknown }) => void>>();
  private _messageReceived = new Signal<this, HpcSocket.ServerMessage>(this);
  private _notifications = false;
  private _poll: Poll;
  private _settings: ServerConnection.ISettings;
  private _socket: WebSocket | null = null;
  private _status: HpcSocket.Status = 'connecting';
  private _statusChanged = new Signal<this, HpcSocket.Status>(this);
  private _subscriptions = new Map<string, boolean>();
}

/**
 * A namespace for `HpcSocket` statics and the channel's messages.
 */
export namespace HpcSocket {
  export interface IOptions {
    serverSettings?: ServerConnection.ISettings;
    /** Milliseconds before reconnecting after a connection ends; default 1 s. */
    reconnectInterval?: number;
    /** The longest wait between attempts while backing off; default 30 s. */
    maxReconnectInterval?: number;
  }

  /**
   * `connecting` until the first connection opens; `closed` while waiting
   * to reconnect.
   */
  export type Status = 'connecting' | 'open' | 'closed';

  export type ClientMessage = Queue.ClientMessage;

  /**
   * The state of a cluster's shared poll.
   */
  export type IQueueState = Queue.QueueStateMessage;

  /**
   * A cluster's whole queue (of the subscription's users), rows in
   * `fields` order.
   */
  export type ISnapshotMessage = Queue.SnapshotMessage;

  /**
   * What changed since the previous message; no rows and a non-ok status
   * means Slurm failed and the rows still stand.
   */
  export type IDiffMessage = Queue.DiffMessage;

  export type IJobEndedEvent = Queue.JobEndedEvent;

  export type IJobEndedMessage = Queue.JobEndedMessage;

  export type IErrorMessage = Queue.ErrorMessage;

  export type ServerMessage = ISnapshotMessage | IDiffMessage | IJobEndedMessage | IErrorMessage;
}

/**
 * The socket's URL, with the token in the query when the settings say so,
 * as JupyterLab's kernel sockets do (browsers cannot set headers on a
 * WebSocket).
 */
export function socketUrl(settings: ServerConnection.ISettings): string {
  let url = URLExt.join(settings.wsUrl, 'hpc', 'api', 'ws');
  if (settings.appendToken && settings.token !== '') {
    url += `?token=${encodeURIComponent(settings.token)}`;
  }
  return url;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === 'string');
}

function isRows(value: unknown): value is string[][] {
  return Array.isArray(value) && value.every(isStringArray);
}

/**
 * A frame's JSON object, or null for anything else.
 */
function parseJson(data: unknown): { [key: string]: unknown } | null {
  if (typeof data !== 'string') {
    return null;
  }
  // a whole queue comes as a JSON header line and squeue's own records
  if (data.includes('\n')) {
    return decodeRecords(data) ?? unreadableQueue(data);
  }
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { [key: string]: unknown })
      : null;
  } catch {
    return null;
  }
}

/**
 * A queue whose records could not be decoded, as an error of its cluster:
 * its view must say so rather than wait for it (or keep older rows) in
 * silence. Null when not even the header names a cluster.
 */
function unreadableQueue(data: string): { [key: string]: unknown } | null {
  let header: unknown;
  try {
    header = JSON.parse(data.slice(0, data.indexOf('\n')));
  } catch {
    return null;
  }
  const cluster = (header as { cluster?: unknown } | null)?.cluster;
  return typeof cluster === 'string'
    ? { type: 'error', cluster, error: 'The queue sent by the HPC companion could not be read; reload to try again.' }
    : null;
}

/**
 * A message from the companion, or null for anything malformed: checked
 * here once so that the rest of the code can trust the types.
 */
function parseMessage(message: { [key: string]: unknown } | null): HpcSocket.ServerMessage | null {
  if (message === null) {
    return null;
  }
  switch (message.type) {
    case 'snapshot':
      return typeof message.cluster === 'string' && isStringArray(message.fields) && isRows(message.rows)
        ? (message as unknown as HpcSocket.ISnapshotMessage)
        : null;
    case 'diff':
      return typeof message.cluster === 'string' &&
        isRows(message.added) &&
        isRows(message.changed) &&
        isStringArray(message.removed)
        ? (message as unknown as HpcSocket.IDiffMessage)
        : null;
    case 'job-ended':
      return typeof message.cluster === 'string' && Array.isArray(message.events)
        ? (message as unknown as HpcSocket.IJobEndedMessage)
        : null;
    case 'error':
      return typeof message.error === 'string' ? (message as unknown as HpcSocket.IErrorMessage) : null;
    default:
      return null;
  }
}
