import { dropDatabase, prepareTemplate, startTestServer } from '@maestro/database/testing';

type Shared = {
  ready: Promise<{ adminUrl: string; template: string; stop: () => Promise<void> }>;
  users: number;
};
const registry = globalThis as typeof globalThis & { __maestroTestServer?: Shared };

/**
 * One PostgreSQL server and one migrated template database for the whole run. Vitest calls
 * the global setup once per project: the first call starts everything, the last teardown
 * stops it.
 */
export default async function setup() {
  registry.__maestroTestServer ??= {
    users: 0,
    ready: (async () => {
      const server = await startTestServer(import.meta.dirname);
      const template = await prepareTemplate(server.adminUrl);
      return { ...server, template };
    })(),
  };
  const shared = registry.__maestroTestServer;
  shared.users += 1;
  const server = await shared.ready;
  process.env.MAESTRO_TEST_ADMIN_URL = server.adminUrl;
  process.env.MAESTRO_TEST_TEMPLATE = server.template;
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    registry.__maestroTestServer = undefined;
    await dropDatabase(server.adminUrl, server.template);
    await server.stop();
  };
}
