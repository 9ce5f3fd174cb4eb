/**
 * Slurm jobs as every process sees them: the companion asks squeue for these fields, the
 * sidebar and the notebook tables show them, the kernel hands them to code as dicts
 * (`jupyterlab_hpc/protocol.json`, written from this file by the build).
 *
 * Pure data and pure functions: no DOM, no Node, and nothing imported at run time (the
 * build loads this file alone to write protocol.json).
 */

export interface JobFieldDefinition {
  /** The key in job objects and dicts, and in a records header's `fields`. */
  readonly name: string;
  /** squeue's format spec, without a width: nothing is ever truncated. */
  readonly spec: string;
  /** The column label in Lab's tables (translated there). */
  readonly label: string;
  /** squeue's own column header, for the text tables of `%squeue`. */
  readonly header: string;
  /**
   * Text that any user sets on their own jobs (the account too, when accounting does not
   * enforce it), so another user controls it in our views: such fields come last in the wire
   * order, so that they never shift a field Slurm fills, and the companion bounds them in
   * squeue's output by a secret of the poll (server/src/slurm/squeue-records.ts).
   */
  readonly freeText: boolean;
  /**
   * Its column in the queue's table (sidebar and main area): `order` places it among the
   * columns (they sort by it), `minEm` is its narrowest width in em, and a `grow` column takes
   * a share of the room left. Absent: not a column there.
   */
  readonly queueColumn?: { readonly order: number; readonly minEm: number; readonly grow?: boolean };
  /** Its place among the columns of `%squeue`'s tables (text, HTML, Lab's renderer). Absent: not shown. */
  readonly notebookColumn?: number;
}

/** The job fields in wire order: Slurm's own first, the free text last. All values are strings. */
export const JOB_FIELDS = [
  // unique key: `123`, `123_4` (array task), `123_[5-9]` (pending tasks), `123+0` (het component)
  {
    name: 'id',
    spec: '%i',
    label: 'ID',
    header: 'JOBID',
    freeText: false,
    queueColumn: { order: 10, minEm: 6 },
    notebookColumn: 10
  },
  { name: 'jobId', spec: '%A', label: 'Job ID', header: 'JOBID', freeText: false },
  { name: 'arrayJobId', spec: '%F', label: 'Array job', header: 'ARRAY_JOB_ID', freeText: false },
  { name: 'arrayTaskId', spec: '%K', label: 'Array task', header: 'ARRAY_TASK_ID', freeText: false },
  {
    name: 'user',
    spec: '%u',
    label: 'User',
    header: 'USER',
    freeText: false,
    queueColumn: { order: 80, minEm: 5 },
    notebookColumn: 40
  },
  // may list several partitions (`debug,batch`) while the job is pending
  {
    name: 'partition',
    spec: '%P',
    label: 'Partition',
    header: 'PARTITION',
    freeText: false,
    queueColumn: { order: 70, minEm: 5 },
    notebookColumn: 20
  },
  {
    name: 'state',
    spec: '%T',
    label: 'State',
    header: 'STATE',
    freeText: false,
    queueColumn: { order: 30, minEm: 6.5 },
    notebookColumn: 50
  },
  {
    name: 'reason',
    spec: '%r',
    label: 'Reason',
    header: 'REASON',
    freeText: false,
    queueColumn: { order: 90, minEm: 6, grow: true }
  },
  {
    name: 'elapsed',
    spec: '%M',
    label: 'Elapsed',
    header: 'TIME',
    freeText: false,
    queueColumn: { order: 40, minEm: 5.5 },
    notebookColumn: 60
  },
  { name: 'timeLimit', spec: '%l', label: 'Time limit', header: 'TIME_LIMIT', freeText: false },
  {
    name: 'timeLeft',
    spec: '%L',
    label: 'Left',
    header: 'TIME_LEFT',
    freeText: false,
    queueColumn: { order: 50, minEm: 5.5 },
    notebookColumn: 70
  },
  {
    name: 'nodes',
    spec: '%D',
    label: 'Nodes',
    header: 'NODES',
    freeText: false,
    queueColumn: { order: 60, minEm: 3.5 },
    notebookColumn: 80
  },
  { name: 'cpus', spec: '%C', label: 'CPUs', header: 'CPUS', freeText: false },
  { name: 'nodeList', spec: '%N', label: 'Node list', header: 'NODELIST', freeText: false },
  { name: 'submitTime', spec: '%V', label: 'Submitted', header: 'SUBMIT_TIME', freeText: false },
  { name: 'startTime', spec: '%S', label: 'Started', header: 'START_TIME', freeText: false },
  {
    name: 'qos',
    spec: '%q',
    label: 'QOS',
    header: 'QOS',
    freeText: false,
    queueColumn: { order: 75, minEm: 5 },
    notebookColumn: 25
  },
  { name: 'account', spec: '%a', label: 'Account', header: 'ACCOUNT', freeText: true },
  {
    name: 'name',
    spec: '%j',
    label: 'Name',
    header: 'NAME',
    freeText: true,
    queueColumn: { order: 20, minEm: 6, grow: true },
    notebookColumn: 30
  },
  { name: 'comment', spec: '%k', label: 'Comment', header: 'COMMENT', freeText: true }
] as const satisfies readonly JobFieldDefinition[];

