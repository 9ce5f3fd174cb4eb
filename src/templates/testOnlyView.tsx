/**
 * Props-only line of Slurm's `--test-only` answer, shown above Submit.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ITestOnlyView } from './testOnly';

export function TestOnlyLine(props: { view: ITestOnlyView; trans: TranslationBundle }): JSX.Element | null {
  const { view, trans } = props;
  if (view.state === 'none') {
    return null;
  }
  const text: { [S in ITestOnlyView['state']]: string } = {
    none: '',
    pending: trans.__('Asking Slurm on %1 when this job would start…', view.cluster),
    ok: trans.__('Slurm on %1: %2', view.cluster, view.message),
    refused: trans.__('Slurm on %1 would refuse this job: %2', view.cluster, view.message),
    error: trans.__('Could not ask Slurm on %1: %2', view.cluster, view.message)
  };
  return (
    <div
      className={`jp-Hpc-testOnly jp-mod-${view.state}`}
      data-state={view.state}
      role="status"
      title={trans.__('sbatch --test-only: Slurm checks the job without submitting it')}
    >
      {text[view.state]}
    </div>
  );
}
