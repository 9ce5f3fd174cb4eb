import type { SetCommands, SetTemplateRef, StartSetRequest } from '../../../protocol/sets';
import { renderEnvironment } from '../templates/render';
import type { TemplateStore } from '../templates/store';
import { SetRequestError } from './spec';

/** What a template adds to a set's spec once the request's fields are merged with its resources. */
export interface TemplateAdditions {
  fromTemplate: SetTemplateRef;
  /** A custom set's head and worker commands: the template's `set`. */
  template?: SetCommands;
  environment?: string;
  options?: string[];
}

/** Template resources a set takes as the default of its own field (the request's value wins). */
const AS_FIELD: Record<string, 'time' | 'partition' | 'account' | 'threads'> = {
  time: 'time',
  partition: 'partition',
  account: 'account',
  'cpus-per-task': 'threads'
};
/** Template resources passed to sbatch as they are; the others (nodes, tasks, memory, names, paths) are the set's own. */
const PASSED = new Set(['qos', 'gres', 'constraint']);

/**
 * A start request that names a template: the template of the set's kind is rendered here, by the
 * one template renderer (its quoting rules), into the set's environment and sbatch options.
 * A request without a template comes back as it is.
 */
export async function applyTemplate(
  templates: TemplateStore | undefined,
  raw: unknown
): Promise<{ request: unknown; additions?: TemplateAdditions }> {
  const request = raw as Partial<StartSetRequest> | null;
  if (!request || typeof request !== 'object' || request.template === undefined) {
    if (request?.kind === 'custom') {
      throw new SetRequestError('a custom set starts from a template: give the id of a custom template');
    }
    return { request: raw };
  }
  if (typeof request.template !== 'string') {
    throw new SetRequestError('template must be a template id');
  }
  if (!templates) {
    throw new SetRequestError('this companion has no templates');
  }
  const template = await templates.find(request.template, request.source);
  if (template.kind !== request.kind) {
    throw new SetRequestError(
      `template ${JSON.stringify(template.id)} is a ${template.kind} template, not one for a ${String(request.kind)} set`
    );
  }
  if (template.kind === 'custom' && !template.set) {
    throw new SetRequestError(`template ${JSON.stringify(template.id)} declares no set commands`);
  }
  const params = request.params ?? {};
  const rendered = renderEnvironment(template, params);
  const merged: Record<string, unknown> = { ...request };
  if (template.kind === 'custom' && !request.name?.trim()) {
    merged.name = `${template.title} × ${String(request.workers)}`;
  }
  const options: string[] = [];
  for (const option of rendered.options) {
    const [, name, value] = /^--([a-z-]+)=(.*)$/.exec(option) ?? [];
    const field = AS_FIELD[name];
    if (field && merged[field] === undefined) {
      merged[field] = field === 'threads' ? Number(value) : value;
    } else if (PASSED.has(name)) {
      options.push(option);
    }
  }
  return {
    request: merged,
    additions: {
      fromTemplate: { id: template.id, source: template.source, params },
      ...(template.kind === 'custom' ? { template: template.set } : {}),
      ...(rendered.environment ? { environment: rendered.environment } : {}),
      ...(options.length ? { options } : {})
    }
  };
}
