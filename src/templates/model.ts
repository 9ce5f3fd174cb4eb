import { ServerConnection } from '@jupyterlab/services';
import { VDomModel } from '@jupyterlab/ui-components';

import { errorText } from '../shared/errorText';
import type { IHpcCluster, IHpcClusters } from '../tokens';
import {
  HpcFieldErrors,
  IFieldError,
  IJobTemplate,
  IRenderedJob,
  ISubmittedJob,
  TemplatesApi,
  TemplateSource
} from './api';
import { checkValues, FormValue, FormValues, initialValues, personalCopy } from './values';
import { CLUSTER_FIELD, errorsByField, IServerErrors, withoutField } from './fieldErrors';
import { PreviewState, TemplatePreview } from './preview';
import { ITestOnlyView, TestOnlyCheck } from './testOnly';
import { clusterChoices, IClusterChoice, keepOrPick } from './clusterChoices';

export type { IClusterChoice };

/**
 * The Templates section's state: the list, the selected template's form values, the live
 * preview, and the personal templates' actions.
 *
 * The preview is rendered by the companion (`POST templates/render`) a moment after the last
 * change. Submit sends exactly the request that produced the shown preview, so what the user
 * read is what runs.
 */
export class TemplatesModel extends VDomModel {
  constructor(options: TemplatesModel.IOptions) {
    super();
    this._clusters = options.clusters;
    this._api = new TemplatesApi(options.serverSettings ?? ServerConnection.makeSettings());
    this._testOnly = new TestOnlyCheck(this._api, () => this.stateChanged.emit());
    this._preview = new TemplatePreview(this._api, options.previewDelay ?? 400, errors => {
      if (errors) {
        this._serverErrors = errorsByField(this._selected, errors);
      }
      // Slurm is asked about exactly what the preview shows
      const request = this._preview.request;
      if (this._preview.state === 'ok' && request) {
        this._testOnly.check(request);
      } else {
        this._testOnly.clear();
      }
      this.stateChanged.emit();
    });
    this._clusters.stateChanged.connect(this._updateClusterChoices, this);
    this._updateClusterChoices();
  }

  get templates(): ReadonlyArray<IJobTemplate> {
    return this._templates;
  }

