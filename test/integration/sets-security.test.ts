import { execFile } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SetRecord } from '../../server/src/sets/types';
import { connectionCode } from '../../src/sets/code';
import { localCluster } from '../helpers/companion';
import { body } from '../helpers/http';
import { DASK_CONNECT_PY, SetsCompanion, runPython, startSetsCompanion, venv, waitForSet } from '../helpers/sets';

/**
 * Root's sets, tried by the fixture's second real user (hpcuser). The venv's
 * python is a link into root's home: hpcuser runs the system python with the
 * venv's (world-readable) site-packages, as a user with a shared install would.
 */
const sitePackages = (): string => {
  const lib = join(venv(), 'lib');
  return join(lib, readdirSync(lib).find(d => d.startsWith('python3')) ?? 'python3', 'site-packages');
};

function runAsOtherUser(code: string, args: string[]): Promise<Record<string, string>> {
  const argv = ['-u', 'hpcuser', '--', 'env', `PYTHONPATH=${sitePackages()}`, '/usr/bin/python3', '-c', code, ...args];
  return new Promise((resolve, reject) => {
    execFile('runuser', argv, { timeout: 120_000, encoding: 'utf8' }, (e, stdout, stderr) =>
      e ? reject(new Error(`python as hpcuser failed: ${e.message}\n${stderr}`)) : resolve(JSON.parse(stdout))
    );
  });
}

/** Each attempt is reported as "succeeded: …" or "failed: <error>"; none may succeed. */
const ATTEMPTS_PY = `
import asyncio, json, os, subprocess, sys, tempfile
out = {"uid": str(os.getuid())}

def attempt(name, fn):
    try:
        out[name] = "succeeded: %r" % (fn(),)
    except BaseException as e:
        out[name] = "failed: %s: %s" % (type(e).__name__, str(e)[:300])
`;

/**
 * The HTTP routes of a set's server straight on NODE:PORT, each with the given headers:
 * the scheduler's pages, JSON, a worker list, bokeh's WebSocket upgrade and Dask's proxy
 * route; a worker's page, health and metrics. Each answer is "<status>", plus " guard"
 * when the set's guard refused it (its own words).
 */
const DASHBOARD_PY = `
import base64, http.client, os, urllib.parse
SCHEDULER_ROUTES = {"status": "/status", "counts": "/json/counts.json", "workers": "/info/main/workers.html",
                    "websocket": "/status/ws", "proxy": "/proxy/1/127.0.0.1/"}
WORKER_ROUTES = {"status": "/status", "health": "/health", "metrics": "/metrics"}

def dashboard(base, headers, routes=SCHEDULER_ROUTES):
    answers = {}
    for name, path in routes.items():
        url = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
        sent = dict(headers)
        if path.endswith("/ws"):
            key = base64.b64encode(os.urandom(16)).decode()
            sent.update({"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                         "Sec-WebSocket-Key": key, "Origin": base})
        try:
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            body = b"" if response.status == 101 else response.read()
            guard = b"answers its set's owner only" in body
            answers[name] = "%d%s" % (response.status, " guard" if guard else "")
        finally:
            conn.close()
    return answers
`;
const refused = (...names: string[]): Record<string, string> => Object.fromEntries(names.map(n => [n, '403 guard']));
const SCHEDULER_REFUSED = refused('status', 'counts', 'workers', 'websocket', 'proxy');

/** As the owner: the scheduler's dashboard with the given headers, once its pages are there. */
const DASHBOARD_OWNER = `${DASHBOARD_PY}
import json, sys, time
base, headers = sys.argv[1], json.loads(sys.argv[2])
deadline = time.time() + 60
while dashboard(base, headers)["status"] != "200" and time.time() < deadline:
    time.sleep(0.5)  # the pages join the server a moment after the scheduler
print(json.dumps(dashboard(base, headers)))
`;

