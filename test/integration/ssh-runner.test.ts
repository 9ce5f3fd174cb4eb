import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpensshRunner } from '../../server/src/runners/openssh';
import { createSshRunner } from '../../server/src/runners/ssh';
import { CommandRunner } from '../../server/src/runners/types';
import { fixtureEnv, sshFixture } from '../helpers/slurm';

type Factory = (o: ReturnType<typeof sshFixture> & { env?: Record<string, string> }) => CommandRunner;

describe.each([
  ['ssh2', createSshRunner as Factory],
  ['openssh', createOpensshRunner as Factory]
])('%s runner against the loopback sshd', (_name, create) => {
  const fixture = sshFixture();
  const runner = create(fixture);
  afterAll(() => runner.close());

  it('runs Slurm commands as the remote user over one warm connection', async () => {
    const who = await runner.run(['id', '-un']);
    expect(who).toMatchObject({ code: 0, stdout: `${fixture.user}\n` });
    const q = await runner.run(['squeue', '--noheader', '--format', '%i']);
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('passes hostile arguments through as data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ssh-'));
    const marker = join(dir, 'pwned');
    const hostile = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `'"; touch ${marker}`,
      `a\nb && touch ${marker}`,
      '*'
    ];
    const r = await runner.run(['printf', '%s\\0', ...hostile]);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    const env = create({ ...fixture, env: { HPC_X: `$(touch ${marker}); '` } });
    const e = await env.run(['printenv', 'HPC_X']);
    await env.close();
    expect(e.stdout).toBe(`$(touch ${marker}); '\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it('queues beyond sshd MaxSessions instead of failing', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => runner.run(['echo', String(i)])));
    expect(results.map(r => r.stdout.trim())).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
  });

  it('feeds stdin and reports exit codes', async () => {
    const r = await runner.run(['sh', '-c', 'cat; exit 3'], { stdin: 'script on stdin' });
    expect(r).toMatchObject({ code: 3, stdout: 'script on stdin' });
  });

  it('reads a slice of a remote file', async () => {
    await runner.run(['sh', '-c', 'printf "0123456789" > /tmp/hpc-slice-$USER']);
    const slice = await runner.readFile(`/tmp/hpc-slice-${fixture.user}`, 3, 4);
    expect(slice).toEqual({ data: '3456', offset: 3, nextOffset: 7, size: 10 });
  });
});

describe('openssh master connection', () => {
  it('close() ends the ControlMaster process', async () => {
    const controlDir = mkdtempSync(join(tmpdir(), 'hpc-cm-'));
    const r = createOpensshRunner({ ...sshFixture(), controlDir });
    await r.run(['true']);
    expect(readdirSync(controlDir)).toHaveLength(1); // the master's socket
    await r.close();
    expect(readdirSync(controlDir)).toHaveLength(0);
  });
});

describe('host key verification', () => {
  const fixture = sshFixture();

  it('refuses a host that is not in known_hosts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-kh-'));
    const empty = join(dir, 'known_hosts');
    writeFileSync(empty, '');
    const r = createSshRunner({ ...fixture, knownHostsFile: empty });
    await expect(r.run(['true'])).rejects.toThrow(/is not in .*known_hosts: refusing to connect to an unknown host/);
  });

  it('refuses a host whose key changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-kh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    const other = readFileSync(join(dir, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    const changed = join(dir, 'known_hosts');
    writeFileSync(changed, `[${fixture.host}]:${fixture.port} ${other}\n`);
    const r = createSshRunner({ ...fixture, knownHostsFile: changed });
    await expect(r.run(['true'])).rejects.toThrow(/HOST KEY MISMATCH for \[127\.0\.0\.1\]:2222/);
    await r.close();
    const o = createOpensshRunner({
      ...fixture,
      knownHostsFile: changed,
      controlDir: mkdtempSync(join(tmpdir(), 'hpc-cm-'))
    });
    await expect(o.run(['true'])).rejects.toThrow(/Host key verification failed/);
  });

  // The fixture's own key, listed (so a plain lookup accepts it) and also marked @revoked.
  function revokedKnownHosts(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-kh-'));
    const key = readFileSync(fixtureEnv('HPC_SSH_HOST_KEY_PUB'), 'utf8').split(' ').slice(0, 2).join(' ');
    const name = `[${fixture.host}]:${fixture.port}`;
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `${name} ${key}\n@revoked ${name} ${key}\n`);
    return file;
  }

  it('ssh2 refuses a host key that known_hosts lists and also marks @revoked', async () => {
    const knownHostsFile = revokedKnownHosts();
    const r = createSshRunner({ ...fixture, knownHostsFile });
    await expect(r.run(['true'])).rejects.toThrow(
      `HOST KEY REVOKED for [127.0.0.1]:2222: the key it offered is marked @revoked in ${knownHostsFile}`
    );
    await r.close();
  });

  it('openssh refuses it too, even when the cluster asks for StrictHostKeyChecking=no', async () => {
    for (const sshOptions of [[], ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null']]) {
      const o = createOpensshRunner({
        ...fixture,
        knownHostsFile: revokedKnownHosts(),
        sshOptions,
        controlDir: join(mkdtempSync(join(tmpdir(), 'hpc-cm-')), 'cm')
      });
      await expect(o.run(['true'])).rejects.toThrow(
        'hpcuser@127.0.0.1:2222 (openssh): The ED25519 host key for [127.0.0.1]:2222 is marked as revoked.'
      );
      await o.close();
    }
  });
});
