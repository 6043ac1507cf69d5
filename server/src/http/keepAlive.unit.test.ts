import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { keepConnectionsAlive } from './keepAlive';

describe('keepConnectionsAlive', () => {
  it('outlives the 60-second idle connections of nginx and browsers', () => {
    const server = keepConnectionsAlive(createServer());
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });
});
