import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../migrations';
import { createDb, type Db } from './connection';
import { migrateLatest, withStartupLock } from './migrate';
import { createTestDatabase, dropDatabase } from './testing';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(async () => drop());

describe('startup lock', () => {
  it('serialises instances that start together', async () => {
    const events: string[] = [];
    const other = createDb(
      (db.client.config.connection as { connectionString: string }).connectionString,
      {
        poolMax: 2,
      },
    );
    const run = (name: string, target: Db) =>
      withStartupLock(target, async () => {
        events.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, 150));
        events.push(`${name}:end`);
      });
    await Promise.all([run('a', db), run('b', other)]);
    await other.destroy();
    expect(events).toHaveLength(4);
    expect(events[1]).toBe(`${events[0]!.split(':')[0]}:end`);
    expect(events[3]).toBe(`${events[2]!.split(':')[0]}:end`);
  });

  it('lets two instances migrate an empty database at the same time', async () => {
    const adminUrl = process.env.MAESTRO_TEST_ADMIN_URL!;
    const name = `maestro_test_lock_${Date.now().toString(36)}`;
    const admin = createDb(adminUrl, { poolMax: 1 });
    await admin.raw(`create database ${name}`);
    await admin.destroy();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const first = createDb(url.toString(), { poolMax: 2 });
    const second = createDb(url.toString(), { poolMax: 2 });
    try {
      const [a, b] = await Promise.all([
        withStartupLock(first, () => migrateLatest(first)),
        withStartupLock(second, () => migrateLatest(second)),
      ]);
      expect([a.length, b.length].sort()).toEqual([0, Object.keys(migrations).length]);
      const tables = await first('pg_tables').where({ schemaname: 'public', tablename: 'users' });
      expect(tables).toHaveLength(1);
    } finally {
      await first.destroy();
      await second.destroy();
      await dropDatabase(adminUrl, name);
    }
  });
});
