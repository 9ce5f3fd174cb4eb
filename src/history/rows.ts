/**
 * The history table's rows and columns: a job is a row; an array is one row (its tasks'
 * states counted) followed, once opened, by a row per task. Pure functions of the reply.
 */
import {
  formatElapsed,
  formatMegabytes,
  formatShare,
  HISTORY_COLUMNS as PROTOCOL_COLUMNS,
  HistoryGroup,
  HistoryJob
} from '../../protocol/history';
import type { ITableColumn, ITableSort } from '../queue/queueTable';
import { idKeys } from '../queue/jobs';

/** One row: a job, an array (`tasks` set), or one task of an opened array. */
export interface IHistoryRow {
  /** The job id; an array's is its job id with `_*`. */
  readonly id: string;
  /** The job's state; an array's when all its tasks share it, else `MIXED`. */
  readonly state: string;
  /** The job; an array's first task. */
  readonly job: HistoryJob;
  /** An array's tasks; undefined for a job or a task. */
  readonly tasks?: ReadonlyArray<HistoryJob>;
  /** Whether the row is a task of an array (shown indented under it). */
  readonly task: boolean;
}

/** A column of the table: protocol/history.ts's, as `%sacct` shows them. */
export type HistoryColumn = (typeof PROTOCOL_COLUMNS)[number]['key'];

/** The narrowest each column gets (em); the name and the hint take the room left. */
const MIN_EM: { readonly [K in HistoryColumn]: number } = {
  id: 7,
  name: 8,
  partition: 6,
  state: 7,
  exit: 4,
  elapsed: 5.5,
  allocCpus: 3.5,
  cpuEfficiency: 5,
  reqMem: 5.5,
  maxRss: 5.5,
  memoryEfficiency: 5.5,
  hint: 12
};

export const HISTORY_COLUMNS: ReadonlyArray<ITableColumn<HistoryColumn>> = PROTOCOL_COLUMNS.map(({ key, label }) => ({
  key,
  label,
  minEm: MIN_EM[key],
  grow: key === 'name' || key === 'hint'
}));

export const DEFAULT_HISTORY_SORT: ITableSort<HistoryColumn> = { column: 'id', ascending: false };

/** `0:0`, `1:0`, `0:9`: the exit code and the signal, as sacct writes them. */
export function exitText(job: HistoryJob): string {
  return job.exitCode === null ? '' : `${job.exitCode}:${job.signal ?? 0}`;
}

function size(mb: number | null): string {
  return mb === null ? '' : formatMegabytes(mb);
}

/** "3 COMPLETED, 1 FAILED": an array's tasks by state. */
export function stateCounts(tasks: ReadonlyArray<HistoryJob>): string {
  const counts = new Map<string, number>();
  for (const task of tasks) {
    counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  }
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

/** A cell's text. */
export function historyCell(row: IHistoryRow, column: HistoryColumn): string {
  const { job, tasks } = row;
  if (tasks !== undefined) {
    const counts = `${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}`;
    const texts: { [K in HistoryColumn]?: string } = {
      id: row.id,
      name: job.name,
      state: stateCounts(tasks),
      exit: counts
    };
    return texts[column] ?? '';
  }
  switch (column) {
    case 'id':
      return row.task ? `  ${job.id}` : job.id;
    case 'exit':
      return exitText(job);
    case 'elapsed':
      return formatElapsed(job.elapsedSeconds);
    case 'allocCpus':
      return String(job.allocCpus || job.reqCpus);
    case 'reqMem':
      return size(job.reqMemMB);
    case 'maxRss':
      return size(job.maxRssMB);
    case 'cpuEfficiency':
      return formatShare(job.efficiency.cpu);
    case 'memoryEfficiency':
      return formatShare(job.efficiency.memory);
    case 'hint':
      return job.efficiency.hint ?? '';
    default:
      return job[column];
  }
}

/** What a row sorts by in a column: numbers where the column is one. */
function sortKey(row: IHistoryRow, column: HistoryColumn): number | string {
  const { job } = row;
  const numbers: { [K in HistoryColumn]?: () => number } = {
    elapsed: () => job.elapsedSeconds,
    allocCpus: () => job.allocCpus,
    reqMem: () => job.reqMemMB ?? -1,
    maxRss: () => job.maxRssMB ?? -1,
    cpuEfficiency: () => job.efficiency.cpu ?? -1,
    memoryEfficiency: () => job.efficiency.memory ?? -1,
    exit: () => job.exitCode ?? -1
  };
  return numbers[column]?.() ?? historyCell(row, column);
}

function groupRow(group: HistoryGroup): IHistoryRow {
  const [first] = group.jobs;
  if (!group.array) {
    return { id: first.id, state: first.state, job: first, task: false };
  }
  const states = new Set(group.jobs.map(job => job.state));
  const state = states.size === 1 ? first.state : 'MIXED';
  return { id: `${group.id}_*`, state, job: first, tasks: group.jobs, task: false };
}

function compareRows(sort: ITableSort<HistoryColumn>): (a: IHistoryRow, b: IHistoryRow) => number {
  const direction = sort.ascending ? 1 : -1;
  return (a, b) => {
    if (sort.column === 'id') {
      const [x, y] = [idKeys(a.id), idKeys(b.id)];
      return direction * (x[0] - y[0] || x[1] - y[1]);
    }
    const [x, y] = [sortKey(a, sort.column), sortKey(b, sort.column)];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return direction * order || idKeys(b.id)[0] - idKeys(a.id)[0];
  };
}

/**
 * The rows of `groups` whose name contains `name` (any case), sorted; an opened array's tasks
 * follow it in task order.
 */
export function historyRows(
  groups: ReadonlyArray<HistoryGroup>,
  options: { sort: ITableSort<HistoryColumn>; name: string; opened: ReadonlySet<string> }
): IHistoryRow[] {
  const text = options.name.trim().toLowerCase();
  const rows = groups
    .filter(group => group.jobs.length > 0)
    .map(groupRow)
    .filter(row => text === '' || row.job.name.toLowerCase().includes(text))
    .sort(compareRows(options.sort));
  return rows.flatMap(row =>
    row.tasks !== undefined && options.opened.has(row.id)
      ? [row, ...row.tasks.map(job => ({ id: job.id, state: job.state, job, task: true }))]
      : [row]
  );
}
