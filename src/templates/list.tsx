/**
 * Props-only list of the job templates, with the files that did not load.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IFieldError, IJobTemplate, TemplateSource } from './api';

/**
 * "centre" (read-only) or "personal".
 */
export function SourceBadge(props: { source: TemplateSource; trans: TranslationBundle }): JSX.Element {
  const { source, trans } = props;
  return (
    <span
      className="jp-Hpc-badge jp-Hpc-sourceBadge"
      data-source={source}
      title={
        source === 'centre'
          ? trans.__('Provided by your centre: read-only. Duplicate it to change it.')
          : trans.__('Your own template')
      }
    >
      {source === 'centre' ? trans.__('centre') : trans.__('personal')}
    </span>
  );
}

/**
 * The templates; picking one shows its form.
 */
export function TemplateList(props: {
  templates: ReadonlyArray<IJobTemplate>;
  selected: IJobTemplate | null;
  onSelect: (source: TemplateSource, id: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { templates, selected, trans } = props;
  return (
    <ul className="jp-Hpc-templateList" aria-label={trans.__('Job templates')}>
      {templates.map(t => {
        const current = selected !== null && selected.source === t.source && selected.id === t.id;
        return (
          <li key={`${t.source}/${t.id}`}>
            <button
              type="button"
              className={`jp-Hpc-templateItem${current ? ' jp-mod-selected' : ''}`}
              data-template-id={t.id}
              data-source={t.source}
              aria-current={current ? 'true' : undefined}
              title={t.description || undefined}
              onClick={() => props.onSelect(t.source, t.id)}
            >
              <span className="jp-Hpc-templateTitle">{t.title}</span>
              <span className="jp-Hpc-templateId">{t.id}</span>
              {t.kind !== 'batch' ? (
                // The job of a Dask/IPyParallel/custom set, not a plain batch job.
                <span className="jp-Hpc-badge jp-Hpc-kindBadge" title={trans.__('The job of a cluster set')}>
                  {t.kind}
                </span>
              ) : null}
              <SourceBadge source={t.source} trans={trans} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Each template file that did not load: its path, the field, the reason.
 */
export function LoadErrors(props: { errors: ReadonlyArray<IFieldError>; trans: TranslationBundle }): JSX.Element {
  const { errors, trans } = props;
  const files = new Set(errors.map(error => error.file)).size;
  return (
    <div className="jp-Hpc-message jp-Hpc-templateLoadErrors" role="alert">
      {trans._n('%1 template file could not be loaded:', '%1 template files could not be loaded:', files)}
      <ul>
        {errors.map((error, i) => (
          <li key={i} className="jp-Hpc-templateLoadError" data-file={error.file ?? ''} data-field={error.field}>
            <code className="jp-Hpc-errorFile">{error.file ?? ''}</code>
            {error.field ? <code className="jp-Hpc-errorField">{error.field}</code> : null}
            <span className="jp-Hpc-errorMessage">{error.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
