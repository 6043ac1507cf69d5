import { LaboratorySeedList } from '@maestro/shared/referential';
import { type Role, RoleList } from '@maestro/shared/schema';
import { describe, expect, it } from 'vitest';
import { request, TEST_PASSWORD, useTestApp } from '../test/testApp';

const t = useTestApp();
const otherRoles = RoleList.filter(
  (role): role is Exclude<Role, 'Administrator'> => role !== 'Administrator',
);
const unknownId = '7b1d2c1e-9a51-4c3e-8f5e-0d1c2b3a4f50';

const newSampler = (overrides: Record<string, unknown> = {}) => ({
  email: `nouveau.${Math.random().toString(36).slice(2)}@maestro.test`,
  firstName: 'Camille',
  lastName: 'Durand',
  role: 'Sampler',
  regionCode: null,
  departmentCode: '38',
  laboratoryId: null,
  password: 'Un-mot-de-passe-solide',
  ...overrides,
});

describe('users: access', () => {
  const routes = [
    { method: 'get', path: () => '/api/users' },
    { method: 'get', path: () => `/api/users/${unknownId}` },
    { method: 'post', path: () => '/api/users' },
    { method: 'put', path: () => `/api/users/${unknownId}` },
  ] as const;

  it('answers 401 to anonymous callers on every route', async () => {
    for (const route of routes) {
      const response = await request(t.app)[route.method](route.path()).send({});
      expect(response.status, `${route.method} ${route.path()}`).toBe(401);
      expect(response.body.error).toBe('Unauthenticated');
    }
  });

  it('answers 403 to every role but the administrator, and writes nothing', async () => {
    for (const role of otherRoles) {
      const { agent } = await t.loginAs(role);
      for (const route of routes) {
        const body = route.method === 'post' ? newSampler() : {};
        const response = await agent[route.method](route.path()).send(body);
        expect(response.status, `${role} ${route.method} ${route.path()}`).toBe(403);
      }
    }
    expect(await t.db('users').whereILike('email', 'nouveau.%')).toHaveLength(0);
  });
});

