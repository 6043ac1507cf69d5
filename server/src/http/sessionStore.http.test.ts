import type { Db } from '@maestro/database';
import { createTestDatabase } from '@maestro/database/testing';
import type session from 'express-session';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgSessionStore } from './sessionStore';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(() => drop());

const call = (fn: (done: (error?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));

const sessionAt = (expires: Date) =>
  ({ cookie: { expires, originalMaxAge: 3600_000 } }) as unknown as session.SessionData;

const expiryOf = async (sid: string) =>
  new Date((await db('sessions').where({ sid }).first('expire')).expire).getTime();

describe('session store', () => {
  it('pushes a rolling expiry back at most once a minute per session', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const store = new PgSessionStore(db);
      const start = new Date('2026-11-25T10:00:00Z');
      vi.setSystemTime(start);
      await call((done) =>
        store.set('sid-1', sessionAt(new Date(start.getTime() + 3600_000)), done),
      );

      vi.setSystemTime(new Date(start.getTime() + 1_000));
      await call((done) =>
        store.touch('sid-1', sessionAt(new Date(start.getTime() + 3601_000)), done),
      );
      expect(await expiryOf('sid-1')).toBe(start.getTime() + 3601_000);

      // Within the minute: nothing written.
      vi.setSystemTime(new Date(start.getTime() + 30_000));
      await call((done) =>
        store.touch('sid-1', sessionAt(new Date(start.getTime() + 3630_000)), done),
      );
      expect(await expiryOf('sid-1')).toBe(start.getTime() + 3601_000);

      // A minute later: written again.
      vi.setSystemTime(new Date(start.getTime() + 62_000));
      await call((done) =>
        store.touch('sid-1', sessionAt(new Date(start.getTime() + 3662_000)), done),
      );
      expect(await expiryOf('sid-1')).toBe(start.getTime() + 3662_000);

      // A destroyed session is gone, whatever was touched.
      await call((done) => store.destroy('sid-1', done));
      await call((done) =>
        store.touch('sid-1', sessionAt(new Date(start.getTime() + 3700_000)), done),
      );
      expect(await db('sessions').where({ sid: 'sid-1' }).first()).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the session and its user in one query, without storing the user in the session', async () => {
    const [user] = await db('users')
      .insert({
        email: 'session.user@example.org',
        firstName: 'Inès',
        lastName: 'Martin',
        role: 'Sampler',
        regionCode: '84',
        departmentCode: '69',
      })
      .returning('id');
    const store = new PgSessionStore(db);
    const stored = {
      ...sessionAt(new Date(Date.now() + 3600_000)),
      passport: { user: user.id },
    } as unknown as session.SessionData;
    await call((done) => store.set('sid-2', stored, done));
    const read = await new Promise<session.SessionData | null | undefined>((resolve, reject) =>
      store.get('sid-2', (error, value) => (error ? reject(error) : resolve(value))),
    );
    expect(JSON.stringify(read)).not.toContain('session.user@example.org');
    const req = {} as { preloadedUser?: { id: string; email: string; disabled: boolean } };
    store.createSession(req as never, read as session.SessionData);
    expect(req.preloadedUser).toMatchObject({
      id: user.id,
      email: 'session.user@example.org',
      role: 'Sampler',
      departmentCode: '69',
      disabled: false,
    });
  });
});
