/**
 * A value proposed under a template field ("Run again" of a job that used far less than it
 * asked: its efficiency suggests a smaller request), with a button that puts it in the field.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { FormValue } from './values';

export function Suggestion(props: {
  value: FormValue | undefined;
  current: FormValue | undefined;
  onUse: () => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { value, trans } = props;
  if (value === undefined || typeof value === 'boolean') {
    return null;
  }
  const used = value === props.current;
  return (
    <div className="jp-Hpc-fieldSuggestion" data-suggested={value}>
      {used
        ? trans.__('Suggested from the last run: %1 (in use)', value)
        : trans.__('Suggested from the last run: %1', value)}
      {used ? null : (
        <button type="button" className="jp-Hpc-button jp-Hpc-useSuggestion" onClick={props.onUse}>
          {trans.__('Use %1', value)}
        </button>
      )}
    </div>
  );
}
