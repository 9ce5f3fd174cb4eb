/**
 * What "Run again" proposes for a template job that used far less than it asked: the template
 * parameters its memory and CPU resources are made of, set to the efficiency's suggestion in
 * the parameter's own form (a listed choice, a Slurm size, a count).
 */
import { slurmMemoryMB } from '../../protocol/slurm-units';
import type { IJobTemplate, ITemplateParameter } from './api';
import type { FormValues } from './values';

/** What the job's efficiency suggests asking for next time. */
export interface IResourceSuggestion {
  /** Megabytes of memory. */
  memoryMB?: number;
  cpus?: number;
}

/** The parameter a resource is exactly made of (`"{{memory}}"`), if any. */
function resourceParameter(template: IJobTemplate, resource: string): [string, ITemplateParameter] | null {
  const value = (template.resources as { [name: string]: unknown })[resource];
  const name = typeof value === 'string' ? /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value)?.[1] : undefined;
  const parameter = name === undefined ? undefined : template.parameters[name];
  return name !== undefined && parameter !== undefined ? [name, parameter] : null;
}

/** A size as Slurm reads it: whole gigabytes as `2G`, else megabytes as `512M`. */
function slurmSize(mb: number): string {
  const whole = Math.ceil(mb);
  return whole % 1024 === 0 ? `${whole / 1024}G` : `${whole}M`;
}

function memoryValue(p: ITemplateParameter, mb: number): string | null {
  if (p.type === 'enum') {
    // the smallest listed size that holds it
    const fits = (p.choices ?? [])
      .map(choice => ({ choice, size: slurmMemoryMB(choice) ?? -1 }))
      .filter(c => c.size >= mb)
      .sort((a, b) => a.size - b.size);
    return fits[0]?.choice ?? null;
  }
  if (p.type === 'integer' || p.type === 'number') {
    return String(Math.max(Math.ceil(mb), p.minimum ?? 0));
  }
  return p.type === 'string' ? slurmSize(mb) : null;
}

function cpusValue(p: ITemplateParameter, cpus: number): string | null {
  return p.type === 'integer' || p.type === 'number' ? String(Math.max(cpus, p.minimum ?? 1)) : null;
}

/**
 * The suggested values by parameter, leaving out those equal to what the job used (`values`)
 * and resources no single parameter sets.
 */
export function suggestedValues(
  template: IJobTemplate,
  values: FormValues,
  suggestion: IResourceSuggestion
): FormValues {
  const suggested: { [name: string]: string } = {};
  const propose = (resource: string, amount: number | undefined, value: typeof memoryValue): void => {
    const found = resourceParameter(template, resource);
    const proposed = found && amount !== undefined ? value(found[1], amount) : null;
    if (found && proposed !== null && proposed !== values[found[0]]) {
      suggested[found[0]] = proposed;
    }
  };
  propose('memory', suggestion.memoryMB, memoryValue);
  propose('cpusPerTask', suggestion.cpus, cpusValue);
  return suggested;
}
