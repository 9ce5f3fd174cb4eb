import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface ConnectionInfo {
  version: 1;
  hostname: string;
  pid: number;
  port: number;
  url: string;
  token: string;
  started: string;
}

/** One companion per user per host: the host name is part of the file name. */
export function connectionFilePath(runtimeDir: string, host = hostname()): string {
  return join(runtimeDir, `jupyterlab-hpc-${host}.json`);
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Writes the file mode 0600 and renames it into place, so readers never see half of it. */
export function writeConnectionFile(path: string, info: ConnectionInfo): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600, flag: 'w' });
  renameSync(tmp, path);
}

/** Removes the file only if it still names this process (a successor may own it). */
export function removeConnectionFile(path: string, pid = process.pid): void {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConnectionInfo>;
    if (info.pid === pid) {
      unlinkSync(path);
    }
  } catch {
    // already gone or unreadable: nothing of ours to remove
  }
}
