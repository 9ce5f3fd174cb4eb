import type { ErrorObject } from 'ajv';
import Fastify, { FastifyError, FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { hasToken } from './auth';
import { ClusterRegistry } from './clusters';
import { clusterRoutes } from './routes/clusters';
import { PollControl } from './poll-limits';
import { jobRoutes } from './routes/jobs';
import { pollRoutes } from './routes/poll';
import { setRoutes } from './routes/sets';
import { SetManager } from './sets/manager';
import { submitRoutes } from './routes/submit';
import { historyRoutes } from './routes/history';
import { createSubmissionStore } from './history/submissions';
import { templateRoutes } from './routes/templates';
import { FieldErrors } from './templates/errors';
import { TemplateStore, createTemplateStore } from './templates/store';
import { Hub, registerHub } from './ws';
import { SlurmError } from './slurm/errors';
import { TransportError } from './runners/types';
import { errorsInWords } from './util/schema-words';

export const VERSION = '0.1.0';

export interface AppDeps {
  token: string;
  registry: ClusterRegistry;
  /** Called on every authenticated request (keeps an idle companion alive). */
  onActivity?: () => void;
  logger?: boolean;
  /** Dask / IPyParallel sets (`/api/sets`); absent: no such routes. */
  sets?: SetManager;
  /** The centre's job template directories (read-only for users). */
  templateDirs?: string[];
  /** The template store the sets share (main.ts makes one); absent: one made of templateDirs and dataDir. */
  templates?: TemplateStore;
  /** The user's companion data (personal templates in `<dataDir>/templates`); absent: none. */
  dataDir?: string;
  /** The poll intervals and the admin's limits (`/api/poll`); absent: no limits, no such routes. */
  poll?: PollControl;
}

/** Builds the companion's HTTP app; `main.ts` only listens and shuts down. */
export function buildApp(deps: AppDeps): FastifyInstance & { hub: Hub } {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 4 * 1024 * 1024,
    // verbose: each error carries its value and schema, so that it can be said in words
    ajv: { customOptions: { verbose: true } }
  });

  // Lab's ServerConnection marks every request as JSON, DELETEs with no body included.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, text === '' ? undefined : JSON.parse(text as string));
    } catch {
      done(Object.assign(new Error('the request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  // Every route, WebSocket upgrades included, needs the companion's token.
  app.addHook('onRequest', async (request, reply) => {
    if (!hasToken(request.headers.authorization, deps.token)) {
      return reply.code(401).send({ error: 'missing or invalid companion token' });
    }
    deps.onActivity?.();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      // every route's request errors in words, per field: never a schema path or a pattern
      const what = error.validationContext === 'body' ? '' : error.validationContext;
      return reply.code(400).send({ error: errorsInWords(error.validation as ErrorObject[], what) });
    }
    if (error instanceof SlurmError) {
      return reply.code(502).send({ error: error.message, command: error.command });
    }
    if (error instanceof FieldErrors) {
      // every bad field at once, each named by a JSON pointer, for forms and scripts
      return reply.code(400).send({ error: error.message, errors: error.errors });
    }
    if (error instanceof TransportError) {
      return reply.code(502).send({ error: error.message });
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      // The full error stays in the companion's log; the client gets a clear line.
      request.log.error(error);
      console.error(error);
    }
    return reply.code(status).send({ error: error.message || 'internal error' });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get('/api/health', async () => ({ ok: true, pid: process.pid, version: VERSION }));
  clusterRoutes(app, deps.registry);
  jobRoutes(app, deps.registry, deps.poll);
  if (deps.poll) {
    pollRoutes(app, deps.poll);
  }
  // what the companion submits, for "Run again" and exact output paths: only with a data dir
  const submissions = deps.dataDir === undefined ? undefined : createSubmissionStore(deps.dataDir);
  submitRoutes(app, deps.registry, submissions);
  historyRoutes(app, deps.registry, submissions);
  templateRoutes(
    app,
    deps.registry,
    deps.templates ??
      createTemplateStore({
        centreDirs: deps.templateDirs ?? [],
        personalDir: deps.dataDir === undefined ? undefined : join(deps.dataDir, 'templates')
      }),
    submissions
  );
  if (deps.sets) {
    setRoutes(app, deps.sets);
  }
  const hub = registerHub(app, deps.registry, deps.sets, deps.poll);
  return Object.assign(app, { hub });
}
