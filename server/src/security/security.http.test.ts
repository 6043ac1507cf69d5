/**
 * The security pass (issue 6): one test per point not already proven elsewhere; docs/security.md
 * lists every point with the test that proves it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoPlan } from '@maestro/database/demo';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { SampleContent } from '@maestro/shared/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { completeSampleContent } from '../test/sampleContent';
import { request, useTestApp } from '../test/testApp';

/** The app's files go there, so that the test can list what is stored. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-security-data-'));
const t = useTestApp({ DATA_DIR: dataDir });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

/** The body of a user update that keeps everything but `changes`. */
async function userUpdate(userId: string, changes: { disabled?: boolean } = {}) {
  const row = await t.db('users').where({ id: userId }).first();
  return {
    firstName: row.firstName,
    lastName: row.lastName,
    role: row.role,
    regionCode: row.regionCode,
    departmentCode: row.departmentCode,
    laboratoryId: row.laboratoryId,
    disabled: row.disabled,
    version: row.version,
    ...changes,
  };
}

const sessionCookie = (setCookie: string[] | string | undefined) =>
  ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith('maestro.sid='));

/** `<script>` elements of an HTML page that carry code instead of pointing at a file. */
const inlineScripts = (html: string) =>
  [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
    ([, attributes, body]) => !/\bsrc\s*=/.test(attributes ?? '') || (body ?? '').trim() !== '',
  );

let planId = '';
let prescriptionId = '';
let matrixCode = '';
let substanceCode = '';
const laboratory = LaboratorySeedList[0]!;

beforeAll(async () => {
  await seedDemoPlan(t.db, new Date().getFullYear());
  const plan = await t.db('programmingPlans').first('id');
  planId = plan.id;
  const prescription = await t
    .db('prescriptions')
    .where({ planId, matrixKindCode: 'A01DH' })
    .first('id');
  prescriptionId = prescription.id;
  matrixCode = (await t.db('matrices').where({ kindCode: 'A01DH' }).first('code')).code;
  substanceCode = (
    await t.db('prescriptionSubstances').where({ prescriptionId }).first('substanceCode')
  ).substanceCode;
});

const sampleBody = () => ({
  id: randomUUID(),
  ...completeSampleContent({ planId, prescriptionId, laboratoryId: laboratory.id }, {
    matrixCode,
    substances: [{ substanceCode, method: 'Multi' }],
  } satisfies Partial<SampleContent>),
});

