import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createDb, type Db, withDatabase } from './connection';
import { startEmbeddedPostgres } from './embedded';
import { migrateLatest } from './migrate';
import { seedReferentials } from './seed';

/** One template per test run, so that two runs on the same server never collide. */
export const templateDatabaseName = (): string =>
  (process.env.MAESTRO_TEST_TEMPLATE ??= `maestro_template_${process.pid}_${Date.now().toString(36)}`);
const ADMIN_URL_VARIABLE = 'MAESTRO_TEST_ADMIN_URL';

export interface TestServer {
  adminUrl: string;
  stop: () => Promise<void>;
}

/**
 * The PostgreSQL server of a test run: the one of `DATABASE_URL` when set (CI uses the
 * machine's server), otherwise an embedded one under `.data/test-pg`.
 */
export async function startTestServer(rootDir: string, embeddedPort?: number): Promise<TestServer> {
  if (process.env.DATABASE_URL) {
    return { adminUrl: withDatabase(process.env.DATABASE_URL, 'postgres'), stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(rootDir, '.data', `test-pg-${embeddedPort ?? 'unit'}`),
    port: embeddedPort ?? Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54330),
  });
  return { adminUrl: embedded.url, stop: embedded.stop };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** (Re)creates a database, migrated and with its referentials. */
export async function createMigratedDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = createDb(adminUrl, { poolMax: 1 });
  try {
    await admin.raw(`drop database if exists ${quoteIdent(name)} with (force)`);
    await admin.raw(`create database ${quoteIdent(name)}`);
  } finally {
    await admin.destroy();
  }
  const db = createDb(withDatabase(adminUrl, name), { poolMax: 2 });
  try {
    await migrateLatest(db);
    await seedReferentials(db);
  } finally {
    await db.destroy();
  }
}

/** Builds the migrated template every test file clones; run once per test run. */
export async function prepareTemplate(adminUrl: string): Promise<string> {
  const template = templateDatabaseName();
  await createMigratedDatabase(adminUrl, template);
  process.env[ADMIN_URL_VARIABLE] = adminUrl;
  return template;
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = createDb(adminUrl, { poolMax: 1 });
  try {
    await admin.raw(`drop database if exists ${quoteIdent(name)} with (force)`);
  } finally {
    await admin.destroy();
  }
}

export interface TestDatabase {
  db: Db;
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template (cheap). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env[ADMIN_URL_VARIABLE];
  if (!adminUrl)
    throw new Error(
      `${ADMIN_URL_VARIABLE} is not set: run the tests through vitest's global setup`,
    );
  const name = `maestro_test_${randomBytes(6).toString('hex')}`;
  const admin = createDb(adminUrl, { poolMax: 1 });
  try {
    await admin.raw(
      `create database ${quoteIdent(name)} template ${quoteIdent(templateDatabaseName())}`,
    );
  } finally {
    await admin.destroy();
  }
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { poolMax: 5 });
  return {
    db,
    url,
    name,
    drop: async () => {
      await db.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}
