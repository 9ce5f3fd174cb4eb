import { createHmac } from 'node:crypto';
import { judgeHostKey, keysForHost, knownHostsName } from '../../server/src/runners/known-hosts';

const KEY_A = Buffer.from('key-a').toString('base64');
const KEY_B = Buffer.from('key-b').toString('base64');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names non-default ports the OpenSSH way', () => {
    expect(knownHostsName('login1', 22)).toBe('login1');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('matches plain, listed, glob and hashed entries', () => {
    const text = [
      '# comment',
      `login1,login1.example.org ssh-ed25519 ${KEY_A}`,
      `*.cluster.example.org ssh-rsa ${KEY_B}`,
      `${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${KEY_B}`
    ].join('\n');
    expect(keysForHost(text, 'login1.example.org').accepted.map(k => k.type)).toEqual(['ssh-ed25519']);
    expect(keysForHost(text, 'node7.cluster.example.org').accepted[0].key.toString()).toBe('key-b');
    expect(keysForHost(text, '[127.0.0.1]:2222').accepted).toHaveLength(1);
    expect(keysForHost(text, 'login2').accepted).toHaveLength(0);
  });

  it('honours negation and @revoked, skips @cert-authority', () => {
    const text = [
      `*.example.org,!bad.example.org ssh-ed25519 ${KEY_A}`,
      `@revoked * ssh-ed25519 ${KEY_B}`,
      `@cert-authority *.example.org ssh-ed25519 ${KEY_B}`
    ].join('\n');
    expect(keysForHost(text, 'bad.example.org').accepted).toHaveLength(0);
    const good = keysForHost(text, 'good.example.org');
    expect(good.accepted).toHaveLength(1);
    expect(good.revoked).toHaveLength(1);
  });

  it('refuses a key that is listed and also @revoked: @revoked wins, whatever the order', () => {
    const key = Buffer.from('key-a');
    for (const lines of [
      [`login1 ssh-ed25519 ${KEY_A}`, `@revoked login1 ssh-ed25519 ${KEY_A}`],
      [`@revoked * ssh-ed25519 ${KEY_A}`, `${hashed('login1')} ssh-ed25519 ${KEY_A}`]
    ]) {
      const known = keysForHost(lines.join('\n'), 'login1');
      expect(known.accepted).toHaveLength(1);
      expect(judgeHostKey(known, key)).toBe('revoked');
    }
    const other = keysForHost(`login1 ssh-ed25519 ${KEY_A}\n@revoked login1 ssh-ed25519 ${KEY_B}`, 'login1');
    expect(judgeHostKey(other, key)).toBe('ok');
    expect(judgeHostKey(other, Buffer.from('key-b'))).toBe('revoked');
    expect(judgeHostKey(other, Buffer.from('key-c'))).toBe('mismatch');
  });
});
