// A minimal stand-in for server/ (the real companion) that implements only the launcher
// contract, so the Python glue can be tested on its own, plus a few test-only routes.
// FAKE_COMPANION_MODE=crash exits at startup; =silent never writes the connection file.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const mode = process.env.FAKE_COMPANION_MODE || '';
if (mode === 'crash') {
  console.error('fake companion: simulated startup failure');
  process.exit(3);
}

const token = crypto.randomBytes(32).toString('hex');
const file = path.join(args['runtime-dir'], `jupyterlab-hpc-${os.hostname()}.json`);
const config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
let openSockets = 0;

function stop(reason) {
  console.log(`fake companion ${process.pid} stopping: ${reason}`);
  try {
    if (JSON.parse(fs.readFileSync(file, 'utf8')).pid === process.pid) fs.unlinkSync(file);
  } catch (e) {
    // gone already
  }
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
setInterval(() => {
  try {
    process.kill(Number(args['parent-pid']), 0);
  } catch (e) {
    if (e.code !== 'EPERM') stop('parent gone');
  }
}, 300);

const server = http.createServer((req, res) => {
  const send = (code, obj) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  if (req.headers.authorization !== `token ${token}`) return send(401, { error: 'bad token' });
  let body = '';
  req.on('data', chunk => (body += chunk));
  req.on('end', () => {
    const url = new URL(req.url, 'http://localhost');
    switch (url.pathname) {
      case '/api/health':
        return send(200, { ok: true, pid: process.pid, version: 'fake' });
      case '/api/echo':
        return send(200, {
          method: req.method,
          url: req.url,
          body,
          contentType: req.headers['content-type'] || null,
          cookie: req.headers.cookie || null,
          argv: args,
          execArgv: process.execArgv,
          onlyEnv: process.env.HPC_COMPANION_ONLY_ENV ?? null,
          mmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null,
          config,
          openSockets
        });
      case '/api/no-content':
        res.writeHead(204);
        return res.end();
      case '/api/text':
        res.writeHead(418, { 'Content-Type': 'text/plain' });
        return res.end('short and stout');
      case '/api/stop-listening':
        // Alive but unreachable: what a wedged companion looks like from outside.
        send(200, { stopped: true });
        server.close();
        server.closeAllConnections();
        setInterval(() => {}, 1000);
        return;
      default:
        return send(404, { error: 'no such endpoint' });
    }
  });
});

let WebSocketServer = null;
try {
  ({ WebSocketServer } = require('ws'));
} catch (e) {
  // websocket routes are unavailable without the ws package (NODE_PATH)
}
if (WebSocketServer) {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://localhost');
    const status =
      req.headers.authorization !== `token ${token}`
        ? '401 Unauthorized'
        : !url.pathname.startsWith('/api/ws/echo')
          ? '404 Not Found'
          : null;
    if (status) {
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, ws => {
      openSockets++;
      ws.on('close', () => openSockets--);
      ws.send(JSON.stringify({ hello: true, url: req.url }));
      ws.on('message', (data, isBinary) => {
        if (!isBinary && data.toString() === 'close-me') ws.close(4000, 'bye');
        else ws.send(data, { binary: isBinary });
      });
    });
  });
}

server.listen(0, '127.0.0.1', () => {
  if (mode === 'silent') return;
  const port = server.address().port;
  const info = {
    version: 1,
    hostname: os.hostname(),
    pid: process.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    token,
    started: new Date().toISOString()
  };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(tmp, file);
  console.log(`fake companion ${process.pid} listening on ${port}`);
});