export type JobField = (typeof JOB_FIELDS)[number]['name'];

/** The field names in wire order. */
export const JOB_FIELD_NAMES: readonly JobField[] = JOB_FIELDS.map(field => field.name);

/** A job as squeue printed it, placeholders for "nothing" made empty. */
export type Job = Record<JobField, string>;

/** Slurm's placeholders for "nothing": decoders make them empty strings. */
export const NONE_VALUES = ['(null)', 'N/A', 'n/a', '(None)'] as const;

/** squeue's short state codes and the states they name (`squeue --states` takes either). */
export const STATE_CODES = {
  BF: 'BOOT_FAIL',
  CA: 'CANCELLED',
  CD: 'COMPLETED',
  CF: 'CONFIGURING',
  CG: 'COMPLETING',
  DL: 'DEADLINE',
  F: 'FAILED',
  NF: 'NODE_FAIL',
  OOM: 'OUT_OF_MEMORY',
  PD: 'PENDING',
  PR: 'PREEMPTED',
  R: 'RUNNING',
  RD: 'RESV_DEL_HOLD',
  RF: 'REQUEUE_FED',
  RH: 'REQUEUE_HOLD',
  RQ: 'REQUEUED',
  RS: 'RESIZING',
  RV: 'REVOKED',
  SI: 'SIGNALING',
  SE: 'SPECIAL_EXIT',
  SO: 'STAGE_OUT',
  ST: 'STOPPED',
  S: 'SUSPENDED',
  TO: 'TIMEOUT'
} as const;

export type JobState = (typeof STATE_CODES)[keyof typeof STATE_CODES];

/** States after which a job never runs again: nothing left to cancel, the end is notified. */
export const FINAL_STATES = [
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT',
  'TIMEOUT'
] as const satisfies readonly JobState[];

const FINAL = new Set<string>(FINAL_STATES);

/** Whether a job in `state` never runs again. */
export function isFinalState(state: string): boolean {
  return FINAL.has(state);
}

/** Every other state: what squeue shows without `--states` ("active" in our queries). */
export const ACTIVE_STATES: readonly JobState[] = Object.values(STATE_CODES).filter(state => !isFinalState(state));

/** A column of a job table: a job field, or `where` (Slurm's NODELIST(REASON): nodes, or why it waits). */
export interface JobColumn<K extends string = JobField | 'where'> {
  readonly key: K;
  /** The label in Lab's tables (translated there). */
  readonly label: string;
  /** The header of the text and HTML tables of `%squeue`, as squeue prints it. */
  readonly header: string;
}

/** A column of the queue's table, with its grid track (see JobFieldDefinition.queueColumn). */
export interface QueueTableColumn extends JobColumn<JobField> {
  readonly minEm: number;
  readonly grow: boolean;
}

const byOrder = <T extends { order: number }>(a: T, b: T): number => a.order - b.order;

/**
 * The columns of the queue's table (sidebar and main area), all sortable: the fields with a
 * `queueColumn`, in its order. What matters most in a narrow sidebar comes first: which job,
 * in what state, for how long; then where and whose.
 */
export const QUEUE_TABLE_COLUMNS: readonly QueueTableColumn[] = (JOB_FIELDS as readonly JobFieldDefinition[])
  .flatMap(({ name, label, header, queueColumn: c }) =>
    c ? [{ key: name as JobField, label, header, minEm: c.minEm, grow: c.grow === true, order: c.order }] : []
  )
  .sort(byOrder)
  .map(({ order: _order, ...column }) => column);

/** Slurm's NODELIST(REASON), last in `%squeue`'s tables as in squeue's own. */
const WHERE_COLUMN = { key: 'where', label: 'Nodes / reason', header: 'NODELIST(REASON)', order: Infinity } as const;

/**
 * The columns of `%squeue`'s tables (HTML, text, and Lab's renderer): the fields with a
 * `notebookColumn`, in its order (squeue's own columns plus time left), then NODELIST(REASON).
 */
export const NOTEBOOK_JOB_COLUMNS: readonly JobColumn[] = [
  ...(JOB_FIELDS as readonly JobFieldDefinition[]).flatMap(({ name, label, header, notebookColumn }) =>
    notebookColumn === undefined ? [] : [{ key: name as JobField, label, header, order: notebookColumn }]
  ),
  WHERE_COLUMN
]
  .sort(byOrder)
  .map(({ key, label, header }) => ({ key, label, header }));

/** The mime type of `%squeue`'s tables (jupyterlab_hpc/display.py → src/mimeRenderer.ts). */
export const JOBS_MIME_TYPE = 'application/vnd.jupyterlab-hpc.jobs+json';
/** The version of that mime bundle's data: `{version, query, clusters, jobs, total}`. */
export const JOBS_MIME_VERSION = 1;
