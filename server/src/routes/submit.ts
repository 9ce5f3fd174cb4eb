import { FastifyInstance } from 'fastify';
import { Cluster, ClusterRegistry } from '../clusters';
import { parseSbatchArgs } from '../slurm/sbatch-args';
import { splitOptionsLine } from '../slurm/split-words';
import { SubmitRequest } from '../slurm/sbatch';
import { SubmissionRecord, SubmissionStore } from '../history/submissions';

/** The cluster named in a request, or a 404 that says which name was not found. */
export function clusterNamed(registry: ClusterRegistry, name: string): Cluster {
  const c = registry.get(name);
  if (!c) {
    throw Object.assign(new Error(`no cluster named ${JSON.stringify(name)}`), { statusCode: 404 });
  }
  return c;
}

/** Submits a job and has the queue polled at once, so every view shows the new job now. */
export async function submitJob(
  cluster: Cluster,
  request: SubmitRequest,
  submissions?: SubmissionStore,
  template?: SubmissionRecord['template']
): Promise<string> {
  const jobId = await cluster.slurm.submit(request);
  cluster.afterAction();
  if (submissions) {
    await remember(cluster, jobId, request, submissions, template);
  }
  return jobId;
}

/**
 * Records the submission for "Run again", then (not awaited) the output path Slurm resolved
 * for it: the history's link to the file once the job has left squeue. A record that cannot be
 * written never fails the submission that already happened.
 */
async function remember(
  cluster: Cluster,
  jobId: string,
  request: SubmitRequest,
  submissions: SubmissionStore,
  template?: SubmissionRecord['template']
): Promise<void> {
  const base = { cluster: cluster.config.name, jobId, at: new Date().toISOString() };
  await submissions.record({ ...base, script: request.script, ...(template ? { template } : {}) }).catch(e => {
    console.error(`could not record job ${jobId}'s submission: ${(e as Error).message}`);
  });
  void cluster.slurm
    .showJob(jobId)
    .then(([job]) => (job?.StdOut ? submissions.record({ ...base, stdout: job.StdOut }) : undefined))
    .catch(() => undefined);
}

const MAX_SCRIPT = 1024 * 1024;

/** A script as written (the `%%sbatch` magic, "Submit a file..."), with sbatch arguments. */
/** The words of the options line, or a 400 that says what is wrong with it (the Lab shows it at the field). */
function optionsLineWords(line: string): string[] {
  try {
    return splitOptionsLine(line);
  } catch (e) {
    throw Object.assign(new Error(`extra sbatch options: ${(e as Error).message}`), { statusCode: 400 });
  }
}

export function submitRoutes(app: FastifyInstance, registry: ClusterRegistry, submissions?: SubmissionStore): void {
  app.post(
    '/api/clusters/:name/submit',
    {
      schema: {
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['script'],
          additionalProperties: false,
          properties: {
            script: { type: 'string', minLength: 1, maxLength: MAX_SCRIPT },
            // already split into words, as the user typed them: ["-p", "debug", "--time=10"]
            args: { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 4096 } },
            // or one line as typed in the Lab's submit dialog, split here: "-p debug --comment='two words'"
            optionsLine: { type: 'string', maxLength: 16_384 }
          }
        }
      }
    },
    async request => {
      const { name } = request.params as { name: string };
      const body = request.body as { script: string; args?: string[]; optionsLine?: string };
      const args = [...(body.args ?? []), ...optionsLineWords(body.optionsLine ?? '')];
      const script = body.script;
      const cluster = clusterNamed(registry, name);
      if (!script.startsWith('#!')) {
        throw Object.assign(new Error('a batch script must start with a #! line (e.g. #!/bin/bash)'), {
          statusCode: 400
        });
      }
      const jobId = await submitJob(cluster, { script, options: parseSbatchArgs(args) }, submissions);
      return { cluster: name, jobId };
    }
  );
}
