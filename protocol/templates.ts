/**
 * A job template's types (generated from templates/template.schema.json into template.gen.ts),
 * the listing of a loaded one, and the one check of a value against its parameter: the
 * companion runs it on every render and submit, the Lab form on every keystroke
 * (src/templates/values.ts), so both say the same thing.
 *
 * Pure data and pure functions: no DOM, no Node.
 */

import { patternInWords } from './pattern-words';
import type { Parameter, TemplateFile } from './template.gen';

export type {
  BooleanParameter,
  EnumParameter,
  IntegerParameter,
  NumberParameter,
  Parameter,
  PathParameter,
  SetCommands,
  StringParameter,
  TemplateFile,
  TemplateResources
} from './template.gen';

export type TemplateKind = NonNullable<TemplateFile['kind']>;

/** Where a template comes from: the centre's directories (read-only) or the user's own. */
export type TemplateSource = 'centre' | 'personal';

/** A template file once loaded: every member the schema gives a default has it. */
export type TemplateData = Required<Omit<TemplateFile, '$schema' | 'set'>> & Pick<TemplateFile, 'set'>;

/** A loaded, valid template as `GET templates` lists it, and where it lives. */
export interface ListedTemplate extends TemplateData {
  source: TemplateSource;
  /** Only personal templates are editable by the user. */
  editable: boolean;
  file: string;
}

/** Long enough for any path or option a form holds; a 10 kB paste is a mistake or an attack. */
export const DEFAULT_MAX_LENGTH = 1024;

/** Control characters never belong in a parameter (tab always may, newline only when multi-line). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Checks one value against its parameter's type and constraints; returns its text or why not. */
export function checkValue(p: Parameter, value: unknown): { text: string } | { error: string } {
  switch (p.type) {
    case 'string':
    case 'path':
      return checkText(p, value);
    case 'integer':
    case 'number':
      return checkNumber(p, value);
    case 'enum': {
      if (typeof value !== 'string' || !p.choices.includes(value)) {
        return { error: `must be one of: ${p.choices.map(c => JSON.stringify(c)).join(', ')}` };
      }
      return { text: value };
    }
    case 'boolean': {
      // `true` and `false` are also shell commands: `if {{flag}}; then ...` works.
      const b = value === 'true' ? true : value === 'false' ? false : value;
      return typeof b === 'boolean' ? { text: String(b) } : { error: 'must be true or false' };
    }
  }
}

function checkText(p: Parameter & { type: 'string' | 'path' }, value: unknown): { text: string } | { error: string } {
  if (typeof value !== 'string') {
    return { error: 'must be a string' };
  }
  const max = p.maxLength ?? DEFAULT_MAX_LENGTH;
  if (value.length > max) {
    return { error: `is ${value.length} characters long; at most ${max} are allowed` };
  }
  const multiline = p.type === 'string' && p.multiline === true;
  if (CONTROL.test(value) || (!multiline && value.includes('\n'))) {
    return {
      error: multiline ? 'must not contain control characters' : 'must be one line (no newline or control characters)'
    };
  }
  if (p.type === 'path' && value.startsWith('-')) {
    // a command would read it as an option; ./-name says the same file
    return { error: 'a path must not start with "-" (write ./-name)' };
  }
  if (p.pattern !== undefined && !fullMatch(p.pattern, value)) {
    return { error: patternInWords(p.pattern) };
  }
  return { text: value };
}

function checkNumber(
  p: Parameter & { type: 'integer' | 'number' },
  value: unknown
): { text: string } | { error: string } {
  // forms send text; JSON clients send numbers
  const n =
    typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    return { error: `must be ${p.type === 'integer' ? 'an integer' : 'a number'}` };
  }
  if (p.type === 'integer' && !Number.isSafeInteger(n)) {
    return { error: 'must be an integer' };
  }
  if (p.minimum !== undefined && n < p.minimum) {
    return { error: `must be ≥ ${p.minimum}` };
  }
  if (p.maximum !== undefined && n > p.maximum) {
    return { error: `must be ≤ ${p.maximum}` };
  }
  // no exponent form: "1e+21" would not be a number to the shell or to Slurm
  return { text: Number.isInteger(n) ? BigInt(n).toString() : String(n) };
}

/** A template's `pattern` must match the whole value (JSON Schema's own `pattern` searches). */
export function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}
