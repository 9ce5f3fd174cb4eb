import { FieldError, FieldErrors, pointer } from './errors';
import { checkValue } from '../../../protocol/templates';
import { Parameter } from './types';

export { checkValue };

export interface ParameterValue {
  /** The value as text, as it is substituted. */
  text: string;
  raw: boolean;
}

/** Every parameter's value: the request's, else the default. Throws with every bad field. */
export function resolveParameters(
  parameters: Record<string, Parameter>,
  given: Record<string, unknown>
): Map<string, ParameterValue> {
  const errors: FieldError[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(parameters, name)) {
      errors.push({ field: pointer('params', name), message: 'the template has no such parameter' });
    }
  }
  const values = new Map<string, ParameterValue>();
  for (const [name, p] of Object.entries(parameters)) {
    const value = Object.hasOwn(given, name) ? given[name] : p.default;
    if (value === undefined) {
      errors.push({ field: pointer('params', name), message: 'is required' });
      continue;
    }
    const checked = checkValue(p, value);
    if ('error' in checked) {
      errors.push({ field: pointer('params', name), message: checked.error });
    } else {
      values.set(name, { text: checked.text, raw: p.raw === true });
    }
  }
  if (errors.length) {
    throw new FieldErrors(errors);
  }
  return values;
}
