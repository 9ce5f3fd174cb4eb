import { FieldError, FieldErrors, pointer } from './errors';
import { checkValue } from './params';
import { placeholders } from './placeholders';
import { resourceOptions } from './resources';
import { scanShell } from './shell-context';
import { Parameter, RESOURCE_NAMES, TemplateData, TemplateSource } from './types';

/**
 * What the schema cannot say: references to parameters that exist, defaults that pass
 * their own constraints, values that can be quoted where they stand, `raw` for centre
 * templates only, resources that Slurm will read as meant. Returns every problem.
 */
export function checkTemplate(t: TemplateData, source: TemplateSource): FieldError[] {
  return [
    ...Object.entries(t.parameters).flatMap(([name, p]) => checkParameter(name, p, source)),
    ...checkShellText(t, 'script'),
    ...checkShellText(t, 'setup'),
    ...checkResources(t)
  ];
}

function checkParameter(name: string, p: Parameter, source: TemplateSource): FieldError[] {
  const errors: FieldError[] = [];
  const at = (...rest: string[]): string => pointer('parameters', name, ...rest);
  if (p.raw && source !== 'centre') {
    errors.push({
      field: at('raw'),
      message: 'raw (unquoted) parameters are for centre templates only; a personal template is always quoted'
    });
  }
  if ((p.type === 'string' || p.type === 'path') && p.pattern !== undefined) {
    try {
      new RegExp(p.pattern, 'u');
    } catch (e) {
      errors.push({ field: at('pattern'), message: `is not a valid regular expression: ${(e as Error).message}` });
      return errors;
    }
  }
  if ((p.type === 'integer' || p.type === 'number') && p.minimum !== undefined && p.maximum !== undefined) {
    if (p.minimum > p.maximum) {
      errors.push({ field: at('minimum'), message: `is greater than maximum (${p.maximum})` });
    }
  }
  if (p.type === 'enum') {
    p.choices.forEach((choice, i) => {
      const checked = checkValue({ type: 'string' }, choice);
      if ('error' in checked) {
        errors.push({ field: at('choices', String(i)), message: checked.error });
      }
    });
  }
  if (p.default !== undefined) {
    const checked = checkValue(p, p.default);
    if ('error' in checked) {
      errors.push({ field: at('default'), message: checked.error });
    }
  }
  return errors;
}

/** The script, or the set-up lines (one text: an `if` may span lines), as bash will read them. */
function checkShellText(t: TemplateData, part: 'script' | 'setup'): FieldError[] {
  const text = part === 'script' ? t.script : t.setup.join('\n');
  // setup errors name the line's own entry
  const field = (line: number): string => (part === 'script' ? '/script' : pointer('setup', setupIndex(t.setup, line)));
  const where = (line: number): string => (part === 'script' ? `line ${line}: ` : '');
  const errors: FieldError[] = [];

  if (part === 'script' && text.startsWith('#!')) {
    errors.push({ field: '/script', message: 'line 1: leave out the #! line: the companion writes #!/bin/bash' });
  }
  text.split('\n').forEach((lineText, i) => {
    if (/^\s*#SBATCH/.test(lineText)) {
      errors.push({
        field: field(i + 1),
        message: `${where(i + 1)}#SBATCH lines go in "resources", where they are checked and shown in the form`
      });
    }
  });

  const scan = scanShell(text);
  if (scan.problem) {
    errors.push({ field: field(scan.problem.line), message: `${where(scan.problem.line)}${scan.problem.message}` });
    return errors;
  }
  for (const site of scan.sites) {
    const p = Object.hasOwn(t.parameters, site.name) ? t.parameters[site.name] : undefined;
    const ref = `{{${site.name}}}`;
    if (!p) {
      errors.push({
        field: field(site.line),
        message: `${where(site.line)}${ref} is not a parameter of this template`
      });
    } else if (p.raw) {
      continue;
    } else if (!site.context) {
      errors.push({
        field: field(site.line),
        message: `${where(site.line)}${ref} is ${site.refused}, where its value cannot be quoted`
      });
    } else if (site.context === 'arith' && p.type !== 'integer' && p.type !== 'number') {
      errors.push({
        field: field(site.line),
        message: `${where(site.line)}${ref} is in an arithmetic expression: only integer and number parameters may be`
      });
    }
  }
  return errors;
}

function setupIndex(setup: string[], line: number): number {
  let last = 0;
  for (let i = 0; i < setup.length; i++) {
    last += setup[i].split('\n').length;
    if (line <= last) {
      return i;
    }
  }
  return Math.max(0, setup.length - 1);
}

function checkResources(t: TemplateData): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of RESOURCE_NAMES) {
    const value = t.resources[name];
    for (const ref of placeholders(String(value ?? ''))) {
      if (!Object.hasOwn(t.parameters, ref.name)) {
        errors.push({
          field: pointer('resources', name),
          message: `{{${ref.name}}} is not a parameter of this template`
        });
      }
    }
  }
  if (errors.length) {
    return errors;
  }
  // Literal resources, and those whose parameters have defaults, are checked now.
  const defaults = (name: string): string | undefined => {
    const p = t.parameters[name];
    if (p.default === undefined) {
      return undefined;
    }
    const checked = checkValue(p, p.default);
    return 'text' in checked ? checked.text : undefined;
  };
  try {
    resourceOptions(t.resources, defaults, { jobName: t.id });
  } catch (e) {
    if (e instanceof FieldErrors) {
      return e.errors;
    }
    throw e;
  }
  return [];
}
