import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page, WebSocketRoute } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../../test/ui/chromium';
import { fakeJobRow as row, fakeSnapshot, routeFakeClusters } from '../../test/ui/fake-queue';
import { startLab } from '../../test/ui/global-setup';
import type { BenchContext } from './context';
import { Summary, summarize } from './stats';

/**
 * Row 2: the Queue section in real Chromium (Debian's /usr/bin/chromium, never a downloaded
 * browser) against a real JupyterLab, the companion's socket played by the bench as in
 * test/ui/queue-virtual.spec.ts: a 100k-row snapshot, then diffs changing 1% of the rows,
 * timed in the page from the message event to the frame that paints the changed cell; then a
 * scripted scroll with requestAnimationFrame timestamps.
 */
export const UI_JOBS = 100_000;

export interface UiResult {
  jobs: number;
  changedRows: number;
  /** message event → the changed cell's text in the DOM (ms) */
  toDom: Summary;
  /** message event → the next animation frame after it, once that frame's work is done (ms) */
  toPainted: Summary;
  scrollSteps: number;
  scrollStepPx: number;
  /** deltas between the scroll's rAF timestamps (ms) */
  frames: Summary & { p95: number; over16: number; over50: number };
  chromium: string;
}

/**
 * In the page before Lab loads: every WebSocket's first message listener stamps when a
 * message was delivered (it runs before the app's own handlers).
 */
const INIT_SCRIPT = `(() => {
  const Native = window.WebSocket;
  const bench = { seq: 0, at: 0 };
  window.__hpcBench = bench;
  class Stamped extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { bench.seq++; bench.at = performance.now(); });
    }
  }
  window.WebSocket = Stamped;
})()`;

const CELL = (id: number) => `#jp-hpc-queue .jp-Hpc-jobRow[data-job-id="${id}"] .jp-Hpc-jobCell[data-column="name"]`;

/**
 * Arms a watcher in the page: resolves once a message came after now and the cell shows
 * `text`, with [message → DOM, message → after the next frame] in ms.
 */
function armWatcher(selector: string, text: string): string {
  return `(() => {
    const bench = window.__hpcBench;
    const seq0 = bench.seq;
    bench.done = new Promise((resolve, reject) => {
      const root = document.querySelector('#jp-hpc-queue');
      const timer = setTimeout(() => { observer.disconnect(); const cell = document.querySelector(${JSON.stringify(selector)});
        reject(new Error('the diff never showed: ' + bench.seq + ' messages, cell ' + (cell && cell.textContent)));
      }, 30000);
      const check = () => {
        const cell = document.querySelector(${JSON.stringify(selector)});
        if (bench.seq > seq0 && cell && cell.textContent === ${JSON.stringify(text)}) {
          const dom = performance.now();
          observer.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() => {
            // after this frame's rAF callbacks, style, layout and paint: the next task
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve([dom - bench.at, performance.now() - bench.at]);
            channel.port2.postMessage(0);
          });
          return true;
        }
        return false;
      };
      const observer = new MutationObserver(check);
      observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  })()`;
}

