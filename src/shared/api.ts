import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * An HTTP error from the HPC API, carrying the server's message.
 */
export class HpcApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'HpcApiError';
  }
}

/**
 * Call the HPC API at `{baseUrl}hpc/api/{endPoint}`.
 *
 * @param endPoint - API path relative to `hpc/api`, e.g. `clusters`.
 * @param init - Fetch options (method, body…).
 * @param settings - Server connection settings; the page's by default.
 * @returns The reply's JSON body (`null` for an empty body).
 * @throws HpcApiError with the server's JSON `error` message on an HTTP
 *   error, `ServerConnection.NetworkError` if the server cannot be reached.
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'hpc', 'api', endPoint);
  // makeRequest adds the auth token/XSRF header and already turns fetch
  // failures into ServerConnection.NetworkError.
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // Not JSON: e.g. a proxy's HTML error page. Reported below if the
      // status is an error; a 2xx non-JSON reply is a protocol error.
      if (response.ok) {
        throw new HpcApiError(`Invalid JSON reply from ${endPoint || 'hpc/api'}`, response.status);
      }
    }
  }
  if (!response.ok) {
    throw new HpcApiError(
      errorMessage(data) ?? `${response.status} ${response.statusText || 'HTTP error'}`.trim(),
      response.status
    );
  }
  return data as T;
}

/**
 * The message of an error body: the companion's `error`, or the
 * `message` of Jupyter server's own JSON errors (e.g. a 403).
 */
function errorMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) {
    return undefined;
  }
  const body = data as { error?: unknown; message?: unknown };
  for (const value of [body.error, body.message]) {
    if (typeof value === 'string' && value.length > 0) {
      return value;
    }
  }
  return undefined;
}
