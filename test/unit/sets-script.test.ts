import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSON_PROBE_FILE, customKind, customSnippet, daskDashboard, kindConfig } from '../../server/src/sets/kinds';
import { DASK_PRELOAD_PY, DASK_WORKERS_ROUTE, MONITOR_EOF, MONITOR_PY } from '../../server/src/sets/py-files';
import { SetScriptContext, headJob, renderArg, workersJob } from '../../server/src/sets/script';
import { DASHBOARD_COOKIE_PREFIX, DASHBOARD_SECRET_FILE, TLS_CERT_FILE, TLS_KEY_FILE } from '../../server/src/sets/tls';
import { normalizeSpec } from '../../server/src/sets/spec';

function ctx(over: object = {}, extra: Partial<SetScriptContext> = {}): SetScriptContext {
  const spec = normalizeSpec({ cluster: 'local', kind: 'dask', workers: 2, ...over }, '/opt/py/bin/python');
  return { id: 'abc123', setDir: '/home/u/.jupyterlab-hpc/sets/abc123', spec, kind: kindConfig(spec), ...extra };
}

/** Runs bash code; returns stdout. */
const bash = (code: string): string =>
  execFileSync('bash', ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The script up to (not including) the first line matching `stop`, then `tail` appended. */
function scriptUntil(script: string, stop: RegExp, tail: string): string {
  const lines = script.split('\n');
  const end = lines.findIndex(l => stop.test(l));
  return [...lines.slice(0, end), tail].join('\n');
}

describe('set batch scripts', () => {
  it('tags the jobs and asks Slurm for the head plus the workers', () => {
    const { options } = headJob(ctx({ threads: 2, memory: '4G', time: 30, partition: 'debug', account: 'p1' }));
    expect(options).toEqual([
      '--job-name=hpc-dask-abc123',
      '--comment=hpcset:abc123',
      '--output=/home/u/.jupyterlab-hpc/sets/abc123/slurm-%j.out',
      '--chdir=/home/u/.jupyterlab-hpc/sets/abc123',
      '--no-requeue',
      '--ntasks=3',
      '--cpus-per-task=2',
      '--mem-per-cpu=2048M',
      '--time=30',
      '--partition=debug',
      '--account=p1'
    ]);
    const more = workersJob(ctx({ threads: 2 }), 5).options;
    expect(more).toContain('--job-name=hpc-dask-abc123-workers');
    expect(more).toContain('--comment=hpcset:abc123');
    expect(more).toContain('--ntasks=5');
  });

  it('lays workers out per node, on whole nodes when threads are left to the job', () => {
    const { options, script } = headJob(ctx({ workers: 8, workersPerNode: 4, memory: '1G' }));
    expect(options).toEqual(expect.arrayContaining(['--nodes=2', '--ntasks-per-node=4', '--exclusive', '--mem=4096M']));
    expect(options.some(o => o.startsWith('--ntasks='))).toBe(false);
    expect(script).toContain('HPC_THREADS=$(( ${SLURM_CPUS_ON_NODE:-1} / 4 ))');
    expect(script).toMatch(/--ntasks=8 --cpus-per-task="\$HPC_THREADS" --ntasks-per-node=4/);
    // a scale-up job never inherits the head's node count
    expect(workersJob(ctx({ workers: 2, nodes: 2 }), 1).options).not.toContain('--nodes=2');
  });

  it('writes scripts bash accepts, for every kind', () => {
    for (const c of [ctx(), ctx({ kind: 'ipyparallel', mpi: true }), ctx({ workersPerNode: 2, setup: ['true'] })]) {
      for (const { script } of [headJob(c), workersJob(c, 1)]) {
        const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
        expect(check.stderr).toBe('');
        expect(check.status).toBe(0);
      }
    }
  });

  it('starts the kind configuration: dask scheduler + named workers, ipcontroller + engines (MPI on demand)', () => {
    const dask = headJob(ctx({ memory: '2G' })).script;
    expect(dask).toContain('-m distributed.cli.dask_scheduler --scheduler-file="${HPC_SET_DIR}"/scheduler.json');
    expect(dask).toContain(`bash -c 'exec "$@" "$SLURM_JOB_ID-$SLURM_PROCID"' hpc-worker`);
    expect(dask).toMatch(
      /dask_worker .*--memory-limit="\$\{HPC_MEMORY\}" --death-timeout=60 .*--no-nanny --no-dashboard --preload="\$\{HPC_SET_DIR\}"\/dask_preload.py --name &/
    );
    // mutual TLS with the set's certificate, on both sides
    const tls =
      '--tls-ca-file="${HPC_SET_DIR}"/tls-cert.pem --tls-cert="${HPC_SET_DIR}"/tls-cert.pem --tls-key="${HPC_SET_DIR}"/tls-key.pem';
    expect(dask).toContain(`--port=0 --protocol=tls ${tls}`);
    expect(dask).toContain(`--death-timeout=60 ${tls} --no-nanny`);
    expect(dask).toMatch(/dask_scheduler .* --no-dashboard --preload="\$\{HPC_SET_DIR\}"\/dask_preload.py &/);
    expect(dask).toContain('HPC_MEMORY=2048MiB');
    expect(headJob(ctx({ nanny: true })).script).not.toContain('--no-nanny');
    const ipp = headJob(ctx({ kind: 'ipyparallel', mpi: true })).script;
    expect(ipp).toContain('-m ipyparallel.controller --profile-dir="${HPC_SET_DIR}"/profile --ip="${HPC_IP}"');
    expect(ipp).toMatch(/ipyparallel\.engine .* --mpi &/);
    expect(ipp).not.toContain('hpc-worker');
    expect(ipp).not.toContain('HPC_MEMORY');
    expect(headJob(ctx({ kind: 'ipyparallel' })).script).not.toContain('--mpi');
  });

  it("starts MPI engines as one srun step with the cluster's MPI plugin (pmix by default)", () => {
    const engines = /^srun --overlap --job-name=workers --ntasks=2 .* --mpi=pmix .*ipyparallel\.engine .* --mpi &$/m;
    expect(headJob(ctx({ kind: 'ipyparallel', mpi: true })).script).toMatch(engines);
    expect(workersJob(ctx({ kind: 'ipyparallel', mpi: true }), 2).script).toMatch(engines);
    const pmi2 = headJob(ctx({ kind: 'ipyparallel', mpi: true }, { mpiPlugin: 'pmi2' })).script;
    expect(pmi2).toContain(' --mpi=pmi2 ');
    expect(pmi2).not.toContain('pmix');
  });

  it('keeps every value data: variables hold exactly what was given', () => {
    const evil = `/tmp/it's "here"/$(id)/\`id\`/python`;
    const c = ctx({ python: evil }, { setDir: `/home/o'brien/$(id) x/abc123`, srun: "/opt/slurm bin/srun'" });
    const { script } = headJob(c);
    const out = bash(
      scriptUntil(script, /^if ! HPC_PY=/, 'printf "%s\\n" "$HPC_SET_DIR" "$HPC_PYTHON"').replace(/^mkdir .*$/m, '')
    );
    expect(out).toBe(`/home/o'brien/$(id) x/abc123\n${evil}\n`);
    expect(script).toContain(`'/opt/slurm bin/srun'\\''' --overlap`);
  });

  it('runs each set-up line on its own: a broken line cannot swallow the next', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-setup-'));
    const setup = [`echo 'unterminated`, 'echo "unterminated', MONITOR_EOF, `touch '${dir}/ran'`, 'export HPC_X="a b"'];
    const { script } = headJob(ctx({ setup }, { setDir: dir }));
    const out = bash(scriptUntil(script, /^HPC_PYTHON=/, 'printf "%s\\n" "$HPC_X"') + '\n');
    expect(existsSync(join(dir, 'ran'))).toBe(true);
    expect(out).toContain('jupyterlab-hpc: set-up line 1 failed');
    expect(out).toContain('jupyterlab-hpc: set-up line 2 failed');
    expect(out).toContain('jupyterlab-hpc: set-up line 3 failed');
    expect(out.trim().split('\n').pop()).toBe('a b');
  });

  it('says which python is missing and stops', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-py-'));
    const { script } = headJob(ctx({ python: '/nonexistent/python' }, { setDir: dir }));
    const run = spawnSync('bash', ['-c', scriptUntil(script, /^HPC_HOST=/, 'echo unreachable')], { encoding: 'utf8' });
    expect(run.status).toBe(127);
    expect(run.stdout).toContain('jupyterlab-hpc: python not found or not executable: /nonexistent/python');
    expect(run.stdout).not.toContain('unreachable');
  });

  it('embeds the monitor and the dask preload intact', () => {
    for (const [name, code] of [
      ['monitor.py', MONITOR_PY],
      ['dask_preload.py', DASK_PRELOAD_PY]
    ]) {
      expect(code.split('\n')).not.toContain(MONITOR_EOF);
      const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {
        input: code,
        encoding: 'utf8'
      });
      expect(parsed.stderr).toBe('');
      expect(headJob(ctx()).script).toContain(
        `"$HPC_SET_DIR"/${name} <<'${MONITOR_EOF}'\n${code.trimEnd()}\n${MONITOR_EOF}\n`
      );
    }
    expect(headJob(ctx({ kind: 'ipyparallel' })).script).not.toContain('dask_preload.py');
  });

  it('the Python files name the files and the route the companion names', () => {
    // the .py files are plain Python: what they share with the TypeScript is written in both
    expect(MONITOR_PY).toContain(`TLS_CERT_FILE, TLS_KEY_FILE = "${TLS_CERT_FILE}", "${TLS_KEY_FILE}"`);
    expect(MONITOR_PY).toContain(`DASK_WORKERS_ROUTE = "${DASK_WORKERS_ROUTE}"`);
    expect(DASK_PRELOAD_PY).toContain(`WORKERS_ROUTE = "${DASK_WORKERS_ROUTE}"`);
    expect(MONITOR_PY).toContain(`DASHBOARD_SECRET_FILE = "${DASHBOARD_SECRET_FILE}"`);
    expect(DASK_PRELOAD_PY).toContain(`DASHBOARD_SECRET_FILE = "${DASHBOARD_SECRET_FILE}"`);
    expect(DASK_PRELOAD_PY).toContain(`DASHBOARD_COOKIE_PREFIX = "${DASHBOARD_COOKIE_PREFIX}"`);
  });

  it('starts dask workers with the head, the other kinds once the head is ready', () => {
    const order = (script: string) =>
      ['--job-name=head', 'monitor.py"', '--job-name=workers', 'until [ -s "$HPC_READY_FILE" ]'].map(s =>
        script.indexOf(s)
      );
    const [head, monitor, workers, ready] = order(headJob(ctx()).script);
    expect(head).toBeLessThan(monitor);
    expect(monitor).toBeLessThan(workers);
    expect(workers).toBeLessThan(ready);
    const ipp = order(headJob(ctx({ kind: 'ipyparallel' })).script);
    expect(ipp[1]).toBeLessThan(ipp[3]); // the monitor waits for the ready file itself
    expect(ipp[2]).toBeGreaterThan(ipp[3]);
  });

  it('starts early workers again when they gave up before the head was ready', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-early-'));
    // srun without Slurm: drops its options and runs the command
    const srun = join(dir, 'srun');
    writeFileSync(srun, '#!/bin/bash\nwhile [[ $1 == --* ]]; do shift; done\nexec "$@"\n');
    chmodSync(srun, 0o755);
    const kind = {
      ...customKind({
        headLabel: 'head',
        head: ['{python}', '-c', 'sleep 0.5; echo ready > "$0"/ready; sleep 0.5', '{setDir}'],
        worker: [
          '{python}',
          '-c',
          '[ -e "$0"/ready ] && echo after >> "$0"/w.log || echo before >> "$0"/w.log',
          '{setDir}'
        ],
        readyFile: 'ready',
        connectionFile: 'ready'
      }),
      workersWaitForReady: true
    };
    const c = ctx({ python: 'bash', workers: 1 }, { setDir: dir, srun, kind });
    const run = spawnSync('bash', ['-c', headJob(c).script], {
      encoding: 'utf8',
      env: { ...process.env, SLURM_JOB_ID: '7', SLURMD_NODENAME: 'n1' }
    });
    expect(run.stdout).toContain('jupyterlab-hpc: the workers ended before the head was ready');
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'w.log'), 'utf8')).toBe('before\nafter\n');
  });
});

