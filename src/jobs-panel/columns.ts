/**
 * The main-area table's columns: the sidebar's (protocol/jobs.ts QUEUE_TABLE_COLUMNS, in their
 * order), then every other field the companion asks squeue for, in wire order.
 */
import { JOB_FIELDS, JobField, QUEUE_TABLE_COLUMNS, QueueTableColumn } from '../../protocol/jobs';

/** Narrowest widths (em) of the fields the sidebar does not show; 6 em otherwise. */
const OTHER_WIDTHS: { readonly [K in JobField]?: number } = {
  arrayTaskId: 4.5,
  cpus: 3.5,
  submitTime: 10.5,
  startTime: 10.5,
  comment: 8
};

const shown = new Set<string>(QUEUE_TABLE_COLUMNS.map(column => column.key));

export const JOBS_PANEL_COLUMNS: ReadonlyArray<QueueTableColumn> = [
  ...QUEUE_TABLE_COLUMNS,
  ...JOB_FIELDS.filter(field => !shown.has(field.name)).map(({ name, label, header }) => ({
    key: name,
    label,
    header,
    minEm: OTHER_WIDTHS[name] ?? 6,
    grow: false
  }))
];
