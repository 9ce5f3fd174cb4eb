import { SLURM_TIME_FORMS } from '../../../protocol/slurm-units';
import { FieldError, FieldErrors, pointer } from './errors';
import { fillPlain, placeholders } from './placeholders';
import { RESOURCE_NAMES, ResourceName, Resources } from './types';

/**
 * Each resource becomes one `--option=value` argv element AND one `#SBATCH` line of the
 * script. sbatch reads both, so a value must mean the same in each: no whitespace, quotes,
 * backslashes, `#` or control characters anywhere.
 */
const NAME = /^[A-Za-z0-9_.+-]+$/;
const COUNT = /^[1-9][0-9]{0,6}$/;
/** Anything sbatch accepts as one `#SBATCH` token (paths, job names, %j patterns). */
const TOKEN = /^[^\s"'\\#\x00-\x1f\x7f]+$/;

interface ResourceRule {
  option: string;
  valid: RegExp | ((value: string) => boolean);
  /** What a valid value looks like, for the error message. */
  expected: string;
}

const RULES: Record<ResourceName, ResourceRule> = {
  nodes: {
    option: 'nodes',
    valid: /^[1-9][0-9]{0,5}(-[1-9][0-9]{0,5})?$/,
    expected: 'a node count or a range min-max'
  },
  ntasks: { option: 'ntasks', valid: COUNT, expected: 'a positive integer' },
  cpusPerTask: { option: 'cpus-per-task', valid: COUNT, expected: 'a positive integer' },
  memory: { option: 'mem', valid: /^[0-9]{1,9}[KMGT]?$/, expected: 'a size such as 4G, 512M or 4096 (MB)' },
  time: { option: 'time', valid: isSlurmTime, expected: SLURM_TIME_FORMS },
  partition: { option: 'partition', valid: /^[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+-]+)*$/, expected: 'partition names' },
  account: { option: 'account', valid: NAME, expected: 'an account name (letters, digits, _ . + -)' },
  qos: { option: 'qos', valid: NAME, expected: 'a QOS name (letters, digits, _ . + -)' },
  gres: { option: 'gres', valid: /^[A-Za-z0-9_.:,=/+-]+$/, expected: 'a GRES list such as gpu:a100:2' },
  constraint: {
    option: 'constraint',
    valid: /^[A-Za-z0-9_.,&|!*[\]()+:@-]+$/,
    expected: 'node features such as "haswell&ib" or "[rack1|rack2]"'
  },
  jobName: { option: 'job-name', valid: TOKEN, expected: 'one word (no spaces, quotes, # or backslashes)' },
  output: { option: 'output', valid: TOKEN, expected: 'a path without spaces, quotes, # or backslashes' },
  error: { option: 'error', valid: TOKEN, expected: 'a path without spaces, quotes, # or backslashes' },
  chdir: { option: 'chdir', valid: TOKEN, expected: 'a path without spaces, quotes, # or backslashes' }
};

/** The sbatch option of each resource (`cpusPerTask` → `cpus-per-task`). */
export function resourceOption(name: ResourceName): string {
  return RULES[name].option;
}

/** Slurm's time formats; `days-` needs hours. */
export function isSlurmTime(value: string): boolean {
  return /^[0-9]{1,7}(:[0-5][0-9]){0,2}$/.test(value) || /^[0-9]{1,4}-[0-9]{1,2}(:[0-5][0-9]){0,2}$/.test(value);
}

/**
 * The sbatch options of a template's resources, in a fixed order. `value(name)` gives a
 * parameter's text, or undefined when it is not known (loading a template with a required
 * parameter): such a resource is not checked yet. A value that comes out empty is left out,
 * so that a parameter can make an option optional (e.g. the account).
 */
export function resourceOptions(
  resources: Resources,
  value: (name: string) => string | undefined,
  defaults: { jobName?: string } = {}
): string[] {
  const errors: FieldError[] = [];
  const options: string[] = [];
  for (const name of RESOURCE_NAMES) {
    const given = resources[name] ?? (name === 'jobName' ? defaults.jobName : undefined);
    if (given === undefined) {
      continue;
    }
    const template = String(given);
    const refs = placeholders(template).map(p => p.name);
    if (refs.some(r => value(r) === undefined)) {
      continue;
    }
    const text = fillPlain(template, r => value(r) as string);
    if (text === '') {
      continue;
    }
    const rule = RULES[name];
    const ok = typeof rule.valid === 'function' ? rule.valid(text) : rule.valid.test(text);
    if (!ok) {
      const from = refs.length ? ` (from ${refs.map(r => `{{${r}}}`).join(', ')})` : '';
      errors.push({
        field: pointer('resources', name),
        message: `${JSON.stringify(text)}${from} is not valid: expected ${rule.expected}`
      });
      continue;
    }
    options.push(`--${rule.option}=${text}`);
  }
  if (errors.length) {
    throw new FieldErrors(errors);
  }
  return options;
}
