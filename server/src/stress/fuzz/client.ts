import http from 'node:http';

/** One request as it goes on the wire: the path is already encoded. */
export interface WireRequest {
  method: string;
  /** Path and query string, percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent without a Content-Length (chunked), as a client streaming a file would. */
  chunked?: boolean;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The first connection was reset before any answer: this is the answer to a second try. */
  retried?: boolean;
}

export interface Client {
  send(request: WireRequest): Promise<WireResponse>;
  /**
   * Sends a request on a connection of its own, then a small request on that same connection
   * (if the server kept it open): the server must still answer it. A large body refused before
   * it is read must not leave the connection waiting for the rest.
   */
  sendThenFollow(
    request: WireRequest,
  ): Promise<{ response: WireResponse; followUp: string | null }>;
  /** Connections the server dropped before answering, retried once each. */
  readonly retries: number;
  close(): void;
}

/** How long the request after a large refused body may wait for its answer. */
const FOLLOW_UP_MS = 15_000;

const retryable = (error: unknown) => {
  const code = (error as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNREFUSED';
};

/**
 * A keep-alive HTTP/1.1 client on 127.0.0.1: much faster than supertest for tens of thousands
 * of requests, and it sends exactly the bytes asked (any content type, chunked or not).
 */
export function createClient(port: number, maxSockets = 16, timeoutMs = 60_000): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 30_000 });
  let retries = 0;
  /** What each connection carried last, to explain a request left without an answer. */
  const lastOnSocket = new WeakMap<object, string>();
  const summary = (request: WireRequest) =>
    `${request.method.toUpperCase()} ${request.path.slice(0, 80)} (${request.body?.length ?? 0} bytes${request.chunked ? ', chunked' : ''})`;

  const once = (request: WireRequest, through = agent) =>
    new Promise<WireResponse>((resolve, reject) => {
      let answered = false;
      const headers = { ...request.headers };
      if (request.body && !request.chunked) headers['Content-Length'] = String(request.body.length);
      // Node chunks a GET or DELETE body only when told to.
      if (request.body && request.chunked) headers['Transfer-Encoding'] = 'chunked';
      const outgoing = http.request(
        {
          host: '127.0.0.1',
          port,
          method: request.method.toUpperCase(),
          path: request.path,
          headers,
          agent: through,
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      // A server that answers before reading a large body (413) may close the socket while
      // the body is still being written: once the answer came, that is not an error.
      outgoing.on('error', (error) => {
        if (!answered) reject(error);
      });
      let previous = '(new connection)';
      outgoing.on('socket', (socket) => {
        previous = lastOnSocket.get(socket) ?? previous;
        lastOnSocket.set(socket, summary(request));
      });
      // A request the server never answers is a failure, not a hung test.
      outgoing.setTimeout(timeoutMs, () => {
        outgoing.destroy(
          new Error(
            `no answer within ${timeoutMs / 1000} s; the connection carried before: ${previous}`,
          ),
        );
      });
      if (request.body && request.chunked) {
        // A few chunks, so that the server counts the bytes as they stream.
        const size = Math.ceil(request.body.length / 4) || 1;
        for (let offset = 0; offset < request.body.length; offset += size)
          outgoing.write(request.body.subarray(offset, offset + size));
        outgoing.end();
      } else outgoing.end(request.body);
    });

  return {
    async send(request) {
      try {
        return await once(request);
      } catch (error) {
        if (!retryable(error)) throw error;
        retries += 1;
        return { ...(await once(request)), retried: true };
      }
    },
    async sendThenFollow(request) {
      const own = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const response = await once(request, own);
        let followUp: string | null = null;
        // Counted from now, not from when the agent hands the request a connection: a
        // connection stuck on the rest of a refused body never becomes free.
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<'stuck'>((resolve) => {
          timer = setTimeout(() => resolve('stuck'), FOLLOW_UP_MS);
        });
        try {
          const next = await Promise.race([
            once({ method: 'get', path: '/api/health', headers: {} }, own),
            limit,
          ]);
          if (next === 'stuck')
            followUp = `the next request on the connection got no answer within ${FOLLOW_UP_MS / 1000} s`;
          else if (next.status !== 200)
            followUp = `the next request on the connection got ${next.status}`;
        } catch (error) {
          followUp = `the next request on the connection got no answer (${(error as Error).message})`;
        } finally {
          clearTimeout(timer);
        }
        return { response, followUp };
      } finally {
        own.destroy();
      }
    },
    get retries() {
      return retries;
    },
    close: () => agent.destroy(),
  };
}

/** Runs `task` over `items` with at most `concurrency` at a time, in order of start. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
