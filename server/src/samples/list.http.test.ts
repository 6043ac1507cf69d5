import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { SampleListItem, SamplePage, SampleStatus } from '@maestro/shared/schema';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { binary, parseCsv } from '../test/files';
import { request as http, TEST_PASSWORD, useTestApp } from '../test/testApp';
import { sampleExportColumns } from './listRoutes';

const t = useTestApp();
const labA = LaboratorySeedList[0]!;
const labB = LaboratorySeedList[1]!;
const unknownId = '7b1d2c1e-9a51-4c3e-8f5e-0d1c2b3a4f50';

type Agent = request.Agent;
const agents = {} as Record<
  'national' | 'observer' | 'ara' | 'idf' | 'rhone' | 'ainObserver' | 'sampler69' | 'labA' | 'labB',
  Agent
>;
const users = {} as Record<
  's69' | 's01' | 's75',
  { id: string; firstName: string; lastName: string }
>;
let planId = '';
let draftPlanId = '';
let apples = ''; // prescription « Fruits à pépins — surveillance »
let citrus = ''; // prescription « Agrumes — contrôle »

/**
 * The samples of these tests, by reference. Times are UTC; the 8th is taken at 00:30 on
 * 1 January 2026 in Paris, 31 December 2025 in UTC.
 */
interface Seed {
  reference: string;
  status: SampleStatus;
  department: '69' | '01' | '75';
  sampler: 's69' | 's01' | 's75';
  laboratoryId: string | null;
  prescription?: 'apples' | 'citrus';
  matrixKindCode?: string;
  matrixCode?: string;
  companyName?: string;
  companySiret?: string;
  sampledAt?: string;
  located?: boolean;
  /** The verdict of a completed sample. */
  compliant?: boolean;
  updatedAt: string;
}
const seeds: Seed[] = [
  {
    reference: 'ARA-26-00001',
    status: 'Completed',
    department: '69',
    sampler: 's69',
    laboratoryId: labA.id,
    prescription: 'apples',
    matrixCode: 'A01DJ',
    companyName: 'Vergers du Lyonnais',
    companySiret: '11111111100011',
    sampledAt: '2026-03-10T09:00:00Z',
    located: true,
    compliant: true,
    updatedAt: '2026-03-20T10:00:00Z',
  },
  {
    reference: 'ARA-26-00002',
    status: 'Draft',
    department: '69',
    sampler: 's69',
    laboratoryId: labA.id,
    prescription: 'apples',
    companyName: 'Ferme Martin',
    updatedAt: '2026-03-21T10:00:00Z',
  },
  {
    reference: 'ARA-26-00003',
    status: 'Submitted',
    department: '69',
    sampler: 's69',
    laboratoryId: labA.id,
    prescription: 'apples',
    companyName: 'Domaine des Sources',
    companySiret: '22222222200022',
    sampledAt: '2026-03-15T08:00:00Z',
    located: true,
    updatedAt: '2026-03-22T10:00:00Z',
  },
  {
    reference: 'ARA-26-00004',
    status: 'Sent',
    department: '01',
    sampler: 's01',
    laboratoryId: labB.id,
    prescription: 'citrus',
    matrixKindCode: 'A01BT',
    matrixCode: 'A0DZB',
    companyName: '=1+1 GAEC de l’Ain; "bio"',
    companySiret: '33333333300033',
    sampledAt: '2026-04-01T12:00:00Z',
    located: true,
    updatedAt: '2026-04-02T10:00:00Z',
  },
  {
    reference: 'ARA-26-00005',
    status: 'Analysis',
    department: '01',
    sampler: 's01',
    laboratoryId: labA.id,
    prescription: 'apples',
    companyName: 'Bio_100% Bresse',
    sampledAt: '2026-02-01T07:00:00Z',
    updatedAt: '2026-02-05T10:00:00Z',
  },
  {
    reference: 'IDF-26-00006',
    status: 'Sent',
    department: '75',
    sampler: 's75',
    laboratoryId: labA.id,
    prescription: 'apples',
    companyName: 'Maraîchers de Paris',
    sampledAt: '2026-03-01T10:00:00Z',
    located: true,
    updatedAt: '2026-03-05T10:00:00Z',
  },
  {
    reference: 'IDF-26-00007',
    status: 'Draft',
    department: '75',
    sampler: 's75',
    laboratoryId: labA.id,
    updatedAt: '2026-03-06T10:00:00Z',
  },
  {
    reference: 'IDF-26-00008',
    status: 'Completed',
    department: '75',
    sampler: 's75',
    laboratoryId: labB.id,
    prescription: 'citrus',
    matrixKindCode: 'A01BT',
    companyName: 'Halles de Rungis',
    sampledAt: '2025-12-31T23:30:00Z',
    compliant: false,
    updatedAt: '2026-01-10T10:00:00Z',
  },
];
const ids = new Map<string, string>();
const regionOf = { '69': '84', '01': '84', '75': '11' } as const;

