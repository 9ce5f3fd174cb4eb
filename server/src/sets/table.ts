import { createSetStore } from './store';
import { SetRecord, StoredSet } from './types';

/**
 * The sets in memory, mirrored to the data dir, announced to listeners, with
 * one operation at a time per set: a refresh and a user's scale never
 * overwrite each other.
 */
export interface SetTable {
  get(id: string): StoredSet | undefined;
  /** The set, or a 404 SetError. */
  must(id: string): StoredSet;
  all(): StoredSet[];
  /** Stores (when more than the clock moved) and announces a new version of a set. */
  commit(next: StoredSet): void;
  /** Writes a set's file without announcing it (before anything is launched). */
  saveOnly(set: StoredSet): void;
  remove(id: string): void;
  onChange(listener: (record: SetRecord) => void): () => void;
  /** Runs `fn` after every earlier operation on the same set. */
  lock<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /** Resolves when no operation is under way. */
  idle(): Promise<void>;
}

export class SetError extends Error {
  constructor(
    message: string,
    readonly statusCode: number
  ) {
    super(message);
    this.name = 'SetError';
  }
}

export function createSetTable(dataDir: string): SetTable {
  const store = createSetStore(dataDir);
  const sets = new Map<string, StoredSet>(store.load().map(s => [s.record.id, s] as const));
  const listeners = new Set<(record: SetRecord) => void>();
  const locks = new Map<string, Promise<unknown>>();

  // the clock (time left, updatedAt) moves every poll: not worth a write
  const durableKey = (s: StoredSet) => JSON.stringify({ ...s, record: { ...s.record, timeLeft: 0, updatedAt: '' } });
  const visibleKey = (s: StoredSet) => JSON.stringify({ ...s.record, updatedAt: '' });

  return {
    get: id => sets.get(id),
    must(id) {
      const s = sets.get(id);
      if (!s) {
        throw new SetError(`no set with id ${JSON.stringify(id)}`, 404);
      }
      return s;
    },
    all: () => [...sets.values()],
    commit(next) {
      const previous = sets.get(next.record.id);
      const durable = !previous || durableKey(previous) !== durableKey(next);
      if (!durable && previous && visibleKey(previous) === visibleKey(next)) {
        return;
      }
      next.record.updatedAt = new Date().toISOString();
      sets.set(next.record.id, next);
      if (durable) {
        store.save(next);
      }
      for (const listener of listeners) {
        try {
          listener(structuredClone(next.record));
        } catch (e) {
          console.error('jupyterlab-hpc: a set listener failed', e);
        }
      }
    },
    saveOnly: set => store.save(set),
    remove(id) {
      sets.delete(id);
      store.remove(id);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lock(id, fn) {
      const run = (locks.get(id) ?? Promise.resolve()).then(fn, fn);
      const tail = run.catch(() => undefined);
      locks.set(id, tail);
      void tail.then(() => {
        if (locks.get(id) === tail) {
          locks.delete(id);
        }
      });
      return run;
    },
    async idle() {
      await Promise.all([...locks.values()]);
    }
  };
}
