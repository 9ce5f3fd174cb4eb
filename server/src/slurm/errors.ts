import { CommandResult } from '../runners/types';

/** A Slurm command failed; `message` is Slurm's own text, fit to show a user. */
export class SlurmError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly code: number | null = null
  ) {
    super(message);
    this.name = 'SlurmError';
  }
}

/**
 * Slurm clients print some failures on stderr yet exit 0 (e.g. a squeue whose
 * RPC timed out): those lines make the result an error whatever the exit code.
 */
const FAILURE_LINES = [
  /Socket timed out/i,
  /slurm_load_\w+ error/i,
  /Unable to contact slurm controller/i,
  /^\S+: fatal:/m
];

/** Slurm retries a missing or unreadable slurm.conf for 60 s: stop at once. */
export const ABORT_ON_RETRY = /retrying in \d+ ?sec/i;

/** Throws a SlurmError unless the command succeeded; returns stdout. */
export function checkResult(command: string, result: CommandResult): string {
  const stderr = result.stderr.trim();
  const failedByText = FAILURE_LINES.some(re => re.test(stderr));
  if (result.code === 0 && !failedByText && !result.aborted) {
    return result.stdout;
  }
  let message = stderr;
  if (!message) {
    message =
      result.aborted === 'timeout'
        ? `${command} did not answer in time`
        : `${command} exited with code ${result.code ?? result.signal}`;
  }
  throw new SlurmError(firstLines(message, 20), command, result.code);
}

function firstLines(text: string, n: number): string {
  const lines = text.split('\n');
  return lines.length <= n ? text : [...lines.slice(0, n), '…'].join('\n');
}