function sampleRow(seed: Seed) {
  const id = randomUUID();
  ids.set(seed.reference, id);
  const samplerId = users[seed.sampler].id;
  return {
    id,
    reference: seed.reference,
    status: seed.status,
    step: seed.status === 'Draft' ? 'Context' : 'Summary',
    programmingPlanId: seed.prescription ? planId : null,
    prescriptionId:
      seed.prescription === 'apples' ? apples : seed.prescription === 'citrus' ? citrus : null,
    context: seed.prescription === 'citrus' ? 'Control' : 'Surveillance',
    legalContext: 'A',
    companyName: seed.companyName ?? null,
    companySiret: seed.companySiret ?? null,
    latitude: seed.located ? 45.5 : null,
    longitude: seed.located ? 4.8 : null,
    regionCode: regionOf[seed.department],
    departmentCode: seed.department,
    samplerId,
    matrixKindCode: seed.matrixKindCode ?? 'A01DH',
    matrixCode: seed.matrixCode ?? null,
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    sampledAt: seed.sampledAt ?? null,
    laboratoryId: seed.laboratoryId,
    compliant: seed.compliant ?? null,
    creationHash: 'x'.repeat(64),
    createdBy: samplerId,
    updatedAt: seed.updatedAt,
    sentAt: ['Draft', 'Submitted'].includes(seed.status) ? null : seed.updatedAt,
  };
}

