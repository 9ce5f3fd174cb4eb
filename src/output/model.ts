import { ServerConnection } from '@jupyterlab/services';
import { VDomModel } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';

import { jobOutput, OutputStream } from './api';

/**
 * The first read: the end of the file.
 */
const FIRST_BYTES = 64 * 1024;

/**
 * Each following read; a job that writes faster is read in several
 * requests per tick.
 */
const NEXT_BYTES = 256 * 1024;

/**
 * Reads per tick at most, so a job writing gigabytes cannot keep the
 * browser busy forever.
 */
const MAX_READS_PER_TICK = 8;

/**
 * Characters kept: the oldest output is dropped beyond this.
 */
const DEFAULT_MAX_CHARS = 1024 * 1024;

/**
 * Follows a job's stdout or stderr like `tail -f`: the last 64 KiB first,
 * then whatever the file grows by, on a `Poll` that backs off while the
 * file cannot be read (a pending job has none yet) and stands by while the
 * page is hidden. Keeps the last `maxChars` characters.
 */
export class OutputTailModel extends VDomModel {
  constructor(options: OutputTailModel.IOptions) {
    super();
    this.cluster = options.cluster;
    this.jobId = options.jobId;
    this.stream = options.stream;
    this._settings = options.serverSettings ?? ServerConnection.makeSettings();
    this._maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    const interval = options.interval ?? 2000;
    this._poll = new Poll({
      auto: true,
      factory: () => this._read(),
      frequency: { interval, backoff: true, max: Math.max(interval, 15_000) },
      name: `jupyterlab-hpc:tail:${options.cluster}:${options.jobId}:${options.stream}`,
      standby: 'when-hidden'
    });
  }

  readonly cluster: string;
  readonly jobId: string;
  readonly stream: OutputStream;

  /**
   * The output kept, oldest dropped first.
   */
  get text(): string {
    return this._text;
  }

  /**
   * Whether output before `text` exists that is not shown.
   */
  get truncated(): boolean {
    return this._truncated;
  }

  /**
   * The file's path on the cluster, once known.
   */
  get path(): string {
    return this._path;
  }

  /**
   * The file's size at the last read, in bytes.
   */
  get size(): number {
    return this._size;
  }

  /**
   * Whether a read has succeeded.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * The last read's error (e.g. no file yet); null after a success.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Read now rather than at the next tick.
   */
  refresh(): Promise<void> {
    return this._poll.refresh();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    super.dispose();
  }

  /**
   * The poll's factory: read what the file grew by. Rejects on failure so
   * the poll backs off.
   */
  private async _read(): Promise<void> {
    // Re-render only for news: most ticks of a quiet job read nothing.
    const before = [this._text, this._error, this._size, this._path, this._loaded];
    try {
      for (let i = 0; i < MAX_READS_PER_TICK; i++) {
        const start = this._next;
        const slice = await jobOutput(
          this.cluster,
          this.jobId,
          start === null
            ? { stream: this.stream, maxBytes: FIRST_BYTES }
            : { stream: this.stream, offset: start, maxBytes: NEXT_BYTES },
          this._settings
        );
        if (this.isDisposed) {
          return;
        }
        this._path = slice.path;
        this._size = slice.size;
        this._loaded = true;
        this._error = null;
        if (start !== null && slice.size < start) {
          // The file was truncated or replaced: start over from its end.
          this._next = null;
          this._text = '';
          continue;
        }
        this._append(slice.data, start === null && slice.offset > 0);
        this._next = slice.nextOffset;
        if (slice.nextOffset >= slice.size) {
          break;
        }
      }
    } catch (error) {
      if (!this.isDisposed) {
        this._error = error instanceof Error ? error.message : String(error);
      }
      throw error;
    } finally {
      const after = [this._text, this._error, this._size, this._path, this._loaded];
      if (!this.isDisposed && after.some((value, i) => value !== before[i])) {
        this.stateChanged.emit();
      }
    }
  }

  /**
   * Append output; `midFile` says the data starts inside the file, likely
   * mid-line: that partial line is dropped.
   */
  private _append(data: string, midFile: boolean): void {
    let text = this._text + data;
    if (midFile) {
      this._truncated = true;
      text = text.slice(text.indexOf('\n') + 1);
    }
    if (text.length > this._maxChars) {
      this._truncated = true;
      const cut = text.length - this._maxChars;
      const newline = text.indexOf('\n', cut);
      text = text.slice(newline >= 0 && newline - cut < 4096 ? newline + 1 : cut);
    }
    this._text = text;
  }

  private _error: string | null = null;
  private _loaded = false;
  private _maxChars: number;
  private _next: number | null = null;
  private _path = '';
  private _poll: Poll;
  private _settings: ServerConnection.ISettings;
  private _size = 0;
  private _text = '';
  private _truncated = false;
}

/**
 * A namespace for `OutputTailModel` statics.
 */
export namespace OutputTailModel {
  export interface IOptions {
    cluster: string;
    jobId: string;
    stream: OutputStream;
    serverSettings?: ServerConnection.ISettings;
    /** Milliseconds between reads; default 2 s. */
    interval?: number;
    /** Characters kept; default 1 Mi. */
    maxChars?: number;
  }
}