function scrollScript(steps: number, stepPx: number): string {
  return `(async () => {
    const table = document.querySelector('#jp-hpc-queue .jp-Hpc-jobTable');
    table.scrollTop = 0;
    const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
    await frame();
    const stamps = [await frame()];
    for (let i = 0; i < ${steps}; i++) {
      table.scrollTop += ${stepPx};
      stamps.push(await frame());
    }
    const rendered = document.querySelectorAll('#jp-hpc-queue .jp-Hpc-jobRow').length;
    return { stamps, rendered, scrollTop: table.scrollTop };
  })()`;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function waitFor(page: Page, expression: string, timeoutMs: number, what: string): Promise<void> {
  try {
    await page.waitForFunction(expression, undefined, { timeout: timeoutMs, polling: 100 });
  } catch {
    throw new Error(`timed out waiting for ${what}`);
  }
}

export async function measureUi(ctx: BenchContext, repo: string, updates = 20): Promise<UiResult> {
  // startLab finds the venv relative to its own file, which is compiled elsewhere here
  process.env.HPC_VENV ??= join(repo, '.venv');
  const lab = await startLab();
  ctx.log(`row 2: JupyterLab at ${lab.url} (log ${lab.log})`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: CHROMIUM_ARGS
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await routeFakeClusters(page);
    const snapshot = fakeSnapshot(UI_JOBS);
    let socket: WebSocketRoute | null = null;
    await page.routeWebSocket(/\/hpc\/api\/ws/, ws => {
      socket = ws;
      ws.onMessage(data => {
        const message = JSON.parse(String(data));
        if (message.type === 'subscribe' && message.cluster === 'local') {
          ws.send(snapshot);
        }
      });
    });
    // after routeWebSocket: Playwright's own stand-in for WebSocket is then the one stamped
    await page.addInitScript(INIT_SCRIPT);

    await page.goto(`${lab.url}lab?reset&token=${lab.token}`, { timeout: 120_000 });
    await waitFor(page, `!document.querySelector('#jupyterlab-splash')`, 120_000, 'Lab to start');
    const tab = page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-hpc-sidebar"]');
    await tab.waitFor({ state: 'visible', timeout: 60_000 });
    if ((await tab.getAttribute('aria-selected')) !== 'true') {
      await tab.click();
    }
    await waitFor(
      page,
      `document.querySelector('#jp-hpc-queue .jp-Hpc-queueCount')?.getAttribute('data-total') === '${UI_JOBS}'`,
      120_000,
      `the ${UI_JOBS}-row snapshot`
    );
    await waitFor(page, `!!document.querySelector(${JSON.stringify(CELL(UI_JOBS))})`, 30_000, 'the top row');

    // 1% of the rows, every 100th from the top (newest first: job UI_JOBS is the first row)
    const changedRows = UI_JOBS / 100;
    const toDom: number[] = [];
    const toPainted: number[] = [];
    for (let i = 1; i <= updates; i++) {
      const changed: string[][] = [];
      for (let k = 0; k < changedRows; k++) {
        const n = UI_JOBS - k * 100;
        changed.push(row(n, { name: `job-${n}-u${i}` }));
      }
      const message = JSON.stringify({
        type: 'diff',
        cluster: 'local',
        status: 'ok',
        updatedAt: new Date().toISOString(),
        version: 1 + i,
        added: [],
        changed,
        removed: []
      });
      await page.evaluate(armWatcher(CELL(UI_JOBS), `job-${UI_JOBS}-u${i}`));
      if (!socket) {
        throw new Error('the page has not connected');
      }
      (socket as WebSocketRoute).send(message);
      const [dom, painted] = (await page.evaluate('window.__hpcBench.done')) as [number, number];
      toDom.push(dom);
      toPainted.push(painted);
      await page.waitForTimeout(200);
    }

    const scrollSteps = 100;
    const scrollStepPx = 24 * 20;
    const scroll = (await page.evaluate(scrollScript(scrollSteps, scrollStepPx))) as {
      stamps: number[];
      rendered: number;
      scrollTop: number;
    };
    const deltas = scroll.stamps.slice(1).map((t, j) => t - scroll.stamps[j]);
    ctx.log(`row 2: scrolled to ${scroll.scrollTop}px with ${scroll.rendered} rows in the DOM`);
    return {
      jobs: UI_JOBS,
      changedRows,
      toDom: summarize(toDom),
      toPainted: summarize(toPainted),
      scrollSteps,
      scrollStepPx,
      frames: {
        ...summarize(deltas),
        p95: percentile(deltas, 95),
        over16: deltas.filter(d => d > 16.7).length / deltas.length,
        over50: deltas.filter(d => d > 50).length / deltas.length
      },
      chromium: browser.version()
    };
  } finally {
    await browser.close().catch(() => undefined);
    await lab.stop();
  }
}
