import { appendFile, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the companion submitted, per job: the template and values a job came from, its script,
 * and where its output went (Slurm's accounting keeps none of these everywhere). "Run again"
 * gives them back; the history links the exact output file. One JSON line per fact in the
 * user's own companion data dir (`submissions.jsonl`, 0600: scripts and values are the user's).
 */
export interface SubmissionRecord {
  cluster: string;
  /** The id sbatch answered (an array's job id for every task). */
  jobId: string;
  /** ISO time of the submission: job ids restart when a cluster's state is reset. */
  at: string;
  template?: { id: string; source: 'centre' | 'personal'; params: Record<string, unknown> };
  script?: string;
  /** The job's output file as Slurm resolved it (recorded just after the submission). */
  stdout?: string;
}

export interface SubmissionStore {
  record(record: SubmissionRecord): Promise<void>;
  /** Every known fact of these jobs on `cluster`, merged, newest submission of an id first. */
  find(cluster: string, jobIds: Iterable<string>): Promise<Map<string, SubmissionRecord>>;
}

/** Past this size the file is kept as `submissions.jsonl.1` and a new one begun. */
const ROTATE_BYTES = 8 * 1024 * 1024;

export function createSubmissionStore(dataDir: string): SubmissionStore {
  const file = join(dataDir, 'submissions.jsonl');
  // one write at a time, in order: a rotation never splits a line
  let queue: Promise<void> = Promise.resolve();

  // each history answer looks its jobs up: read a file again only when it changed
  const cache = new Map<string, { stamp: string; records: SubmissionRecord[] }>();

  async function lines(path: string): Promise<SubmissionRecord[]> {
    let text: string;
    let stamp: string;
    try {
      const s = await stat(path);
      stamp = `${s.mtimeMs}:${s.size}`;
      const known = cache.get(path);
      if (known?.stamp === stamp) {
        return known.records;
      }
      text = await readFile(path, 'utf8');
    } catch {
      return [];
    }
    const records: SubmissionRecord[] = [];
    for (const line of text.split('\n')) {
      try {
        const r = JSON.parse(line) as SubmissionRecord;
        if (typeof r?.cluster === 'string' && typeof r.jobId === 'string') {
          records.push(r);
        }
      } catch {
        // a line cut by a crash: the others still count
      }
    }
    cache.set(path, { stamp, records });
    return records;
  }

  return {
    record(record) {
      queue = queue.then(async () => {
        const size = await stat(file).then(
          s => s.size,
          () => 0
        );
        if (size > ROTATE_BYTES) {
          await rename(file, `${file}.1`);
        }
        await appendFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      });
      return queue;
    },
    async find(cluster, jobIds) {
      const wanted = new Set(jobIds);
      const found = new Map<string, SubmissionRecord>();
      for (const r of [...(await lines(`${file}.1`)), ...(await lines(file))]) {
        if (r.cluster !== cluster || !wanted.has(r.jobId)) {
          continue;
        }
        const known = found.get(r.jobId);
        // a new submission of a recycled id starts over; a later fact of the same one adds to it
        found.set(r.jobId, known && known.at === r.at ? { ...known, ...r } : r);
      }
      return found;
    }
  };
}
