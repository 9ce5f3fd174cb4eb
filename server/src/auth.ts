import { timingSafeEqual } from 'node:crypto';

/** True when an Authorization header carries exactly `token <token>`. */
export function hasToken(header: string | undefined, token: string): boolean {
  if (!header) {
    return false;
  }
  const expected = Buffer.from(`token ${token}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
