import { ServerConnection } from '@jupyterlab/services';
import { VDomModel } from '@jupyterlab/ui-components';
import { Debouncer } from '@lumino/polling';

import type { IHpcClusters } from '../tokens';
import {
  HpcFieldErrors,
  IFieldError,
  IJobTemplate,
  IRenderedJob,
  ISubmittedJob,
  ITemplateJobRequest,
  ITemplateParameter,
  TemplatesApi,
  TemplateSource,
  templateFile
} from './templatesApi';
import {
  checkValues,
  FormValue,
  FormValues,
  initialValues,
  references,
  requestParams,
  typedDefault
} from './templatesValues';

/**
 * A cluster the selected template may be submitted to.
 */
export interface IClusterChoice {
  name: string;
  /**
   * False when the companion could not query the cluster lately.
   */
  ok: boolean;
}

/**
 * `none`: nothing selected; `pending`: a render is due or under way;
 * `ok`: the preview is what Submit sends; `invalid`: a field is wrong;
 * `error`: the render failed for another reason (`previewError`).
 */
export type PreviewState = 'none' | 'pending' | 'ok' | 'invalid' | 'error';

/**
 * The field under which an error of the cluster picker is kept.
 */
export const CLUSTER_FIELD = '/cluster';

/**
 * The Templates section's state: the list, the selected template's form
 * values, the live preview, and the personal templates' actions.
 *
 * The preview is rendered by the companion (`POST templates/render`) a
 * moment after the last change. Submit sends exactly the request that
 * produced the shown preview, so what the user read is what runs.
 */
export class TemplatesModel extends VDomModel {
  constructor(options: TemplatesModel.IOptions) {
    super();
    this._clusters = options.clusters;
    this._api = new TemplatesApi(options.serverSettings ?? ServerConnection.makeSettings());
    this._debouncer = new Debouncer(() => this._render(), options.previewDelay ?? 400);
    this._clusters.stateChanged.connect(this._updateClusterChoices, this);
    this._updateClusterChoices();
  }

  get templates(): ReadonlyArray<IJobTemplate> {
    return this._templates;
  }

