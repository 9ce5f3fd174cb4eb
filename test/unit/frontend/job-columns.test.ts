/**
 * @jest-environment jsdom
 *
 * A job field that protocol/jobs.ts places in a table reaches that table with no other edit:
 * the sidebar's queue table (src/queue/queueTable.tsx) and the notebook's job table
 * (src/queue/notebookTable.ts, Lab's renderer of %squeue), rendered in a DOM.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { act } from 'react';
import { createRoot } from 'react-dom/client';

import { JOB_FIELDS, JobFieldDefinition, JOBS_MIME_VERSION } from '../../../protocol/jobs';
import { jobsTable } from '../../../src/queue/notebookTable';
import { QueueTable } from '../../../src/queue/queueTable';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const trans = { __: (text: string) => text, _n: (one: string) => one } as unknown as TranslationBundle;
const fields: readonly JobFieldDefinition[] = JOB_FIELDS;
const queueFields = fields.filter(f => f.queueColumn).map(f => f.name);
const notebookFields = fields.filter(f => f.notebookColumn !== undefined).map(f => f.name);
const noop = () => undefined;

function renderQueueTable(): HTMLElement {
  const host = document.createElement('div');
  document.body.appendChild(host);
  act(() =>
    createRoot(host).render(
      React.createElement(QueueTable, {
        rows: [],
        selected: new Set<string>(),
        highlighted: new Set<string>(),
        cursor: null,
        sort: { column: 'id', ascending: true },
        scrollRequest: null,
        idPrefix: 't',
        label: 'Jobs',
        trans,
        onSort: noop,
        onRowClick: noop,
        onRowOpen: noop,
        onRowContextMenu: noop,
        onMove: noop,
        onToggle: noop,
        onDelete: noop
      })
    )
  );
  return host;
}

describe('job columns from protocol/jobs.ts', () => {
  it('the sidebar queue table has a sortable column, and a grid track, for every field placed there', () => {
    const host = renderQueueTable();
    const columns = [...host.querySelectorAll<HTMLElement>('.jp-Hpc-sortButton')].map(b => b.dataset.column);
    expect(queueFields.length).toBeGreaterThan(5);
    expect([...columns].sort()).toEqual([...queueFields].sort());
    const rows = host.querySelector<HTMLElement>('.jp-Hpc-jobRows')!;
    const tracks = rows.style.getPropertyValue('--jp-Hpc-jobColumns').match(/minmax\([^)]*\)|[\d.]+em/g);
    expect(tracks).toHaveLength(queueFields.length);
  });

  it("the notebook's job table (Lab's renderer of %squeue) shows every field placed there, with its value", () => {
    const job = Object.fromEntries(fields.map(f => [f.name, `value of ${f.name}`]));
    const data = { version: JOBS_MIME_VERSION, query: {}, clusters: [{ name: 'local' }], jobs: [job] };
    const table = jobsTable(data, trans);
    const cells = [...table.querySelectorAll<HTMLElement>('tbody td')];
    for (const name of notebookFields) {
      expect(cells.find(cell => cell.dataset.column === name)?.textContent).toBe(`value of ${name}`);
    }
    const label = (name: string) => fields.find(f => f.name === name)!.label;
    const headers = [...table.querySelectorAll('th')].map(th => th.textContent);
    expect(headers).toEqual(expect.arrayContaining(notebookFields.map(label)));
  });
});
