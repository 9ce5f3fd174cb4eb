import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '../../jupyterlab_hpc/companion/main.js');

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));
}

describe('the bundled companion process', () => {
  it('writes a 0600 connection file, needs its token, and stops when its parent is gone', async () => {
    expect(existsSync(MAIN)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'hpc-companion-'));
    // a stand-in parent that the test can kill
    const parent = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 600000)']);
    const companion = spawn(process.execPath, [MAIN, '--runtime-dir', dir, '--parent-pid', String(parent.pid)], {
      stdio: 'ignore'
    });
    try {
      const file = join(dir, `jupyterlab-hpc-${hostname()}.json`);
      const info = await waitFor('the connection file', () =>
        existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
      );
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(info).toMatchObject({ pid: companion.pid, hostname: hostname(), url: `http://127.0.0.1:${info.port}` });
      expect(info.token).toMatch(/^[0-9a-f]{64}$/);

      expect((await fetch(`${info.url}/api/health`)).status).toBe(401);
      const ok = await fetch(`${info.url}/api/health`, { headers: { authorization: `token ${info.token}` } });
      expect(await ok.json()).toMatchObject({ ok: true, pid: companion.pid });

      parent.kill('SIGKILL');
      expect(await exited(companion)).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      companion.kill('SIGKILL');
    }
  }, 30_000);
});
