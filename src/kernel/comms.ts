/**
 * The Lab side of the `jupyterlab-hpc` kernel comm (the kernel side is
 * `jupyterlab_hpc/comm.py`).
 *
 * The kernel opens the comm when `%load_ext jupyterlab_hpc` runs; the Lab
 * registers the comm target on the kernel of every notebook, so what a cell
 * submits or starts reaches the sidebar at once. In the other direction the
 * sidebar's "Use in notebook" sends `connect-set` and the kernel defines a
 * client variable when no cell is running.
 *
 * Kernel → Lab: `hello`, `job-submitted`, `set-started`, `set-connected`,
 * `error`; Lab → kernel: `connect-set`, `ping` (protocol/comm.ts).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ISessionContext, IWidgetTracker } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import {
  asKernelEvent,
  COMM_TARGET,
  ConnectSetMessage,
  KERNEL_EVENTS,
  KernelEvent,
  LAB_MESSAGES,
  SetConnectedEvent
} from '../../protocol/comm';

export interface IKernelWidget extends Widget {
  readonly sessionContext: ISessionContext;
}

/**
 * An event from a kernel, with the widgets (notebooks) using that kernel.
 */
export interface IHpcKernelEventArgs<W extends IKernelWidget = IKernelWidget> {
  event: KernelEvent;
  kernel: Kernel.IKernelConnection;
  widgets: ReadonlyArray<W>;
}

export interface IConnectSetOptions {
  /**
   * Variable to define (default: `rc` for IPyParallel, `client` for Dask).
   */
  variable?: string;
  /**
   * How long to wait for the kernel's answer. The kernel answers when the
   * running cell ends, so this is long by default (ms).
   */
  timeoutMs?: number;
  /**
   * Load the extension in a Python kernel that has not loaded it (default: true).
   */
  loadExtension?: boolean;
}

const LOAD_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 300_000;
const LOAD_CODE = '%load_ext jupyterlab_hpc';

interface IPending {
  resolve: (event: SetConnectedEvent) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type CommTarget = (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg) => void;

/**
 * What the Lab knows of one kernel: its comms and the notebooks using it.
 *
 * Several notebooks on one kernel have one connection each, and only one of
 * them handles comms (`handleComms`): the link holds that one.
 */
class KernelLink<W extends IKernelWidget> {
  readonly comms = new Map<string, Kernel.IComm>();
  readonly widgets = new Set<W>();
  /**
   * Called once whenever a comm is added (see `waitForComm`).
   */
  commWaiters: Array<() => void> = [];

  constructor(
    readonly kernel: Kernel.IKernelConnection,
    readonly target: CommTarget
  ) {}

  get comm(): Kernel.IComm | undefined {
    // The newest comm: after a frontend closed one, the kernel opened another.
    return [...this.comms.values()].pop();
  }
}

/**
 * Registers the comm target on notebook kernels, surfaces their events and
 * sends them requests. Create it with `registerCommTarget`.
 */
export class HpcKernelComms<W extends IKernelWidget = IKernelWidget> {
  constructor(tracker: IWidgetTracker<W>) {
    this._tracker = tracker;
    tracker.forEach(widget => this._watch(widget));
    tracker.widgetAdded.connect(this._onWidgetAdded, this);
  }

