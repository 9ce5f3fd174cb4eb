/**
 * Where a template's job runs, stated in its form: the `--chdir` of the
 * rendered job (the template's own, or the companion's default: the home
 * directory), else the home directory on a cluster reached over SSH.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IRenderedJob } from './api';

/** The job's folder from its sbatch options (the last --chdir wins, as in sbatch), or null. */
export function chdirOf(job: IRenderedJob | null): string | null {
  let folder: string | null = null;
  for (const option of job?.options ?? []) {
    if (option.startsWith('--chdir=')) {
      folder = option.slice('--chdir='.length);
    }
  }
  return folder;
}

export function RunsIn(props: { job: IRenderedJob | null; cluster: string; trans: TranslationBundle }): JSX.Element {
  const { trans, cluster } = props;
  const folder = chdirOf(props.job);
  return (
    <p className="jp-Hpc-runsIn" data-folder={folder ?? ''}>
      {folder
        ? trans.__('The job runs in %1 (the template’s chdir; without one, your home directory).', folder)
        : cluster
          ? trans.__('The job runs in your home directory on %1 (the template has no chdir).', cluster)
          : trans.__('The job runs in the template’s chdir, or your home directory.')}
    </p>
  );
}
