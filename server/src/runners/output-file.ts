/**
 * Reading a job's output file safely, whatever the transport: a job (maybe
 * another user's) names the path, so it may be a named pipe that blocks an
 * open forever, a device, or a directory. Only regular files are read, and
 * every read gives up after READ_TIMEOUT_MS.
 */

/** The longest any transport waits for one slice of a file. */
export const READ_TIMEOUT_MS = 5_000;

const S_IFMT = 0o170000;
const KINDS: Record<number, string> = {
  0o010000: 'a named pipe',
  0o020000: 'a character device',
  0o040000: 'a directory',
  0o060000: 'a block device',
  0o120000: 'a symbolic link',
  0o140000: 'a socket'
};

/** What a stat mode's file type is, in words; undefined for a regular file. */
export function irregularKind(mode: number): string | undefined {
  const type = mode & S_IFMT;
  return type === 0o100000 ? undefined : (KINDS[type] ?? 'not a regular file');
}

/** The path is there but is no regular file: the caller's mistake (a 4xx), not the transport's. */
export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string
  ) {
    super(`${path} is ${kind}, not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

/**
 * Settles with `work`, or rejects with `onTimeout()` once `ms` pass. A result
 * that arrives after the deadline goes to `late` (e.g. to close a file handle).
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => Error,
  late: (value: T) => void = () => undefined
): Promise<T> {
  return new Promise((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(onTimeout());
    }, ms);
    work.then(
      value => {
        clearTimeout(timer);
        if (expired) {
          late(value);
        } else {
          resolve(value);
        }
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!expired) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    );
  });
}
