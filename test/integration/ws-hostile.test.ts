import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CompanionProcess, spawnCompanion } from '../helpers/companion-process';
import { localCluster } from '../helpers/companion';

/** Opens the live channel of a companion process with its token. */
function open(c: CompanionProcess, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${c.url.replace('http', 'ws')}/api/ws`, {
      headers: { authorization: `token ${token}` }
    });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends one frame and resolves with how the companion closed the connection. */
function closedAfter(socket: WebSocket, frame: string | Buffer): Promise<{ code: number; reason: string }> {
  return new Promise(resolve => {
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
    socket.send(frame);
  });
}

describe('the live channel treats every frame as untrusted data', () => {
  let dir: string;
  let c: CompanionProcess;
  let token: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpc-ws-hostile-'));
    c = await spawnCompanion({ runtimeDir: dir, dataDir: join(dir, 'data'), clusters: [localCluster()] });
    token = c.token;
  });
  afterAll(() => {
    c.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a wrong type', '{"type":1}'],
    ['an unknown type', '{"type":"exec","cmd":"id"}'],
    ['a subscribe without a cluster', '{"type":"subscribe"}'],
    ['an extra member', '{"type":"unsubscribe","cluster":"local","x":1}'],
    ['a binary frame', Buffer.from([0, 1, 2, 255])]
  ])('%s closes that connection with a reason; the companion keeps serving', async (_what, frame) => {
    const socket = await open(c, token);
    const closed = await closedAfter(socket, frame);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/invalid message|binary frames/);
    const health = await c.request('/api/health');
    expect(await health.json()).toMatchObject({ ok: true, pid: c.child.pid });
  });

  it('1 MB of garbage is refused by its size (1009: too big), and the companion keeps serving', async () => {
    const socket = await open(c, token);
    const closed = await closedAfter(socket, 'x'.repeat(1_000_000));
    expect(closed.code).toBe(1009);
    expect((await c.request('/api/clusters')).status).toBe(200);
    expect(c.child.exitCode).toBeNull();
  });

  it('100 subscribes in a second do not send 100 snapshots', async () => {
    const socket = await open(c, token);
    const snapshots: number[] = [];
    socket.on('message', data => {
      const text = String(data);
      if (text.startsWith('{"type":"snapshot"')) {
        snapshots.push(Date.now());
      }
    });
    for (let i = 0; i < 100; i++) {
      socket.send(JSON.stringify({ type: 'subscribe', cluster: 'local', all: i % 2 === 0 }));
      await new Promise(r => setTimeout(r, 10));
    }
    // the last subscribe is still answered: the view ends up with the queue it asked for
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && snapshots.length < 2) {
      await new Promise(r => setTimeout(r, 100));
    }
    await new Promise(r => setTimeout(r, 2_000));
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(snapshots.length).toBeLessThanOrEqual(4);
    socket.close();
  });
});
