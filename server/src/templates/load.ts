import { checkTemplate } from './check';
import { FieldError, FieldErrors } from './errors';
import { checkSchema } from './schema';
import { TemplateData, TemplateSource } from './types';

/** A template file is small; a bigger one is a mistake (or not a template). */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * Validates template data (parsed JSON) for one source: the schema, then what the schema
 * cannot say. Throws FieldErrors with every problem, each naming the file when there is one.
 */
export function validateTemplate(data: unknown, source: TemplateSource, file?: string): TemplateData {
  const at = (errors: FieldError[]): FieldError[] => errors.map(e => (file ? { file, ...e } : e));
  // the schema fills defaults in place: never in the caller's object
  const schema = checkSchema(structuredClone(data));
  if ('errors' in schema) {
    throw new FieldErrors(at(schema.errors), file ? `invalid template ${file}` : 'invalid template');
  }
  const errors = checkTemplate(schema.template, source);
  if (errors.length) {
    throw new FieldErrors(at(errors), file ? `invalid template ${file}` : 'invalid template');
  }
  return schema.template;
}

/** Parses and validates the text of a template file. */
export function parseTemplateFile(text: string, file: string, source: TemplateSource): TemplateData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FieldErrors(
      [{ file, field: '', message: `not valid JSON: ${(e as Error).message}` }],
      `invalid template ${file}`
    );
  }
  return validateTemplate(data, source, file);
}
