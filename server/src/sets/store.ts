import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync
} from 'node:fs';
import { join } from 'node:path';
import { StoredSet } from './types';

/**
 * Every set as one JSON file in the user's data dir, written atomically (a
 * temporary file, fsync, rename; mode 0600): a companion killed at any moment
 * leaves either the old record or the new one, never half of one.
 */
export interface SetStore {
  readonly dir: string;
  load(): StoredSet[];
  save(set: StoredSet): void;
  remove(id: string): void;
}

const ID = /^[a-z0-9]{4,32}$/;

export function createSetStore(dataDir: string): SetStore {
  const dir = join(dataDir, 'sets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (id: string): string => {
    if (!ID.test(id)) {
      throw new Error(`invalid set id: ${JSON.stringify(id)}`);
    }
    return join(dir, `${id}.json`);
  };

  return {
    dir,
    load() {
      const sets: StoredSet[] = [];
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.json')) {
          continue;
        }
        try {
          const set = JSON.parse(readFileSync(join(dir, name), 'utf8')) as StoredSet;
          if (set.version !== 1 || !set.record || !ID.test(set.record.id) || !Array.isArray(set.jobs)) {
            throw new Error('not a set record');
          }
          sets.push(set);
        } catch (e) {
          // one unreadable record must not hide the others
          console.error(`jupyterlab-hpc: ignoring ${join(dir, name)}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return sets.sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt));
    },
    save(set) {
      const target = file(set.record.id);
      const tmp = `${target}.${process.pid}.tmp`;
      rmSync(tmp, { force: true }); // a leftover of a crash keeps its mode otherwise
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(set, null, 1));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
    },
    remove(id) {
      rmSync(file(id), { force: true });
    }
  };
}
