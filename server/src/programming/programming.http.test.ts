import { LaboratorySeedList, MatrixKindList, SubstanceList } from '@maestro/shared/referential';
import type { Role } from '@maestro/shared/schema';
import type request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer } from '../adapters/mail';
import { request as http, useTestApp } from '../test/testApp';

const mailer = new MemoryMailer();
const t = useTestApp({}, { mailer });
const unknownId = '7b1d2c1e-9a51-4c3e-8f5e-0d1c2b3a4f50';
const lab = LaboratorySeedList[0]!.id;
const otherLab = LaboratorySeedList[1]!.id;

type Agent = request.Agent;
const agents = {} as Record<
  | 'national'
  | 'nationalObserver'
  | 'admin'
  | 'ara'
  | 'araObserver'
  | 'idf'
  | 'rhone'
  | 'sampler'
  | 'lab',
  Agent
>;
const ids = {} as Record<'national' | 'ara' | 'idf', string>;

const prescriptionBody = (overrides: Record<string, unknown> = {}) => ({
  context: 'Surveillance',
  matrixKindCode: MatrixKindList[0]!.code,
  stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
  sampleCount: 10,
  laboratoryChoice: 'National',
  substances: [
    { substanceCode: SubstanceList[0]!.code, method: SubstanceList[0]!.method },
    { substanceCode: SubstanceList[1]!.code, method: SubstanceList[1]!.method },
  ],
  instructions: 'Prélever en fin de saison.',
  ...overrides,
});

beforeAll(async () => {
  const login = async (role: Role, overrides = {}) => t.loginAs(role, overrides);
  const national = await login('NationalCoordinator');
  agents.national = national.agent;
  ids.national = national.user.id;
  ({ agent: agents.nationalObserver } = await login('NationalObserver'));
  ({ agent: agents.admin } = await login('Administrator'));
  const ara = await login('RegionalCoordinator', { regionCode: '84' });
  agents.ara = ara.agent;
  ids.ara = ara.user.id;
  ({ agent: agents.araObserver } = await login('RegionalObserver', { regionCode: '84' }));
  const idf = await login('RegionalCoordinator', { regionCode: '11' });
  agents.idf = idf.agent;
  ids.idf = idf.user.id;
  ({ agent: agents.rhone } = await login('DepartmentalCoordinator', {
    regionCode: '84',
    departmentCode: '69',
  }));
  ({ agent: agents.sampler } = await login('Sampler', { regionCode: '84', departmentCode: '69' }));
  ({ agent: agents.lab } = await login('LaboratoryUser'));
});

