import { FastifyInstance } from 'fastify';
import { Cluster, ClusterRegistry } from '../clusters';
import { parseSbatchArgs } from '../slurm/sbatch-args';
import { splitOptionsLine } from '../slurm/split-words';
import { SubmitRequest } from '../slurm/sbatch';

/** The cluster named in a request, or a 404 that says which name was not found. */
export function clusterNamed(registry: ClusterRegistry, name: string): Cluster {
  const c = registry.get(name);
  if (!c) {
    throw Object.assign(new Error(`no cluster named ${JSON.stringify(name)}`), { statusCode: 404 });
  }
  return c;
}

/** Submits a job and has the queue polled at once, so every view shows the new job now. */
export async function submitJob(cluster: Cluster, request: SubmitRequest): Promise<string> {
  const jobId = await cluster.slurm.submit(request);
  cluster.afterAction();
  return jobId;
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

export function submitRoutes(app: FastifyInstance, registry: ClusterRegistry): void {
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
      const jobId = await submitJob(cluster, { script, options: parseSbatchArgs(args) });
      return { cluster: name, jobId };
    }
  );
}
