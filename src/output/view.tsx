/**
 * A main-area panel following a job's stdout or stderr as it grows.
 */
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { consoleIcon, VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { OutputStream } from './api';
import { OutputTailModel } from './model';

/**
 * Pixels from the bottom within which the view still counts as "at the
 * end", and keeps following new output.
 */
const STICK_SLACK = 8;

export interface IOutputTailTextProps {
  text: string;
  truncated: boolean;
  path: string;
  loaded: boolean;
  error: string | null;
  trans: TranslationBundle;
}

/**
 * The output, scrolled to the end as it grows unless the user scrolled up
 * to read (then it stays put until they scroll back down).
 */
export function OutputTailText(props: IOutputTailTextProps): JSX.Element {
  const { trans } = props;
  const scrollRef = React.useRef<HTMLDivElement>(null);
  // Where the user is reading is the view's own business, not the model's.
  const stick = React.useRef(true);
  React.useLayoutEffect(() => {
    const node = scrollRef.current;
    if (node && stick.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [props.text]);
  const onScroll = (): void => {
    const node = scrollRef.current;
    if (node) {
      stick.current = node.scrollHeight - node.scrollTop - node.clientHeight <= STICK_SLACK;
    }
  };
  return (
    <div className="jp-Hpc-outputTailBody">
      {props.error !== null ? (
        <div className="jp-Hpc-outputTailError" role="status">
          {props.loaded
            ? trans.__('Could not read more (%1); retrying.', props.error)
            : trans.__('No output yet (%1); retrying.', props.error)}
        </div>
      ) : null}
      <div
        ref={scrollRef}
        className="jp-Hpc-outputTailScroll"
        tabIndex={0}
        onScroll={onScroll}
        aria-label={props.path || trans.__('Job output')}
      >
        {props.truncated ? (
          <div className="jp-Hpc-outputTailTruncated">{trans.__('… earlier output not shown')}</div>
        ) : null}
        <pre className="jp-Hpc-outputTailText">{props.text}</pre>
      </div>
    </div>
  );
}

/**
 * The panel's content: renders the tail model on every read that brought
 * something.
 */
export class OutputTailView extends VDomRenderer<OutputTailModel> {
  constructor(model: OutputTailModel, trans: TranslationBundle) {
    super(model);
    this._trans = trans;
    this.addClass('jp-Hpc-outputTail');
    this.node.dataset.cluster = model.cluster;
    this.node.dataset.jobId = model.jobId;
    this.node.dataset.stream = model.stream;
  }

  protected render(): JSX.Element {
    const model = this.model;
    const widget = this.parent;
    if (widget && model.path) {
      widget.title.caption = model.path;
    }
    return (
      <OutputTailText
        text={model.text}
        truncated={model.truncated}
        path={model.path}
        loaded={model.loaded}
        error={model.error}
        trans={this._trans}
      />
    );
  }

  private _trans: TranslationBundle;
}

/**
 * Which job output a panel follows.
 */
export interface IOutputTailTarget {
  cluster: string;
  id: string;
  stream: OutputStream;
}

/**
 * The tracker of the open tail panels: one per job and stream.
 */
export type OutputTailTracker = WidgetTracker<MainAreaWidget<OutputTailView>>;

/**
 * A panel's name in the tracker (and the layout restorer).
 */
export function outputTailName(target: IOutputTailTarget): string {
  return JSON.stringify([target.cluster, target.id, target.stream]);
}

/**
 * Show the panel of a job's output, opening it unless it is open.
 */
export async function openOutputTail(
  target: IOutputTailTarget,
  options: {
    tracker: OutputTailTracker;
    addToShell: (widget: MainAreaWidget<OutputTailView>) => void;
    trans: TranslationBundle;
    serverSettings?: ServerConnection.ISettings;
  }
): Promise<MainAreaWidget<OutputTailView>> {
  const name = outputTailName(target);
  const open = options.tracker.find(widget => tailTarget(widget) === name);
  if (open) {
    return open;
  }
  const model = new OutputTailModel({
    cluster: target.cluster,
    jobId: target.id,
    stream: target.stream,
    serverSettings: options.serverSettings
  });
  const content = new OutputTailView(model, options.trans);
  const widget = new MainAreaWidget({ content });
  widget.id = `jp-hpc-tail-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  widget.title.label = options.trans.__('%1 %2 (%3)', target.id, target.stream, target.cluster);
  widget.title.icon = consoleIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => model.dispose());
  options.addToShell(widget);
  await options.tracker.add(widget);
  return widget;
}

/**
 * The tracker name of a tail panel.
 */
export function tailTarget(widget: MainAreaWidget<OutputTailView>): string {
  const model = widget.content.model;
  return outputTailName({ cluster: model.cluster, id: model.jobId, stream: model.stream });
}