describe('programming: access', () => {
  it('answers 401 to anonymous callers on every route', async () => {
    const routes: [string, string][] = [
      ['get', '/api/programming-plans'],
      ['post', '/api/programming-plans'],
      ['get', `/api/programming-plans/${unknownId}`],
      ['post', `/api/programming-plans/${unknownId}/transitions`],
      ['get', `/api/programming-plans/${unknownId}/prescriptions`],
      ['post', `/api/programming-plans/${unknownId}/prescriptions`],
      ['put', `/api/prescriptions/${unknownId}`],
      ['delete', `/api/prescriptions/${unknownId}`],
      ['put', `/api/programming-plans/${unknownId}/regions/84`],
      ['put', `/api/programming-plans/${unknownId}/regions/84/departments`],
      ['get', `/api/prescriptions/${unknownId}/regions/84/comments`],
      ['post', `/api/prescriptions/${unknownId}/regions/84/comments`],
      ['get', '/api/notifications'],
      ['post', `/api/notifications/${unknownId}/read`],
      ['post', '/api/notifications/read'],
    ];
    for (const [method, path] of routes) {
      const response = await (
        http(t.app) as unknown as Record<string, (p: string) => request.Test>
      )[method]!(path);
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('refuses plan creation to every role but the national coordinator', async () => {
    for (const agent of [
      agents.admin,
      agents.ara,
      agents.rhone,
      agents.sampler,
      agents.lab,
      agents.nationalObserver,
    ]) {
      await agent
        .post('/api/programming-plans')
        .send({ year: 2027, kind: 'PPV', distributionKind: 'REGIONAL' })
        .expect(403);
    }
    await agents.lab.get('/api/programming-plans').expect(403);
    expect(await t.db('programmingPlans')).toHaveLength(0);
  });

  it('answers 400 to malformed requests and 404 to unknown plans', async () => {
    const bad = await agents.national
      .post('/api/programming-plans')
      .send({ year: 1990, kind: 'XYZ' })
      .expect(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.distributionKind',
      'body.kind',
      'body.year',
    ]);
    await agents.national.get(`/api/programming-plans/${unknownId}`).expect(404);
    await agents.national.get('/api/programming-plans/not-an-id').expect(400);
    await agents.national
      .post(`/api/programming-plans/${unknownId}/prescriptions`)
      .send(prescriptionBody())
      .expect(404);
  });
});

describe('programming: a regional plan from creation to closing', () => {
  let planId = '';
  let version = 1;
  let first = '';
  let second = '';

  it('the national coordinator creates the plan; a second one for the same year and kind is refused', async () => {
    const created = await agents.national
      .post('/api/programming-plans')
      .send({ year: 2027, kind: 'PPV', distributionKind: 'REGIONAL' })
      .expect(201);
    expect(created.body).toMatchObject({
      year: 2027,
      status: 'InProgress',
      regionalStatuses: [],
      version: 1,
    });
    planId = created.body.id;
    const again = await agents.national
      .post('/api/programming-plans')
      .send({ year: 2027, kind: 'PPV', distributionKind: 'DEPARTMENTAL' })
      .expect(409);
    expect(again.body.message).toMatch(/existe déjà pour 2027/);
    const audit = await t
      .db('auditEvents')
      .where({ entity: 'programmingPlan', entityId: planId, action: 'create' });
    expect(audit).toHaveLength(1);
  });

  it('keeps a plan in progress out of sight of the regions', async () => {
    await agents.ara.get(`/api/programming-plans/${planId}`).expect(404);
    expect((await agents.ara.get('/api/programming-plans').expect(200)).body).toEqual([]);
    await agents.nationalObserver.get(`/api/programming-plans/${planId}`).expect(200);
  });

  it('adds prescriptions with their substances, refusing unknown references', async () => {
    const a = await agents.national
      .post(`/api/programming-plans/${planId}/prescriptions`)
      .send(prescriptionBody())
      .expect(201);
    expect(a.body.substances).toHaveLength(2);
    first = a.body.id;
    const b = await agents.national
      .post(`/api/programming-plans/${planId}/prescriptions`)
      .send(
        prescriptionBody({
          context: 'Control',
          sampleCount: 4,
          laboratoryChoice: 'Regional',
          substances: [],
        }),
      )
      .expect(201);
    second = b.body.id;
    const unknown = await agents.national
      .post(`/api/programming-plans/${planId}/prescriptions`)
      .send(
        prescriptionBody({
          matrixKindCode: 'NOPE',
          substances: [{ substanceCode: 'NOPE', method: 'Mono' }],
        }),
      )
      .expect(400);
    expect(unknown.body.issues.map((i: { path: string }) => i.path)).toEqual([
      'body.matrixKindCode',
      'body.substances.0.substanceCode',
    ]);
    await agents.ara
      .post(`/api/programming-plans/${planId}/prescriptions`)
      .send(prescriptionBody())
      .expect(403);
    expect(await t.db('prescriptions').where({ planId })).toHaveLength(2);
  });

  it('splits counts between regions, never beyond the national count, with versions', async () => {
    const ara = await agents.national
      .put(`/api/programming-plans/${planId}/regions/84`)
      .send({
        lines: [
          { prescriptionId: first, sampleCount: 6, laboratoryId: lab, version: null },
          { prescriptionId: second, sampleCount: 4, laboratoryId: null, version: null },
        ],
      })
      .expect(200);
    expect(ara.body.map((l: { sampleCount: number }) => l.sampleCount)).toEqual(
      [first, second].sort().map((id) => (id === first ? 6 : 4)),
    );
    const tooMany = await agents.national
      .put(`/api/programming-plans/${planId}/regions/11`)
      .send({
        lines: [{ prescriptionId: first, sampleCount: 5, laboratoryId: lab, version: null }],
      })
      .expect(400);
    expect(tooMany.body.issues[0].message).toMatch(
      /11 prélèvements répartis entre les régions pour 10/,
    );
    expect(await t.db('regionalPrescriptions').where({ regionCode: '11' })).toHaveLength(0);

    const stale = await agents.national
      .put(`/api/programming-plans/${planId}/regions/84`)
      .send({
        lines: [{ prescriptionId: first, sampleCount: 5, laboratoryId: lab, version: null }],
      })
      .expect(409);
    expect(stale.body.error).toBe('VersionConflict');
    await agents.national
      .put(`/api/programming-plans/${planId}/regions/99`)
      .send({ lines: [] })
      .expect(404);
    await agents.national
      .put(`/api/programming-plans/${planId}/regions/11`)
      .send({
        lines: [{ prescriptionId: unknownId, sampleCount: 1, laboratoryId: null, version: null }],
      })
      .expect(400);
    await agents.ara
      .put(`/api/programming-plans/${planId}/regions/84`)
      .send({ lines: [] })
      .expect(403);
  });

  it('refuses to reduce a prescription below what is already split', async () => {
    const current = await t.db('prescriptions').where({ id: first }).first();
    const response = await agents.national
      .put(`/api/prescriptions/${first}`)
      .send({ ...prescriptionBody({ sampleCount: 5 }), version: current.version })
      .expect(400);
    expect(response.body.issues[0].path).toBe('body.sampleCount');
  });

  it('refuses to send an incomplete split, naming what is missing', async () => {
    const response = await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'submitToRegions', version })
      .expect(409);
    expect(response.body.message).toMatch(/4 prélèvements restent à répartir/);
    expect((await t.db('programmingPlans').where({ id: planId }).first()).status).toBe(
      'InProgress',
    );
  });

  it('sends the plan to the regions with samples, and notifies them', async () => {
    await agents.national
      .put(`/api/programming-plans/${planId}/regions/11`)
      .send({
        lines: [{ prescriptionId: first, sampleCount: 4, laboratoryId: otherLab, version: null }],
      })
      .expect(200);
    await agents.ara
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'submitToRegions', version })
      .expect(404);
    mailer.sent.length = 0;
    const response = await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'submitToRegions', version })
      .expect(200);
    expect(response.body.status).toBe('SubmittedToRegion');
    expect(response.body.regionalStatuses).toEqual([
      { regionCode: '11', status: 'Pending' },
      { regionCode: '84', status: 'Pending' },
    ]);
    version = response.body.version;
    const araNotifications = await t
      .db('notifications')
      .where({ userId: ids.ara, kind: 'PlanSubmittedToRegions' });
    expect(araNotifications).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(mailer.sent.some((m) => m.subject.startsWith('[Maestro] Programmation à traiter'))).toBe(
      true,
    );
    await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'submitToRegions', version: 1 })
      .expect(409);
  });

  it('freezes the national programming once sent', async () => {
    const response = await agents.national
      .post(`/api/programming-plans/${planId}/prescriptions`)
      .send(prescriptionBody())
      .expect(409);
    expect(response.body.message).toMatch(/envoyée aux régions/);
    await agents.national.delete(`/api/prescriptions/${second}?version=1`).expect(409);
  });

  it('shows each region only its own lines', async () => {
    const ara = await agents.araObserver
      .get(`/api/programming-plans/${planId}/prescriptions`)
      .expect(200);
    expect(ara.body).toHaveLength(2);
    for (const p of ara.body) for (const line of p.regions) expect(line.regionCode).toBe('84');
    const idf = await agents.idf.get(`/api/programming-plans/${planId}/prescriptions`).expect(200);
    expect(idf.body.map((p: { id: string }) => p.id)).toEqual([first]);
    await agents.idf
      .get(`/api/programming-plans/${planId}/prescriptions?regionCode=84`)
      .expect(403);
    await agents.rhone.get(`/api/programming-plans/${planId}`).expect(404);
    await agents.sampler.get(`/api/programming-plans/${planId}/prescriptions`).expect(404);
  });

  it('threads comments between a region and the national level', async () => {
    await agents.ara
      .post(`/api/prescriptions/${first}/regions/84/comments`)
      .send({ body: 'Pouvons-nous réduire à 5 ?' })
      .expect(201);
    await agents.ara
      .post(`/api/prescriptions/${first}/regions/11/comments`)
      .send({ body: 'Pas ma région' })
      .expect(403);
    await agents.ara
      .post(`/api/prescriptions/${first}/regions/84/comments`)
      .send({ body: '   ' })
      .expect(400);
    await agents.araObserver
      .post(`/api/prescriptions/${first}/regions/84/comments`)
      .send({ body: 'Observateur' })
      .expect(403);
    await agents.national
      .post(`/api/prescriptions/${first}/regions/84/comments`)
      .send({ body: 'Non, 6 est nécessaire.' })
      .expect(201);
    const thread = await agents.araObserver
      .get(`/api/prescriptions/${first}/regions/84/comments`)
      .expect(200);
    expect(thread.body.map((c: { body: string }) => c.body)).toEqual([
      'Pouvons-nous réduire à 5 ?',
      'Non, 6 est nécessaire.',
    ]);
    await agents.idf.get(`/api/prescriptions/${first}/regions/84/comments`).expect(403);
    await agents.national.get(`/api/prescriptions/${unknownId}/regions/84/comments`).expect(404);
    const forNational = await t
      .db('notifications')
      .where({ userId: ids.national, kind: 'PrescriptionCommented' });
    expect(forNational).toHaveLength(1);
    const forAra = await t
      .db('notifications')
      .where({ userId: ids.ara, kind: 'PrescriptionCommented' });
    expect(forAra).toHaveLength(1);
  });

  it('lets a region split its lines between its own departments and choose delegated labs', async () => {
    const lines = async () =>
      await t.db('regionalPrescriptions').where({ regionCode: '84' }).orderBy('prescriptionId');
    const [l1, l2] = (await lines()).sort((a, b) =>
      a.prescriptionId === first ? -1 : b.prescriptionId === first ? 1 : 0,
    );
    const outside = await agents.ara
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({
        lines: [
          {
            prescriptionId: first,
            laboratoryId: lab,
            version: l1.version,
            departments: [{ departmentCode: '75', sampleCount: 1 }],
          },
        ],
      })
      .expect(400);
    expect(outside.body.issues[0].message).toMatch(/75 n’appartient pas/);
    const nationalLab = await agents.ara
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({
        lines: [
          { prescriptionId: first, laboratoryId: otherLab, version: l1.version, departments: [] },
        ],
      })
      .expect(400);
    expect(nationalLab.body.issues[0].message).toMatch(/choisi au niveau national/);
    const tooMany = await agents.ara
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({
        lines: [
          {
            prescriptionId: first,
            laboratoryId: lab,
            version: l1.version,
            departments: [{ departmentCode: '69', sampleCount: 7 }],
          },
        ],
      })
      .expect(400);
    expect(tooMany.body.issues[0].message).toMatch(
      /7 prélèvements répartis entre les départements pour 6/,
    );
    await agents.idf
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({ lines: [] })
      .expect(403);
    await agents.national
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({ lines: [] })
      .expect(403);

    const saved = await agents.ara
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({
        lines: [
          {
            prescriptionId: first,
            laboratoryId: lab,
            version: l1.version,
            departments: [
              { departmentCode: '69', sampleCount: 4 },
              { departmentCode: '01', sampleCount: 2 },
            ],
          },
          {
            prescriptionId: second,
            laboratoryId: otherLab,
            version: l2.version,
            departments: [{ departmentCode: '69', sampleCount: 4 }],
          },
        ],
      })
      .expect(200);
    expect(saved.body.departments).toHaveLength(3);
    expect(
      saved.body.regions.find((l: { prescriptionId: string }) => l.prescriptionId === second)
        .laboratoryId,
    ).toBe(otherLab);
    await agents.ara
      .put(`/api/programming-plans/${planId}/regions/84/departments`)
      .send({
        lines: [{ prescriptionId: first, laboratoryId: lab, version: l1.version, departments: [] }],
      })
      .expect(409);
  });

  it('moves on when the last region approves, then the national coordinator validates and closes', async () => {
    const ara = await agents.ara
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'approve', version })
      .expect(200);
    expect(ara.body.status).toBe('SubmittedToRegion');
    version = ara.body.version;
    const again = await agents.ara
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'approve', version })
      .expect(409);
    expect(again.body.message).toBe('Votre région a déjà approuvé cette programmation.');
    const early = await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'validate', version })
      .expect(409);
    expect(early.body.message).toMatch(/1 région n’a pas encore approuvé/);
    await agents.araObserver
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'approve', version })
      .expect(403);

    const idf = await agents.idf
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'approve', version })
      .expect(200);
    expect(idf.body.status).toBe('ApprovedByRegion');
    version = idf.body.version;
    expect(
      await t.db('notifications').where({ userId: ids.national, kind: 'PlanApprovedByRegion' }),
    ).toHaveLength(2);

    await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'validate', version: version - 1 })
      .expect(409);
    const validated = await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'validate', version })
      .expect(200);
    expect(validated.body.status).toBe('Validated');
    version = validated.body.version;
  });

  it('shows a validated plan to departments and samplers, with their share only', async () => {
    const sampler = await agents.sampler
      .get(`/api/programming-plans/${planId}/prescriptions`)
      .expect(200);
    expect(sampler.body).toHaveLength(2);
    for (const p of sampler.body) {
      expect(p.departments.map((d: { departmentCode: string }) => d.departmentCode)).toEqual([
        '69',
      ]);
    }
    const rhone = await agents.rhone.get(`/api/programming-plans/${planId}`).expect(200);
    expect(rhone.body.status).toBe('Validated');
  });

  it('closes the campaign; comments are then closed', async () => {
    const closed = await agents.national
      .post(`/api/programming-plans/${planId}/transitions`)
      .send({ action: 'close', version })
      .expect(200);
    expect(closed.body.status).toBe('Closed');
    await agents.ara
      .post(`/api/prescriptions/${first}/regions/84/comments`)
      .send({ body: 'Trop tard ?' })
      .expect(409);
    const audit = await t
      .db('auditEvents')
      .where({ entity: 'programmingPlan', entityId: planId })
      .orderBy('id')
      .pluck('action');
    expect(audit).toEqual(
      expect.arrayContaining([
        'create',
        'distributeToRegion',
        'submitToRegions',
        'approve',
        'distributeToDepartments',
        'validate',
        'close',
      ]),
    );
  });

  it('starts next year’s plan as a copy', async () => {
    const copy = await agents.national
      .post('/api/programming-plans')
      .send({ year: 2028, kind: 'PPV', distributionKind: 'DEPARTMENTAL', copyFromPlanId: planId })
      .expect(201);
    expect(copy.body).toMatchObject({
      year: 2028,
      status: 'InProgress',
      distributionKind: 'DEPARTMENTAL',
    });
    const prescriptions = await agents.national
      .get(`/api/programming-plans/${copy.body.id}/prescriptions`)
      .expect(200);
    expect(prescriptions.body).toHaveLength(2);
    const copied = prescriptions.body.find((p: { sampleCount: number }) => p.sampleCount === 10);
    expect(
      copied.regions.map((r: { regionCode: string; sampleCount: number }) => [
        r.regionCode,
        r.sampleCount,
      ]),
    ).toEqual([
      ['11', 4],
      ['84', 6],
    ]);
    expect(copied.substances).toHaveLength(2);
    expect(copied.departments.map((d: { departmentCode: string }) => d.departmentCode)).toEqual([
      '01',
      '69',
    ]);
    const ara = copied.regions.find((r: { regionCode: string }) => r.regionCode === '84');
    const below = await agents.national
      .put(`/api/programming-plans/${copy.body.id}/regions/84`)
      .send({
        lines: [
          { prescriptionId: copied.id, sampleCount: 5, laboratoryId: lab, version: ara.version },
        ],
      })
      .expect(400);
    expect(below.body.issues[0].message).toMatch(
      /6 prélèvements répartis entre les départements pour 5/,
    );
    const other = prescriptions.body.find((p: { sampleCount: number }) => p.sampleCount === 4);
    await agents.national.delete(`/api/prescriptions/${other.id}`).expect(400);
    await agents.national
      .delete(`/api/prescriptions/${other.id}?version=${other.version + 1}`)
      .expect(409);
    await agents.ara.delete(`/api/prescriptions/${other.id}?version=${other.version}`).expect(403);
    await agents.national
      .delete(`/api/prescriptions/${other.id}?version=${other.version}`)
      .expect(204);
    expect(await t.db('prescriptions').where({ id: other.id })).toHaveLength(0);
    expect(await t.db('auditEvents').where({ entityId: other.id, action: 'delete' })).toHaveLength(
      1,
    );
    await agents.national
      .post('/api/programming-plans')
      .send({ year: 2029, kind: 'PPV', distributionKind: 'REGIONAL', copyFromPlanId: unknownId })
      .expect(404);
  });
});

describe('notifications', () => {
  it('lists, marks read and never touches another user’s notifications', async () => {
    const list = await agents.ara.get('/api/notifications?perPage=2').expect(200);
    expect(list.body.total).toBeGreaterThanOrEqual(3);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.unread).toBe(list.body.total);
    const id = list.body.items[0].id;
    await agents.idf.post(`/api/notifications/${id}/read`).expect(404);
    const read = await agents.ara.post(`/api/notifications/${id}/read`).expect(200);
    expect(read.body.readAt).not.toBeNull();
    const unread = await agents.ara.get('/api/notifications?unreadOnly=true').expect(200);
    expect(unread.body.total).toBe(list.body.total - 1);
    const all = await agents.ara.post('/api/notifications/read').expect(200);
    expect(all.body.updated).toBe(list.body.total - 1);
    expect((await agents.ara.get('/api/notifications').expect(200)).body.unread).toBe(0);
  });
});
