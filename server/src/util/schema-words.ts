import type { ErrorObject } from 'ajv';

/**
 * JSON Schema errors (ajv's, also as Fastify reports a request's) in words, one per field:
 * "partition 'x;y' is not a Slurm name (letters, digits, _ . , + -)", never a schema path or
 * a pattern. A schema says what a pattern means in its `description` ("a Slurm name …");
 * ajv's `verbose` option hands it (and the value) to this function.
 */
export function errorsInWords(errors: readonly ErrorObject[] | null | undefined, what = ''): string {
  const list = errors ?? [];
  // anyOf/oneOf: one line about the field, not one per branch tried
  const alternatives = new Set(
    list.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf').map(e => e.instancePath)
  );
  const lines = list
    .filter(e => !alternatives.has(e.instancePath) || e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map(e => errorInWords(e, what));
  return [...new Set(lines)].join('; ') || 'the request is not valid';
}

function errorInWords(e: ErrorObject, what: string): string {
  const field = fieldName(e.instancePath, what);
  const described = (e.parentSchema as { description?: unknown } | undefined)?.description;
  const value = 'data' in e ? ` ${shown(e.data)}` : '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'pattern':
    case 'format':
    case 'anyOf':
    case 'oneOf':
      return typeof described === 'string'
        ? `${field}${value} is not ${described}`
        : `${field}${value} is not in a form this request takes`;
    case 'required':
      return `${fieldName(`${e.instancePath}/${String(p.missingProperty)}`, what)} is missing`;
    case 'additionalProperties':
      return `${fieldName(`${e.instancePath}/${String(p.additionalProperty)}`, what)} is not a known field`;
    case 'type':
      return `${field} must be ${article(String(p.type))}`;
    case 'enum':
      return `${field}${value} is not one of ${(p.allowedValues as unknown[]).map(shown).join(', ')}`;
    case 'minimum':
      return `${field} must be at least ${String(p.limit)}`;
    case 'maximum':
      return `${field} must be at most ${String(p.limit)}`;
    case 'minLength':
      return p.limit === 1
        ? `${field} must not be empty`
        : `${field} must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `${field} must be at most ${String(p.limit)} characters long`;
    case 'minItems':
      return `${field} must have at least ${String(p.limit)} entries`;
    case 'maxItems':
      return `${field} must have at most ${String(p.limit)} entries`;
    default:
      return `${field} ${e.message ?? 'is not valid'}`;
  }
}

/** `/setup/2` → "setup[2]"; the whole document: "the request" (or what it is). */
function fieldName(path: string, what: string): string {
  const parts = path
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length === 0) {
    return what || 'the request';
  }
  const name = parts.reduce(
    (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    ''
  );
  return what ? `${what} ${name}` : name;
}

function shown(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function article(type: string): string {
  return /^(integer|object|array)$/.test(type) ? `an ${type}` : `a ${type}`;
}
