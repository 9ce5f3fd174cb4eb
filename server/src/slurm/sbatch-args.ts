/**
 * sbatch command-line arguments as a user typed them (the `%%sbatch` magic, "Submit a
 * file..."), checked against sbatch's own option table before they become argv. Every token
 * must be an option or the value of one: a bare word would be read by sbatch as the script's
 * file name (the script goes on stdin), and `--wrap` would replace the script.
 */
type Arg = 'none' | 'required' | 'optional';

interface OptionSpec {
  arg: Arg;
  short?: string;
  /** Why the option is refused here, if it is. */
  refused?: string;
}

const SCRIPT_ON_STDIN = 'the script is sent on its own';

/** Slurm 22.05's sbatch options (sbatch --help and man sbatch), plus tres-per-task (23.02). */
const OPTIONS: Record<string, OptionSpec> = {
  account: { arg: 'required', short: 'A' },
  'acctg-freq': { arg: 'required' },
  array: { arg: 'required', short: 'a' },
  batch: { arg: 'required' },
  bb: { arg: 'required' },
  bbf: { arg: 'required' },
  begin: { arg: 'required', short: 'b' },
  chdir: { arg: 'required', short: 'D' },
  'cluster-constraint': { arg: 'required' },
  clusters: { arg: 'required', short: 'M' },
  comment: { arg: 'required' },
  constraint: { arg: 'required', short: 'C' },
  container: { arg: 'required' },
  contiguous: { arg: 'none' },
  'core-spec': { arg: 'required', short: 'S' },
  'cores-per-socket': { arg: 'required' },
  'cpu-freq': { arg: 'required' },
  'cpus-per-gpu': { arg: 'required' },
  'cpus-per-task': { arg: 'required', short: 'c' },
  deadline: { arg: 'required' },
  'delay-boot': { arg: 'required' },
  dependency: { arg: 'required', short: 'd' },
  distribution: { arg: 'required', short: 'm' },
  error: { arg: 'required', short: 'e' },
  exclude: { arg: 'required', short: 'x' },
  exclusive: { arg: 'optional' },
  export: { arg: 'required' },
  'export-file': { arg: 'required' },
  'extra-node-info': { arg: 'required', short: 'B' },
  'get-user-env': { arg: 'optional' },
  gid: { arg: 'required' },
  'gpu-bind': { arg: 'required' },
  'gpu-freq': { arg: 'required' },
  gpus: { arg: 'required', short: 'G' },
  'gpus-per-node': { arg: 'required' },
  'gpus-per-socket': { arg: 'required' },
  'gpus-per-task': { arg: 'required' },
  gres: { arg: 'required' },
  'gres-flags': { arg: 'required' },
  help: { arg: 'none', short: 'h', refused: 'it prints help instead of submitting' },
  hint: { arg: 'required' },
  hold: { arg: 'none', short: 'H' },
  'ignore-pbs': { arg: 'none' },
  input: { arg: 'required', short: 'i' },
  'job-name': { arg: 'required', short: 'J' },
  'kill-on-invalid-dep': { arg: 'required' },
  licenses: { arg: 'required', short: 'L' },
  'mail-type': { arg: 'required' },
  'mail-user': { arg: 'required' },
  'mcs-label': { arg: 'required' },
  mem: { arg: 'required' },
  'mem-bind': { arg: 'required' },
  'mem-per-cpu': { arg: 'required' },
  'mem-per-gpu': { arg: 'required' },
  mincpus: { arg: 'required' },
  network: { arg: 'required' },
  nice: { arg: 'optional' },
  'no-kill': { arg: 'optional', short: 'k' },
  'no-requeue': { arg: 'none' },
  nodefile: { arg: 'required', short: 'F' },
  nodelist: { arg: 'required', short: 'w' },
  nodes: { arg: 'required', short: 'N' },
  ntasks: { arg: 'required', short: 'n' },
  'ntasks-per-core': { arg: 'required' },
  'ntasks-per-gpu': { arg: 'required' },
  'ntasks-per-node': { arg: 'required' },
  'ntasks-per-socket': { arg: 'required' },
  'open-mode': { arg: 'required' },
  output: { arg: 'required', short: 'o' },
  overcommit: { arg: 'none', short: 'O' },
  oversubscribe: { arg: 'none', short: 's' },
  parsable: { arg: 'none' },
  partition: { arg: 'required', short: 'p' },
  power: { arg: 'required' },
  prefer: { arg: 'required' },
  priority: { arg: 'required' },
  profile: { arg: 'required' },
  propagate: { arg: 'optional' },
  qos: { arg: 'required', short: 'q' },
  quiet: { arg: 'none', short: 'Q' },
  reboot: { arg: 'none' },
  requeue: { arg: 'none' },
  reservation: { arg: 'required' },
  signal: { arg: 'required' },
  'sockets-per-node': { arg: 'required' },
  'spread-job': { arg: 'none' },
  switches: { arg: 'required' },
  'test-only': { arg: 'none', refused: 'it submits nothing' },
  'thread-spec': { arg: 'required' },
  'threads-per-core': { arg: 'required' },
  time: { arg: 'required', short: 't' },
  'time-min': { arg: 'required' },
  tmp: { arg: 'required' },
  'tres-per-task': { arg: 'required' },
  uid: { arg: 'required' },
  usage: { arg: 'none', refused: 'it prints help instead of submitting' },
  'use-min-nodes': { arg: 'none' },
  verbose: { arg: 'none', short: 'v' },
  version: { arg: 'none', short: 'V', refused: 'it prints the version instead of submitting' },
  wait: { arg: 'none', short: 'W', refused: 'it blocks until the job ends' },
  'wait-all-nodes': { arg: 'required' },
  wckey: { arg: 'required' },
  wrap: { arg: 'required', refused: SCRIPT_ON_STDIN }
};

