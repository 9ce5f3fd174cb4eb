import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSshRunner } from '../../server/src/runners/ssh';
import { sshFixture } from '../helpers/slurm';

describe('ssh2 runner against the loopback sshd', () => {
  const fixture = sshFixture();
  const runner = createSshRunner(fixture);
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
    const env = createSshRunner({ ...fixture, env: { HPC_X: `$(touch ${marker}); '` } });
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
  });
});