  /**
   * Template files that did not load; the others are listed anyway.
   */
  get loadErrors(): ReadonlyArray<IFieldError> {
    return this._loadErrors;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  get loading(): boolean {
    return this._loading;
  }

  /**
   * Why the list could not be fetched, `null` once it was.
   */
  get listError(): string | null {
    return this._listError;
  }

  get selected(): IJobTemplate | null {
    return this._selected;
  }

  get values(): FormValues {
    return this._values;
  }

  /**
   * Changes whenever the model resets the values (another template, or the
   * template was saved): the view's inputs start again from `values` then.
   */
  get formKey(): string {
    return `${this._selected?.source}/${this._selected?.id}/${this._formVersion}`;
  }

  get cluster(): string {
    return this._cluster;
  }

  get clusterChoices(): ReadonlyArray<IClusterChoice> {
    return this._clusterChoices;
  }

  /**
   * One message per field (a parameter name, or `CLUSTER_FIELD`): the
   * browser's own checks, else the companion's from the last render.
   */
  get fieldErrors(): Readonly<{ [field: string]: string }> {
    const own = this._selected ? checkValues(this._selected, this._values) : {};
    return { ...this._serverErrors, ...own };
  }

  /**
   * The companion's errors that belong to no field of the form (e.g. a
   * template whose script no longer loads).
   */
  get generalErrors(): ReadonlyArray<string> {
    return this._generalErrors;
  }

  /**
   * The last rendered job; out of date unless `previewState` is `ok`.
   */
  get preview(): IRenderedJob | null {
    return this._preview;
  }

  get previewState(): PreviewState {
    return this._previewState;
  }

  get previewError(): string | null {
    return this._previewError;
  }

  get submitting(): boolean {
    return this._submitting;
  }

  /**
   * Whether Submit would send what the preview shows.
   */
  get canSubmit(): boolean {
    return (
      this._previewState === 'ok' &&
      !this._submitting &&
      this._cluster !== '' &&
      this._previewRequest?.cluster === this._cluster
    );
  }

  /**
   * Fetch the list again; the selection stays if its template still exists.
   */
  async refresh(): Promise<void> {
    this._loading = true;
    this.stateChanged.emit();
    try {
      const { templates, errors } = await this._api.list();
      this._templates = templates;
      this._loadErrors = errors;
      this._loaded = true;
      this._listError = null;
      const selected = this._selected;
      if (selected) {
        this._select(this.find(selected.source, selected.id), this._values);
      }
    } catch (error) {
      this._listError = message(error);
    } finally {
      this._loading = false;
      if (!this.isDisposed) {
        this.stateChanged.emit();
      }
    }
  }

  find(source: TemplateSource, id: string): IJobTemplate | null {
    return this._templates.find(t => t.source === source && t.id === id) ?? null;
  }

  /**
   * Show a template's form with its defaults (no-op if it is shown).
   */
  select(source: TemplateSource, id: string): void {
    const template = this.find(source, id);
    if (template !== this._selected) {
      this._select(template, null);
      this.stateChanged.emit();
    }
  }

  setValue(name: string, value: FormValue): void {
    if (!this._selected || this._values[name] === value) {
      return;
    }
    this._values = { ...this._values, [name]: value };
    // The companion's message was about the old value.
    this._dropServerError(name);
    this._schedulePreview();
    this.stateChanged.emit();
  }

  setCluster(name: string): void {
    if (name === this._cluster) {
      return;
    }
    this._cluster = name;
    this._dropServerError(CLUSTER_FIELD);
    this._schedulePreview();
    this.stateChanged.emit();
  }

  /**
   * Submit the job of the shown preview.
   *
   * @throws HpcFieldErrors (also shown at their fields) or HpcApiError.
   */
  async submit(): Promise<ISubmittedJob> {
    const request = this._previewRequest;
    if (!this.canSubmit || request === null) {
      throw new Error('Nothing to submit yet: wait for the preview, and pick a cluster.');
    }
    this._submitting = true;
    this.stateChanged.emit();
    try {
      const job = await this._api.submit(request);
      if (request === this._previewRequest) {
        // The companion rendered it again to submit it: show what it ran.
        this._preview = { script: job.script, options: job.options };
      }
      return job;
    } catch (error) {
      if (error instanceof HpcFieldErrors && request === this._previewRequest) {
        this._setServerErrors(error.errors);
        this._previewState = 'invalid';
      }
      throw error;
    } finally {
      this._submitting = false;
      if (!this.isDisposed) {
        this.stateChanged.emit();
      }
    }
  }

  /**
   * Copy a template into a new personal one and select the copy.
   *
   * @returns The companion's warnings (raw parameters became quoted ones).
   */
  async duplicate(from: IJobTemplate, id: string, title: string): Promise<string[]> {
    const reply = await this._api.duplicate(from, id, title);
    await this._refreshAndSelect('personal', id);
    return reply.warnings ?? [];
  }

  /**
   * Create or replace a personal template and select it.
   *
   * @throws HpcFieldErrors naming each bad field of `data`.
   */
  async savePersonal(id: string, data: unknown): Promise<void> {
    await this._api.savePersonal(id, data);
    await this._refreshAndSelect('personal', id);
  }

  async deletePersonal(id: string): Promise<void> {
    await this._api.deletePersonal(id);
    await this.refresh();
  }

  /**
   * The selected template as a new personal template whose parameter
   * defaults are the form's values ("Save as template…"). Parameters
   * marked `raw` become quoted ones, as the companion allows `raw` in
   * centre templates only; `unquoted` names them.
   */
  asNewTemplate(id: string, title: string): { data: { [key: string]: unknown }; unquoted: string[] } {
    const selected = this._selected;
    if (!selected) {
      throw new Error('No template is selected.');
    }
    const unquoted: string[] = [];
    const parameters: { [name: string]: ITemplateParameter } = {};
    for (const [name, p] of Object.entries(selected.parameters)) {
      const { raw, ...copy } = p;
      const value = typedDefault(p, this._values[name]);
      if (value !== undefined) {
        copy.default = value;
      }
      if (raw) {
        unquoted.push(name);
      }
      parameters[name] = copy;
    }
    return { data: { ...templateFile(selected), id, title, parameters }, unquoted };
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clusters.stateChanged.disconnect(this._updateClusterChoices, this);
    this._debouncer.dispose();
    super.dispose();
  }

  /**
   * After a template was saved: show it with its (maybe new) defaults.
   */
  private async _refreshAndSelect(source: TemplateSource, id: string): Promise<void> {
    await this.refresh();
    this._select(this.find(source, id), null);
    this.stateChanged.emit();
  }

  /**
   * Show `template`'s form, with the values of `keep` if it is the shown
   * template (a refreshed list), else (`null`) with its defaults.
   */
  private _select(template: IJobTemplate | null, keep: FormValues | null): void {
    const same = template !== null && template.id === this._selected?.id && template.source === this._selected?.source;
    this._selected = template;
    this._values = template ? initialValues(template, same && keep ? keep : {}) : {};
    if (!(same && keep)) {
      this._formVersion++;
    }
    this._serverErrors = {};
    this._generalErrors = [];
    if (!same) {
      this._preview = null;
      this._previewRequest = null;
    }
    this._updateClusterChoices();
    this._schedulePreview();
  }

  /**
   * The clusters the selected template may go to (all when it names none),
   * keeping the picked one while it is allowed.
   */
  private _updateClusterChoices(): void {
    const allowed = this._selected?.clusters ?? [];
    const choices = this._clusters.clusters
      .filter(c => allowed.length === 0 || allowed.includes(c.name))
      .map(c => ({ name: c.name, ok: c.status === 'ok' }));
    const changed = JSON.stringify(choices) !== JSON.stringify(this._clusterChoices);
    this._clusterChoices = choices;
    if (!choices.some(c => c.name === this._cluster)) {
      this._cluster = (choices.find(c => c.ok) ?? choices[0])?.name ?? '';
      this._schedulePreview();
      this.stateChanged.emit();
    } else if (changed) {
      // The clusters model polls every few seconds: re-render the view
      // only when the choices change.
      this.stateChanged.emit();
    }
  }

  private _schedulePreview(): void {
    // Any reply of an earlier render is now out of date.
    this._renderSeq++;
    const selected = this._selected;
    if (!selected) {
      this._previewState = 'none';
    } else if (Object.keys(checkValues(selected, this._values)).length > 0) {
      this._previewState = 'invalid';
    } else {
      this._previewState = 'pending';
      this._debouncer.invoke().catch(() => undefined);
    }
  }

  private async _render(): Promise<void> {
    const selected = this._selected;
    if (!selected || this.isDisposed || this._previewState !== 'pending') {
      return;
    }
    const request: ITemplateJobRequest = {
      id: selected.id,
      source: selected.source,
      cluster: this._cluster === '' ? undefined : this._cluster,
      params: requestParams(selected, this._values)
    };
    const seq = ++this._renderSeq;
    let job: IRenderedJob | null = null;
    let failure: unknown = null;
    try {
      job = await this._api.render(request);
    } catch (error) {
      failure = error;
    }
    if (seq !== this._renderSeq || this.isDisposed) {
      return;
    }
    if (job !== null) {
      this._preview = job;
      this._previewRequest = request;
      this._previewState = 'ok';
      this._previewError = null;
      this._setServerErrors([]);
    } else if (failure instanceof HpcFieldErrors) {
      this._setServerErrors(failure.errors);
      this._previewState = 'invalid';
    } else {
      this._previewState = 'error';
      this._previewError = message(failure);
    }
    this.stateChanged.emit();
  }

  /**
   * Keep the companion's errors by form field: `/params/x` is parameter x,
   * `/resources/r` the parameters that resource `r` is made of.
   */
  private _setServerErrors(errors: ReadonlyArray<IFieldError>): void {
    const byField: { [field: string]: string } = {};
    const general: string[] = [];
    for (const error of errors) {
      const fields = this._formFields(error.field);
      if (fields.length === 0) {
        general.push(error.field ? `${error.field}: ${error.message}` : error.message);
      }
      for (const field of fields) {
        byField[field] = byField[field] ? `${byField[field]}; ${error.message}` : error.message;
      }
    }
    this._serverErrors = byField;
    this._generalErrors = general;
  }

  private _formFields(pointer: string): string[] {
    const template = this._selected;
    if (pointer === CLUSTER_FIELD || !template) {
      return template ? [CLUSTER_FIELD] : [];
    }
    const isParameter = (name: string) => Object.prototype.hasOwnProperty.call(template.parameters, name);
    const [, kind, name] = /^\/(params|resources)\/(.+)$/.exec(pointer) ?? [];
    const segment = (name ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    if (kind === 'params') {
      return isParameter(segment) ? [segment] : [];
    }
    const resource = kind === 'resources' ? template.resources[segment] : undefined;
    return typeof resource === 'string' ? references(resource).filter(isParameter) : [];
  }

  private _dropServerError(field: string): void {
    if (field in this._serverErrors) {
      const rest = { ...this._serverErrors };
      delete rest[field];
      this._serverErrors = rest;
    }
  }

  private _api: TemplatesApi;
  private _cluster = '';
  private _clusterChoices: IClusterChoice[] = [];
  private _clusters: IHpcClusters;
  private _debouncer: Debouncer<void>;
  private _formVersion = 0;
  private _generalErrors: string[] = [];
  private _listError: string | null = null;
  private _loaded = false;
  private _loadErrors: IFieldError[] = [];
  private _loading = false;
  private _preview: IRenderedJob | null = null;
  private _previewError: string | null = null;
  private _previewRequest: ITemplateJobRequest | null = null;
  private _previewState: PreviewState = 'none';
  private _renderSeq = 0;
  private _selected: IJobTemplate | null = null;
  private _serverErrors: { [field: string]: string } = {};
  private _submitting = false;
  private _templates: IJobTemplate[] = [];
  private _values: FormValues = {};
}

/**
 * A namespace for `TemplatesModel` statics.
 */
export namespace TemplatesModel {
  export interface IOptions {
    /**
     * The clusters a job can be submitted to.
     */
    clusters: IHpcClusters;
    /**
     * Server connection settings; defaults to the page's.
     */
    serverSettings?: ServerConnection.ISettings;
    /**
     * Milliseconds of quiet after a change before the preview is rendered.
     */
    previewDelay?: number;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
