import WebSocket from 'ws';
import { Companion } from './companion';
import { since } from './stats';

/**
 * One open "view" of a queue, as the sidebar holds it: a WebSocket subscribed to a cluster
 * (all users' jobs, or the user's own), receiving the shared snapshot once and diffs after.
 */
export class View {
  diffs = 0;
  private onSnapshot?: (bytes: number) => void;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      // the type is at the start of the JSON: no need to parse 100k rows to know it
      const head = data.subarray(0, 40).toString();
      if (head.startsWith('{"type":"snapshot"')) {
        this.onSnapshot?.(data.length);
      } else if (head.startsWith('{"type":"diff"')) {
        this.diffs += 1;
      }
    });
  }

  static open(companion: Companion): Promise<View> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${companion.url.replace(/^http/, 'ws')}/api/ws`, {
        headers: { authorization: `token ${companion.token}` },
        maxPayload: 1024 * 1024 * 1024
      });
      socket.once('open', () => resolve(new View(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * Subscribes (to all users' jobs, or with `all` false to the "my jobs" view); resolves when the
   * whole snapshot arrived, with the time from the request.
   */
  subscribe(cluster: string, all = true, timeoutMs = 180_000): Promise<{ ms: number; bytes: number }> {
    return new Promise((resolve, reject) => {
      const start = performance.now();
      // a stuck companion must fail the bench (cleanup on exit), not hang it
      const timer = setTimeout(() => {
        this.onSnapshot = undefined;
        reject(new Error(`no snapshot of ${cluster} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.onSnapshot = bytes => {
        this.onSnapshot = undefined;
        clearTimeout(timer);
        resolve({ ms: since(start), bytes });
      };
      this.socket.send(JSON.stringify({ type: 'subscribe', cluster, all }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
