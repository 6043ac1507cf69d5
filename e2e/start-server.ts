import path from 'node:path';
import { createDb, withDatabase } from '@maestro/database';
import { seedDemo } from '@maestro/database/demo';
import { createMigratedDatabase, startTestServer } from '@maestro/database/testing';
import { createApp } from '@maestro/server';
import { loadConfig } from '@maestro/server/config';
import { createLogger } from '@maestro/server/logger';
import { hashPassword } from '@maestro/server/password';

/**
 * The server of the browser journeys: a fresh database (migrated, referentials, demo
 * accounts) on the test PostgreSQL server (DATABASE_URL's, or an embedded one), then the
 * real application on E2E_PORT serving the built web app.
 */
const rootDir = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.E2E_PORT ?? 3100);
const server = await startTestServer(
  rootDir,
  Number(process.env.E2E_EMBEDDED_POSTGRES_PORT ?? 54331),
);
const name = `maestro_e2e_${port}`;
await createMigratedDatabase(server.adminUrl, name);
const db = createDb(withDatabase(server.adminUrl, name), { poolMax: 10 });
await seedDemo(db, hashPassword);
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  LOGIN_RATE_LIMIT_MAX: '1000',
});
const app = await createApp({ db, config, logger: createLogger(config.LOG_LEVEL) });
const http = app.listen(port, '127.0.0.1', () =>
  console.log(`e2e server on http://localhost:${port}`),
);
const stop = async () => {
  http.close();
  await db.destroy();
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
