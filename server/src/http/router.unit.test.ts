import { contract } from '@maestro/shared/contract';
import type { AuthUser, Role } from '@maestro/shared/schema';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiNotFound, errorHandler } from './errorHandler';
import { contractRouter, type Handlers } from './router';

const notUsed = async () => {
  throw new Error('not used in this test');
};

function appWith(overrides: Partial<Handlers>, role: Role | null = 'Administrator') {
  const handlers = {
    ...Object.fromEntries(Object.keys(contract).map((id) => [id, notUsed])),
    ...overrides,
  } as unknown as Handlers;
  const app = express();
  app.use('/api', express.json({ limit: '1mb' }));
  app.use((req, _res, next) => {
    if (role) {
      req.user = {
        id: '00000000-0000-4000-8000-000000000001',
        email: 'a@maestro.test',
        firstName: 'A',
        lastName: 'B',
        role,
        regionCode: null,
        departmentCode: null,
        laboratoryId: null,
      } satisfies AuthUser;
    }
    next();
  });
  app.use(contractRouter(handlers, pino({ level: 'silent' })));
  app.use('/api', apiNotFound);
  app.use(errorHandler);
  return app;
}

const health = {
  status: 'ok' as const,
  database: { ok: true, latencyMs: 1 },
  version: 't',
  uptimeSeconds: 1,
};

describe('contract router', () => {
  it('strips fields the contract does not declare', async () => {
    const app = appWith({
      getHealth: async () => ({ ...health, secret: 'do not leak' }) as typeof health,
    });
    const response = await request(app).get('/api/health').expect(200);
    expect(response.body).toEqual(health);
  });

  it('coerces query strings before validation and applies defaults', async () => {
    let received: unknown;
    const app = appWith({
      findUsers: async ({ query }) => {
        received = query;
        return { items: [], total: 0, page: query.page, perPage: query.perPage };
      },
    });
    await request(app).get('/api/users?page=2&disabled=true&role=Sampler&q=').expect(200);
    expect(received).toEqual({ page: 2, perPage: 20, disabled: true, role: 'Sampler' });
  });

  it('answers 400 with every invalid field named, in French', async () => {
    const app = appWith({});
    const response = await request(app).get('/api/users?page=0&role=King&perPage=x').expect(400);
    expect(response.body.error).toBe('ValidationError');
    expect(response.body.message).toBe('La requête contient des données invalides.');
    expect(response.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'query.page',
      'query.perPage',
      'query.role',
    ]);
    for (const issue of response.body.issues) expect(issue.message).toMatch(/[a-zé]/);
  });

  it('validates path parameters and bodies', async () => {
    const app = appWith({});
    const byId = await request(app).get('/api/users/not-a-uuid').expect(400);
    expect(byId.body.issues[0].path).toBe('params.userId');
    const body = await request(app).post('/api/users').send({ email: 'nope' }).expect(400);
    expect(body.body.issues.map((i: { path: string }) => i.path)).toContain('body.email');
  });

  it('answers 401 to anonymous users and 403 to roles without the permission', async () => {
    await request(appWith({}, null)).get('/api/users').expect(401);
    const forbidden = await request(appWith({}, 'Sampler')).get('/api/users').expect(403);
    expect(forbidden.body).toEqual({
      error: 'Forbidden',
      message: 'Votre rôle ne permet pas cette action.',
      issues: [],
    });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await request(appWith({}))
      .post('/api/users')
      .set('Content-Type', 'text/plain')
      .send('email=a')
      .expect(415);
    expect(response.body.error).toBe('UnsupportedMediaType');
  });

  it('answers 400 to malformed JSON and 413 to a body over 1 MB', async () => {
    const app = appWith({});
    const malformed = await request(app)
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    expect(malformed.body).toEqual({
      error: 'BadRequest',
      message: 'Le corps de la requête n’est pas un JSON valide.',
      issues: [],
    });
    const big = JSON.stringify({ email: 'x'.repeat(1024 * 1024 + 10) });
    const tooLarge = await request(app)
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(413);
    expect(tooLarge.body.error).toBe('PayloadTooLarge');
  });

  it('answers 404 in the error shape for an unknown API route', async () => {
    const response = await request(appWith({})).get('/api/nothing-here').expect(404);
    expect(response.body).toEqual({
      error: 'NotFound',
      message: 'Cette adresse de l’API n’existe pas.',
      issues: [],
    });
  });

  it('never sends a stack trace: a handler error or an undeclared answer is a bare 500', async () => {
    const crashing = appWith({
      getHealth: async () => {
        throw new Error('database password is hunter2');
      },
    });
    const crash = await request(crashing).get('/api/health').expect(500);
    expect(crash.body).toEqual({
      error: 'InternalError',
      message: 'Une erreur interne est survenue. L’équipe technique a été prévenue.',
      issues: [],
    });
    expect(crash.text).not.toMatch(/hunter2|at .*\.ts/);
    const drifting = appWith({
      getHealth: async () => ({ status: 'broken' }) as unknown as typeof health,
    });
    const drift = await request(drifting).get('/api/health').expect(500);
    expect(drift.body.error).toBe('InternalError');
  });

  it('answers 204 with no body when the contract says so', async () => {
    const app = appWith({ logout: async () => null });
    const response = await request(app).post('/api/auth/logout').expect(204);
    expect(response.text).toBe('');
  });
});
