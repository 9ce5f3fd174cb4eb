/**
 * A Dask dashboard in a main-area panel. The scheduler serves it on a
 * compute node, which browsers cannot reach: the panel loads it through the
 * Jupyter server's jupyter-server-proxy (`{baseUrl}proxy/<node>:<port>/…`),
 * which forwards only to the hosts of `c.ServerProxy.host_allowlist` (see
 * `jupyterlab_hpc.dashboards.allow_set_nodes`).
 *
 * The scheduler answers only requests that carry its set's secret (any user
 * on the cluster can reach the node): the panel sets it as a cookie for the
 * proxied dashboard's path before it loads anything, so the page, its
 * scripts and bokeh's WebSocket present it through the proxy (which forwards
 * the browser's headers), in the panel or in a browser tab of its own.
 */
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { IFrame } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { SetsApi, type ISetRecord } from './api';

/**
 * Bokeh's dashboard is a script application that talks back over a
 * WebSocket with the page's Jupyter cookie: it needs scripts and its own
 * (the Lab's) origin. It is served by the user's own scheduler.
 */
const SANDBOX: IFrame.SandboxExceptions[] = ['allow-scripts', 'allow-same-origin', 'allow-forms', 'allow-popups'];

export type DashboardPanel = MainAreaWidget<IFrame>;

/**
 * The dashboard's address through the Jupyter server, or null for an
 * address that is not an http(s) URL with a host and a port.
 */
export function proxiedDashboardUrl(dashboard: string, baseUrl: string): string | null {
  const url = dashboardUrl(dashboard);
  return url ? proxiedUrl(url.pathname === '/' ? new URL('/status', url) : url, baseUrl) : null;
}

/** Any page of a set's web server, through the Jupyter server's proxy. */
function proxiedUrl(url: URL, baseUrl: string): string {
  return URLExt.join(proxiedRoot(url, baseUrl), url.pathname) + url.search;
}

/**
 * The cookie that carries the set's secret to its dashboard: only for the
 * proxied dashboard's own path (`{baseUrl}proxy/<node>:<port>/`), never sent
 * by another site's page.
 */
export function dashboardCookie(
  dashboard: string,
  baseUrl: string,
  cookie: { name: string; secret: string },
  pageUrl: string
): string | null {
  const url = dashboardUrl(dashboard);
  if (!url || !/^[\w-]+$/.test(cookie.name) || !/^\w+$/.test(cookie.secret)) {
    return null;
  }
  const page = new URL(pageUrl);
  const path = new URL(`${proxiedRoot(url, baseUrl)}/`, page).pathname;
  const secure = page.protocol === 'https:' ? '; Secure' : '';
  return `${cookie.name}=${cookie.secret}; Path=${path}; SameSite=Strict${secure}`;
}

function dashboardUrl(dashboard: string): URL | null {
  let url: URL;
  try {
    url = new URL(dashboard);
  } catch {
    return null;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url : null;
}

function proxiedRoot(url: URL, baseUrl: string): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return URLExt.join(baseUrl, 'proxy', `${url.hostname}:${port}`);
}

/**
 * Give the browser the set's dashboard secret (from the companion, for the
 * set's owner): its cookie for the proxied dashboard's path.
 */
async function presentSecret(record: ISetRecord, settings: ServerConnection.ISettings): Promise<void> {
  const connection = await new SetsApi(settings).connection(record.id);
  if (connection.kind !== 'dask' || !connection.dashboardCookie || !connection.dashboardSecret || !record.dashboard) {
    return; // a set made before dashboards had a secret
  }
  const secret = { name: connection.dashboardCookie, secret: connection.dashboardSecret };
  const cookie = dashboardCookie(record.dashboard, settings.baseUrl, secret, window.location.href);
  if (cookie) {
    document.cookie = cookie;
  }
}

/**
 * Why the proxied dashboard does not answer, in words fit for a
 * notification; null when it answers.
 */
async function probe(
  url: string,
  host: string,
  settings: ServerConnection.ISettings,
  trans: TranslationBundle
): Promise<string | null> {
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, { method: 'GET' }, settings);
  } catch (error) {
    return trans.__('The Jupyter server could not be reached: %1', String(error));
  }
  if (response.ok) {
    return null;
  }
  switch (response.status) {
    case 403:
      if ((await response.text().catch(() => '')).includes("answers its set's owner only")) {
        return trans.__("The dashboard at %1 refused this browser: it lacks the set's secret.", host);
      }
      return trans.__(
        'The Jupyter server does not forward to %1. Ask your administrator to allow it in c.ServerProxy.host_allowlist (jupyterlab_hpc.dashboards.allow_set_nodes allows the nodes of your sets).',
        host
      );
    case 404:
      return trans.__('The Jupyter server has no /proxy: install jupyter-server-proxy to see dashboards in Lab.');
    default:
      return trans.__('The dashboard at %1 does not answer (%2).', host, `${response.status} ${response.statusText}`);
  }
}

