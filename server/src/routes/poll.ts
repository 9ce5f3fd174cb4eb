import { FastifyInstance } from 'fastify';
import { PollControl } from '../poll-limits';

/** The poll intervals in force (the admin's limits applied) and the user's own setting. */
export function pollRoutes(app: FastifyInstance, poll: PollControl): void {
  app.get('/api/poll', async () => poll.settings);

  app.put(
    '/api/poll',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          // seconds; absent or null: the admin's default
          properties: { interval: { type: ['number', 'null'], minimum: 0.5, maximum: 86_400 } }
        }
      }
    },
    async request => {
      const { interval } = (request.body ?? {}) as { interval?: number | null };
      return poll.request(interval ?? undefined);
    }
  );
}
