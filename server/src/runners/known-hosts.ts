import { createHmac } from 'node:crypto';

/** One host key accepted for a host, from an OpenSSH known_hosts file. */
export interface KnownKey {
  type: string;
  key: Buffer;
}

/** OpenSSH writes non-default ports as "[host]:port". */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    // hashed entry: |1|base64(salt)|base64(HMAC-SHA1(salt, name))
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) {
      return false;
    }
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  // glob patterns (* and ?) as OpenSSH allows them
  const re = new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
    'i'
  );
  return re.test(name);
}

/**
 * The keys a known_hosts text accepts for `name`. Lines marked @revoked
 * make `revoked` true for that key; @cert-authority lines are skipped (no
 * certificate support).
 */
export function keysForHost(text: string, name: string): { accepted: KnownKey[]; revoked: KnownKey[] } {
  const accepted: KnownKey[] = [];
  const revoked: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const parts = line.split(/\s+/);
    let marker = '';
    if (parts[0].startsWith('@')) {
      marker = parts.shift() as string;
    }
    const [hosts, type, blob] = parts;
    if (!hosts || !type || !blob || marker === '@cert-authority') {
      continue;
    }
    const patterns = hosts.split(',');
    const negated = patterns.some(p => p.startsWith('!') && matchesPattern(p.slice(1), name));
    if (negated || !patterns.some(p => !p.startsWith('!') && matchesPattern(p, name))) {
      continue;
    }
    const entry = { type, key: Buffer.from(blob, 'base64') };
    (marker === '@revoked' ? revoked : accepted).push(entry);
  }
  return { accepted, revoked };
}

/**
 * What known_hosts says of the key a host offered. As in OpenSSH, @revoked
 * wins: a key that is both listed and revoked is refused.
 */
export function judgeHostKey(
  known: { accepted: KnownKey[]; revoked: KnownKey[] },
  key: Buffer
): 'ok' | 'revoked' | 'mismatch' {
  if (known.revoked.some(k => k.key.equals(key))) {
    return 'revoked';
  }
  return known.accepted.some(k => k.key.equals(key)) ? 'ok' : 'mismatch';
}