describe('kind configurations', () => {
  it('renders placeholders as variables and quotes the rest', () => {
    expect(renderArg('{setDir}/scheduler.json')).toBe('"${HPC_SET_DIR}"/scheduler.json');
    expect(renderArg('--dashboard-address={host}:0')).toBe('--dashboard-address="${HPC_HOST}":0');
    expect(renderArg("it's {python}")).toBe(`'it'\\''s '"\${HPC_PY}"`);
    expect(() => renderArg('{home}/x')).toThrow(/unknown placeholder \{home\}/);
  });

  it('builds a custom kind from a template, with files inside the set dir', () => {
    const template = {
      headLabel: 'Spark master',
      head: ['{python}', '-m', 'pyspark.master', '--host={host}'],
      worker: ['{python}', '-m', 'pyspark.worker', '--cores={threads}'],
      readyFile: 'master.json',
      connectionFile: 'master.json'
    };
    const kind = customKind(template);
    expect(kind.probe).toBe('none');
    const spec = normalizeSpec({ cluster: 'local', kind: 'dask', workers: 1 }, 'python3');
    const { script } = headJob({ id: 'c1', setDir: '/d/c1', spec: { ...spec, kind: 'custom' }, kind });
    expect(script).toContain('-m pyspark.master --host="${HPC_HOST}"');
    expect(script).toContain(`HPC_HEAD_LABEL='Spark master'`);
    expect(() => customKind({ ...template, readyFile: '../x' })).toThrow(/relative to the set dir/);
    expect(() => customKind({ ...template, connectionFile: '/etc/passwd' })).toThrow(/relative/);
    expect(() => customKind({ ...template, head: ['{nope}'] })).toThrow(/unknown placeholder/);
  });

  it("writes a custom template's files, counts its workers by its probe, fills its snippet and links", () => {
    const template = {
      headLabel: 'Spark master',
      head: ['{python}', '{setDir}/run.py', 'head'],
      worker: ['{python}', '{setDir}/run.py', 'worker'],
      readyFile: 'c.json',
      connectionFile: 'c.json',
      files: { 'run.py': ['import sys', "print('EOF')"] },
      show: [{ label: 'Master', key: 'master' }],
      webUIs: [
        { label: 'UI', key: 'ui' },
        { label: 'Not a URL', key: 'master' }
      ],
      workers: { key: 'ui', path: '/json/', list: 'workers', name: 'id', where: { state: 'ALIVE' } },
      snippet: ['m = {{master}}', 'n = {{cores}}; x = {{missing}}; on = {{on}}']
    };
    const kind = customKind(template);
    expect(kind.probe).toBe('json');
    expect(kind.files?.['run.py']).toBe("import sys\nprint('EOF')\n");
    expect(JSON.parse(kind.files?.[JSON_PROBE_FILE] ?? '')).toMatchObject({
      list: 'workers',
      connectionFile: 'c.json'
    });
    const spec = normalizeSpec({ cluster: 'local', kind: 'custom', workers: 1 }, 'python3');
    const { script } = headJob({ id: 'c1', setDir: '/d/c1', spec, kind });
    expect(script).toContain(`cat > "$HPC_SET_DIR"/run.py <<'`);
    const file = { master: 'spark://n1:7077', ui: 'http://n1:8080', cores: 2, on: true };
    expect(kind.connection(file, '/d/c1/c.json')).toEqual({
      kind: 'custom',
      connection: file,
      path: '/d/c1/c.json',
      fields: [{ label: 'Master', value: 'spark://n1:7077' }],
      webUIs: [{ label: 'UI', url: 'http://n1:8080' }],
      code: 'm = "spark://n1:7077"\nn = 2; x = None; on = True'
    });
    expect(customSnippet(['s = {{v}}'], { v: 'a"b\\c\n' })).toBe('s = "a\\"b\\\\c\\n"');
    expect(() => customKind({ ...template, files: { 'monitor.py': [] } })).toThrow(/cannot write the file/);
    expect(() => customKind({ ...template, files: { '../x': [] } })).toThrow(/cannot write the file/);
  });

  it('reads the dask dashboard from scheduler.json', () => {
    expect(daskDashboard({ address: 'tcp://10.0.0.5:8786', services: { dashboard: 8787 } })).toBe(
      'http://10.0.0.5:8787/status'
    );
    expect(daskDashboard({ address: 'tcp://10.0.0.5:8786', services: {} })).toBeUndefined();
  });
});
