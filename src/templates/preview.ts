/**
 * The live preview of a template's job: rendered by the companion
 * (`POST templates/render`) a moment after the last change, so that Submit
 * sends exactly the request whose result the user read.
 */
import { Debouncer } from '@lumino/polling';

import { HpcFieldErrors, IFieldError, IJobTemplate, IRenderedJob, ITemplateJobRequest, TemplatesApi } from './api';
import { checkValues, FormValues, requestParams } from './values';

/**
 * `none`: nothing selected; `pending`: a render is due or under way;
 * `ok`: the preview is what Submit sends; `invalid`: a field is wrong;
 * `error`: the render failed for another reason (`error`).
 */
export type PreviewState = 'none' | 'pending' | 'ok' | 'invalid' | 'error';

/**
 * What a render is made of.
 */
export interface IPreviewInput {
  template: IJobTemplate | null;
  values: FormValues;
  cluster: string;
}

export class TemplatePreview {
  /**
   * @param rendered - Called after each render that is still current, with
   *   the companion's field errors (none when it rendered, null when it
   *   failed for another reason).
   */
  constructor(
    private readonly _api: TemplatesApi,
    delay: number,
    private readonly _rendered: (errors: ReadonlyArray<IFieldError> | null) => void
  ) {
    this._debouncer = new Debouncer(() => this._render(), delay);
  }

  /**
   * The last rendered job; out of date unless `state` is `ok`.
   */
  get job(): IRenderedJob | null {
    return this._job;
  }

  /**
   * The request that rendered `job`.
   */
  get request(): ITemplateJobRequest | null {
    return this._request;
  }

  get state(): PreviewState {
    return this._state;
  }

  get error(): string | null {
    return this._error;
  }

  /**
   * Forget the shown job (another template was selected).
   */
  clear(): void {
    this._job = null;
    this._request = null;
  }

  /**
   * Render `input` after a moment of quiet, unless its values are wrong.
   */
  schedule(input: IPreviewInput): void {
    // Any reply of an earlier render is now out of date.
    this._seq++;
    this._input = input;
    if (!input.template) {
      this._state = 'none';
    } else if (Object.keys(checkValues(input.template, input.values)).length > 0) {
      this._state = 'invalid';
    } else {
      this._state = 'pending';
      this._debouncer.invoke().catch(() => undefined);
    }
  }

  /**
   * The companion refused to submit `request`: the preview is not valid.
   */
  refused(): void {
    this._state = 'invalid';
  }

  /**
   * The companion rendered `request` again to submit it: show what it ran.
   */
  submitted(request: ITemplateJobRequest, job: IRenderedJob): void {
    if (request === this._request) {
      this._job = { script: job.script, options: job.options };
    }
  }

  dispose(): void {
    this._disposed = true;
    this._debouncer.dispose();
  }

  private async _render(): Promise<void> {
    const { template, values, cluster } = this._input;
    if (!template || this._disposed || this._state !== 'pending') {
      return;
    }
    const request: ITemplateJobRequest = {
      id: template.id,
      source: template.source,
      cluster: cluster === '' ? undefined : cluster,
      params: requestParams(template, values)
    };
    const seq = ++this._seq;
    let job: IRenderedJob | null = null;
    let failure: unknown = null;
    try {
      job = await this._api.render(request);
    } catch (error) {
      failure = error;
    }
    if (seq !== this._seq || this._disposed) {
      return;
    }
    if (job !== null) {
      this._job = job;
      this._request = request;
      this._state = 'ok';
      this._error = null;
      this._rendered([]);
    } else if (failure instanceof HpcFieldErrors) {
      this._state = 'invalid';
      this._rendered(failure.errors);
    } else {
      this._state = 'error';
      this._error = failure instanceof Error ? failure.message : String(failure);
      this._rendered(null);
    }
  }

  private _debouncer: Debouncer<void>;
  private _disposed = false;
  private _error: string | null = null;
  private _input: IPreviewInput = { template: null, values: {}, cluster: '' };
  private _job: IRenderedJob | null = null;
  private _request: ITemplateJobRequest | null = null;
  private _seq = 0;
  private _state: PreviewState = 'none';
}
