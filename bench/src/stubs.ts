import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rows not measured in a run, each with why (row 2 is not written yet; row 6 when it failed).
 */
export interface Skipped {
  row: number;
  what: string;
  skipped: string;
}

export const DASK_WHAT = '"Start Dask cluster": first worker connected − Slurm job start';

/** Row 2 is still a slot (rows 5 and 6 are measured: row5-magic.ts, row6-dask.ts). */
export function stubRows(repo: string): Skipped[] {
  const queueView = readdirSync(join(repo, 'src/widgets')).some(f => /^queue.*\.tsx$/.test(f));
  return [
    {
      row: 2,
      what: 'sidebar in Chromium at 100k rows: update → painted; scroll frame times',
      skipped: queueView
        ? 'skipped: not written yet (time box). The way to write it: test/ui/queue-virtual.spec.ts already renders ' +
          '100k faked jobs through a faked WebSocket in Chromium; the same page with performance.now() around ' +
          'applying a 1% diff up to the next requestAnimationFrame gives update → painted, and a scripted scroll ' +
          'with rAF timestamps gives frame times'
        : 'skipped: needs the queue view (src/widgets/queue*.tsx)'
    }
  ];
}
