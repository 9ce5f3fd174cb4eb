import { isFinalState } from '../../../protocol/jobs';

/**
 * Job ids as Slurm prints and accepts them: 123, array tasks 123_4 and
 * collapsed ranges 123_[5-9,11], het job components 123+0. Anything else is
 * refused before it reaches a command line (so an "id" can never be an option).
 */
const JOB_ID = /^\d+(_(\d+|\[[\d,\-%]+\]))?(\+\d+)?$/;

export function isJobId(id: string): boolean {
  return JOB_ID.test(id);
}

/** The heterogeneous job a component id belongs to ("123+1" → "123"); other ids unchanged. */
export function hetJobOf(id: string): string {
  return id.replace(/\+\d+$/, '');
}

export function assertJobIds(ids: readonly string[]): void {
  if (ids.length === 0) {
    throw new InvalidJobIdError('no job id given');
  }
  for (const id of ids) {
    if (!isJobId(id)) {
      throw new InvalidJobIdError(`'${id}' is not a Slurm job id (such as 123, 123_4 or 123+0)`);
    }
  }
}

export class InvalidJobIdError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobIdError';
  }
}

/** `squeue --format=%i|%T` lines → id → state. */
export function parseJobStates(output: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (id && state) {
      states.set(id, state);
    }
  }
  return states;
}

/**
 * Why an action on these ids cannot be done, in words ("job 99 is not in the queue of local",
 * "job 12 has already ended (COMPLETED)"), or undefined when each is in the queue and not
 * ended. An array's id stands for its tasks, a het job's for its components.
 */
export function notActionable(
  ids: readonly string[],
  states: Map<string, string>,
  cluster: string
): string | undefined {
  const problems: string[] = [];
  for (const id of ids) {
    // a collapsed range (123_[0-3]) stands for the array's tasks, as its base id does
    const base = id.replace(/_\[.*\]$/, '');
    const own = [...states].filter(
      ([known]) => known === id || known.startsWith(`${base}_`) || known.startsWith(`${base}+`)
    );
    if (own.length === 0) {
      problems.push(`job ${id} is not in the queue of ${cluster}`);
    } else if (own.every(([, state]) => isFinalState(state.split(' ')[0]))) {
      problems.push(`job ${id} has already ended (${own[0][1]})`);
    }
  }
  return problems.length ? problems.join('; ') : undefined;
}
