import { FastifyInstance } from 'fastify';

export interface Served {
  url: string;
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Serves a companion app on a real loopback port for the test's duration. */
export async function serve(app: FastifyInstance, token: string): Promise<Served> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') {
    throw new Error('not listening');
  }
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    request(path, init = {}) {
      const { token: given = token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (given !== null) {
        headers.set('authorization', `token ${given}`);
      }
      if (rest.body && !headers.has('content-type')) {
        headers.set('content-type', 'application/json');
      }
      return fetch(url + path, { ...rest, headers });
    },
    async close() {
      // a request still open (a model's late preview, a keep-alive socket under load) would
      // hold app.close() until jest's hook timeout: end every connection with it
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
    }
  };
}

/** The parsed JSON body, typed by the caller. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function body<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
