import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import templateSchema from '../../../templates/template.schema.json';
import { FieldError, pointer } from './errors';
import { TemplateData } from './types';

/**
 * The template format is the JSON Schema shipped beside the centre examples (an editor can
 * validate a template against it, too); it is bundled into the companion at build time.
 */
let compiled: ValidateFunction | undefined;

/** Compiled on first use: a companion that never reads a template does not hold the validator. */
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, useDefaults: true, discriminator: true, allowUnionTypes: true }).compile(
    templateSchema
  );
  return compiled;
}

/** Validates `data` (and fills the defaults of optional fields, in place). */
export function checkSchema(data: unknown): { template: TemplateData } | { errors: FieldError[] } {
  const validate = validator();
  if (validate(data)) {
    return { template: data as unknown as TemplateData };
  }
  // a bad name gives two errors: the name's own (kept, it says why) and "propertyNames";
  // ("if" only says that its "then" failed, which has its own error)
  const errors = (validate.errors ?? []).filter(e => e.keyword !== 'propertyNames' && e.keyword !== 'if');
  return { errors: dedupe(errors.map(toFieldError)) };
}

function toFieldError(e: ErrorObject): FieldError {
  const params = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    return { field: e.instancePath + pointer(e.propertyName), message: `is not a valid name: ${e.message}` };
  }
  switch (e.keyword) {
    case 'required':
      return { field: e.instancePath + pointer(String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: e.instancePath + pointer(String(params.additionalProperty)), message: 'is not a known field' };
    case 'discriminator':
      return {
        field: e.instancePath + pointer(String(params.tag)),
        message: 'must be one of string, path, integer, number, enum, boolean'
      };
    case 'enum':
      return {
        field: e.instancePath,
        message: `must be one of: ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`
      };
    default:
      return { field: e.instancePath, message: e.message ?? 'is invalid' };
  }
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const key = `${e.field}\0${e.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