  /**
   * Every event of every notebook kernel that loaded the extension.
   */
  get events(): ISignal<this, IHpcKernelEventArgs<W>> {
    return this._events;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether the widget's kernel has an open comm with us.
   */
  isConnected(widget: W): boolean {
    const kernel = widget.sessionContext.session?.kernel;
    return !!kernel && (this._links.get(kernel.id)?.comms.size ?? 0) > 0;
  }

  /**
   * Ask the widget's kernel to define a client of the set ("Use in notebook").
   *
   * Resolves with the kernel's `set-connected` answer once it defined the
   * variable; rejects with the kernel's one-line message, or when it does not
   * answer within `timeoutMs`.
   */
  async connectSet(widget: W, setId: string, options: IConnectSetOptions = {}): Promise<SetConnectedEvent> {
    const kernel = widget.sessionContext.session?.kernel;
    if (!kernel) {
      throw new Error('This notebook has no kernel.');
    }
    const link = this._attach(kernel, widget);
    const comm = await this._ensureComm(link, options.loadExtension ?? true);
    const requestId = UUID.uuid4();
    const answer = new Promise<SetConnectedEvent>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this._pending.delete(requestId);
        reject(new Error(`The kernel did not answer within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      this._pending.set(requestId, { resolve, reject, timer });
    });
    const data: ConnectSetMessage = { type: LAB_MESSAGES.connectSet, setId, requestId };
    if (options.variable) {
      data.variable = options.variable;
    }
    comm.send(data);
    return answer;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._tracker.widgetAdded.disconnect(this._onWidgetAdded, this);
    for (const link of this._links.values()) {
      link.kernel.removeCommTarget(COMM_TARGET, link.target);
      link.kernel.statusChanged.disconnect(this._onStatus, this);
    }
    this._links.clear();
    this._rejectAll('The HPC extension was unloaded.');
    Signal.clearData(this);
  }

  private _onWidgetAdded(_: unknown, widget: W): void {
    this._watch(widget);
  }

  private _watch(widget: W): void {
    const context = widget.sessionContext;
    const onKernel = (): void => {
      const kernel = context.session?.kernel;
      if (kernel && !this._isDisposed) {
        this._attach(kernel, widget);
      }
    };
    context.kernelChanged.connect(onKernel);
    widget.disposed.connect(() => {
      context.kernelChanged.disconnect(onKernel);
      for (const link of this._links.values()) {
        link.widgets.delete(widget);
      }
    });
    onKernel();
  }

  /**
   * The link of a kernel, registering our comm target on the connection that
   * handles its comms (a registration survives kernel restarts).
   */
  private _attach(kernel: Kernel.IKernelConnection, widget: W): KernelLink<W> {
    let link = this._links.get(kernel.id);
    const better = !link || link.kernel.isDisposed || (!link.kernel.handleComms && kernel.handleComms);
    if (!link || better) {
      const target: CommTarget = (comm, msg) => {
        this._adoptComm(created, comm);
        this._onData(created, msg.content.data);
      };
      const created = new KernelLink<W>(kernel, target);
      link?.widgets.forEach(w => created.widgets.add(w));
      link = created;
      this._links.set(kernel.id, created);
      kernel.registerCommTarget(COMM_TARGET, target);
      kernel.statusChanged.connect(this._onStatus, this);
      kernel.disposed.connect(() => {
        if (this._links.get(kernel.id) === created) {
          this._links.delete(kernel.id);
        }
      });
      // A reloaded page: the kernel's comm exists already; find it.
      if (kernel.handleComms) {
        void this._findComms(created).catch(() => undefined);
      }
    }
    link.widgets.add(widget);
    return link;
  }

  private _onStatus(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
      // the kernel's comms are gone with its process
      const link = this._links.get(kernel.id);
      if (link?.kernel === kernel) {
        link.comms.clear();
      }
    }
  }

  private _adoptComm(link: KernelLink<W>, comm: Kernel.IComm): void {
    // JupyterLab may send this comm's messages through a subshell, i.e. during a
    // running cell: the kernel side waits for the cell to end before it acts.
    comm.onMsg = msg => this._onData(link, msg.content.data);
    comm.onClose = () => {
      link.comms.delete(comm.commId);
    };
    link.comms.set(comm.commId, comm);
    const waiters = link.commWaiters;
    link.commWaiters = [];
    waiters.forEach(w => w());
  }

  /**
   * Attach to comms the kernel opened before this page registered the target.
   */
  private async _findComms(link: KernelLink<W>): Promise<void> {
    const reply = await link.kernel.requestCommInfo({ target_name: COMM_TARGET });
    if (reply.content.status !== 'ok') {
      return;
    }
    for (const [commId, info] of Object.entries(reply.content.comms)) {
      if (info.target_name === COMM_TARGET && !link.kernel.hasComm(commId)) {
        const comm = link.kernel.createComm(COMM_TARGET, commId);
        this._adoptComm(link, comm);
        comm.send({ type: LAB_MESSAGES.ping }); // the kernel answers with a hello
      }
    }
  }

  /**
   * The kernel's comm; in a Python kernel that never loaded the extension,
   * loads it (a fixed line of code, no user data in it) and waits for it.
   */
  private async _ensureComm(link: KernelLink<W>, load: boolean): Promise<Kernel.IComm> {
    if (link.comm) {
      return link.comm;
    }
    await this._findComms(link);
    if (link.comm) {
      return link.comm;
    }
    const info = await link.kernel.info;
    if (!load || info.language_info.name !== 'python') {
      throw new Error(`This kernel has not loaded jupyterlab_hpc: run ${LOAD_CODE} in the notebook.`);
    }
    const opened = this._waitForComm(link, LOAD_TIMEOUT_MS);
    const future = link.kernel.requestExecute(
      { code: LOAD_CODE, silent: true, store_history: false, allow_stdin: false, stop_on_error: false },
      true
    );
    const reply = await future.done;
    if (reply.content.status === 'error') {
      throw new Error(`${LOAD_CODE} failed: ${reply.content.ename}: ${reply.content.evalue}`);
    }
    return opened;
  }

  private _waitForComm(link: KernelLink<W>, timeoutMs: number): Promise<Kernel.IComm> {
    return new Promise<Kernel.IComm>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`The kernel did not open the ${COMM_TARGET} comm within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      link.commWaiters.push(() => {
        clearTimeout(timer);
        resolve(link.comm!);
      });
    });
  }

  private _onData(link: KernelLink<W>, data: unknown): void {
    const event = asKernelEvent(data);
    if (!event) {
      return;
    }
    if ((event.type === KERNEL_EVENTS.setConnected || event.type === KERNEL_EVENTS.error) && event.requestId) {
      const pending = this._pending.get(event.requestId);
      if (pending) {
        this._pending.delete(event.requestId);
        clearTimeout(pending.timer);
        if (event.type === KERNEL_EVENTS.setConnected) {
          pending.resolve(event);
        } else {
          pending.reject(new Error(event.message));
        }
      }
    }
    this._events.emit({ event, kernel: link.kernel, widgets: [...link.widgets] });
  }

  private _rejectAll(message: string): void {
    for (const pending of this._pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error(message));
    }
    this._pending.clear();
  }

  private _tracker: IWidgetTracker<W>;
  private _links = new Map<string, KernelLink<W>>(); // by kernel id
  private _pending = new Map<string, IPending>();
  private _events = new Signal<this, IHpcKernelEventArgs<W>>(this);
  private _isDisposed = false;
}

/**
 * Register the `jupyterlab-hpc` comm target on the kernels of the tracker's
 * widgets (pass the `INotebookTracker`), and call `onEvent` with every event.
 */
export function registerCommTarget<W extends IKernelWidget>(
  _app: JupyterFrontEnd,
  tracker: IWidgetTracker<W>,
  onEvent?: (args: IHpcKernelEventArgs<W>) => void
): HpcKernelComms<W> {
  const comms = new HpcKernelComms<W>(tracker);
  if (onEvent) {
    comms.events.connect((_, args) => {
      try {
        onEvent(args);
      } catch (e) {
        console.error('jupyterlab-hpc: a kernel event handler failed', e);
      }
    });
  }
  return comms;
}
