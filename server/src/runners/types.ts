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

export interface CommandRunner {
  /** A short label for errors and logs, e.g. "local" or "hpcuser@login1:22". */
  readonly label: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
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
