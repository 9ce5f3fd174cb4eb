/**
 * sbatch with resources as argv options and the script on stdin: nothing a
 * user typed is ever part of a command line the shell reads.
 */
export interface SubmitRequest {
  /** The whole batch script (starts with #!). */
  script: string;
  /** sbatch options, each one argv element (e.g. "--partition=debug"). */
  options: string[];
}

export function sbatchArgv(options: readonly string[], sbatch = 'sbatch'): string[] {
  for (const o of options) {
    // options only: a bare word would be taken as the script file name
    if (!/^--[a-z][a-z-]*(=[\s\S]*)?$/.test(o)) {
      throw new Error(`not an sbatch option: ${JSON.stringify(o)}`);
    }
    if (o.startsWith('--wrap')) {
      throw new Error('--wrap is not allowed: the script goes on stdin');
    }
  }
  return [sbatch, '--parsable', ...options];
}

/** `--parsable` prints "jobid" or "jobid;cluster". */
export function parseSbatchParsable(output: string): string {
  const line = output.trim().split('\n').pop() ?? '';
  const m = /^(\d+)(;\S+)?$/.exec(line);
  if (!m) {
    throw new Error(`unexpected sbatch output: ${JSON.stringify(output.slice(0, 200))}`);
  }
  return m[1];
}