/** As hpcuser: code as the set's owner through the scheduler, a worker, the dashboard, the set's files. */
const DASK_ATTACK = `${ATTEMPTS_PY}
${DASHBOARD_PY}
from distributed import Client
from distributed.core import rpc
from distributed.security import Security
target = json.loads(sys.argv[1])

def on_scheduler(address, security=None):
    with Client(address, timeout=5, security=security) as c:
        return c.run_on_scheduler(os.getuid)

def worker_identity(address, security=None):
    async def ask():
        args = security.get_connection_args("client") if security else {}
        async with rpc(address, timeout=5, connection_args=args) as r:
            return (await r.identity())["type"]
    return asyncio.run(asyncio.wait_for(ask(), 20))

plain = lambda a: "tcp://" + a.split("://", 1)[1]
attempt("schedulerTcp", lambda: on_scheduler(plain(target["scheduler"])))
attempt("workerTcp", lambda: worker_identity(plain(target["worker"])))
# TLS with a certificate of one's own (the set's is unreadable)
own = tempfile.mkdtemp()
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", own + "/key.pem", "-out", own + "/cert.pem", "-days", "1", "-subj", "/CN=intruder"],
               check=True, capture_output=True)
mine = Security(require_encryption=True, tls_ca_file=own + "/cert.pem",
                tls_client_cert=own + "/cert.pem", tls_client_key=own + "/key.pem")
attempt("schedulerTls", lambda: on_scheduler(target["scheduler"], mine))
attempt("workerTls", lambda: worker_identity(target["worker"], mine))
attempt("listSetDir", lambda: os.listdir(target["setDir"]))
attempt("readKey", lambda: open(os.path.join(target["setDir"], "tls-key.pem")).read())
attempt("readSecret", lambda: open(os.path.join(target["setDir"], "dashboard-secret")).read())
# the dashboard's HTTP server: without the set's secret, with a guessed one (cookie or token)
cookie = target["cookie"]
out["dashboard"] = dashboard(target["dashboard"], {})
out["dashboardWrongCookie"] = dashboard(target["dashboard"], {"Cookie": "%s=%s" % (cookie, "0" * 64)})
out["dashboardWrongToken"] = dashboard(target["dashboard"], {"Authorization": "token " + "0" * 64})
out["dashboardOtherCookie"] = dashboard(target["dashboard"], {"Cookie": "hpc-dash-other=" + "0" * 64})
out["workerDashboard"] = dashboard(target["workerDashboard"], {}, WORKER_ROUTES)
print(json.dumps(out))
`;

/** As the owner, with what the companion hands out: code runs on the scheduler and a worker answers. */
const DASK_OWNER = `${DASK_CONNECT_PY}
import asyncio, os, sys
from distributed.core import rpc
with dask_client(sys.argv[1]) as c:
    worker, info = list(c.scheduler_info()["workers"].items())[0]
    dashboard = "http://%s:%d" % (info["host"], info["services"]["dashboard"])
    print(json.dumps({"uid": c.run_on_scheduler(os.getuid), "sum": c.submit(sum, [1, 2, 3]).result(timeout=60),
                      "scheduler": c.scheduler.address, "worker": worker, "workerDashboard": dashboard}))
`;

/** As hpcuser: the controller with the right ports and no key / a wrong key, and the key files. */
const IPP_ATTACK = `${ATTEMPTS_PY}
import ipyparallel as ipp
target = json.loads(sys.argv[1])
own = tempfile.mkdtemp()

def with_key(key):
    path = os.path.join(own, "client-%d.json" % len(key))
    with open(path, "w") as f:
        json.dump(dict(target["clientFile"], key=key), f)
    rc = ipp.Client(path, timeout=5)
    try:
        rc.wait_for_engines(1, timeout=5)
        return rc[:].apply_sync(os.getuid)
    finally:
        rc.close()

attempt("emptyKey", lambda: with_key(""))
attempt("wrongKey", lambda: with_key("0123456789abcdef0123456789abcdef"))
attempt("listSetDir", lambda: os.listdir(target["setDir"]))
attempt("readClientFile", lambda: open(target["path"]).read())
print(json.dumps(out))
`;

const IPP_OWNER = `
import json, os, sys
import ipyparallel as ipp
rc = ipp.Client(sys.argv[1], timeout=30)
rc.wait_for_engines(1, timeout=60)
print(json.dumps(rc[:].apply_sync(os.getuid)))
rc.close()
`;

const mode = (path: string): number => statSync(path).mode & 0o777;
const failed = expect.stringMatching(/^failed: /);

jest.setTimeout(240_000);