describe('security headers and CSP', () => {
  const frontendDir = mkdtempSync(path.join(tmpdir(), 'maestro-security-front-'));
  afterAll(() => rmSync(frontendDir, { recursive: true, force: true }));

  it('the web app page has no inline script and is served with the strict CSP', async () => {
    const source = readFileSync(path.join(repositoryRoot, 'frontend/index.html'), 'utf8');
    expect(inlineScripts(source)).toEqual([]);
    // A handler attribute is inline script too.
    expect(source).not.toMatch(/\son[a-z]+\s*=/i);

    writeFileSync(path.join(frontendDir, 'index.html'), source);
    const app = await createApp({
      db: t.db,
      config: loadConfig({ NODE_ENV: 'test' }),
      logger: createLogger('silent'),
      frontendDir,
    });
    const page = await request(app).get('/prelevements').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = String(page.headers['content-security-policy']);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('behind HTTPS: HSTS, upgrade of insecure requests, and a Secure session cookie', async () => {
    const app = await createApp({
      db: t.db,
      config: loadConfig({
        NODE_ENV: 'production',
        APP_URL: 'https://maestro.example.gouv.fr',
        DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
        SESSION_SECRET: 'a-long-production-secret-for-this-test-only-0123456789',
        TRUST_PROXY: '1',
      }),
      logger: createLogger('silent'),
    });
    const user = await t.insertUser('NationalObserver');
    const login = await request(app)
      .post('/api/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ email: user.email, password: 'Mot-de-passe-de-test-1' })
      .expect(200);
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(login.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    const cookie = sessionCookie(login.headers['set-cookie']) ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});

describe('impersonation (support)', () => {
  it('an administrator acts as a sampler: every action is recorded with both names, then back', async () => {
    const { agent: admin, user: administrator } = await t.loginAs('Administrator', {
      firstName: 'Alice',
      lastName: 'Support',
    });
    const sampler = await t.insertUser('Sampler', {
      regionCode: '84',
      departmentCode: '69',
      firstName: 'Paul',
      lastName: 'Terrain',
    });

    const started = await admin.post('/api/auth/impersonation').send({ userId: sampler.id });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.user.id).toBe(sampler.id);
    expect(started.body.impersonatedBy.id).toBe(administrator.id);
    const session = await admin.get('/api/auth/session').expect(200);
    expect(session.body.user.id).toBe(sampler.id);
    expect(session.body.impersonatedBy.id).toBe(administrator.id);
    // The session is the sampler's now: the administrator's own pages are closed.
    expect((await admin.get('/api/users')).status).toBe(403);

    const created = await admin.post('/api/samples').send(sampleBody());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const creation = await t
      .db('auditEvents')
      .where({ entity: 'sample', entityId: created.body.id, action: 'create' })
      .first();
    expect(creation).toMatchObject({ userId: sampler.id, impersonatedBy: administrator.id });
    const history = await admin.get(`/api/samples/${created.body.id}/history`).expect(200);
    expect(history.body[0].userName).toBe('Paul Terrain (assistance : Alice Support)');

    const stopped = await admin.delete('/api/auth/impersonation').expect(200);
    expect(stopped.body).toMatchObject({ user: { id: administrator.id }, impersonatedBy: null });
    expect((await admin.get('/api/users')).status).toBe(200);

    const trail = await t
      .db('auditEvents')
      .where({ entity: 'user', entityId: sampler.id })
      .whereIn('action', ['impersonation_started', 'impersonation_stopped'])
      .orderBy('id');
    expect(trail.map((e) => [e.action, e.userId, e.impersonatedBy])).toEqual([
      ['impersonation_started', administrator.id, null],
      ['impersonation_stopped', sampler.id, administrator.id],
    ]);
    // After the support session, the administrator acts under their own name only.
    const later = await admin.put(`/api/users/${sampler.id}`).send(await userUpdate(sampler.id));
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    const update = await t
      .db('auditEvents')
      .where({ entity: 'user', entityId: sampler.id, action: 'update' })
      .first();
    expect(update).toMatchObject({ userId: administrator.id, impersonatedBy: null });
  });

  it('is refused to other roles, for another administrator, oneself, a disabled or unknown account', async () => {
    const target = await t.insertUser('Sampler');
    for (const role of ['NationalCoordinator', 'RegionalCoordinator', 'LaboratoryUser'] as const) {
      const { agent } = await t.loginAs(role);
      expect((await agent.post('/api/auth/impersonation').send({ userId: target.id })).status).toBe(
        403,
      );
    }
    expect(
      (await request(t.app).post('/api/auth/impersonation').send({ userId: target.id })).status,
    ).toBe(401);
    const { agent: admin, user: administrator } = await t.loginAs('Administrator');
    const other = await t.insertUser('Administrator');
    const disabled = await t.insertUser('Sampler', { disabled: true });
    const cases: [string, number][] = [
      [other.id, 403],
      [administrator.id, 409],
      [disabled.id, 409],
      [randomUUID(), 404],
    ];
    for (const [userId, status] of cases) {
      const response = await admin.post('/api/auth/impersonation').send({ userId });
      expect(response.status).toBe(status);
      expect(response.body.message).toEqual(expect.any(String));
    }
    expect((await admin.post('/api/auth/impersonation').send({ userId: 'x' })).status).toBe(400);
    expect((await admin.delete('/api/auth/impersonation')).status).toBe(409);
    // Nothing of the refused attempts reached the audit trail.
    expect(
      await t
        .db('auditEvents')
        .where({ userId: administrator.id })
        .whereLike('action', 'imperson%'),
    ).toEqual([]);
  });

  it('the support session ends when the administrator is disabled (through the API or in the database)', async () => {
    const superAdmin = (await t.loginAs('Administrator')).agent;
    for (const how of ['api', 'database'] as const) {
      const { agent: admin, user: administrator } = await t.loginAs('Administrator');
      const target = await t.insertUser('NationalObserver');
      await admin.post('/api/auth/impersonation').send({ userId: target.id }).expect(200);
      await admin.get('/api/auth/session').expect(200);
      if (how === 'api') {
        const response = await superAdmin
          .put(`/api/users/${administrator.id}`)
          .send(await userUpdate(administrator.id, { disabled: true }));
        expect(response.status, JSON.stringify(response.body)).toBe(200);
      } else {
        await t.db('users').where({ id: administrator.id }).update({ disabled: true });
      }
      expect((await admin.get('/api/auth/session')).status, how).toBe(401);
      expect((await admin.get('/api/samples')).status, how).toBe(401);
      // The target's own sessions are untouched.
      expect(
        await t.db('sessions').whereRaw(`sess->>'impersonatorId' = ?`, [administrator.id]),
      ).toEqual([]);
    }
  });

  it('logging out of a support session ends it entirely', async () => {
    const { agent: admin } = await t.loginAs('Administrator');
    const target = await t.insertUser('RegionalObserver', { regionCode: '84' });
    await admin.post('/api/auth/impersonation').send({ userId: target.id }).expect(200);
    await admin.post('/api/auth/logout').expect(204);
    expect((await admin.get('/api/auth/session')).status).toBe(401);
  });
});

describe('file storage', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(512, 7)]);
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

  const storedFiles = (folder: string): string[] =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dataDir, path.join(entry.parentPath, entry.name)));

  it('stores uploads under keys the application makes, whatever the file name says', async () => {
    const { agent: sampler } = await t.loginAs('Sampler', {
      regionCode: '84',
      departmentCode: '69',
    });
    const created = await sampler.post('/api/samples').send(sampleBody());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const url = (name: string) =>
      `/api/samples/${created.body.id}/attachments?fileName=${encodeURIComponent(name)}`;

    // Names a user may give: kept as the displayed name only.
    const accepted = ['..', '...jpg', '%2e%2e%2fpasswd.jpg', 'C:boot.jpg', 'nul.jpg', '~root.jpg'];
    for (const name of accepted) {
      const response = await sampler.post(url(name)).set('Content-Type', 'image/jpeg').send(jpeg);
      expect(response.status, `${name}: ${JSON.stringify(response.body)}`).toBe(201);
      expect(response.body.fileName).toBe(name);
    }
    // Names that try to leave a folder are refused before anything is written.
    for (const name of ['../x.jpg', '..\\x.jpg', '/etc/passwd', 'a\u0000b.jpg', 'a\nb.jpg']) {
      const response = await sampler.post(url(name)).set('Content-Type', 'image/jpeg').send(jpeg);
      expect(response.status, name).toBe(400);
    }

    const rows = await t.db('sampleAttachments').where({ sampleId: created.body.id });
    expect(rows).toHaveLength(accepted.length);
    for (const row of rows)
      expect(row.storageKey).toMatch(new RegExp(`^samples/${created.body.id}/${uuid}$`));
    const files = storedFiles(dataDir);
    expect(files.length).toBeGreaterThanOrEqual(accepted.length);
    for (const file of files)
      expect(file).toMatch(new RegExp(`^files/samples/${uuid}/${uuid}\\.(data|meta\\.json)$`));
  });
});
