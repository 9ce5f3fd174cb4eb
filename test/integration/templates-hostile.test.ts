import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localCluster, remoteCluster, waitUntil } from '../helpers/companion';
import { body } from '../helpers/http';
import { localConf, remoteConf, slurm } from '../helpers/slurm';
import { TemplateCompanion, startTemplateCompanion } from '../fixtures/templates/companion';

const post = (data: unknown) => ({ method: 'POST', body: JSON.stringify(data) });

/** The probe's job names on a cluster, as squeue has them (ground truth). */
function probeJobs(conf: string): string[] {
  return slurm(conf, ['squeue', '-h', '--states=all', '--name=probe', '-o', '%i']).split('\n').filter(Boolean);
}

describe('hostile template values are rejected or inert, over both transports', () => {
  let c: TemplateCompanion;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpc-tpl-hostile-'));
    // the remote user must be able to write the output, and the marker if an injection worked
    chmodSync(dir, 0o777);
    c = await startTemplateCompanion([localCluster(), remoteCluster()], {
      templateDirs: [resolve(__dirname, '../fixtures/templates/centre')]
    });
  });
  afterAll(async () => {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['local', localConf],
    ['remote', remoteConf]
  ])('%s', async (cluster, conf) => {
    const marker = join(dir, `pwned-${cluster}`);
    const submit = (params: Record<string, unknown>) =>
      c.served.request('/api/templates/submit', post({ id: 'probe', cluster, params: { outdir: dir, ...params } }));
    const before = probeJobs(conf());

    // Refused before any command exists: each names its parameter.
    for (const [params, field] of [
      [{ text: `a\ntouch ${marker}` }, '/params/text'],
      [{ text: `a\rtouch ${marker}` }, '/params/text'],
      [{ text: 'x'.repeat(10 * 1024) }, '/params/text'],
      [{ count: '1; rm -rf ~' }, '/params/count'],
      [{ cpus: `$(touch ${marker})` }, '/params/cpus'],
      [{ choice: `fast; touch ${marker}` }, '/params/choice'],
      [{ flag: `true; touch ${marker}` }, '/params/flag'],
      [{ file: `-rf; touch ${marker}` }, '/params/file'],
      [{ outdir: `${dir}/$(touch ${marker})` }, '/resources/output']
    ] as const) {
      const res = await submit(params);
      expect(res.status).toBe(400);
      expect((await body(res)).errors).toEqual([expect.objectContaining({ field })]);
    }
    expect(probeJobs(conf())).toEqual(before);

    // Accepted, and printed back as data by the job.
    const text = `1; touch ${marker}; $(touch ${marker}) \`touch ${marker}\` '; touch ${marker}; ' "; touch ${marker}; " \\`;
    const notes = `line one\n$(touch ${marker})\n'\ntouch ${marker}\n"`;
    const file = `in put;$(touch ${marker})\`touch ${marker}\`.h5`;
    const res = await submit({ text, notes, file });
    expect(res.status).toBe(200);
    const { jobId } = await body(res);
    const path = join(dir, `probe-${jobId}.out`);
    const out = await waitUntil(
      () =>
        existsSync(path) && readFileSync(path, 'utf8').includes('probe-done') ? readFileSync(path, 'utf8') : undefined,
      30_000,
      `the probe's output on ${cluster}`
    );
    expect(out).toContain(
      [
        'mark=ok',
        `word=[${text}]`,
        `double=[${text}]`,
        `single=[${text}]`,
        `notes=[${notes}]`,
        `path=[${file}]`,
        'count=[3]',
        'choice=[fast]',
        'flag=off',
        'probe-done'
      ].join('\n')
    );
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['local', localConf],
    ['remote', remoteConf]
  ])('%s: typed sbatch arguments travel as argv', async (cluster, conf) => {
    const marker = join(dir, `pwned-args-${cluster}`);
    const name = `x; touch ${marker} $(touch ${marker})`;
    const submit = (args: string[]) =>
      c.served.request(`/api/clusters/${cluster}/submit`, post({ script: '#!/bin/bash\ntrue\n', args }));
    const res = await submit(['--hold', '-J', name, `--comment=\`touch ${marker}\``]);
    expect(res.status).toBe(200);
    const { jobId } = await body(res);
    try {
      expect(slurm(conf(), ['squeue', '-h', '-j', jobId, '-o', '%j|%k'])).toBe(`${name}|\`touch ${marker}\`\n`);
    } finally {
      slurm(conf(), ['scancel', jobId]);
    }
    for (const args of [[`;touch ${marker}`], ['--wrap', `touch ${marker}`], ['-J', 'a', `$(touch ${marker})`]]) {
      expect((await submit(args)).status).toBe(400);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
