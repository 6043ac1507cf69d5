import path from 'node:path';
import {
  createDb,
  type EmbeddedDatabase,
  migrateLatest,
  seedReferentials,
  startEmbeddedPostgres,
  withDatabase,
  withStartupLock,
} from '@maestro/database';
import { RoleLabels } from '@maestro/shared/schema';
import { createApp } from './app';
import { hashPassword } from './auth/password';
import { ConfigError, loadConfig } from './config';
import { keepConnectionsAlive } from './http/keepAlive';
import { createJobQueue } from './jobs/queue';
import { createLogger } from './logger';

const rootDir = path.resolve(import.meta.dirname, '../..');

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const started = performance.now();

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = path.resolve(rootDir, config.DATA_DIR, 'postgres');
    logger.info(
      { dataDir, port: config.EMBEDDED_POSTGRES_PORT },
      'starting the embedded PostgreSQL',
    );
    embedded = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_POSTGRES_PORT });
    const admin = createDb(embedded.url, { poolMax: 1 });
    const exists = await admin('pg_database').where({ datname: 'maestro' }).first('datname');
    if (!exists) await admin.raw('create database maestro');
    await admin.destroy();
    databaseUrl = withDatabase(embedded.url, 'maestro');
  }

  const db = createDb(databaseUrl, { poolMax: config.DATABASE_POOL_MAX });
  await withStartupLock(db, async () => {
    const applied = await migrateLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    if (await seedReferentials(db)) logger.info('referentials loaded');
  });
  // The demo module (and its fixture generators) is loaded only when a demo is wanted.
  const demoModule =
    config.SEED_DEMO && config.NODE_ENV !== 'production'
      ? await import('@maestro/database/demo')
      : null;
  const demo = demoModule ? await demoModule.seedDemo(db, hashPassword) : null;

  // Jobs (the mail outbox) run in every instance; pg-boss creates its `pgboss` schema itself.
  const jobs = createJobQueue({ db, logger });
  const app = await createApp({ db, config, logger, jobs });
  await jobs.start();
  const server = keepConnectionsAlive(
    app.listen(config.PORT, config.HOST, () => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      logger.info({ port: config.PORT, seconds }, 'Maestro is listening');
      console.log(`\n  Maestro est prêt : ${config.appUrl}  (démarré en ${seconds} s)`);
      if (demo && demoModule) {
        console.log(
          '\n  Jeu de démonstration chargé. Comptes (mot de passe commun : %s) :',
          demoModule.DEMO_PASSWORD,
        );
        for (const account of demo) {
          console.log(
            `    - ${RoleLabels[account.role].padEnd(28)} ${account.email.padEnd(38)} ${account.scope}`,
          );
        }
      } else if (demoModule) {
        console.log(
          `\n  Comptes de démonstration : mot de passe ${demoModule.DEMO_PASSWORD} (administrateur@maestro.test, …)`,
        );
      }
      console.log('  Ctrl-C pour arrêter.\n');
    }),
  );
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const forced = setTimeout(() => process.exit(1), 15_000);
    forced.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await closed;
    // Running jobs get a few seconds to finish; any still running is retried later.
    await jobs
      .stop()
      .catch((error: Error) => logger.error({ err: error }, 'job queue not stopped'));
    await db.destroy();
    if (embedded) await embedded.stop();
    console.log('  Maestro et sa base de données sont arrêtés.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error('Maestro n’a pas pu démarrer :', error);
  process.exit(1);
});
