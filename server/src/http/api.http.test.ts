import { contract } from '@maestro/shared/contract';
import { RoleList } from '@maestro/shared/schema';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { request, useTestApp } from '../test/testApp';

const t = useTestApp();

describe('service routes', () => {
  it('health answers with the database state', async () => {
    const response = await request(t.app).get('/api/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', database: { ok: true } });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a well-formed incoming request id and replaces a hostile one', async () => {
    const kept = await request(t.app).get('/api/health').set('X-Request-Id', 'abc-123').expect(200);
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(t.app)
      .get('/api/health')
      .set('X-Request-Id', 'a b <script>')
      .expect(200);
    expect(replaced.headers['x-request-id']).not.toContain('<');
  });

  it('publishes a valid OpenAPI 3.1 document that lists every operation of the contract', async () => {
    const response = await request(t.app).get('/api/openapi.json').expect(200);
    expect(response.body.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(response.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const operations = Object.values(
      response.body.paths as Record<string, Record<string, { operationId: string }>>,
    )
      .flatMap((methods) => Object.values(methods))
      .map((operation) => operation.operationId)
      .sort();
    expect(operations).toEqual(Object.keys(contract).sort());
    expect(response.body.paths['/api/users/{userId}'].put['x-permission']).toBe('user.manage');
  });

  it('serves the API documentation page and its assets locally', async () => {
    const page = await request(t.app).get('/api/docs').expect(200);
    expect(page.text).toContain('/api/docs/assets/swagger-ui-bundle.js');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    await request(t.app).get('/api/docs/assets/swagger-ui-bundle.js').expect(200);
    const init = await request(t.app).get('/api/docs/init.js').expect(200);
    expect(init.text).toContain('/api/openapi.json');
  });

  it('sends strict security headers (CSP without inline script)', async () => {
    const response = await request(t.app).get('/api/health');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('answers 404, 400 and 413 in the error shape through the whole application', async () => {
    const notFound = await request(t.app).get('/api/unknown/route').expect(404);
    expect(notFound.body).toEqual({
      error: 'NotFound',
      message: 'Cette adresse de l’API n’existe pas.',
      issues: [],
    });
    const malformed = await request(t.app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{')
      .expect(400);
    expect(malformed.body.error).toBe('BadRequest');
    const big = await request(t.app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.fr', password: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(big.body.error).toBe('PayloadTooLarge');
  });
});

describe('laboratories', () => {
  it('answers 401 anonymously', async () => {
    await request(t.app).get('/api/laboratories').expect(401);
  });

  it('lists the laboratories to every role', async () => {
    for (const role of RoleList) {
      const { agent } = await t.loginAs(role);
      const response = await agent.get('/api/laboratories').expect(200);
      expect(response.body.length, role).toBeGreaterThanOrEqual(8);
      expect(response.body[0]).toHaveProperty('emails');
      expect(response.body[0]).not.toHaveProperty('version');
    }
  });
});
