/**
 * Slurm's answer before Submit: once the preview is good on a cluster, the same request goes to
 * `POST templates/test-only` (`sbatch --test-only`: when and where it would start, or why not).
 */
import type { TestOnlyAnswer } from '../../protocol/resources';
import type { ITemplateJobRequest, TemplatesApi } from './api';

export type TestOnlyState = 'none' | 'pending' | 'ok' | 'refused' | 'error';

export interface ITestOnlyView {
  state: TestOnlyState;
  /** Slurm's line ("Job 12 to start at … on nodes vm in partition debug"), its refusal, or why there is none. */
  message: string;
  cluster: string;
}

export class TestOnlyCheck {
  constructor(
    private readonly _api: TemplatesApi,
    private readonly _changed: () => void
  ) {}

  get view(): ITestOnlyView {
    return this._view;
  }

  /** Asks Slurm about the request the preview shows; an older answer never replaces a newer one. */
  check(request: ITemplateJobRequest): void {
    const cluster = request.cluster ?? '';
    if (cluster === '') {
      this.clear();
      return;
    }
    const seq = ++this._seq;
    this._view = { state: 'pending', message: '', cluster };
    this._api.testOnly(request).then(
      (answer: TestOnlyAnswer) =>
        this._set(seq, { state: answer.ok ? 'ok' : 'refused', message: answer.message, cluster }),
      (error: unknown) =>
        this._set(seq, { state: 'error', message: error instanceof Error ? error.message : String(error), cluster })
    );
  }

  clear(): void {
    this._seq++;
    this._view = { state: 'none', message: '', cluster: '' };
  }

  private _set(seq: number, view: ITestOnlyView): void {
    if (seq === this._seq) {
      this._view = view;
      this._changed();
    }
  }

  private _seq = 0;
  private _view: ITestOnlyView = { state: 'none', message: '', cluster: '' };
}
