import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf, slurm } from '../helpers/slurm';
import { TemplateCompanion, startTemplateCompanion } from '../fixtures/templates/companion';

const probeDir = resolve(__dirname, '../fixtures/templates/centre');
const shippedDir = resolve(__dirname, '../../templates/centre');

/** `scontrol show job` as key=value pairs (ground truth, without the companion). */
function showJob(id: string): Record<string, string> {
  const text = slurm(localConf(), ['scontrol', 'show', 'job', id]);
  return Object.fromEntries([...text.matchAll(/(\S+?)=(\S*)/g)].map(m => [m[1], m[2]]));
}

/** The file's text once `done` appears in it (the job's last line). */
function waitForOutput(path: string, done: string): Promise<string> {
  return waitUntil(
    () => (existsSync(path) && readFileSync(path, 'utf8').includes(done) ? readFileSync(path, 'utf8') : undefined),
    30_000,
    `${done} in ${path}`
  );
}

const post = (data: unknown) => ({ method: 'POST', body: JSON.stringify(data) });

describe('job templates on real Slurm', () => {
  let c: TemplateCompanion;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpc-tpl-'));
    chmodSync(dir, 0o755);
    c = await startTemplateCompanion([localCluster()], { templateDirs: [probeDir, shippedDir] });
  });
  afterAll(async () => {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('submits the previewed script with the template resources; modules, set-up and values run', async () => {
    const request = {
      id: 'probe',
      source: 'centre',
      cluster: 'local',
      params: { outdir: dir, cpus: 2, text: 'hello there', count: 42, choice: 'slow', flag: true }
    };
    const preview = await body(await c.served.request('/api/templates/render', post(request)));
    const res = await c.served.request('/api/templates/submit', post(request));
    expect(res.status).toBe(200);
    const submitted = await body(res);
    expect(submitted).toMatchObject({ cluster: 'local', jobId: expect.stringMatching(/^\d+$/) });
    expect(submitted.script).toBe(preview.script);
    expect(submitted.options).toEqual(preview.options);

    // the preview is exactly the script Slurm holds
    expect(slurm(localConf(), ['scontrol', 'write', 'batch_script', submitted.jobId, '-'])).toBe(preview.script);
    expect(showJob(submitted.jobId)).toMatchObject({
      Partition: 'batch',
      TimeLimit: '00:07:00',
      NumCPUs: '2',
      'CPUs/Task': '2',
      MinMemoryNode: '300M',
      JobName: 'probe'
    });

    const out = await waitForOutput(join(dir, `probe-${submitted.jobId}.out`), 'probe-done');
    expect(out).toContain('jupyterlab-hpc: no "module" command on this node; skipping: module load tpl-test/1.0\n');
    expect(out).toContain(
      [
        'mark=ok',
        'word=[hello there]',
        'double=[hello there]',
        'single=[hello there]',
        'notes=[]',
        'path=[data/in.h5]',
        'count=[42]',
        'choice=[slow]',
        'flag=on',
        'probe-done'
      ].join('\n')
    );
  });

  it('renders and submits the shipped Python analysis example', async () => {
    const work = join(dir, 'thalamus');
    mkdirSync(join(work, 'data'), { recursive: true });
    writeFileSync(join(work, 'data', 'cells 1.h5'), '');
    // the analysis stands in for the real one: it shows the arguments it was given
    writeFileSync(
      join(work, 'analysis.py'),
      'import sys, os\nprint("analysis", sys.argv[1:], os.environ["OMP_NUM_THREADS"])\n'
    );
    const res = await c.served.request(
      '/api/templates/submit',
      post({
        id: 'thalamus-analysis',
        cluster: 'local',
        params: { workdir: work, input: 'data/cells 1.h5', bins: 30, memory: '1G', partition: 'batch' }
      })
    );
    expect(res.status).toBe(200);
    const { jobId, script, options } = await body(res);
    expect(options).toEqual([
      '--cpus-per-task=2',
      '--mem=1G',
      '--time=00:30:00',
      '--partition=batch',
      '--job-name=thalamus-analysis',
      '--output=thalamus-%j.out',
      `--chdir=${work}`
    ]);
    expect(script).toContain("python3 analysis.py --input 'data/cells 1.h5' --bins 30\n");
    expect(showJob(jobId)).toMatchObject({ Partition: 'batch', NumCPUs: '2', MinMemoryNode: '1G' });

    const out = await waitForOutput(join(work, `thalamus-${jobId}.out`), 'analysis [');
    expect(out).toContain('skipping: module load nix/hpc/neuron/7.5-201707 nix/viz/rtneuron/2.13.0-201707');
    expect(out).toContain('no Python environment at /gpfs/project/proj3/thalamus/venv; using ');
    expect(out).toContain('Thalamus analysis of data/cells 1.h5 with 30 bins on ');
    expect(out).toContain("analysis ['--input', 'data/cells 1.h5', '--bins', '30'] 2\n");
  });

  it('renders and submits the shipped MPI example', async () => {
    const work = join(dir, 'mpi');
    mkdirSync(work);
    const res = await c.served.request(
      '/api/templates/submit',
      post({
        id: 'mpi-application',
        cluster: 'local',
        params: { workdir: work, nodes: 1, tasks: 2, program: '/bin/echo', args: 'step=3 --fast', time: '00:05:00' }
      })
    );
    expect(res.status).toBe(200);
    const { jobId, script } = await body(res);
    expect(script).toContain('srun /bin/echo step=3 --fast\n');
    // a pending job shows the node range asked for (1-1), a running one the count
    expect(showJob(jobId)).toMatchObject({
      NumNodes: expect.stringMatching(/^1(-1)?$/),
      NumTasks: '2',
      TimeLimit: '00:05:00'
    });
    const out = await waitForOutput(join(work, `mpi-${jobId}.out`), 'step=3 --fast\nstep=3 --fast\n');
    expect(out).toContain('2 MPI tasks on 1 node(s): vm\n');
  });

  it('submits a script with sbatch arguments as typed, and refuses words sbatch would take as a script', async () => {
    const script = '#!/bin/bash\ntrue\n';
    const res = await c.served.request(
      '/api/clusters/local/submit',
      post({ script, args: ['-p', 'batch', '-t', '5', '-J', 'typed name', '--hold'] })
    );
    expect(res.status).toBe(200);
    const { jobId } = await body(res);
    try {
      expect(showJob(jobId)).toMatchObject({ Partition: 'batch', TimeLimit: '00:05:00', JobName: 'typed' });
      expect(slurm(localConf(), ['squeue', '-h', '-j', jobId, '-o', '%j'])).toBe('typed name\n');
    } finally {
      slurm(localConf(), ['scancel', jobId]);
    }

    for (const [args, message] of [
      [['-p', 'batch', 'job.sh'], /"job.sh" is not an option: sbatch would take it as the script's file name/],
      [['--wrap=touch /tmp/x'], /--wrap/]
    ] as const) {
      const refused = await c.served.request('/api/clusters/local/submit', post({ script, args }));
      expect(refused.status).toBe(400);
      expect((await body(refused)).error).toMatch(message);
    }
    const noShebang = await c.served.request('/api/clusters/local/submit', post({ script: 'true\n' }));
    expect(noShebang.status).toBe(400);
    expect((await body(noShebang)).error).toMatch(/must start with a #! line/);
    expect((await c.served.request('/api/clusters/nowhere/submit', post({ script }))).status).toBe(404);
  });
});
