import { createHash, randomUUID } from 'node:crypto';
import { LaboratorySeedList } from '@maestro/shared/referential';
import { LAB_TOKEN_PATTERN } from '@maestro/shared/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertSentSamples, type SentSample } from '../analyses/import/testData';
import { request, useTestApp } from '../test/testApp';

const t = useTestApp();
const labA = LaboratorySeedList[0]!;
const labB = LaboratorySeedList[1]!;
const tokensUrl = (laboratoryId: string) => `/api/laboratories/${laboratoryId}/tokens`;

let admin: request.Agent;
let adminId = '';
let samplesA: SentSample[] = [];
let samplesB: SentSample[] = [];

beforeAll(async () => {
  const a = await t.loginAs('Administrator');
  admin = a.agent;
  adminId = a.user.id;
  const sampler = await t.insertUser('Sampler', { regionCode: '84', departmentCode: '69' });
  samplesA = await insertSentSamples(t.db, {
    laboratoryId: labA.id,
    samplerId: sampler.id,
    count: 3,
  });
  samplesB = await insertSentSamples(t.db, {
    laboratoryId: labB.id,
    samplerId: sampler.id,
    count: 2,
  });
});

async function createToken(laboratoryId = labA.id, name = 'LIMS production') {
  const response = await admin.post(tokensUrl(laboratoryId)).send({ name });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; token: string; prefix: string };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('managing laboratory tokens', () => {
  it('answers 401 anonymously and 403 to every role but the administrator', async () => {
    await request(t.app).get(tokensUrl(labA.id)).expect(401);
    await request(t.app).post(tokensUrl(labA.id)).send({ name: 'x' }).expect(401);
    for (const role of ['NationalCoordinator', 'LaboratoryUser', 'RegionalCoordinator'] as const) {
      const { agent } = await t.loginAs(
        role,
        role === 'LaboratoryUser' ? { laboratoryId: labA.id } : {},
      );
      await agent.get(tokensUrl(labA.id)).expect(403);
      await agent.post(tokensUrl(labA.id)).send({ name: 'Mon jeton' }).expect(403);
      await agent.delete(`${tokensUrl(labA.id)}/${randomUUID()}`).expect(403);
    }
  });

  it('creates a token shown once, stores only its hash, lists it by its prefix', async () => {
    const created = await createToken(labA.id, '  LIMS recette  ');
    expect(created.token).toMatch(LAB_TOKEN_PATTERN);
    expect(created.token).toHaveLength(48);
    expect(created).toMatchObject({
      laboratoryId: labA.id,
      name: 'LIMS recette',
      prefix: created.token.slice(0, 12),
      createdByName: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    const row = await t.db('labTokens').where({ id: created.id }).first();
    expect(row.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(row.createdBy).toBe(adminId);
    expect(JSON.stringify(row)).not.toContain(created.token);

    const list = await admin.get(tokensUrl(labA.id)).expect(200);
    const listed = list.body.find((token: { id: string }) => token.id === created.id);
    expect(listed).toMatchObject({ prefix: created.prefix, name: 'LIMS recette' });
    expect(listed).not.toHaveProperty('token');
    expect(listed).not.toHaveProperty('tokenHash');
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    expect(JSON.stringify(list.body)).not.toContain(row.tokenHash);
    // another laboratory's list does not show it
    const other = await admin.get(tokensUrl(labB.id)).expect(200);
    expect(other.body.map((token: { id: string }) => token.id)).not.toContain(created.id);

    const audit = await t.db('auditEvents').where({ entity: 'labToken', entityId: created.id });
    expect(audit.map((a) => a.action)).toEqual(['create']);
    expect(JSON.stringify(audit)).not.toContain(created.token);
    expect(JSON.stringify(audit)).not.toContain(row.tokenHash);
  });

  it('refuses a name too short (400) and an unknown laboratory (404)', async () => {
    await admin.post(tokensUrl(labA.id)).send({ name: 'x' }).expect(400);
    await admin.get(tokensUrl(randomUUID())).expect(404);
    await admin.post(tokensUrl(randomUUID())).send({ name: 'LIMS' }).expect(404);
    expect(await t.db('labTokens').where({ name: 'x' }).first()).toBeUndefined();
  });

  it('revokes a token once (204, then 409); 404 for an unknown or another lab’s token', async () => {
    const created = await createToken();
    await admin.delete(`${tokensUrl(labB.id)}/${created.id}`).expect(404);
    await admin.delete(`${tokensUrl(labA.id)}/${randomUUID()}`).expect(404);
    await admin.delete(`${tokensUrl(labA.id)}/${created.id}`).expect(204);
    const row = await t.db('labTokens').where({ id: created.id }).first();
    expect(row.revokedAt).toBeInstanceOf(Date);
    expect(row.revokedBy).toBe(adminId);
    const again = await admin.delete(`${tokensUrl(labA.id)}/${created.id}`).expect(409);
    expect(again.body.message).toBe('Ce jeton est déjà révoqué.');
    const list = await admin.get(tokensUrl(labA.id)).expect(200);
    expect(
      list.body.find((token: { id: string }) => token.id === created.id).revokedAt,
    ).not.toBeNull();
    const audit = await t.db('auditEvents').where({ entity: 'labToken', entityId: created.id });
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'revoke']);
  });
});

describe('calling the laboratory API with a token', () => {
  it('sees only its laboratory’s analyses', async () => {
    const { token } = await createToken();
    const page = await request(t.app).get('/api/analyses?perPage=200').set(bearer(token));
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    const ids = page.body.items.map((item: { id: string }) => item.id);
    expect(ids.sort()).toEqual(samplesA.map((s) => s.analysisId).sort());
    const one = await request(t.app)
      .get(`/api/analyses/${samplesA[0]!.analysisId}`)
      .set(bearer(token));
    expect(one.status).toBe(200);
    expect(one.body.copyReference).toBe(samplesA[0]!.copyReference);
  });

  it('cannot read nor write another laboratory’s analysis (404)', async () => {
    const { token } = await createToken();
    const analysisId = samplesB[0]!.analysisId;
    await request(t.app).get(`/api/analyses/${analysisId}`).set(bearer(token)).expect(404);
    await request(t.app)
      .post(`/api/analyses/${analysisId}/reception`)
      .set(bearer(token))
      .send({
        version: 1,
        receivedAt: new Date().toISOString(),
        sealsIntact: true,
        quantitySufficient: true,
        temperatureCelsius: null,
        notes: '',
      })
      .expect(404);
    const row = await t.db('analyses').where({ id: analysisId }).first();
    expect(row.status).toBe('Sent');
  });

  it('writes as the token: the audit trail carries the token, no user', async () => {
    const { id, token } = await createToken();
    const analysisId = samplesA[1]!.analysisId;
    const received = await request(t.app)
      .post(`/api/analyses/${analysisId}/reception`)
      .set(bearer(token))
      .send({
        version: 1,
        receivedAt: new Date().toISOString(),
        sealsIntact: true,
        quantitySufficient: true,
        temperatureCelsius: 4,
        notes: 'Reçu par le LIMS',
      });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body.status).toBe('Analysis');
    const audit = await t.db('auditEvents').where({ entityId: analysisId }).orderBy('id', 'desc');
    expect(audit.length).toBeGreaterThan(0);
    expect(audit[0]).toMatchObject({ labTokenId: id, userId: null });
  });

  it('refuses a revoked token from the next request on (401)', async () => {
    const created = await createToken();
    await request(t.app).get('/api/analyses').set(bearer(created.token)).expect(200);
    await admin.delete(`${tokensUrl(labA.id)}/${created.id}`).expect(204);
    const refused = await request(t.app)
      .get('/api/analyses')
      .set(bearer(created.token))
      .expect(401);
    expect(refused.body).toMatchObject({
      error: 'Unauthenticated',
      message: 'Jeton d’API invalide ou révoqué.',
    });
  });

  it('refuses a malformed or unknown bearer (401)', async () => {
    for (const value of [
      'Bearer ',
      'Bearer abc',
      `Bearer mlab_${'x'.repeat(42)}`,
      `Bearer mlab_${'A'.repeat(43)}`,
    ]) {
      const response = await request(t.app).get('/api/analyses').set('Authorization', value);
      expect(response.status, value).toBe(401);
      expect(response.body.message).toBe('Jeton d’API invalide ou révoqué.');
    }
    // another scheme is no token: the usual 401
    const basic = await request(t.app).get('/api/analyses').set('Authorization', 'Basic YTpi');
    expect(basic.status).toBe(401);
    expect(basic.body.message).not.toBe('Jeton d’API invalide ou révoqué.');
  });

  it('ignores a token on a route outside the laboratory API (401)', async () => {
    const { token } = await createToken();
    await request(t.app).get('/api/samples').set(bearer(token)).expect(401);
    await request(t.app).get('/api/auth/session').set(bearer(token)).expect(401);
    await request(t.app).get(tokensUrl(labA.id)).set(bearer(token)).expect(401);
  });

  it('prefers the session when a signed-in user also sends a bearer', async () => {
    const { agent } = await t.loginAs('LaboratoryUser', { laboratoryId: labB.id });
    const page = await agent
      .get('/api/analyses')
      .set('Authorization', 'Bearer nonsense')
      .expect(200);
    expect(page.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
      samplesB.map((s) => s.analysisId).sort(),
    );
  });

  it('records its last use, at most once a minute', async () => {
    const { id, token } = await createToken();
    await request(t.app).get('/api/analyses').set(bearer(token)).expect(200);
    const first = (await t.db('labTokens').where({ id }).first()).lastUsedAt as Date;
    expect(first).toBeInstanceOf(Date);
    const recent = new Date(Date.now() - 30_000);
    await t.db('labTokens').where({ id }).update({ lastUsedAt: recent });
    await request(t.app).get('/api/analyses').set(bearer(token)).expect(200);
    expect(((await t.db('labTokens').where({ id }).first()).lastUsedAt as Date).getTime()).toBe(
      recent.getTime(),
    );
    const old = new Date(Date.now() - 120_000);
    await t.db('labTokens').where({ id }).update({ lastUsedAt: old });
    await request(t.app).get('/api/analyses').set(bearer(token)).expect(200);
    expect(
      ((await t.db('labTokens').where({ id }).first()).lastUsedAt as Date).getTime(),
    ).toBeGreaterThan(old.getTime() + 60_000);
    const listed = (await admin.get(tokensUrl(labA.id)).expect(200)).body.find(
      (token: { id: string }) => token.id === id,
    );
    expect(listed.lastUsedAt).not.toBeNull();
  });
});

describe('the API documentation', () => {
  it('declares the bearer scheme and offers it on the laboratory API only', async () => {
    const document = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'mlab_…',
    });
    expect(document.info.description).toContain('jeton d’API');
    expect(document.paths['/api/analyses'].get.security).toEqual([{ session: [] }, { bearer: [] }]);
    expect(document.paths['/api/analysis-imports'].post.security).toEqual([
      { session: [] },
      { bearer: [] },
    ]);
    expect(document.paths['/api/samples'].get.security).toEqual([{ session: [] }]);
    expect(document.paths['/api/laboratories/{laboratoryId}/tokens'].post.security).toEqual([
      { session: [] },
    ]);
  });
});
