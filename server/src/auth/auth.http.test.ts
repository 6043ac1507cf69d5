import { describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { request, TEST_PASSWORD, useTestApp } from '../test/testApp';

const t = useTestApp();

const sessionCookie = (setCookie: string[] | string | undefined) =>
  ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith('maestro.sid='));

describe('login', () => {
  it('opens a session with an httpOnly, SameSite=Lax cookie and answers the user without secrets', async () => {
    const user = await t.insertUser('Sampler');
    const response = await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email.toUpperCase(), password: TEST_PASSWORD })
      .expect(200);
    expect(response.body.user).toEqual({
      id: user.id,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      role: 'Sampler',
      regionCode: user.regionCode,
      departmentCode: user.departmentCode,
      laboratoryId: null,
    });
    expect(response.body.impersonatedBy).toBeNull();
    const cookie = sessionCookie(response.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const stored = await t.db('sessions').where({ userId: user.id });
    expect(stored).toHaveLength(1);
    const audit = await t.db('auditEvents').where({ entityId: user.id, action: 'login' });
    expect(audit).toHaveLength(1);
    const row = await t.db('users').where({ id: user.id }).first('lastLoginAt');
    expect(row.lastLoginAt).toBeInstanceOf(Date);
  });

  it('refuses a wrong password or an unknown e-mail with the same French message', async () => {
    const user = await t.insertUser('NationalObserver');
    const wrong = await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: 'not the password' })
      .expect(401);
    const unknown = await request(t.app)
      .post('/api/auth/login')
      .send({ email: 'nobody@maestro.test', password: TEST_PASSWORD })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.message).toBe(
      'Adresse e-mail ou mot de passe incorrect, ou compte désactivé.',
    );
    expect(sessionCookie(wrong.headers['set-cookie'])).toBeUndefined();
  });

  it('answers 400 with the fields named when the body is malformed', async () => {
    const response = await request(t.app)
      .post('/api/auth/login')
      .send({ email: 'not-an-email' })
      .expect(400);
    expect(response.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.email',
      'body.password',
    ]);
  });

  it('refuses a disabled account', async () => {
    const user = await t.insertUser('RegionalObserver', { disabled: true });
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(401);
  });

  it('refuses a state-changing request from another origin', async () => {
    const user = await t.insertUser('Sampler');
    const response = await request(t.app)
      .post('/api/auth/login')
      .set('Origin', 'https://attacker.example')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(403);
    expect(response.body.error).toBe('InvalidOrigin');
    await request(t.app)
      .post('/api/auth/login')
      .set('Origin', 'http://localhost:3000')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);
  });
});

describe('session', () => {
  it('is 401 for anonymous users and 200 once logged in', async () => {
    await request(t.app).get('/api/auth/session').expect(401);
    const { agent, user } = await t.loginAs('LaboratoryUser');
    const response = await agent.get('/api/auth/session').expect(200);
    expect(response.body.user.id).toBe(user.id);
    expect(response.body.user).not.toHaveProperty('passwordHash');
  });

  it('logout deletes the session: the old cookie is worthless afterwards', async () => {
    const { agent, user } = await t.loginAs('DepartmentalObserver');
    await agent.post('/api/auth/logout').expect(204);
    await agent.get('/api/auth/session').expect(401);
    expect(await t.db('sessions').where({ userId: user.id })).toHaveLength(0);
    await request(t.app).post('/api/auth/logout').expect(401);
  });

  it('a user disabled in the database is logged out at the next request', async () => {
    const { agent, user } = await t.loginAs('RegionalCoordinator');
    await agent.get('/api/auth/session').expect(200);
    await t.db('users').where({ id: user.id }).update({ disabled: true });
    const response = await agent.get('/api/auth/session').expect(401);
    expect(response.body.error).toBe('Unauthenticated');
  });

  it('is served by any instance of the API (sessions live in PostgreSQL)', async () => {
    const other = await createApp({
      db: t.db,
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      logger: createLogger('silent'),
    });
    const user = await t.insertUser('NationalCoordinator');
    const login = await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);
    const cookie = sessionCookie(login.headers['set-cookie'])!.split(';')[0]!;
    const response = await request(other)
      .get('/api/auth/session')
      .set('Cookie', cookie)
      .expect(200);
    expect(response.body.user.id).toBe(user.id);
  });

  it('tells which login methods exist', async () => {
    const response = await request(t.app).get('/api/auth/config').expect(200);
    expect(response.body).toEqual({ oidcEnabled: false, oidcLabel: '' });
  });
});
