/**
 * Form values of a template's parameters: their initial values, the checks
 * cheap enough to run on each keystroke, and what the companion is sent.
 * The companion checks every value again when it renders.
 */
import { checkValue as checkParameterValue, Parameter } from '../../protocol/templates';
import { IJobTemplate, ITemplateParameter, templateFile } from './api';

/**
 * A form value: text as typed (numbers too), or a checkbox state.
 */
export type FormValue = string | boolean;

/**
 * Form values by parameter name.
 */
export type FormValues = { readonly [name: string]: FormValue };

/**
 * Why a form value does not fit its parameter, or `null`: protocol/templates.ts's check, the
 * companion's own. A pattern this browser cannot compile is left to the companion.
 */
export function checkValue(p: ITemplateParameter, value: FormValue | undefined): string | null {
  if (p.type === 'boolean') {
    return null;
  }
  const text = typeof value === 'string' ? value : '';
  if (text === '' && p.default === undefined) {
    return 'is required';
  }
  try {
    const checked = checkParameterValue(p as Parameter, text);
    return 'error' in checked ? checked.error : null;
  } catch {
    return null;
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
