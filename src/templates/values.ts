/**
 * Form values of a template's parameters: their initial values, the checks
 * cheap enough to run on each keystroke, and what the companion is sent.
 * The companion checks every value again when it renders.
 */
import { IJobTemplate, ITemplateParameter, templateFile } from './api';
import { patternInWords } from '../../protocol/pattern-words';

/**
 * A form value: text as typed (numbers too), or a checkbox state.
 */
export type FormValue = string | boolean;

/**
 * Form values by parameter name.
 */
export type FormValues = { readonly [name: string]: FormValue };

/**
 * The companion's default `maxLength` of text parameters.
 */
const DEFAULT_MAX_LENGTH = 1024;

/**
 * The number syntax the companion accepts (no hex, no `Infinity`).
 */
const NUMBER = /^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$/;

/**
 * Why a form value does not fit its parameter, or `null`.
 */
export function checkValue(p: ITemplateParameter, value: FormValue | undefined): string | null {
  if (p.type === 'boolean') {
    return null;
  }
  const text = typeof value === 'string' ? value : '';
  if (text === '' && p.default === undefined) {
    return 'is required';
  }
  switch (p.type) {
    case 'integer':
    case 'number':
      return checkNumber(p, text);
    case 'enum':
      return (p.choices ?? []).includes(text) ? null : 'pick one of the choices';
    default:
      return checkText(p, text);
  }
}

function checkNumber(p: ITemplateParameter, text: string): string | null {
  const n = Number(text);
  if (!NUMBER.test(text) || (p.type === 'integer' && !Number.isSafeInteger(n))) {
    return p.type === 'integer' ? 'must be an integer' : 'must be a number';
  }
  if (p.minimum !== undefined && n < p.minimum) {
    return `must be ≥ ${p.minimum}`;
  }
  if (p.maximum !== undefined && n > p.maximum) {
    return `must be ≤ ${p.maximum}`;
  }
  return null;
}

function checkText(p: ITemplateParameter, text: string): string | null {
  const max = p.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > max) {
    return `is ${text.length} characters long; at most ${max} are allowed`;
  }
  if (text.includes('\n') && !(p.type === 'string' && p.multiline)) {
    return 'must be one line';
  }
  if (p.type === 'path' && text.startsWith('-')) {
    return 'a path must not start with "-" (write ./-name)';
  }
  if (p.pattern !== undefined && !fullMatch(p.pattern, text)) {
    return patternInWords(p.pattern);
  }
  return null;
}

/**
 * A template's `pattern` must match the whole value. A pattern this
 * browser cannot compile is left to the companion.
 */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    return true;
  }
}

/**
 * The problems of every value, by parameter name (empty when all fit).
 */
export function checkValues(template: IJobTemplate, values: FormValues): { [name: string]: string } {
  const errors: { [name: string]: string } = {};
  for (const [name, p] of Object.entries(template.parameters)) {
    const problem = checkValue(p, values[name]);
    if (problem !== null) {
      errors[name] = problem;
    }
  }
  return errors;
}

/**
 * The form's initial values: the defaults, or what `keep` holds for a
 * parameter that still exists (a refreshed template keeps the user's input).
 */
export function initialValues(template: IJobTemplate, keep: FormValues = {}): FormValues {
  const values: { [name: string]: FormValue } = {};
  for (const [name, p] of Object.entries(template.parameters)) {
    const kept = keep[name];
    if (kept !== undefined && typeof kept === (p.type === 'boolean' ? 'boolean' : 'string')) {
      values[name] = kept;
    } else if (p.type === 'boolean') {
      values[name] = p.default === true;
    } else {
      values[name] = p.default === undefined ? '' : String(p.default);
    }
  }
  return values;
}

/**
 * The `params` of a render or submit request. An empty field of a
 * parameter without a default is left out, so the companion says "is
 * required" instead of taking "".
 */
export function requestParams(template: IJobTemplate, values: FormValues): { [name: string]: FormValue } {
  const params: { [name: string]: FormValue } = {};
  for (const [name, p] of Object.entries(template.parameters)) {
    const value = values[name];
    if (value !== undefined && !(value === '' && p.default === undefined)) {
      params[name] = value;
    }
  }
  return params;
}

/**
 * A form value as a parameter default of its type; `undefined` when the
 * field is empty or invalid, so the template keeps its own default.
 */
export function typedDefault(
  p: ITemplateParameter,
  value: FormValue | undefined
): string | number | boolean | undefined {
  if (value === undefined || checkValue(p, value) !== null) {
    return undefined;
  }
  if (p.type === 'boolean') {
    return value === true;
  }
  const text = String(value);
  if (p.type === 'integer' || p.type === 'number') {
    return Number(text);
  }
  return text === '' && p.default === undefined ? undefined : text;
}

/**
 * The parameter names a text refers to as `{{name}}`.
 */
export function references(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map(m => m[1]);
}

/**
 * A template as a new personal template whose parameter defaults are the
 * form's `values`. Parameters marked `raw` become quoted ones, as the
 * companion allows `raw` in centre templates only; `unquoted` names them.
 */
export function personalCopy(
  template: IJobTemplate,
  values: FormValues,
  id: string,
  title: string
): { data: { [key: string]: unknown }; unquoted: string[] } {
  const unquoted: string[] = [];
  const parameters: { [name: string]: ITemplateParameter } = {};
  for (const [name, p] of Object.entries(template.parameters)) {
    const { raw, ...copy } = p;
    const value = typedDefault(p, values[name]);
    if (value !== undefined) {
      copy.default = value;
    }
    if (raw) {
      unquoted.push(name);
    }
    parameters[name] = copy;
  }
  return { data: { ...templateFile(template), id, title, parameters }, unquoted };
}
