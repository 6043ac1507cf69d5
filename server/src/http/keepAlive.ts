import type { Server } from 'node:http';

/**
 * Keeps idle connections open longer than the clients and proxies in front (nginx, browsers,
 * test clients): with Node's 5-second default, a client that reuses a connection just as the
 * server closes it gets a reset instead of an answer.
 */
export function keepConnectionsAlive(server: Server): Server {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