async function page(agent: Agent, query = ''): Promise<SamplePage> {
  const response = await agent.get(`/api/samples?${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as SamplePage;
}
const refs = (body: { items: { reference: string }[] }) => body.items.map((i) => i.reference);
const sorted = (values: string[]) => [...values].sort();

const headers = sampleExportColumns.map((c) => c.header);
const exportOf = (agent: Agent, query: string) =>
  agent.get(`/api/samples/export?${query}`).buffer(true).parse(binary);

async function csv(agent: Agent, query: string) {
  const response = await exportOf(agent, `format=csv&${query}`).expect(200);
  expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers['content-disposition']).toMatch(
    /^attachment; filename="prelevements-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const bytes = response.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [head, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
  expect(head).toEqual(headers);
  return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i]])));
}

beforeAll(async () => {
  ({ agent: agents.national } = await t.loginAs('NationalCoordinator'));
  ({ agent: agents.observer } = await t.loginAs('NationalObserver'));
  ({ agent: agents.ara } = await t.loginAs('RegionalCoordinator', { regionCode: '84' }));
  ({ agent: agents.idf } = await t.loginAs('RegionalObserver', { regionCode: '11' }));
  ({ agent: agents.rhone } = await t.loginAs('DepartmentalCoordinator', {
    regionCode: '84',
    departmentCode: '69',
  }));
  ({ agent: agents.ainObserver } = await t.loginAs('DepartmentalObserver', {
    regionCode: '84',
    departmentCode: '01',
  }));
  ({ agent: agents.labA } = await t.loginAs('LaboratoryUser', { laboratoryId: labA.id }));
  ({ agent: agents.labB } = await t.loginAs('LaboratoryUser', { laboratoryId: labB.id }));
  const s69 = await t.loginAs('Sampler', { regionCode: '84', departmentCode: '69' });
  agents.sampler69 = s69.agent;
  users.s69 = s69.user;
  users.s01 = await t.insertUser('Sampler', { regionCode: '84', departmentCode: '01' });
  users.s75 = await t.insertUser('Sampler', { regionCode: '11', departmentCode: '75' });

  const [plan] = await t
    .db('programmingPlans')
    .insert({ year: 2026, kind: 'PPV', distributionKind: 'REGIONAL', status: 'Validated' })
    .returning('id');
  planId = plan.id;
  const [draftPlan] = await t
    .db('programmingPlans')
    .insert({ year: 2027, kind: 'PPV', distributionKind: 'REGIONAL', status: 'InProgress' })
    .returning('id');
  draftPlanId = draftPlan.id;
  const prescriptions = await t
    .db('prescriptions')
    .insert([
      {
        planId,
        context: 'Surveillance',
        matrixKindCode: 'A01DH',
        stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
        sampleCount: 10,
      },
      {
        planId,
        context: 'Control',
        matrixKindCode: 'A01BT',
        stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
        sampleCount: 4,
      },
    ])
    .returning('id');
  apples = prescriptions[0].id;
  citrus = prescriptions[1].id;
  await t.db('samples').insert(seeds.map(sampleRow));
  // As the sending does: one analysis per sent sample, at its laboratory.
  const sent = seeds.filter(
    (seed) => seed.laboratoryId && !['Draft', 'Submitted'].includes(seed.status),
  );
  await t.db('analyses').insert(
    sent.map((seed) => ({
      sampleId: ids.get(seed.reference),
      itemNumber: 1,
      copyNumber: 1,
      laboratoryId: seed.laboratoryId,
      status: seed.status,
    })),
  );
});

describe('GET /api/samples: access and validation', () => {
  it('answers 401 to an anonymous call', async () => {
    const response = await http(t.app).get('/api/samples');
    expect(response.status).toBe(401);
  });

  it('refuses a malformed filter with a French message naming the field', async () => {
    const status = await agents.national.get('/api/samples?status=Nope');
    expect(status.status).toBe(400);
    expect(status.body.message).toBe('La requête contient des données invalides.');
    expect(status.body.issues[0].path).toBe('query.status.0');

    const date = await agents.national.get('/api/samples?sampledFrom=2026-13-01');
    expect(date.status).toBe(400);
    expect(date.body.issues).toEqual([
      { path: 'query.sampledFrom', message: 'Date invalide (AAAA-MM-JJ).' },
    ]);

    const region = await agents.national.get('/api/samples?regionCode=ARA');
    expect(region.status).toBe(400);
    expect(region.body.issues[0].message).toBe('Code région invalide.');

    const perPage = await agents.national.get('/api/samples?perPage=1000');
    expect(perPage.status).toBe(400);
  });
});

describe('scope', () => {
  const all = seeds.map((s) => s.reference);
  it.each([
    ['national coordinator', 'national', all],
    ['national observer', 'observer', all],
    ['regional coordinator (84)', 'ara', all.filter((r) => r.startsWith('ARA'))],
    ['regional observer (11)', 'idf', all.filter((r) => r.startsWith('IDF'))],
    ['departmental coordinator (69)', 'rhone', ['ARA-26-00001', 'ARA-26-00002', 'ARA-26-00003']],
    ['departmental observer (01)', 'ainObserver', ['ARA-26-00004', 'ARA-26-00005']],
    ['sampler (69)', 'sampler69', ['ARA-26-00001', 'ARA-26-00002', 'ARA-26-00003']],
    // sent to the laboratory: neither drafts nor samples waiting to be sent
    ['laboratory A', 'labA', ['ARA-26-00001', 'ARA-26-00005', 'IDF-26-00006']],
    ['laboratory B', 'labB', ['ARA-26-00004', 'IDF-26-00008']],
  ] as const)('%s sees only its samples, and counts only them', async (_, who, expected) => {
    const body = await page(agents[who], 'perPage=50');
    expect(sorted(refs(body))).toEqual(sorted([...expected]));
    expect(body.total).toBe(expected.length);
    const counted = Object.values(body.statusCounts).reduce((a, b) => a + b, 0);
    expect(counted).toBe(expected.length);
  });

  it('shows a laboratory the sample of a kept copy sent to it for a counter-analysis', async () => {
    const sampleId = ids.get('ARA-26-00001') as string;
    await t.db('analyses').insert({
      sampleId,
      itemNumber: 1,
      copyNumber: 2,
      laboratoryId: labB.id,
      counterAnalysis: true,
    });
    try {
      const body = await page(agents.labB, 'perPage=50');
      expect(sorted(refs(body))).toEqual(sorted(['ARA-26-00001', 'ARA-26-00004', 'IDF-26-00008']));
      expect(Object.values(body.statusCounts).reduce((a, b) => a + b, 0)).toBe(3);
    } finally {
      await t.db('analyses').where({ sampleId, copyNumber: 2 }).delete();
    }
  });

  it('does not widen the scope with a filter', async () => {
    const body = await page(agents.ara, 'regionCode=11');
    expect(body.items).toEqual([]);
    expect(body.total).toBe(0);
    const lab = await page(agents.labA, 'status=Draft');
    expect(lab.items).toEqual([]);
    expect(lab.statusCounts.Draft).toBe(0);
    expect(lab.statusCounts.Submitted).toBe(0);
  });
});

describe('filters, search, sort, pagination', () => {
  it('answers the list item shape with the sampler’s name', async () => {
    const body = await page(agents.national, 'reference=ARA-26-00001');
    expect(body.items).toHaveLength(1);
    const item = body.items[0] as SampleListItem;
    expect(item).toEqual({
      id: ids.get('ARA-26-00001'),
      reference: 'ARA-26-00001',
      status: 'Completed',
      step: 'Summary',
      programmingPlanId: planId,
      context: 'Surveillance',
      regionCode: '84',
      departmentCode: '69',
      matrixKindCode: 'A01DH',
      matrixCode: 'A01DJ',
      matrixFreeText: null,
      companyName: 'Vergers du Lyonnais',
      companySiret: '11111111100011',
      sampledAt: '2026-03-10T09:00:00.000Z',
      laboratoryId: labA.id,
      sampler: { id: users.s69.id, firstName: users.s69.firstName, lastName: users.s69.lastName },
      updatedAt: '2026-03-20T10:00:00.000Z',
      compliant: true,
    });
  });

  it.each([
    [
      'status (several)',
      () => 'status=Draft&status=Sent',
      ['ARA-26-00002', 'ARA-26-00004', 'IDF-26-00006', 'IDF-26-00007'],
    ],
    ['region', () => 'regionCode=11', ['IDF-26-00006', 'IDF-26-00007', 'IDF-26-00008']],
    ['department', () => 'departmentCode=01', ['ARA-26-00004', 'ARA-26-00005']],
    [
      'plan',
      () => `programmingPlanId=${planId}`,
      seeds.filter((s) => s.prescription).map((s) => s.reference),
    ],
    ['matrix kind', () => 'matrixKindCode=A01BT', ['ARA-26-00004', 'IDF-26-00008']],
    ['matrix', () => 'matrixCode=A0DZB', ['ARA-26-00004']],
    ['sampler', () => `samplerId=${users.s01.id}`, ['ARA-26-00004', 'ARA-26-00005']],
    ['laboratory', () => `laboratoryId=${labB.id}`, ['ARA-26-00004', 'IDF-26-00008']],
    // days are Paris days: 00:30 on 1 January in Paris is still 31 December in UTC
    ['sampled from', () => 'sampledFrom=2026-01-01&sampledTo=2026-01-31', ['IDF-26-00008']],
    ['sampled until', () => 'sampledTo=2025-12-31', []],
    [
      'sampled between',
      () => 'sampledFrom=2026-03-01&sampledTo=2026-03-15',
      ['ARA-26-00001', 'ARA-26-00003', 'IDF-26-00006'],
    ],
    ['company (name, any case)', () => 'company=vergers', ['ARA-26-00001']],
    ['company (SIRET part)', () => 'company=3333333', ['ARA-26-00004']],
    ['company (wildcards are text)', () => 'company=_100%25', ['ARA-26-00005']],
    ['reference', () => 'reference=idf-26', ['IDF-26-00006', 'IDF-26-00007', 'IDF-26-00008']],
    [
      'free search: reference',
      () => 'q=ara-26-0000',
      seeds.filter((s) => s.reference.startsWith('ARA')).map((s) => s.reference),
    ],
    ['free search: company name', () => 'q=DOMAINE des', ['ARA-26-00003']],
    ['free search: SIRET with spaces', () => 'q=222 222 222', ['ARA-26-00003']],
    ['free search: nothing across fields', () => 'q=00001 Vergers', []],
    [
      'several filters',
      () => 'regionCode=84&status=Completed&status=Analysis',
      ['ARA-26-00001', 'ARA-26-00005'],
    ],
  ])('filters by %s', async (_, query, expected) => {
    const body = await page(agents.national, `perPage=50&${query()}`);
    expect(sorted(refs(body))).toEqual(sorted(expected));
    expect(body.total).toBe(expected.length);
  });

  it('sorts by reference, by sampling date (undated last) and by last change', async () => {
    const byReference = await page(agents.ara, 'sort=reference');
    expect(refs(byReference)).toEqual([
      'ARA-26-00001',
      'ARA-26-00002',
      'ARA-26-00003',
      'ARA-26-00004',
      'ARA-26-00005',
    ]);
    expect(refs(await page(agents.ara, 'sort=-reference'))).toEqual(refs(byReference).reverse());
    expect(refs(await page(agents.ara, 'sort=-sampledAt'))).toEqual([
      'ARA-26-00004',
      'ARA-26-00003',
      'ARA-26-00001',
      'ARA-26-00005',
      'ARA-26-00002',
    ]);
    expect(refs(await page(agents.ara, 'sort=sampledAt'))).toEqual([
      'ARA-26-00005',
      'ARA-26-00001',
      'ARA-26-00003',
      'ARA-26-00004',
      'ARA-26-00002',
    ]);
    // the default: the most recent change first
    expect(refs(await page(agents.ara))).toEqual([
      'ARA-26-00004',
      'ARA-26-00003',
      'ARA-26-00002',
      'ARA-26-00001',
      'ARA-26-00005',
    ]);
    expect(refs(await page(agents.ara, 'sort=updatedAt'))[0]).toBe('ARA-26-00005');
  });

  it('paginates without overlap and keeps the total', async () => {
    const pages = await Promise.all(
      [1, 2, 3].map((n) => page(agents.national, `sort=reference&perPage=3&page=${n}`)),
    );
    expect(pages.map(refs)).toEqual([
      ['ARA-26-00001', 'ARA-26-00002', 'ARA-26-00003'],
      ['ARA-26-00004', 'ARA-26-00005', 'IDF-26-00006'],
      ['IDF-26-00007', 'IDF-26-00008'],
    ]);
    for (const [i, body] of pages.entries()) {
      expect(body.total).toBe(8);
      expect(body.page).toBe(i + 1);
      expect(body.perPage).toBe(3);
    }
    const beyond = await page(agents.national, 'perPage=3&page=9');
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(8);
  });
});

describe('counts per status', () => {
  const zero = {
    Draft: 0,
    Submitted: 0,
    Sent: 0,
    NotAdmissible: 0,
    Analysis: 0,
    InReview: 0,
    Completed: 0,
  };

  it('counts with every filter but the status (from the counts table)', async () => {
    const body = await page(agents.national, 'regionCode=84&status=Completed');
    expect(refs(body)).toEqual(['ARA-26-00001']);
    expect(body.total).toBe(1);
    expect(body.statusCounts).toEqual({
      ...zero,
      Draft: 1,
      Submitted: 1,
      Sent: 1,
      Analysis: 1,
      Completed: 1,
    });
  });

  it('counts with every filter but the status (from the samples)', async () => {
    const body = await page(agents.national, 'q=ara-26&matrixKindCode=A01DH&status=Draft');
    expect(refs(body)).toEqual(['ARA-26-00002']);
    expect(body.statusCounts).toEqual({
      ...zero,
      Draft: 1,
      Submitted: 1,
      Analysis: 1,
      Completed: 1,
    });
  });

  it('stays exact when samples are created, moved and deleted', async () => {
    const before = (await page(agents.national, 'departmentCode=69')).statusCounts;
    const regionBefore = (await page(agents.ara)).statusCounts;
    const [moved] = await t
      .db('samples')
      .insert(
        sampleRow({
          reference: 'ARA-26-00100',
          status: 'Draft',
          department: '69',
          sampler: 's69',
          laboratoryId: labA.id,
          updatedAt: '2026-01-01T10:00:00Z',
        }),
      )
      .returning('id');
    await t.db('samples').where({ id: moved.id }).update({ status: 'Submitted' });
    await t.db('samples').where({ id: moved.id }).update({ companyName: 'Sans effet' });
    let after = (await page(agents.national, 'departmentCode=69')).statusCounts;
    expect(after).toEqual({ ...before, Submitted: before.Submitted + 1 });
    // the regional rollup too
    const regionAfter = (await page(agents.ara)).statusCounts;
    expect(regionAfter).toEqual({ ...regionBefore, Submitted: regionBefore.Submitted + 1 });
    expect((await page(agents.national, 'regionCode=84')).statusCounts).toEqual(regionAfter);
    await t.db('samples').where({ id: moved.id }).update({ departmentCode: '01' });
    after = (await page(agents.national, 'departmentCode=69')).statusCounts;
    expect(after).toEqual(before);
    expect((await page(agents.ara)).statusCounts).toEqual(regionAfter);
    await t.db('samples').where({ id: moved.id }).update({ status: 'Sent', regionCode: '11' });
    expect((await page(agents.idf)).total).toBe(4);
    await t.db('samples').where({ id: moved.id }).delete();
    expect((await page(agents.national, 'departmentCode=01')).total).toBe(2);
    expect((await page(agents.ara)).statusCounts).toEqual(regionBefore);
    expect((await page(agents.idf)).total).toBe(3);
  });
});

describe('GET /api/samples/locations', () => {
  it('answers the located samples of the scope and filters', async () => {
    const response = await agents.ara.get('/api/samples/locations').expect(200);
    expect(response.body.truncated).toBe(false);
    expect(sorted(response.body.items.map((i: { reference: string }) => i.reference))).toEqual([
      'ARA-26-00001',
      'ARA-26-00003',
      'ARA-26-00004',
    ]);
    expect(response.body.items[0]).toEqual({
      id: ids.get('ARA-26-00004'),
      reference: 'ARA-26-00004',
      status: 'Sent',
      companyName: '=1+1 GAEC de l’Ain; "bio"',
      latitude: 45.5,
      longitude: 4.8,
    });
    const filtered = await agents.national
      .get('/api/samples/locations?status=Sent&regionCode=11')
      .expect(200);
    expect(filtered.body.items.map((i: { reference: string }) => i.reference)).toEqual([
      'IDF-26-00006',
    ]);
    expect((await http(t.app).get('/api/samples/locations')).status).toBe(401);
  });
});

describe('GET /api/programming-plans/:planId/realised', () => {
  it('counts the samples taken per prescription, region and department (drafts apart)', async () => {
    const response = await agents.national.get(`/api/programming-plans/${planId}/realised`);
    expect(response.status).toBe(200);
    const byKey = Object.fromEntries(
      response.body.map(
        (r: {
          prescriptionId: string;
          departmentCode: string;
          count: number;
          regionCode: string;
        }) => [
          `${r.prescriptionId === apples ? 'apples' : 'citrus'}/${r.regionCode}/${r.departmentCode}`,
          r.count,
        ],
      ),
    );
    expect(byKey).toEqual({
      'apples/84/69': 2, // Completed and Submitted (the draft is not counted)
      'apples/84/01': 1,
      'apples/11/75': 1,
      'citrus/84/01': 1,
      'citrus/11/75': 1,
    });
  });

  it('answers a regional user its region, a departmental user its department', async () => {
    const regional = await agents.ara.get(`/api/programming-plans/${planId}/realised`).expect(200);
    expect(new Set(regional.body.map((r: { regionCode: string }) => r.regionCode))).toEqual(
      new Set(['84']),
    );
    expect(regional.body).toHaveLength(3);
    const departmental = await agents.rhone
      .get(`/api/programming-plans/${planId}/realised`)
      .expect(200);
    expect(departmental.body).toEqual([
      { prescriptionId: apples, regionCode: '84', departmentCode: '69', count: 2 },
    ]);
  });

  it('answers 404 for an unknown or hidden plan, 403 to a laboratory', async () => {
    expect((await agents.national.get(`/api/programming-plans/${unknownId}/realised`)).status).toBe(
      404,
    );
    const hidden = await agents.ara.get(`/api/programming-plans/${draftPlanId}/realised`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe('Ce plan de programmation est introuvable.');
    expect(
      (await agents.national.get(`/api/programming-plans/${draftPlanId}/realised`)).body,
    ).toEqual([]);
    expect((await agents.labA.get(`/api/programming-plans/${planId}/realised`)).status).toBe(403);
  });
});

describe('GET /api/samples/export', () => {
  it('writes the filtered list in CSV, in its order, with labels and no formula', async () => {
    const rows = await csv(
      agents.national,
      'regionCode=84&sort=reference&status=Sent&status=Completed',
    );
    expect(rows.map((r) => r.Référence)).toEqual(['ARA-26-00001', 'ARA-26-00004']);
    expect(rows[0]).toMatchObject({
      Statut: 'Terminé',
      Plan: 'Résidus de pesticides — production primaire végétale 2026',
      Contexte: 'Plan de surveillance',
      'Cadre juridique': 'Police administrative',
      Région: 'Auvergne-Rhône-Alpes',
      'Département (code)': '69',
      Département: 'Rhône',
      Entreprise: 'Vergers du Lyonnais',
      SIRET: '11111111100011',
      Latitude: '45.5',
      'Catégorie de matrice': 'Fruits à pépins',
      Matrice: 'Pommes',
      'Date de prélèvement': '10/03/2026 10:00',
      Préleveur: `${users.s69.firstName} ${users.s69.lastName}`,
      Laboratoire: labA.shortName,
      Conformité: 'Conforme',
    });
    // a text that a spreadsheet would run is written as text
    expect(rows[1]!.Entreprise).toBe('\'=1+1 GAEC de l’Ain; "bio"');
    expect(rows[1]!.Statut).toBe('Transmis au laboratoire');
    // no verdict before the analyses are decided
    expect(rows[1]!.Conformité).toBe('');
  });

  it('exports only what the user may see', async () => {
    const rows = await csv(agents.labB, '');
    expect(sorted(rows.map((r) => r.Référence!))).toEqual(['ARA-26-00004', 'IDF-26-00008']);
    const none = await csv(agents.ara, 'regionCode=11');
    expect(none).toEqual([]);
  });

  it('writes the same rows in XLSX, typed', async () => {
    const response = await exportOf(
      agents.national,
      'format=xlsx&sort=-reference&regionCode=11',
    ).expect(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body);
    const sheet = workbook.getWorksheet('Prélèvements')!;
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values[0]).toEqual(headers);
    expect(values.slice(1).map((row) => row[0])).toEqual([
      'IDF-26-00008',
      'IDF-26-00007',
      'IDF-26-00006',
    ]);
    const first = Object.fromEntries(headers.map((h, i) => [h, values[1]![i] ?? null]));
    expect(first).toMatchObject({
      Statut: 'Terminé',
      Région: 'Île-de-France',
      'Date de prélèvement': '01/01/2026 00:30',
      Contexte: 'Plan de contrôle',
      Conformité: 'Non conforme',
    });
    expect(values[3]![headers.indexOf('Latitude')]).toBe(45.5);
  });

  it('refuses an unknown format and answers 401 anonymously', async () => {
    expect((await agents.national.get('/api/samples/export?format=pdf')).status).toBe(400);
    expect((await http(t.app).get('/api/samples/export?format=csv')).status).toBe(401);
  });
});

describe('many samples', () => {
  // 5,001 located samples in Normandie, inserted in one statement
  beforeAll(async () => {
    await t.db.raw(
      `insert into samples (id, reference, status, region_code, department_code, sampler_id,
         created_by, creation_hash, latitude, longitude, updated_at)
       select gen_random_uuid(), 'NOR-26-' || lpad(g::text, 6, '0'), 'Sent', '28', '14', ?, ?,
         'x', 49 + g / 100000.0, 0.3, now() - g * interval '1 minute'
       from generate_series(1, 5001) g`,
      [users.s69.id, users.s69.id],
    );
  });

  it('caps the map at 5,000 places and says so', async () => {
    const response = await agents.national.get('/api/samples/locations?regionCode=28').expect(200);
    expect(response.body.items).toHaveLength(5000);
    expect(response.body.truncated).toBe(true);
    expect(response.body.items[0].reference).toBe('NOR-26-000001');
  });

  it('leaves no transaction open when the client leaves a download', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const observer = await t.insertUser('NationalObserver');
    const login = await http(t.app)
      .post('/api/auth/login')
      .send({ email: observer.email, password: TEST_PASSWORD });
    const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]);
    try {
      await new Promise<void>((resolve, reject) => {
        const req = get(
          {
            port,
            host: '127.0.0.1',
            path: '/api/samples/export?format=xlsx&regionCode=28',
            headers: { cookie: cookie.join('; ') },
          },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', reject);
      });
      // the cursor's transaction ends: no connection is left waiting in it
      await expect
        .poll(
          async () =>
            (
              await t.db.raw(
                "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
              )
            ).rows[0].n,
          { timeout: 5000 },
        )
        .toBe(0);
      expect((await page(agents.national, 'regionCode=28&perPage=1')).total).toBe(5001);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('exports every row, in batches', async () => {
    const rows = await csv(agents.national, 'regionCode=28&sort=reference');
    expect(rows).toHaveLength(5001);
    expect(rows[0]!.Référence).toBe('NOR-26-000001');
    expect(rows[5000]!.Référence).toBe('NOR-26-005001');
    const body = await page(agents.national, 'regionCode=28&perPage=200&page=26');
    expect(body.items).toHaveLength(1);
    expect(body.total).toBe(5001);
    expect(body.statusCounts.Sent).toBe(5001);
  });
});
