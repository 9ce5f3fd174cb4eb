/**
 * What a custom set's template declares for its card: connection values
 * (never a secret) and its web UIs, each opened in Lab through the Jupyter
 * server's proxy (which forwards only to the user's own running sets).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ISetRecord } from './api';

export function CustomSetInfo(props: {
  record: ISetRecord;
  openWebUI: (id: string, url: string) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { record, trans } = props;
  const fields = record.fields ?? [];
  const webUIs = record.webUIs ?? [];
  if (record.state !== 'running' || (fields.length === 0 && webUIs.length === 0)) {
    return null;
  }
  return (
    <div className="jp-Hpc-setInfo">
      {fields.length > 0 ? (
        <dl className="jp-Hpc-setFields">
          {fields.map(field => (
            <React.Fragment key={field.label}>
              <dt>{field.label}</dt>
              <dd>
                <code>{field.value}</code>
              </dd>
            </React.Fragment>
          ))}
        </dl>
      ) : null}
      {webUIs.map(ui => (
        <button
          key={ui.url}
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject jp-Hpc-setWebUI"
          data-url={ui.url}
          title={trans.__('Open %1 (%2) in Lab, through the Jupyter server', ui.label, ui.url)}
          onClick={() => props.openWebUI(record.id, ui.url)}
        >
          {ui.label}
        </button>
      ))}
    </div>
  );
}