const SHORT = new Map(
  Object.entries(OPTIONS)
    .filter(([, spec]) => spec.short)
    .map(([name, spec]) => [spec.short as string, name] as const)
);

/** Arguments sbatch would not accept as given, or that would not submit the script sent. */
export class SbatchArgsError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'SbatchArgsError';
  }
}

/** sbatch's getopt takes an unambiguous prefix of a long option, as `--part=debug`. */
function longOption(name: string, token: string): string {
  if (Object.hasOwn(OPTIONS, name)) {
    return name;
  }
  const candidates = Object.keys(OPTIONS).filter(o => o.startsWith(name));
  if (name && candidates.length === 1) {
    return candidates[0];
  }
  throw new SbatchArgsError(
    candidates.length > 1
      ? `${token} is ambiguous: it could be ${candidates.map(c => `--${c}`).join(', ')}`
      : `${token} is not an sbatch option`
  );
}

function usable(name: string, token: string): OptionSpec {
  const spec = OPTIONS[name];
  if (spec.refused) {
    throw new SbatchArgsError(`${token} (--${name}) cannot be used here: ${spec.refused}`);
  }
  return spec;
}

function option(name: string, value?: string): string {
  if (value?.includes('\0')) {
    throw new SbatchArgsError(`the value of --${name} contains a NUL character`);
  }
  return value === undefined ? `--${name}` : `--${name}=${value}`;
}

/**
 * Checks `args` and returns them as `--name[=value]` argv elements (short options and
 * abbreviations spelled out), ready for `sbatchArgv`. Throws SbatchArgsError naming the token.
 */
export function parseSbatchArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  const valueOf = (i: number, token: string, name: string): string => {
    if (i >= args.length) {
      throw new SbatchArgsError(`${token} (--${name}) needs a value`);
    }
    return args[i];
  };
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      const name = longOption(eq === -1 ? token.slice(2) : token.slice(2, eq), token);
      const spec = usable(name, token);
      if (eq !== -1) {
        if (spec.arg === 'none') {
          throw new SbatchArgsError(`${token}: --${name} takes no value`);
        }
        out.push(option(name, token.slice(eq + 1)));
      } else if (spec.arg === 'required') {
        out.push(option(name, valueOf(++i, token, name)));
      } else {
        out.push(option(name));
      }
    } else if (token.startsWith('-') && token.length > 1 && token !== '--') {
      // short options, possibly bundled as getopt allows: -H, -pdebug, -Hv, -N 2
      for (let j = 1; j < token.length; j++) {
        const name = SHORT.get(token[j]);
        if (!name) {
          throw new SbatchArgsError(`${token}: -${token[j]} is not an sbatch option`);
        }
        const spec = usable(name, `-${token[j]}`);
        const rest = token.slice(j + 1);
        if (spec.arg === 'none') {
          out.push(option(name));
        } else if (rest) {
          out.push(option(name, rest));
          break;
        } else if (spec.arg === 'optional') {
          out.push(option(name));
        } else {
          out.push(option(name, valueOf(++i, `-${token[j]}`, name)));
        }
      }
    } else {
      throw new SbatchArgsError(
        `${JSON.stringify(token)} is not an option: sbatch would take it as the script's file name, ` +
          `but ${SCRIPT_ON_STDIN} (give sbatch options only, e.g. -p debug --time=10)`
      );
    }
  }
  return out;
}
