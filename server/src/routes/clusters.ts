import { FastifyInstance } from 'fastify';
import { clusterListSchema, parseClusterList } from '../config';
import { ClusterRegistry } from '../clusters';

export function clusterRoutes(app: FastifyInstance, registry: ClusterRegistry): void {
  app.get('/api/clusters', async () => {
    // Each cluster answers on its own: one failing cluster never hides the others.
    const clusters = await Promise.all(registry.list().map(c => c.status()));
    return { clusters };
  });

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
