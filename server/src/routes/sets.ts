import { FastifyInstance } from 'fastify';
import { SetManager } from '../sets/manager';
import { scaleSetSchema, startSetSchema } from '../sets/spec';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9]{4,32}$' } }
} as const;

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

  // stop; `?forget=true` on an ended set drops its record and its set dir instead
  app.delete(
    '/api/sets/:id',
    {
      schema: {
        params: idParam,
        querystring: { type: 'object', properties: { forget: { type: 'boolean', default: false } } }
      }
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { forget } = request.query as { forget: boolean };
      if (forget) {
        await sets.forget(id);
        return reply.code(204).send();
      }
      return sets.stop(id);
    }
  );

  app.get('/api/sets/:id/connection', { schema: { params: idParam } }, async request => {
    const { id } = request.params as { id: string };
    return sets.connection(id);
  });
}