describe('users: administrator', () => {
  it('creates a user; the region comes from the department; the user can log in', async () => {
    const { agent, user: admin } = await t.loginAs('Administrator');
    const body = newSampler({ regionCode: '11' });
    const response = await agent.post('/api/users').send(body).expect(201);
    expect(response.body).toMatchObject({
      email: body.email,
      role: 'Sampler',
      regionCode: '84',
      departmentCode: '38',
      laboratoryId: null,
      disabled: false,
      version: 1,
    });
    expect(response.body).not.toHaveProperty('passwordHash');
    const row = await t.db('users').where({ id: response.body.id }).first();
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    const audit = await t
      .db('auditEvents')
      .where({ entity: 'user', entityId: response.body.id, action: 'create' })
      .first();
    expect(audit.userId).toBe(admin.id);
    expect(audit.after.email).toBe(body.email);
    expect(audit.after).not.toHaveProperty('passwordHash');
    await t.login(body.email, body.password);
  });

  it('refuses a scope that does not fit the role, naming the field', async () => {
    const { agent } = await t.loginAs('Administrator');
    const cases = [
      [{ role: 'Sampler', departmentCode: null }, 'body.departmentCode'],
      [{ role: 'RegionalCoordinator', departmentCode: null, regionCode: null }, 'body.regionCode'],
      [{ role: 'LaboratoryUser', departmentCode: null }, 'body.laboratoryId'],
      [{ role: 'NationalObserver', departmentCode: '38' }, 'body.departmentCode'],
      [
        { role: 'LaboratoryUser', departmentCode: null, laboratoryId: unknownId },
        'body.laboratoryId',
      ],
      [{ role: 'RegionalObserver', departmentCode: null, regionCode: '99' }, 'body.regionCode'],
      [{ departmentCode: '00' }, 'body.departmentCode'],
      [{ email: 'pas une adresse' }, 'body.email'],
      [{ password: 'court' }, 'body.password'],
      [{ role: 'Emperor' }, 'body.role'],
    ] as const;
    for (const [overrides, path] of cases) {
      const response = await agent.post('/api/users').send(newSampler(overrides));
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(
        response.body.issues.map((i: { path: string }) => i.path),
        JSON.stringify(overrides),
      ).toContain(path);
    }
    expect(
      await t.db('users').whereILike('email', 'nouveau.%').andWhere('role', '!=', 'Sampler'),
    ).toHaveLength(0);
  });

  it('creates a laboratory user with an existing laboratory', async () => {
    const { agent } = await t.loginAs('Administrator');
    const laboratoryId = LaboratorySeedList[1]!.id;
    const response = await agent
      .post('/api/users')
      .send(newSampler({ role: 'LaboratoryUser', departmentCode: null, laboratoryId }))
      .expect(201);
    expect(response.body).toMatchObject({ laboratoryId, regionCode: null, departmentCode: null });
  });

  it('refuses a second account with the same e-mail, whatever its case (409)', async () => {
    const { agent } = await t.loginAs('Administrator');
    const body = newSampler();
    await agent.post('/api/users').send(body).expect(201);
    const response = await agent
      .post('/api/users')
      .send({ ...body, email: body.email.toUpperCase() })
      .expect(409);
    expect(response.body.message).toBe('Un utilisateur existe déjà avec cette adresse e-mail.');
    expect(await t.db('users').whereRaw('lower(email) = ?', [body.email])).toHaveLength(1);
  });

  it('reads a user, 404 for an unknown one, 400 for a malformed id', async () => {
    const { agent } = await t.loginAs('Administrator');
    const user = await t.insertUser('RegionalObserver', { regionCode: '53' });
    const response = await agent.get(`/api/users/${user.id}`).expect(200);
    expect(response.body).toMatchObject({
      id: user.id,
      role: 'RegionalObserver',
      regionCode: '53',
    });
    await agent.get(`/api/users/${unknownId}`).expect(404);
    await agent.get('/api/users/12').expect(400);
  });

  it('updates role and scope with the version, 409 when stale, and audits before/after', async () => {
    const { agent } = await t.loginAs('Administrator');
    const user = await t.insertUser('Sampler', { regionCode: '84', departmentCode: '69' });
    const update = {
      firstName: user.firstName,
      lastName: user.lastName,
      role: 'RegionalCoordinator',
      regionCode: '53',
      departmentCode: null,
      laboratoryId: null,
      disabled: false,
      version: 1,
    };
    const response = await agent.put(`/api/users/${user.id}`).send(update).expect(200);
    expect(response.body).toMatchObject({
      role: 'RegionalCoordinator',
      regionCode: '53',
      departmentCode: null,
      version: 2,
    });
    const stale = await agent
      .put(`/api/users/${user.id}`)
      .send({ ...update, firstName: 'Autre' })
      .expect(409);
    expect(stale.body.error).toBe('VersionConflict');
    const row = await t.db('users').where({ id: user.id }).first();
    expect(row.firstName).toBe(user.firstName);
    expect(row.version).toBe(2);
    const audit = await t.db('auditEvents').where({ entityId: user.id, action: 'update' }).first();
    expect(audit.before.role).toBe('Sampler');
    expect(audit.after.role).toBe('RegionalCoordinator');
    await agent.put(`/api/users/${unknownId}`).send(update).expect(404);
    await agent
      .put(`/api/users/${user.id}`)
      .send({ ...update, version: 0 })
      .expect(400);
  });

  it('disabling a user ends their sessions at once', async () => {
    const { agent: admin } = await t.loginAs('Administrator');
    const { agent: victim, user } = await t.loginAs('DepartmentalCoordinator');
    await victim.get('/api/auth/session').expect(200);
    await admin
      .put(`/api/users/${user.id}`)
      .send({
        firstName: user.firstName,
        lastName: user.lastName,
        role: user.role,
        regionCode: null,
        departmentCode: user.departmentCode,
        laboratoryId: null,
        disabled: true,
        version: 1,
      })
      .expect(200);
    expect(await t.db('sessions').where({ userId: user.id })).toHaveLength(0);
    await victim.get('/api/auth/session').expect(401);
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(401);
    const audit = await t.db('auditEvents').where({ entityId: user.id, action: 'disable' });
    expect(audit).toHaveLength(1);
  });

  it('an administrator cannot disable their own account or change their own role', async () => {
    const { agent, user } = await t.loginAs('Administrator');
    const response = await agent
      .put(`/api/users/${user.id}`)
      .send({
        firstName: user.firstName,
        lastName: user.lastName,
        role: 'Administrator',
        regionCode: null,
        departmentCode: null,
        laboratoryId: null,
        disabled: true,
        version: 1,
      })
      .expect(400);
    expect(response.body.issues[0].message).toMatch(/propre compte/);
    await agent.get('/api/auth/session').expect(200);
  });

  it('lists users with filters, search and pagination', async () => {
    const { agent } = await t.loginAs('Administrator');
    for (let i = 0; i < 5; i++)
      await t.insertUser('RegionalObserver', { regionCode: '27', lastName: `Zorglub${i}` });
    await t.insertUser('RegionalObserver', {
      regionCode: '27',
      lastName: 'Zorglub-off',
      disabled: true,
    });

    const page1 = await agent.get('/api/users?regionCode=27&perPage=2&page=1').expect(200);
    expect(page1.body.total).toBe(6);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body).toMatchObject({ page: 1, perPage: 2 });
    const page3 = await agent.get('/api/users?regionCode=27&perPage=2&page=3').expect(200);
    expect(page3.body.items).toHaveLength(2);
    const ids = new Set(
      [...page1.body.items, ...page3.body.items].map((u: { id: string }) => u.id),
    );
    expect(ids.size).toBe(4);

    const disabled = await agent.get('/api/users?regionCode=27&disabled=true').expect(200);
    expect(disabled.body.items.map((u: { lastName: string }) => u.lastName)).toEqual([
      'Zorglub-off',
    ]);
    const search = await agent.get('/api/users?q=zorglub3').expect(200);
    expect(search.body.total).toBe(1);
    const wildcard = await agent.get('/api/users?q=%25').expect(200);
    expect(wildcard.body.total).toBe(0);
    const byRole = await agent.get('/api/users?role=RegionalObserver&regionCode=27').expect(200);
    expect(byRole.body.total).toBe(6);
    for (const item of byRole.body.items) expect(item).not.toHaveProperty('passwordHash');
    await agent.get('/api/users?perPage=1000').expect(400);
  });
});
