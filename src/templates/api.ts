/**
 * The companion's job templates REST API (templates/README.md): its types,
 * and one function per request.
 */
import type { ServerConnection } from '@jupyterlab/services';

import type { ListedTemplate, Parameter, TemplateSource } from '../../protocol/templates';
import { HpcApiError, requestAPI } from '../shared/api';
import type { TestOnlyAnswer } from '../../protocol/resources';

export type { TemplateSource };

/**
 * A typed parameter of a template (templates/template.schema.json).
 */
export type ITemplateParameter = Parameter;

/**
 * A job template as `GET templates` lists it.
 */
export type IJobTemplate = ListedTemplate;

/**
 * A template file that did not load, or one bad field of a request.
 */
export interface IFieldError {
  /**
   * The template file (load errors only).
   */
  file?: string;
  /**
   * A JSON pointer, e.g. `/params/bins` or `/parameters/bins/maximum`.
   */
  field: string;
  message: string;
}

/**
 * A rendered job: the sbatch options (argv) and the script (stdin).
 */
export interface IRenderedJob {
  script: string;
  options: string[];
}

/**
 * The reply of `POST templates/submit`.
 */
export interface ISubmittedJob extends IRenderedJob {
  cluster: string;
  jobId: string;
}

/**
 * The body of `POST templates/render` and `templates/submit`.
 */
export interface ITemplateJobRequest {
  id: string;
  source: TemplateSource;
  cluster?: string;
  params: { [name: string]: string | boolean };
}

/**
 * An HTTP 400 of the templates API, with each bad field.
 */
export class HpcFieldErrors extends HpcApiError {
  constructor(
    message: string,
    status: number,
    readonly errors: ReadonlyArray<IFieldError>
  ) {
    super(message, status);
    this.name = 'HpcFieldErrors';
  }
}

/**
 * The id of a personal template, as the companion checks it.
 */
export const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Fields of a listed template that are not part of its file.
 */
const LISTING_FIELDS = ['source', 'editable', 'file'];

/**
 * A template without the fields only its listing has: what its file holds.
 */
export function templateFile(template: IJobTemplate): { [key: string]: unknown } {
  const data: { [key: string]: unknown } = { ...template };
  for (const field of LISTING_FIELDS) {
    delete data[field];
  }
  return data;
}

/**
 * The templates API, bound to one server.
 */
export class TemplatesApi {
  constructor(private readonly _settings: ServerConnection.ISettings) {}

  async list(): Promise<{ templates: IJobTemplate[]; errors: IFieldError[] }> {
    return normalizeList(await this._request<unknown>('templates', 'GET'));
  }

  render(request: ITemplateJobRequest): Promise<IRenderedJob> {
    return this._request('templates/render', 'POST', request);
  }

  /** `sbatch --test-only` of the rendered job: when and where it would start, or Slurm's refusal. */
  testOnly(request: ITemplateJobRequest): Promise<TestOnlyAnswer> {
    return this._request('templates/test-only', 'POST', request);
  }

  submit(request: ITemplateJobRequest): Promise<ISubmittedJob> {
    return this._request('templates/submit', 'POST', request);
  }

  duplicate(
    from: { source: TemplateSource; id: string },
    id: string,
    title: string
  ): Promise<{ template: IJobTemplate; warnings?: string[] }> {
    return this._request(`templates/personal/${encodeURIComponent(id)}/duplicate-from`, 'POST', {
      source: from.source,
      id: from.id,
      title
    });
  }

  savePersonal(id: string, data: unknown): Promise<IJobTemplate> {
    return this._request(`templates/personal/${encodeURIComponent(id)}`, 'PUT', data);
  }

  async deletePersonal(id: string): Promise<void> {
    // ServerConnection labels every request JSON, and the companion refuses
    // an empty JSON body: send an empty object.
    await this._request<unknown>(`templates/personal/${encodeURIComponent(id)}`, 'DELETE', {});
  }

  /**
   * `requestAPI` with a JSON body, whose 400 replies keep their field errors.
   *
   * `requestAPI` keeps only the server's `error` message; the templates API
   * also lists each bad field, which the form shows at the field. That list
   * is read from the same response on its way through, so `requestAPI`
   * stays the one request helper.
   */
  private async _request<T>(endPoint: string, method: string, body?: unknown): Promise<T> {
    const settings = this._settings;
    const seen: { errors?: Promise<IFieldError[]> } = {};
    const observed: ServerConnection.ISettings = {
      ...settings,
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        // Called as ServerConnection calls it: window.fetch refuses another `this`.
        const response = await settings.fetch.call(null, input, init);
        if (response.status === 400) {
          seen.errors = response
            .clone()
            .json()
            .then(
              (data: unknown) => fieldErrorList(isDict(data) ? data.errors : null),
              () => []
            );
        }
        return response;
      }
    };
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    try {
      return await requestAPI<T>(endPoint, init, observed);
    } catch (error) {
      const errors = error instanceof HpcApiError && seen.errors ? await seen.errors : [];
      if (error instanceof HpcApiError && errors.length > 0) {
        throw new HpcFieldErrors(error.message, error.status, errors);
      }
      throw error;
    }
  }
}

type Dict = { [key: string]: unknown };

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * Check the list's shape and fill in what a partial entry lacks, so the
 * view can trust the types.
 */
function normalizeList(reply: unknown): { templates: IJobTemplate[]; errors: IFieldError[] } {
  if (!isDict(reply) || !Array.isArray(reply.templates)) {
    throw new Error('Unexpected reply from hpc/api/templates');
  }
  const templates = reply.templates
    .filter((t): t is Dict & { id: string } => isDict(t) && typeof t.id === 'string')
    .map((t): IJobTemplate => ({
      id: t.id,
      source: t.source === 'personal' ? 'personal' : 'centre',
      editable: t.editable === true,
      file: text(t.file),
      title: text(t.title) || t.id,
      description: text(t.description),
      // the companion loaded it against the schema
      kind: text(t.kind, 'batch') as IJobTemplate['kind'],
      clusters: strings(t.clusters),
      resources: isDict(t.resources) ? (t.resources as IJobTemplate['resources']) : {},
      modules: strings(t.modules),
      setup: strings(t.setup),
      script: text(t.script),
      parameters: isDict(t.parameters) ? (t.parameters as IJobTemplate['parameters']) : {}
    }));
  return { templates, errors: fieldErrorList(reply.errors) };
}

function fieldErrorList(value: unknown): IFieldError[] {
  return (Array.isArray(value) ? value : []).filter(isDict).map(e => ({
    file: typeof e.file === 'string' ? e.file : undefined,
    field: text(e.field),
    message: text(e.message, String(e.message))
  }));
}
