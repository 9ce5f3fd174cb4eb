/**
 * One interface for running a command on a cluster, whatever the transport.
 * Commands are always argv arrays: no transport ever builds a shell string
 * from its arguments (the SSH transport quotes each argument in one place).
 */
export interface RunOptions {
  /** Written to the command's stdin, then stdin is closed. */
  stdin?: string;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /**
   * Kill the command as soon as its stderr matches: some Slurm errors make the
   * command retry silently for a minute (e.g. a missing slurm.conf).
   */
  abortOn?: RegExp;
}

export interface CommandResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why the runner stopped the command early, if it did. */
  aborted?: 'timeout' | 'abortOn';
}

/** A slice of a file on the cluster (a job's output, for a live tail). */
export interface FileSlice {
  /** Bytes from `offset`, decoded as UTF-8. */
  data: string;
  offset: number;
  /** Where the next read should start. */
  nextOffset: number;
  /** The file's size when read. */
  size: number;
}

export interface CommandRunner {
  /** A short label for errors and logs, e.g. "local" or "hpcuser@login1:22". */
  readonly label: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Reads at most `maxBytes` of a file from `offset` (local file, or SFTP on the same connection). */
  readFile(path: string, offset: number, maxBytes: number): Promise<FileSlice>;
  /** Release connections; the runner may be reused afterwards. */
  close(): Promise<void>;
}

/** The runner could not run the command at all (not: the command failed). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly transport: string
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Where and as whom an SSH transport logs in (ssh2 and openssh alike). */
export interface SshTarget {
  host: string;
  port?: number;
  user?: string;
  /** Private key file; without one the SSH agent (ssh2) or the ssh configuration (openssh) decides. */
  identityFile?: string;
  /** Host keys are always verified; ssh2 defaults to ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Environment for every remote command, passed through env(1), quoted. */
  env?: Record<string, string>;
}
