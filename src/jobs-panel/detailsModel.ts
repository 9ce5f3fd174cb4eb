/**
 * The details pane's model: what the companion knows of the selected job (`scontrol show
 * job` and the expected start), fetched for that job only when the selection or the job's
 * state changes, and the tails of its output and error files.
 */
import type { ServerConnection } from '@jupyterlab/services';
import { VDomModel } from '@jupyterlab/ui-components';

import { JobInfo, jobInfo } from '../queue/api';
import type { IQueueJob } from '../queue/jobs';
import { OutputTailModel } from '../output/model';

export class JobDetailsModel extends VDomModel {
  constructor(private readonly _settings?: ServerConnection.ISettings) {
    super();
  }

  get cluster(): string | null {
    return this._cluster;
  }

  /** The shown job as the queue has it; null when nothing is selected. */
  get job(): IQueueJob | null {
    return this._job;
  }

  /** The companion's answer for the shown job; null until it comes. */
  get info(): JobInfo | null {
    return this._info;
  }

  /** Why the job's details could not be fetched, in Slurm's words. */
  get error(): string | null {
    return this._error;
  }

  get stdout(): OutputTailModel | null {
    return this._stdout;
  }

  get stderr(): OutputTailModel | null {
    return this._stderr;
  }

  /**
   * Show `job` of `cluster` (the queue's selection). The same job in a new state is asked for
   * again (its reason, start and end change); anything else of the row is already shown.
   */
  show(cluster: string | null, job: IQueueJob | null): void {
    const same = job !== null && cluster === this._cluster && job.id === this._job?.id;
    const changed = !same || job.state !== this._job?.state || job.reason !== this._job?.reason;
    this._cluster = cluster;
    this._job = job;
    if (!same) {
      this._info = null;
      this._error = null;
      this._openTails();
    }
    if (changed && job !== null && cluster !== null) {
      void this._fetch(cluster, job.id);
    }
    this.stateChanged.emit();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._closeTails();
    super.dispose();
  }

  private async _fetch(cluster: string, id: string): Promise<void> {
    const seq = ++this._seq;
    try {
      const info = await jobInfo(cluster, id, this._settings);
      if (seq === this._seq && !this.isDisposed) {
        this._info = info;
        this._error = null;
        this.stateChanged.emit();
      }
    } catch (error) {
      if (seq === this._seq && !this.isDisposed) {
        this._error = error instanceof Error ? error.message : String(error);
        this.stateChanged.emit();
      }
    }
  }

  private _openTails(): void {
    this._closeTails();
    const { _cluster: cluster, _job: job } = this;
    if (cluster === null || job === null) {
      return;
    }
    const tail = (stream: 'stdout' | 'stderr'): OutputTailModel => {
      const model = new OutputTailModel({ cluster, jobId: job.id, stream, serverSettings: this._settings });
      model.stateChanged.connect(this._onTail, this);
      return model;
    };
    this._stdout = tail('stdout');
    this._stderr = tail('stderr');
  }

  private _closeTails(): void {
    this._stdout?.dispose();
    this._stderr?.dispose();
    this._stdout = this._stderr = null;
  }

  private _onTail(): void {
    this.stateChanged.emit();
  }

  private _cluster: string | null = null;
  private _error: string | null = null;
  private _info: JobInfo | null = null;
  private _job: IQueueJob | null = null;
  private _seq = 0;
  private _stderr: OutputTailModel | null = null;
  private _stdout: OutputTailModel | null = null;
}
