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
      throw new InvalidJobIdError(`invalid job id: ${JSON.stringify(id)}`);
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
