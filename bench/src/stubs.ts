import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rows not measured in a run, each with why (rows 2 and 6 when they failed).
 */
export interface Skipped {
  row: number;
  what: string;
  skipped: string;
}

export const DASK_WHAT = '"Start Dask cluster": first worker connected − Slurm job start';

export const UI_WHAT = 'sidebar in Chromium at 100k rows: update → painted; scroll frame times';

/** Row 2 needs the queue view; null when it is there (then row2-ui.ts measures it). */
export function uiMissing(repo: string): Skipped | null {
  return existsSync(join(repo, 'src/queue/queueView.tsx'))
    ? null
    : { row: 2, what: UI_WHAT, skipped: 'skipped: needs the queue view (src/queue/queueView.tsx)' };
}
