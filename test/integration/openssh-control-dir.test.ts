import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlDirChooser } from '../../server/src/runners/control-dir';
import { createOpensshRunner } from '../../server/src/runners/openssh';
import { sshFixture } from '../helpers/slurm';

// The control sockets carry every command to the cluster: whoever owns their directory can stand
// in for the login node. A second real Unix user (hpcuser, uid 1001) plays the one who came first.
describe('openssh control directory', () => {
  const fixture = sshFixture();
  /** A parent only we can write, so each case's exact path is ours to prepare. */
  const parent = mkdtempSync(join(tmpdir(), 'hpc-cd-'));
  chmodSync(parent, 0o755); // hpcuser may create inside the one made for it below
  let n = 0;
  const next = () => join(parent, `case-${++n}`);

  async function refusal(controlDir: string): Promise<string> {
    const runner = createOpensshRunner({ ...fixture, controlDir });
    try {
      await runner.run(['true']);
    } catch (e) {
      return (e as Error).message;
    } finally {
      await runner.close();
    }
    throw new Error(`${controlDir} was accepted`);
  }

  it('refuses a directory another user made first at our path, even with mode 0700, and never uses it', async () => {
    const shared = join(parent, 'shared');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(shared, 0o1777); // a /tmp of its own
    const path = join(shared, 'jupyterlab-hpc-ssh');
    execFileSync('runuser', ['-u', 'hpcuser', '--', 'mkdir', '-m', '0700', path]);
    expect(lstatSync(path).uid).toBe(1001);
    expect(await refusal(path)).toBe(
      `refusing the ssh control directory ${path}: it is owned by uid 1001, not you (uid 0). ` +
        'Its sockets carry every command to the cluster; remove it (or fix it) and retry'
    );
    expect(readdirSync(path)).toHaveLength(0); // no socket was ever made or used there
  });

  it('refuses a directory of ours that others can enter (mode 0755)', async () => {
    const path = next();
    mkdirSync(path);
    chmodSync(path, 0o755);
    expect(await refusal(path)).toMatch(new RegExp(`${path}: it has mode 0755, not 0700`));
  });

  it('refuses a symbolic link in its place, even to a private directory of ours', async () => {
    const target = mkdtempSync(join(tmpdir(), 'hpc-cd-target-'));
    const path = next();
    symlinkSync(target, path);
    expect(await refusal(path)).toMatch(new RegExp(`${path}: it is a symbolic link, not a directory`));
    expect(readdirSync(target)).toHaveLength(0);
  });

  it('refuses a plain file in its place', async () => {
    const path = next();
    writeFileSync(path, '');
    expect(await refusal(path)).toMatch(new RegExp(`${path}: it is not a directory`));
  });

  it('makes the real one 0700 and ours (not recursively), and checks it again before each use', async () => {
    const path = next();
    const runner = createOpensshRunner({ ...fixture, controlDir: path });
    try {
      const old = process.umask(0o022);
      try {
        await expect(runner.run(['id', '-un'])).resolves.toMatchObject({ code: 0, stdout: 'hpcuser\n' });
      } finally {
        process.umask(old);
      }
      const st = lstatSync(path);
      expect(st.isDirectory()).toBe(true);
      expect(st.uid).toBe(process.getuid?.());
      expect(st.mode & 0o7777).toBe(0o700);
      expect(readdirSync(path)).toHaveLength(1); // the master's socket
      chmodSync(path, 0o750);
      await expect(runner.run(['true'])).rejects.toThrow(`${path}: it has mode 0750, not 0700`);
      await expect(runner.readFile('/etc/hostname', 0, 10)).rejects.toThrow('has mode 0750, not 0700');
      chmodSync(path, 0o700);
      await expect(runner.run(['true'])).resolves.toMatchObject({ code: 0 });
    } finally {
      await runner.close();
    }
    await expect(refusal(join(next(), 'deeper'))).resolves.toMatch(/cannot create the ssh control directory .*ENOENT/);
  });

  describe('the default place', () => {
    const saved = process.env.XDG_RUNTIME_DIR;
    afterEach(() => {
      if (saved === undefined) {
        delete process.env.XDG_RUNTIME_DIR;
      } else {
        process.env.XDG_RUNTIME_DIR = saved;
      }
    });

    it('is under $XDG_RUNTIME_DIR when that is ours and private', async () => {
      const xdg = mkdtempSync(join(tmpdir(), 'hpc-xdg-'));
      process.env.XDG_RUNTIME_DIR = xdg;
      await expect(controlDirChooser('/unused')()).resolves.toBe(join(xdg, 'jupyterlab-hpc-ssh'));
      chmodSync(xdg, 0o755);
      await expect(controlDirChooser('/run/companion')()).resolves.toBe('/run/companion/hpc-ssh');
    });

    it('is a fresh private directory (a name no one can take first) when the runtime dir is too deep', async () => {
      delete process.env.XDG_RUNTIME_DIR;
      const chosen = await controlDirChooser(`/home/${'x'.repeat(80)}/.local/share/jupyter/runtime`)();
      expect(chosen).toMatch(new RegExp(`^${tmpdir()}/jupyterlab-hpc-ssh-\\w{6}$`));
      expect(lstatSync(chosen).uid).toBe(process.getuid?.());
      expect(lstatSync(chosen).mode & 0o7777).toBe(0o700);
      // and a runner on it works: the socket path fits
      const runner = createOpensshRunner({ ...fixture, runtimeDir: '/nonexistent/' + 'x'.repeat(80) });
      try {
        await expect(runner.run(['true'])).resolves.toMatchObject({ code: 0 });
      } finally {
        await runner.close();
      }
    });
  });
});
