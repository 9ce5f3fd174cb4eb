import { homedir } from 'node:os';
import { FastifyInstance } from 'fastify';
import type { TestOnlyAnswer } from '../../../protocol/resources';
import { Cluster, ClusterRegistry } from '../clusters';
import { checkJobLimits } from '../templates/limits';
import { FieldErrors, TemplateRequestError } from '../templates/errors';
import { RenderedJob, renderTemplate } from '../templates/render';
import { TemplateStore } from '../templates/store';
import { TemplateSource } from '../templates/types';
import { clusterNamed, submitJob } from './submit';
import { SubmissionStore } from '../history/submissions';

const source = { enum: ['centre', 'personal'] } as const;
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;

const jobBody = (clusterRequired: boolean) =>
  ({
    type: 'object',
    required: clusterRequired ? ['id', 'cluster'] : ['id'],
    additionalProperties: false,
    properties: {
      id,
      source,
      cluster: { type: 'string', minLength: 1, maxLength: 64 },
      // values are checked against each parameter's own type by the renderer
      params: { type: 'object', default: {} }
    }
  }) as const;

const sourceAndId = {
  type: 'object',
  required: ['source', 'id'],
  properties: { source, id }
} as const;

interface JobRequest {
  id: string;
  source?: TemplateSource;
  cluster?: string;
  params: Record<string, unknown>;
}

/** REST of the job templates: list, render (the preview), submit, and personal templates. */
export function templateRoutes(
  app: FastifyInstance,
  registry: ClusterRegistry,
  store: TemplateStore,
  submissions?: SubmissionStore
): void {
  async function render(request: JobRequest): Promise<RenderedJob> {
    const template = await store.find(request.id, request.source);
    if (request.cluster !== undefined) {
      clusterNamed(registry, request.cluster);
      if (template.clusters.length && !template.clusters.includes(request.cluster)) {
        throw new FieldErrors([
          {
            field: '/cluster',
            message: `template ${template.id} is for ${template.clusters.join(', ')}, not ${request.cluster}`
          }
        ]);
      }
    }
    // a job of no folder runs in the user's home: sbatch's own default over SSH, said for local runs
    const local =
      request.cluster !== undefined && (registry.get(request.cluster)?.config.transport ?? 'local') === 'local';
    const job = renderTemplate(template, request.params, local ? { chdir: homedir() } : {});
    if (request.cluster !== undefined) {
      await checkOnCluster(clusterNamed(registry, request.cluster), job);
    }
    return job;
  }

  app.get('/api/templates', async () => store.list());

  app.get('/api/templates/:source/:id', { schema: { params: sourceAndId } }, async request => {
    const p = request.params as { source: TemplateSource; id: string };
    return store.find(p.id, p.source);
  });

  app.post('/api/templates/render', { schema: { body: jobBody(false) } }, async request =>
    render(request.body as JobRequest)
  );

  app.post('/api/templates/submit', { schema: { body: jobBody(true) } }, async request => {
    const body = request.body as JobRequest & { cluster: string };
    const job = await render(body);
    const template = await store.find(body.id, body.source);
    // the values as given: "Run again" fills the same form with them
    const jobId = await submitJob(clusterNamed(registry, body.cluster), job, submissions, {
      id: template.id,
      source: template.source,
      params: body.params
    });
    return { cluster: body.cluster, jobId, ...job };
  });

  // Slurm's answer before Submit: when and where the job would start, or why it would not.
  app.post('/api/templates/test-only', { schema: { body: jobBody(true) } }, async request => {
    const body = request.body as JobRequest & { cluster: string };
    const job = await render(body);
    const answer: TestOnlyAnswer = {
      cluster: body.cluster,
      ...(await clusterNamed(registry, body.cluster).slurm.testOnly(job))
    };
    return answer;
  });

  app.put('/api/templates/:source/:id', { schema: { params: sourceAndId } }, async request => {
    const p = request.params as { source: TemplateSource; id: string };
    refuseCentre(p.source);
    return store.savePersonal(p.id, request.body);
  });

  app.delete('/api/templates/:source/:id', { schema: { params: sourceAndId } }, async request => {
    const p = request.params as { source: TemplateSource; id: string };
    refuseCentre(p.source);
    await store.deletePersonal(p.id);
    return { ok: true, id: p.id };
  });

  app.post(
    '/api/templates/personal/:id/duplicate-from',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id } },
        body: {
          type: 'object',
          required: ['source', 'id'],
          additionalProperties: false,
          properties: { source, id, title: { type: 'string', minLength: 1, maxLength: 200 } }
        }
      }
    },
    async request => {
      const { id: newId } = request.params as { id: string };
      const from = request.body as { source: TemplateSource; id: string; title?: string };
      return store.duplicate({ source: from.source, id: from.id }, newId, from.title);
    }
  );
}

/**
 * The job against the limits of the partition it goes to on that cluster (partitions cached per
 * poll interval). A cluster that cannot be queried now is not a reason to refuse: Slurm decides.
 */
async function checkOnCluster(cluster: Cluster, job: RenderedJob): Promise<void> {
  const status = await cluster.status();
  if (status.status !== 'ok') {
    return;
  }
  const errors = checkJobLimits(job.options, status.partitions, cluster.config.name);
  if (errors.length) {
    throw new FieldErrors(errors);
  }
}

function refuseCentre(source: TemplateSource): void {
  if (source === 'centre') {
    throw new TemplateRequestError(
      'centre templates are read-only: duplicate it into a personal template to change it',
      403
    );
  }
}
