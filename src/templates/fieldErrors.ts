/**
 * The companion's field errors placed at the form's fields: `/params/x` is
 * parameter x, `/resources/r` the parameters that resource `r` is made of.
 */
import type { IFieldError, IJobTemplate } from './api';
import { references } from './values';

/**
 * The field under which an error of the cluster picker is kept.
 */
export const CLUSTER_FIELD = '/cluster';

/**
 * Errors by form field (a parameter name or `CLUSTER_FIELD`), and those of
 * no field.
 */
export interface IServerErrors {
  byField: { [field: string]: string };
  general: string[];
}

export function errorsByField(template: IJobTemplate | null, errors: ReadonlyArray<IFieldError>): IServerErrors {
  const byField: { [field: string]: string } = {};
  const general: string[] = [];
  for (const error of errors) {
    const fields = formFields(template, error.field);
    if (fields.length === 0) {
      general.push(error.field ? `${error.field}: ${error.message}` : error.message);
    }
    for (const field of fields) {
      byField[field] = byField[field] ? `${byField[field]}; ${error.message}` : error.message;
    }
  }
  return { byField, general };
}

/**
 * The form fields a JSON pointer of the template's request names.
 */
function formFields(template: IJobTemplate | null, pointer: string): string[] {
  if (pointer === CLUSTER_FIELD || !template) {
    return template ? [CLUSTER_FIELD] : [];
  }
  const isParameter = (name: string) => Object.prototype.hasOwnProperty.call(template.parameters, name);
  const [, kind, name] = /^\/(params|resources)\/(.+)$/.exec(pointer) ?? [];
  const segment = (name ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  if (kind === 'params') {
    return isParameter(segment) ? [segment] : [];
  }
  const resources = template.resources as { [name: string]: string | number | undefined };
  const resource = kind === 'resources' ? resources[segment] : undefined;
  return typeof resource === 'string' ? references(resource).filter(isParameter) : [];
}

/** The errors without the one of `field` (the user changed it: the message was about the old value). */
export function withoutField(errors: IServerErrors, field: string): IServerErrors {
  if (!(field in errors.byField)) {
    return errors;
  }
  const rest = { ...errors.byField };
  delete rest[field];
  return { byField: rest, general: errors.general };
}
