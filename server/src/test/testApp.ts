import type { Db } from '@maestro/database';
import { demoEmail } from '@maestro/database/demo';
import { createTestDatabase } from '@maestro/database/testing';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { Role, User } from '@maestro/shared/schema';
import { createFixtures, testSeed, type UserFixture } from '@maestro/shared/test';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { type Mailer, MemoryMailer } from '../adapters/mail';
import { createApp } from '../app';
import { hashPassword } from '../auth/password';
import { loadConfig } from '../config';
import { createJobQueue, type JobQueue } from '../jobs/queue';
import { createLogger } from '../logger';
import { createMailOutbox, type MailOutbox } from '../mail/outbox';

export const TEST_PASSWORD = 'Mot-de-passe-de-test-1';

export interface TestContext {
  app: Express;
  db: Db;
  /** The app's job queue, started unless `useTestApp(…, { jobs: false })`. */
  jobs: JobQueue;
  /** The app's mail outbox (fast retries: 3 attempts, no delay). */
  mailOutbox: MailOutbox;
  fixtures: ReturnType<typeof createFixtures>;
  /** Inserts a user straight into the database (not through the code under test). */
  insertUser: (
    role: Role,
    overrides?: Partial<UserFixture> & { disabled?: boolean },
  ) => Promise<User>;
  /** A supertest agent holding the session cookie of a freshly created user of that role. */
  loginAs: (
    role: Role,
    overrides?: Partial<UserFixture>,
  ) => Promise<{ agent: request.Agent; user: User }>;
  login: (email: string, password?: string) => Promise<request.Agent>;
}

/**
 * One fresh database (cloned from the migrated template) and one real application per test
 * file. The fixtures' seed is printed; `TEST_SEED=<n>` replays it.
 */
export function useTestApp(
  env: Record<string, string> = {},
  options: { mailer?: Mailer; jobs?: boolean } = {},
): TestContext {
  const seed = testSeed();
  const context = { fixtures: createFixtures(seed) } as TestContext;
  let drop: () => Promise<void> = async () => {};
  let passwordHash = '';

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    context.db = database.db;
    passwordHash = await hashPassword(TEST_PASSWORD);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
    const logger = createLogger(process.env.TEST_LOG_LEVEL === 'error' ? 'error' : 'silent');
    const mailer = options.mailer ?? new MemoryMailer();
    // Starting pg-boss on the test database (its schema included) takes some 40–70 ms.
    const jobs = createJobQueue({
      db: database.db,
      logger,
      maintenance: false,
      pollingIntervalSeconds: 0.5,
    });
    context.jobs = jobs;
    context.mailOutbox = createMailOutbox({
      db: database.db,
      queue: jobs,
      mailer,
      logger,
      retry: { limit: 2, delaySeconds: 0, backoff: false },
    });
    context.app = await createApp({
      db: database.db,
      config,
      logger,
      mailer,
      jobs,
      mailOutbox: context.mailOutbox,
    });
    if (options.jobs !== false) await jobs.start();
    if (process.env.TEST_SEED === undefined) console.info(`fixtures seed: TEST_SEED=${seed}`);
  });
  afterAll(async () => {
    await context.jobs?.stop();
    await drop();
  });

  context.insertUser = async (role, overrides = {}) => {
    const { disabled, ...rest } = overrides;
    const fixture = context.fixtures.user(role, { laboratoryId: LaboratorySeedList[0]!.id }, rest);
    const [user] = await context
      .db('users')
      .insert({ ...fixture, disabled: disabled ?? false, passwordHash })
      .returning('*');
    const { passwordHash: _hidden, ...visible } = user;
    return visible as User;
  };
  context.login = async (email, password = TEST_PASSWORD) => {
    const agent = request.agent(context.app);
    const response = await agent.post('/api/auth/login').send({ email, password });
    if (response.status !== 200)
      throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
    return agent;
  };
  context.loginAs = async (role, overrides = {}) => {
    const user = await context.insertUser(role, overrides);
    return { agent: await context.login(user.email), user };
  };
  return context;
}

export { demoEmail, request };
