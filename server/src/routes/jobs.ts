import { Readable } from 'node:stream';
import { FastifyInstance, FastifyReply } from 'fastify';
import { Cluster, ClusterRegistry } from '../clusters';
import { NotRegularFileError } from '../runners/output-file';
import { PollControl, assertAllUsersAllowed } from '../poll-limits';
import { JobAction } from '../slurm/adapter';
import { JOB_FIELD_NAMES } from '../../../protocol/jobs';
import { RECORDS_CONTENT_TYPE } from '../../../protocol/records';
import { countRecords, encodeRecords, recordMatcher, selectRecords } from '../queue-wire';
import { recordFields, splitRecords, toJob } from '../slurm/squeue';
import { assertJobIds, notActionable } from '../slurm/jobids';

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, id: { type: 'string' } }
} as const;

function cluster(registry: ClusterRegistry, name: string, reply: FastifyReply): Cluster | undefined {
  const c = registry.get(name);
  if (!c) {
    void reply.code(404).send({ error: `no cluster named ${JSON.stringify(name)}` });
  }
  return c;
}

const MAX_SLICE = 256 * 1024;

/** REST for scripts and the magics; the sidebar uses the WebSocket for live diffs. */
export function jobRoutes(app: FastifyInstance, registry: ClusterRegistry, poll?: PollControl): void {
  // Output paths outlive the job's stay in squeue/scontrol (MinJobAge): remember them for tails.
  const outputPaths = new Map<string, { stdout: string; stderr: string }>();

  async function outputPath(c: Cluster, id: string, stream: 'stdout' | 'stderr'): Promise<string> {
    const key = `${c.config.name}/${id}`;
    let paths = outputPaths.get(key);
    if (!paths) {
      const [job] = await c.slurm.showJob(id);
      if (!job?.StdOut) {
        throw Object.assign(new Error(`job ${id} has no output file (an interactive job?)`), { statusCode: 404 });
      }
      // Until it starts, a job's output path may hold an older job's file (ids restart when a
      // cluster's state is reset): nothing to show yet, and nothing to remember.
      if (job.JobState === 'PENDING') {
        throw Object.assign(new Error(`job ${id} is pending: its output appears once it starts`), {
          statusCode: 409
        });
      }
      paths = { stdout: job.StdOut, stderr: job.StdErr || job.StdOut };
      if (outputPaths.size > 1000) {
        outputPaths.clear();
      }
      outputPaths.set(key, paths);
    }
    return paths[stream];
  }

  app.get(
    '/api/clusters/:name/jobs/:id/output',
    {
      schema: {
        params: nameParam,
        querystring: {
          type: 'object',
          properties: {
            stream: { enum: ['stdout', 'stderr'], default: 'stdout' },
            // absent: the last `maxBytes` of the file (the start of a tail)
            offset: { type: 'integer', minimum: 0 },
            maxBytes: { type: 'integer', minimum: 1, maximum: MAX_SLICE, default: 64 * 1024 }
          }
        }
      }
    },
    async (request, reply) => {
      const { name, id } = request.params as { name: string; id: string };
      const q = request.query as { stream: 'stdout' | 'stderr'; offset?: number; maxBytes: number };
      const c = cluster(registry, name, reply);
      if (!c) {
        return reply;
      }
      const path = await outputPath(c, id, q.stream);
      try {
        let offset = q.offset;
        if (offset === undefined) {
          const { size } = await c.runner.readFile(path, 0, 0);
          offset = Math.max(0, size - q.maxBytes);
        }
        return { cluster: name, id, stream: q.stream, path, ...(await c.runner.readFile(path, offset, q.maxBytes)) };
      } catch (e) {
        if (e instanceof NotRegularFileError) {
          // the job (maybe another user's) names a pipe, a device or a directory: never read it
          throw Object.assign(new Error(`job ${id}'s output path ${e.path} is ${e.kind}, not a regular file`), {
            statusCode: 422
          });
        }
        throw e;
      }
    }
  );

  app.get(
    '/api/clusters/:name/jobs',
    {
      schema: {
        params: nameParam,
        querystring: {
          type: 'object',
          properties: {
            all: { type: 'boolean', default: false },
            user: { type: 'string' },
            // comma-separated state names, or 'active' (every state but the final ones)
            states: { type: 'string' },
            // comma-separated job ids; an array's id matches its tasks
            jobs: { type: 'string' },
            // records: squeue's own text after a JSON header line (queue-wire.ts), for big queues
            format: { enum: ['rows', 'objects', 'records'], default: 'rows' }
          }
        }
      }
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const q = request.query as { all: boolean; user?: string; states?: string; jobs?: string; format: string };
      const c = cluster(registry, name, reply);
      if (!c) {
        return reply;
      }
      const list = (value?: string) => (value === undefined ? undefined : new Set(value.split(',').filter(Boolean)));
      if (q.jobs !== undefined) {
        assertJobIds([...(list(q.jobs) ?? [])]);
      }
      // my jobs from the own-jobs poll (filtered by slurmctld); anyone else's need the full queue
      const user = q.user ?? (q.all ? undefined : c.user);
      const everyone = user !== c.user;
      if (everyone && poll) {
        assertAllUsersAllowed(poll.settings);
      }
      const scope = everyone ? c.allQueue : c.queue;
      const match = recordMatcher({
        user: everyone ? user : undefined,
        states: q.states === 'active' ? 'active' : list(q.states),
        ids: list(q.jobs)
      });
      if (q.format === 'records') {
        // squeue's own text, fresh from the poll, sent before the poll splits and diffs it
        await scope.withFreshText(
          ({ status, error, warning, updatedAt, version, text }) =>
            new Promise<void>(resolve => {
              const state = { cluster: name, status, error, warning, updatedAt, version };
              const selected = match ? selectRecords(splitRecords(text), match) : { text, count: countRecords(text) };
              reply.raw.once('finish', resolve);
              reply.raw.once('close', resolve);
              void reply
                .type(RECORDS_CONTENT_TYPE)
                .send(Readable.from(encodeRecords({ ...state, count: selected.count }, selected.text)));
            })
        );
        return reply;
      }
      const snap = await scope.snapshot();
      const { status, error, warning, updatedAt, version, records } = snap;
      const state = { cluster: name, status, error, warning, updatedAt, version };
      const rows: string[][] = [];
      for (const record of records.values()) {
        if (!match || match(record)) {
          rows.push(recordFields(record));
        }
      }
      return q.format === 'objects' ? { ...state, jobs: rows.map(toJob) } : { ...state, fields: JOB_FIELD_NAMES, rows };
    }
  );

  app.get('/api/clusters/:name/jobs/:id', { schema: { params: nameParam } }, async (request, reply) => {
    const { name, id } = request.params as { name: string; id: string };
    const c = cluster(registry, name, reply);
    if (!c) {
      return reply;
    }
    const [jobs, start] = await Promise.all([
      c.slurm.showJob(id),
      // best effort: a job that is not pending (or gone) has no expected start
      c.slurm.startEstimate(id).catch(() => undefined)
    ]);
    return { cluster: name, jobs, ...(start && start !== 'N/A' && { start }) };
  });

  app.post(
    '/api/clusters/:name/jobs/actions',
    {
      schema: {
        params: nameParam,
        body: {
          type: 'object',
          required: ['action', 'ids'],
          additionalProperties: false,
          properties: {
            action: { enum: ['cancel', 'hold', 'release'] },
            ids: { type: 'array', minItems: 1, maxItems: 10000, items: { type: 'string', maxLength: 64 } }
          }
        }
      }
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const { action, ids } = request.body as { action: JobAction; ids: string[] };
      const c = cluster(registry, name, reply);
      if (!c) {
        return reply;
      }
      assertJobIds(ids);
      // scancel says nothing of an id it does not know (scontrol hold/release do): ask squeue first
      const refused = action === 'cancel' ? notActionable(ids, await c.slurm.jobStates(ids), name) : undefined;
      if (refused) {
        throw Object.assign(new Error(refused), { statusCode: 404 });
      }
      await c.slurm.jobAction(action, ids);
      // everyone watching sees the effect now, not one interval later
      c.afterAction();
      return { ok: true, action, ids };
    }
  );
}
