import { FastifyInstance } from 'fastify';
import { clusterListSchema, parseClusterList } from '../config';
import type { PartitionsReply } from '../../../protocol/resources';
import { ClusterRegistry } from '../clusters';
import { clusterNamed } from './submit';

export function clusterRoutes(app: FastifyInstance, registry: ClusterRegistry): void {
  app.get('/api/clusters', async () => {
    // Each cluster answers on its own: one failing cluster never hides the others.
    const clusters = await Promise.all(registry.list().map(c => c.status()));
    return { clusters };
  });

  // One cluster's partitions: what they hold now and the limits a job form is checked against.
  app.get(
    '/api/clusters/:name/partitions',
    { schema: { params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const status = await clusterNamed(registry, name).status();
      if (status.status === 'error') {
        return reply.code(502).send({ error: status.error });
      }
      const answer: PartitionsReply = { cluster: name, partitions: status.partitions, updatedAt: status.updatedAt };
      return answer;
    }
  );

  app.get('/api/config', async () => ({ clusters: registry.list().map(c => c.config) }));

  app.put(
    '/api/config/user-clusters',
    {
      schema: {
        body: {
          type: 'object',
          required: ['clusters'],
          additionalProperties: false,
          properties: { clusters: clusterListSchema }
        }
      }
    },
    async request => {
      const { clusters } = request.body as { clusters: unknown };
      registry.setUserClusters(parseClusterList(clusters));
      return { clusters: registry.list().map(c => c.config) };
    }
  );
}