describe("another user and root's sets", () => {
  let c: SetsCompanion;

  const start = async (payload: object): Promise<SetRecord> => {
    const res = await c.served.request('/api/sets', {
      method: 'POST',
      body: JSON.stringify({ cluster: 'local', time: 10, ...payload })
    });
    expect(res.status).toBe(201);
    const created = await body<SetRecord>(res);
    return waitForSet(
      c.served,
      created.id,
      r => r.state === 'running' && r.workers.connected === 1,
      120_000,
      `${created.kind} running with 1 worker`
    );
  };

  beforeAll(async () => {
    c = await startSetsCompanion([localCluster()]);
  });
  afterAll(async () => {
    for (const s of c.sets.list()) {
      await c.sets.stop(s.id).catch(() => undefined);
    }
    await c.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  });

  it('dask: TLS only, with a certificate only the owner can read; the owner computes', async () => {
    const set = await start({ kind: 'dask', workers: 1 });
    expect(mode(set.setDir)).toBe(0o700);
    expect(mode(join(set.setDir, 'tls-key.pem'))).toBe(0o600);
    const conn = await body(await c.served.request(`/api/sets/${set.id}/connection`));
    expect(conn.address).toMatch(/^tls:\/\//);
    expect(conn.tls).toEqual({
      ca: expect.stringContaining('BEGIN CERTIFICATE'),
      cert: expect.stringContaining('BEGIN CERTIFICATE'),
      key: expect.stringContaining('PRIVATE KEY')
    });
    expect(conn.tlsFiles.key).toBe(join(set.setDir, 'tls-key.pem')); // a local cluster: by path too

    const owner = JSON.parse(await runPython(DASK_OWNER, [JSON.stringify(conn)]));
    expect(owner).toMatchObject({ uid: 0, sum: 6, worker: expect.stringMatching(/^tls:\/\//) });
    // "Use in notebook" by an inserted cell: by path here, by contents for a remote cluster
    for (const connection of [conn, { ...conn, tlsFiles: undefined }]) {
      const cell = connectionCode(set as never, connection);
      expect(cell.includes('PRIVATE KEY')).toBe(connection.tlsFiles === undefined);
      const run = `${cell}
import os
print(client.run_on_scheduler(os.getuid), client.submit(sum, [1, 2]).result(60))`;
      expect((await runPython(run, [])).trim().split('\n').pop()).toBe('0 3');
    }

    // the dashboard's secret: made on the cluster, private, handed to the owner with the connection
    expect(mode(join(set.setDir, 'dashboard-secret'))).toBe(0o600);
    expect(conn.dashboardCookie).toBe(`hpc-dash-${set.id}`);
    expect(conn.dashboardSecret).toMatch(/^[0-9a-f]{64}$/);
    const dashboard = (set.dashboard as string).replace(/\/status$/, '');
    const withCookie = { Cookie: `_xsrf=x; ${conn.dashboardCookie}=${conn.dashboardSecret}` };
    const withToken = { Authorization: `token ${conn.dashboardSecret}` };
    const ownerSees = { status: '200', counts: '200', workers: '200', websocket: '101', proxy: '404' };
    for (const headers of [withCookie, withToken]) {
      const seen = JSON.parse(await runPython(DASHBOARD_OWNER, [dashboard, JSON.stringify(headers)], 120_000));
      expect({ headers, seen }).toEqual({ headers, seen: ownerSees });
    }

    const target = {
      scheduler: conn.address,
      worker: owner.worker,
      setDir: set.setDir,
      dashboard,
      cookie: conn.dashboardCookie,
      workerDashboard: owner.workerDashboard
    };
    const tried = await runAsOtherUser(DASK_ATTACK, [JSON.stringify(target)]);
    expect(tried).toEqual({
      uid: '1001',
      schedulerTcp: failed,
      workerTcp: failed,
      schedulerTls: failed,
      workerTls: failed,
      listSetDir: expect.stringMatching(/^failed: PermissionError/),
      readKey: expect.stringMatching(/^failed: PermissionError/),
      readSecret: expect.stringMatching(/^failed: PermissionError/),
      dashboard: SCHEDULER_REFUSED,
      dashboardWrongCookie: SCHEDULER_REFUSED,
      dashboardWrongToken: SCHEDULER_REFUSED,
      dashboardOtherCookie: SCHEDULER_REFUSED,
      workerDashboard: refused('status', 'health', 'metrics')
    });
  });

  it('ipyparallel: the key files are private, a client without the key gets nothing', async () => {
    const set = await start({ kind: 'ipyparallel', workers: 1 });
    const conn = await body(await c.served.request(`/api/sets/${set.id}/connection`));
    const security = join(set.setDir, 'profile', 'security');
    expect(conn.path).toBe(join(security, 'ipcontroller-client.json'));
    expect([set.setDir, join(set.setDir, 'profile'), security].map(mode)).toEqual([0o700, 0o700, 0o700]);
    for (const file of readdirSync(security)) {
      expect({ file, mode: mode(join(security, file)) }).toEqual({ file, mode: 0o600 });
    }
    expect(readdirSync(security)).toEqual(
      expect.arrayContaining(['ipcontroller-client.json', 'ipcontroller-engine.json'])
    );

    expect(JSON.parse(await runPython(IPP_OWNER, [conn.path]))).toEqual([0]);
    const cell = `${connectionCode(set as never, conn)}\nrc.wait_for_engines(1, timeout=60)\nprint(rc[:].apply_sync(__import__('os').getuid))`;
    expect(cell).toContain(`ipp.Client(${JSON.stringify(conn.path)})`); // the key stays in its file
    expect((await runPython(cell, [])).trim().split('\n').pop()).toBe('[0]');
    const target = { clientFile: conn.clientFile, path: conn.path, setDir: set.setDir };
    expect(await runAsOtherUser(IPP_ATTACK, [JSON.stringify(target)])).toEqual({
      uid: '1001',
      emptyKey: failed,
      wrongKey: failed,
      listSetDir: expect.stringMatching(/^failed: PermissionError/),
      readClientFile: expect.stringMatching(/^failed: PermissionError/)
    });
    // the owner still can, after the intruder's attempts
    expect(JSON.parse(await runPython(IPP_OWNER, [conn.path]))).toEqual([0]);
  });
});
