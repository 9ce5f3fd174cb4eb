import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rows 2, 5 and 6 measure parts that are being written; each stays a marked slot until its
 * part exists and the row is written here. A stub only says why it is skipped.
 */
export interface Skipped {
  row: number;
  what: string;
  skipped: string;
}

export function stubRows(repo: string): Skipped[] {
  const queueView = readdirSync(join(repo, 'src/widgets')).some(f => /^queue.*\.tsx$/.test(f));
  const magics = join(repo, 'jupyterlab_hpc/magics.py');
  const squeueMagic = existsSync(magics) && readFileSync(magics, 'utf8').includes('%squeue');
  const sets = existsSync(join(repo, 'server/src/routes/sets.ts'));
  const why = (ready: boolean, needs: string, has: string) =>
    ready ? `skipped: ${has} exists now; this row is not written yet (bench/src/stubs.ts)` : `skipped: needs ${needs}`;
  return [
    {
      row: 2,
      what: 'sidebar in Chromium at 100k rows: update → painted; scroll frame times',
      skipped: why(queueView, 'the queue view', 'src/widgets/queue*.tsx')
    },
    { row: 5, what: '`%squeue` in a kernel vs raw squeue', skipped: why(squeueMagic, '%squeue', '%squeue') },
    {
      row: 6,
      what: '"Start Dask cluster": first worker connected − Slurm job start',
      skipped: why(sets, 'the sets routes (server/src/routes/sets.ts)', 'server/src/routes/sets.ts')
    }
  ];
}