  /** Template files that did not load; the others are listed anyway. */
  get loadErrors(): ReadonlyArray<IFieldError> {
    return this._loadErrors;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  get loading(): boolean {
    return this._loading;
  }

  /** Why the list could not be fetched, `null` once it was. */
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

  /** The chosen cluster as the clusters model last saw it (its partitions and their limits). */
  get chosenCluster(): IHpcCluster | undefined {
    return this._clusters.clusters.find(c => c.name === this._cluster);
  }

  get clusterChoices(): ReadonlyArray<IClusterChoice> {
    return this._clusterChoices;
  }

  /**
   * One message per field (a parameter name, or `CLUSTER_FIELD`): the browser's own checks, else
   * the companion's from the last render.
   */
  get fieldErrors(): Readonly<{ [field: string]: string }> {
    const own = this._selected ? checkValues(this._selected, this._values) : {};
    return { ...this._serverErrors.byField, ...own };
  }

  /** The companion's errors that belong to no field of the form (e.g. a template whose script no longer loads). */
  get generalErrors(): ReadonlyArray<string> {
    return this._serverErrors.general;
  }

  /** The last rendered job; out of date unless `previewState` is `ok`. */
  get preview(): IRenderedJob | null {
    return this._preview.job;
  }

  get previewState(): PreviewState {
    return this._preview.state;
  }

  get previewError(): string | null {
    return this._preview.error;
  }

  /** `sbatch --test-only`'s answer for the shown preview on its cluster. */
  get testOnly(): ITestOnlyView {
    return this._preview.state === 'ok' ? this._testOnly.view : { state: 'none', message: '', cluster: '' };
  }

  get submitting(): boolean {
    return this._submitting;
  }

  /** Whether Submit would send what the preview shows. */
  get canSubmit(): boolean {
    return (
      this._preview.state === 'ok' &&
      !this._submitting &&
      this._cluster !== '' &&
      this._preview.request?.cluster === this._cluster
    );
  }

  /** Fetch the list again; the selection stays if its template still exists. */
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
      this._listError = errorText(error);
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

  /** Show a template's form with its defaults (no-op if it is shown). */
  select(source: TemplateSource, id: string): void {
    const template = this.find(source, id);
    if (template !== this._selected) {
      this._suggestions = {};
      this._select(template, null);
      this.stateChanged.emit();
    }
  }

  /** Values proposed beside their fields, by parameter (a finished job's efficiency, "Run again"). */
  get suggestions(): FormValues {
    return this._suggestions;
  }

  /**
   * Show a template's form with `values` over its defaults (a finished job's, "Run again"), on
   * `cluster` if the template may go there, with `suggestions` beside their fields.
   * @returns Whether the template exists (the list is refreshed first if it is not there).
   */
  async prefill(
    source: TemplateSource,
    id: string,
    options: { values: FormValues; cluster?: string; suggestions?: FormValues }
  ): Promise<boolean> {
    if (this.find(source, id) === null) {
      await this.refresh();
    }
    const template = this.find(source, id);
    if (template === null) {
      return false;
    }
    this._select(template, null);
    this._values = initialValues(template, options.values);
    this._suggestions = options.suggestions ?? {};
    if (options.cluster !== undefined && this._clusterChoices.some(c => c.name === options.cluster)) {
      this._cluster = options.cluster;
    }
    this._schedulePreview();
    this.stateChanged.emit();
    return true;
  }

  setValue(name: string, value: FormValue): void {
    if (!this._selected || this._values[name] === value) {
      return;
    }
    this._values = { ...this._values, [name]: value };
    // The companion's message was about the old value.
    this._serverErrors = withoutField(this._serverErrors, name);
    this._schedulePreview();
    this.stateChanged.emit();
  }

  setCluster(name: string): void {
    if (name === this._cluster) {
      return;
    }
    this._cluster = name;
    this._serverErrors = withoutField(this._serverErrors, CLUSTER_FIELD);
    this._schedulePreview();
    this.stateChanged.emit();
  }

  /**
   * Submit the job of the shown preview.
   * @throws HpcFieldErrors (also shown at their fields) or HpcApiError.
   */
  async submit(): Promise<ISubmittedJob> {
    const request = this._preview.request;
    if (!this.canSubmit || request === null) {
      throw new Error('Nothing to submit yet: wait for the preview, and pick a cluster.');
    }
    this._submitting = true;
    this.stateChanged.emit();
    try {
      const job = await this._api.submit(request);
      this._preview.submitted(request, job);
      return job;
    } catch (error) {
      if (error instanceof HpcFieldErrors && request === this._preview.request) {
        this._serverErrors = errorsByField(this._selected, error.errors);
        this._preview.refused();
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
    if (!this._selected) {
      throw new Error('No template is selected.');
    }
    return personalCopy(this._selected, this._values, id, title);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clusters.stateChanged.disconnect(this._updateClusterChoices, this);
    this._preview.dispose();
    super.dispose();
  }

  /** After a template was saved: show it with its (maybe new) defaults. */
  private async _refreshAndSelect(source: TemplateSource, id: string): Promise<void> {
    await this.refresh();
    this._select(this.find(source, id), null);
    this.stateChanged.emit();
  }

  /**
   * Show `template`'s form, with the values of `keep` if it is the shown template (a refreshed
   * list), else (`null`) with its defaults.
   */
  private _select(template: IJobTemplate | null, keep: FormValues | null): void {
    const same = template !== null && template.id === this._selected?.id && template.source === this._selected?.source;
    this._selected = template;
    this._values = template ? initialValues(template, same && keep ? keep : {}) : {};
    if (!(same && keep)) {
      this._formVersion++;
    }
    this._serverErrors = { byField: {}, general: [] };
    if (!same) {
      this._preview.clear();
    }
    this._updateClusterChoices();
    this._schedulePreview();
  }

  /** The clusters the selected template may go to (all when it names none), keeping the picked one if allowed. */
  private _updateClusterChoices(): void {
    const choices = clusterChoices(this._selected, this._clusters);
    const changed = JSON.stringify(choices) !== JSON.stringify(this._clusterChoices);
    this._clusterChoices = choices;
    const cluster = keepOrPick(choices, this._cluster);
    if (cluster !== this._cluster) {
      this._cluster = cluster;
      this._schedulePreview();
      this.stateChanged.emit();
    } else if (changed) {
      // The clusters model polls every few seconds: re-render the view
      // only when the choices change.
      this.stateChanged.emit();
    }
  }

  private _schedulePreview(): void {
    this._preview.schedule({ template: this._selected, values: this._values, cluster: this._cluster });
  }

  private _api: TemplatesApi;
  private _cluster = '';
  private _clusterChoices: IClusterChoice[] = [];
  private _clusters: IHpcClusters;
  private _formVersion = 0;
  private _listError: string | null = null;
  private _loaded = false;
  private _loadErrors: IFieldError[] = [];
  private _loading = false;
  private _preview: TemplatePreview;
  private _selected: IJobTemplate | null = null;
  private _serverErrors: IServerErrors = { byField: {}, general: [] };
  private _submitting = false;
  private _suggestions: FormValues = {};
  private _testOnly: TestOnlyCheck;
  private _templates: IJobTemplate[] = [];
  private _values: FormValues = {};
}

/**
 * A namespace for `TemplatesModel` statics.
 */
export namespace TemplatesModel {
  export interface IOptions {
    /** The clusters a job can be submitted to. */
    clusters: IHpcClusters;
    /** Server connection settings; defaults to the page's. */
    serverSettings?: ServerConnection.ISettings;
    /** Milliseconds of quiet after a change before the preview is rendered. */
    previewDelay?: number;
  }
}