/**
 * Open (or bring forward) the dashboard of a running Dask set. Rejects with
 * a message that says why it cannot be shown.
 */
export async function openDashboard(
  record: ISetRecord,
  options: {
    tracker: WidgetTracker<DashboardPanel>;
    addToShell: (widget: Widget) => void;
    serverSettings: ServerConnection.ISettings;
    trans: TranslationBundle;
  }
): Promise<DashboardPanel> {
  const { tracker, serverSettings, trans } = options;
  const id = `jp-hpc-dashboard-${record.id}`;
  const open = tracker.find(panel => panel.id === id);
  if (open) {
    return open;
  }
  const url = record.dashboard ? proxiedDashboardUrl(record.dashboard, serverSettings.baseUrl) : null;
  if (!url || !record.dashboard) {
    throw new Error(trans.__('The set %1 reports no dashboard.', record.name));
  }
  await presentSecret(record, serverSettings);
  const problem = await probe(url, new URL(record.dashboard).host, serverSettings, trans);
  if (problem) {
    throw new Error(problem);
  }
  const frame = new IFrame({ sandbox: SANDBOX, referrerPolicy: 'same-origin' });
  frame.url = url;
  frame.addClass('jp-Hpc-dashboardFrame');
  const panel = new MainAreaWidget({ content: frame });
  panel.id = id;
  panel.addClass('jp-Hpc-dashboard');
  panel.node.dataset.setId = record.id;
  panel.title.label = trans.__('Dask: %1', record.name);
  panel.title.caption = trans.__('Dask dashboard of %1 on %2 (%3)', record.name, record.cluster, record.dashboard);
  panel.title.closable = true;
  options.addToShell(panel);
  await tracker.add(panel);
  return panel;
}

/**
 * Open (or bring forward) a web UI of a running custom set (one of
 * `record.webUIs`) through the proxy. Rejects with a message that says why it
 * cannot be shown.
 */
export async function openWebUI(
  record: ISetRecord,
  target: string,
  options: {
    tracker: WidgetTracker<DashboardPanel>;
    addToShell: (widget: Widget) => void;
    serverSettings: ServerConnection.ISettings;
    trans: TranslationBundle;
  }
): Promise<DashboardPanel> {
  const { tracker, serverSettings, trans } = options;
  const link = record.webUIs?.find(ui => ui.url === target);
  const url = link ? dashboardUrl(link.url) : null;
  if (!link || !url) {
    throw new Error(trans.__('The set %1 reports no web page at %2.', record.name, target));
  }
  const index = record.webUIs?.indexOf(link) ?? 0;
  const id = `jp-hpc-webui-${record.id}-${index}`;
  const open = tracker.find(panel => panel.id === id);
  if (open) {
    return open;
  }
  const proxied = proxiedUrl(url, serverSettings.baseUrl);
  const problem = await probe(proxied, url.host, serverSettings, trans);
  if (problem) {
    throw new Error(problem);
  }
  const frame = new IFrame({ sandbox: SANDBOX, referrerPolicy: 'same-origin' });
  frame.url = proxied;
  frame.addClass('jp-Hpc-dashboardFrame');
  const panel = new MainAreaWidget({ content: frame });
  panel.id = id;
  panel.addClass('jp-Hpc-dashboard');
  panel.node.dataset.setId = record.id;
  panel.title.label = `${link.label}: ${record.name}`;
  panel.title.caption = trans.__('%1 of %2 on %3 (%4)', link.label, record.name, record.cluster, link.url);
  panel.title.closable = true;
  options.addToShell(panel);
  await tracker.add(panel);
  return panel;
}

/**
 * Say on an open dashboard that its set ended (or is forgotten): the page stays as it was
 * last drawn, which would otherwise read as a live cluster doing nothing.
 */
export function markDashboardEnded(panel: DashboardPanel, record: ISetRecord | undefined, trans: TranslationBundle) {
  if (panel.node.dataset.ended === 'true' || (record !== undefined && record.state !== 'ended')) {
    return;
  }
  panel.node.dataset.ended = 'true';
  const name = record?.name ?? panel.node.dataset.setId ?? '';
  panel.title.label = trans.__('Dask: %1 (ended)', name);
  const banner = new Widget();
  banner.addClass('jp-Hpc-dashboardEnded');
  banner.node.setAttribute('role', 'status');
  banner.node.textContent = record?.reason
    ? trans.__('%1 ended (%2): this dashboard no longer updates.', name, record.reason)
    : trans.__('%1 ended: this dashboard no longer updates.', name);
  panel.contentHeader.addWidget(banner);
}
