import { FastifyInstance } from 'fastify';
import { PassThrough } from 'node:stream';
import { SetManager } from '../sets/manager';
import { scaleSetSchema, startSetSchema } from '../sets/spec';
import { readiness, stopped, watchSet } from '../sets/wait';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9]{4,32}$' } }
} as const;

/** Seconds a request may wait for a set (a set waits in the queue like any job). */
const waitSeconds = { type: 'number', minimum: 0, maximum: 86_400 } as const;

/**
 * Dask / IPyParallel sets: the contract of the sidebar's Clusters panel and
 * of the %ipcluster magics. Live updates go over the WebSocket (onChange).
 */
export function setRoutes(app: FastifyInstance, sets: SetManager): void {
  app.get('/api/sets', async () => ({ sets: sets.list() }));

  app.post('/api/sets', { schema: { body: startSetSchema } }, async (request, reply) => {
    const record = await sets.start(request.body);
    return reply.code(201).send(record);
  });

  app.get('/api/sets/:id', { schema: { params: idParam } }, async request => {
    const { id } = request.params as { id: string };
    const record = sets.get(id);
    if (!record) {
      throw Object.assign(new Error(`no set with id ${JSON.stringify(id)}`), { statusCode: 404 });
    }
    return record;
  });

  app.post('/api/sets/:id/scale', { schema: { params: idParam, body: scaleSetSchema } }, async request => {
    const { id } = request.params as { id: string };
    const { workers } = request.body as { workers: number };
    return sets.scale(id, workers);
  });

  // stop; `?wait=S` answers once the jobs are gone (204 if the set was forgotten meanwhile), or after S
  // seconds with the set as it is then; `?forget=true` on an ended set drops its record and its set dir instead
  app.delete(
    '/api/sets/:id',
    {
      schema: {
        params: idParam,
        querystring: {
          type: 'object',
          properties: { forget: { type: 'boolean', default: false }, wait: waitSeconds }
        }
      }
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { forget, wait } = request.query as { forget: boolean; wait?: number };
      if (forget) {
        await sets.forget(id);
        return reply.code(204).send();
      }
      const record = await sets.stop(id);
      if (!wait) {
        return record;
      }
      const gone = new AbortController();
      reply.raw.on('close', () => gone.abort());
      const waited = await watchSet(sets, id, { verdict: stopped, timeoutMs: wait * 1000, signal: gone.signal });
      return sets.get(id) ? waited.record : reply.code(204).send();
    }
  );

  // `%dask start`: one JSON line `{record}` now, at each change and every second, until a last
  // `{record, outcome}`: 'ready' (running with `workers` connected), 'ended' (or stopping), 'never'
  // (a job pends for a reason that will not pass: PartitionNodeLimit, PartitionConfig…), or 'timeout'
  app.get(
    '/api/sets/:id/wait',
    {
      schema: {
        params: idParam,
        querystring: {
          type: 'object',
          required: ['workers', 'timeout'],
          properties: { workers: { type: 'integer', minimum: 1 }, timeout: waitSeconds },
          additionalProperties: false
        }
      }
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { workers, timeout } = request.query as { workers: number; timeout: number };
      if (!sets.get(id)) {
        throw Object.assign(new Error(`no set with id ${JSON.stringify(id)}`), { statusCode: 404 });
      }
      const lines = new PassThrough();
      const write = (value: object): boolean => lines.write(`${JSON.stringify(value)}\n`);
      const gone = new AbortController();
      reply.raw.on('close', () => gone.abort());
      watchSet(sets, id, {
        verdict: record => readiness(record, workers),
        timeoutMs: timeout * 1000,
        onRecord: record => write({ record }),
        signal: gone.signal
      })
        .then(({ record, outcome }) => lines.end(`${JSON.stringify({ record, outcome })}\n`))
        .catch((e: unknown) => lines.destroy(e instanceof Error ? e : new Error(String(e))));
      return reply.type('application/x-ndjson').send(lines);
    }
  );

  app.get('/api/sets/:id/connection', { schema: { params: idParam } }, async request => {
    const { id } = request.params as { id: string };
    return sets.connection(id);
  });
}
