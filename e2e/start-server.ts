import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDb, withDatabase } from '@maestro/database';
import { seedDemo } from '@maestro/database/demo';
import { createMigratedDatabase, startTestServer } from '@maestro/database/testing';
import { createApp } from '@maestro/server';
import { loadConfig } from '@maestro/server/config';
import { createJobQueue } from '@maestro/server/jobs';
import { keepConnectionsAlive } from '@maestro/server/keepAlive';
import { createLogger } from '@maestro/server/logger';
import { hashPassword } from '@maestro/server/password';
import { SMTPServer } from 'smtp-server';
import { mailDir, smtpPort } from './mail';

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
// The test's SMTP server: every mail the application sends lands as an .eml file in mailDir,
// where the journeys read it.
rmSync(mailDir, { recursive: true, force: true });
mkdirSync(mailDir, { recursive: true });
let received = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received += 1;
      writeFileSync(path.join(mailDir, `${Date.now()}-${received}.eml`), Buffer.concat(chunks));
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));

const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  LOGIN_RATE_LIMIT_MAX: '1000',
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtpPort),
  DATA_DIR: path.join('.data', `e2e-${port}`),
  // No company directory on the Internet from the test machine: the look-up reports it unavailable.
  COMPANY_SEARCH_URL: 'http://127.0.0.1:9',
  COMPANY_SEARCH_TIMEOUT_MS: '300',
});
const logger = createLogger(config.LOG_LEVEL);
const jobs = createJobQueue({ db, logger, pollingIntervalSeconds: 0.5 });
const app = await createApp({ db, config, logger, jobs });
await jobs.start();
const http = keepConnectionsAlive(
  app.listen(port, '127.0.0.1', () => console.log(`e2e server on http://localhost:${port}`)),
);
const stop = async () => {
  http.close();
  smtp.close(() => {});
  await jobs.stop();
  await db.destroy();
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
