import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Db, transaction } from '@maestro/database';
import { buildPath, contract } from '@maestro/shared/contract';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { AuthUser, ResidueInput, ResultsContent, SampleContent } from '@maestro/shared/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer } from '../adapters/mail';
import { createStorage } from '../adapters/storage';
import { loadConfig } from '../config';
import { runWithContext } from '../http/context';
import { createLogger } from '../logger';
import { createNotificationService } from '../notifications/service';
import { binary } from '../test/files';
import { completeSampleContent } from '../test/sampleContent';
import { request, useTestApp } from '../test/testApp';
import { createAnalysisService } from './service';

const mailer = new MemoryMailer();
/** The app's files go there, so that the test can look at what is stored. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-analyses-'));
const t = useTestApp({ DATA_DIR: dataDir }, { mailer });
const files = createStorage(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }), dataDir);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const labA = LaboratorySeedList[0]!;
const labB = LaboratorySeedList[1]!;

/** The routes of this feature (the imports and tokens have their own tests). */
const ownRoutes = [
  'findMrls',
  'findAnalyses',
  'getAnalysis',
  'receiveAnalysis',
  'rejectAnalysis',
  'saveAnalysisResults',
  'submitAnalysisResults',
  'correctAnalysisResults',
  'uploadAnalysisReport',
  'getAnalysisReport',
  'findAnalysisResultVersions',
  'reviewAnalysis',
  'reevaluateAnalysis',
  'findSampleAnalyses',
  'requestCounterAnalysis',
] as const;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

let planId = '';
let prescriptionId = '';
let matrixCode = '';
/** A substance with an MRL of 0.5 mg/kg for the matrix (set by the test). */
let withMrl = '';
/** A substance without an MRL for the matrix: the default 0.01 mg/kg applies. */
let withoutMrl = '';
/** A substance whose MRL the re-evaluation test changes. */
let changing = '';

interface Agent {
  agent: request.Agent;
  id: string;
  email: string;
  name: string;
  user: AuthUser;
}
let sampler: Agent;
let labUserA: Agent;
let labUserB: Agent;
let regional: Agent;
let otherRegion: Agent;
let departmental: Agent;
let otherDepartment: Agent;
let national: Agent;
let observer: Agent;

const sampledAt = () => new Date(Date.now() - 3 * 3600_000).toISOString();
const receivedAt = () => new Date(Date.now() - 60_000).toISOString();
const today = () => new Date().toISOString().slice(0, 10);

const sampleContent = (items: number): SampleContent =>
  completeSampleContent(
    { planId, prescriptionId, laboratoryId: labA.id },
    {
      matrixCode,
      substances: [{ substanceCode: withMrl, method: 'Multi' }],
      sampledAt: sampledAt(),
    },
    items,
  );

/** A sample created, submitted and sent through the API, with its analyses (item order). */
async function sentSample(items = 1) {
  const created = await sampler.agent
    .post('/api/samples')
    .send({ id: randomUUID(), ...sampleContent(items) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const url = `/api/samples/${created.body.id}`;
  const submitted = await sampler.agent
    .post(`${url}/submit`)
    .send({ version: created.body.version });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  const sent = await sampler.agent.post(`${url}/send`).send({ version: submitted.body.version });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const analyses: { id: string }[] = await t
    .db('analyses')
    .where({ sampleId: created.body.id })
    .orderBy('itemNumber');
  return {
    id: created.body.id as string,
    reference: created.body.reference as string,
    analysisIds: analyses.map((a) => a.id),
  };
}

const residue = (
  substanceCode: string,
  kind: 'ND' | 'NQ' | 'Q',
  value: number | null = null,
  overrides: Partial<ResidueInput> = {},
): ResidueInput => ({
  substanceCode,
  kind,
  value,
  unit: 'mg/kg',
  loq: null,
  mrl: null,
  uncertaintyPercent: null,
  analytes: [],
  notes: '',
  arfdExceeded: null,
  authorisedForUse: null,
  contaminationSources: '',
  ...overrides,
});

const content = (residues: ResidueInput[]): ResultsContent => ({
  analysedAt: today(),
  methods: ['Multi'],
  residues,
  notes: '',
});

const reception = (version: number) => ({
  version,
  receivedAt: receivedAt(),
  sealsIntact: true,
  quantitySufficient: true,
  temperatureCelsius: 4,
  notes: '',
});

const url = (id: string, tail = '') => `/api/analyses/${id}${tail}`;

async function versionOf(id: string): Promise<number> {
  const row = await t.db('analyses').where({ id }).first('version');
  return row.version;
}

async function receive(id: string) {
  const response = await labUserA.agent
    .post(url(id, '/reception'))
    .send(reception(await versionOf(id)));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function save(id: string, residues: ResidueInput[], agent = labUserA.agent) {
  const response = await agent
    .put(url(id, '/results'))
    .send({ ...content(residues), version: await versionOf(id) });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function upload(id: string, body = PDF, agent = labUserA.agent) {
  return agent
    .put(url(id, '/report'))
    .query({ fileName: 'rapport signé.pdf' })
    .set('Content-Type', 'application/pdf')
    .send(body);
}

async function submit(id: string, agent = labUserA.agent) {
  return agent.post(url(id, '/submit')).send({ version: await versionOf(id) });
}

/** Received, results saved, report attached, submitted. */
async function submitted(id: string, residues: ResidueInput[]) {
  await receive(id);
  await save(id, residues);
  expect((await upload(id)).status).toBe(200);
  const response = await submit(id);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function review(
  id: string,
  body: { decision: 'Confirm' | 'Override'; compliant?: boolean | null; comment?: string },
  agent = departmental.agent,
) {
  return agent.post(url(id, '/review')).send({
    version: await versionOf(id),
    compliant: null,
    comment: '',
    ...body,
  });
}

const notificationsOf = (userId: string, kind: string) =>
  t.db('notifications').where({ userId, kind }).orderBy('createdAt');

beforeAll(async () => {
  const [plan] = await t
    .db('programmingPlans')
    .insert({ year: 2026, kind: 'PPV', distributionKind: 'REGIONAL', status: 'Validated' })
    .returning('id');
  planId = plan.id;
  const [prescription] = await t
    .db('prescriptions')
    .insert({
      planId,
      context: 'Surveillance',
      matrixKindCode: 'A01DH',
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: 10,
    })
    .returning('id');
  prescriptionId = prescription.id;
  matrixCode = (await t.db('matrices').where({ kindCode: 'A01DH' }).orderBy('code').first('code'))
    .code;
  const substances: { code: string }[] = await t
    .db('substances')
    .orderBy('code')
    .limit(3)
    .select('code');
  [withMrl, withoutMrl, changing] = substances.map((s) => s.code) as [string, string, string];
  for (const [substanceCode, value] of [
    [withMrl, 0.5],
    [changing, 0.5],
  ] as const)
    await t
      .db('mrls')
      .insert({ substanceCode, matrixCode, value, source: 'LMR de test' })
      .onConflict(['substanceCode', 'matrixCode'])
      .merge();
  await t.db('mrls').where({ substanceCode: withoutMrl, matrixCode }).delete();

  const login = async (...args: Parameters<typeof t.loginAs>): Promise<Agent> => {
    const { agent, user } = await t.loginAs(...args);
    return {
      agent,
      id: user.id,
      email: user.email,
      name: `${user.firstName} ${user.lastName}`,
      user: {
        id: user.id,
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        role: user.role,
        regionCode: user.regionCode,
        departmentCode: user.departmentCode,
        laboratoryId: user.laboratoryId,
      },
    };
  };
  sampler = await login('Sampler', { regionCode: '84', departmentCode: '69' });
  labUserA = await login('LaboratoryUser', { laboratoryId: labA.id });
  labUserB = await login('LaboratoryUser', { laboratoryId: labB.id });
  regional = await login('RegionalCoordinator', { regionCode: '84' });
  otherRegion = await login('RegionalCoordinator', { regionCode: '11' });
  departmental = await login('DepartmentalCoordinator', {
    regionCode: '84',
    departmentCode: '69',
  });
  otherDepartment = await login('DepartmentalCoordinator', {
    regionCode: '84',
    departmentCode: '01',
  });
  national = await login('NationalCoordinator');
  observer = await login('NationalObserver');
});

describe('every analysis route', () => {
  it.each(ownRoutes)('%s answers 401 to an anonymous call', async (operation) => {
    const spec = contract[operation];
    const path = buildPath(spec.path, { analysisId: randomUUID(), sampleId: randomUUID() });
    const response = await request(t.app)
      [spec.method](path)
      .send(spec.method === 'get' ? undefined : {});
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('Unauthenticated');
  });

  it.each(ownRoutes.filter((operation) => contract[operation].path.includes(':analysisId')))(
    '%s answers 404 for an unknown analysis',
    async (operation) => {
      const spec = contract[operation];
      const agent = ['reviewAnalysis', 'reevaluateAnalysis'].includes(operation)
        ? national.agent
        : labUserA.agent;
      const call = agent[spec.method](buildPath(spec.path, { analysisId: randomUUID() }));
      const response =
        operation === 'uploadAnalysisReport'
          ? await call.query({ fileName: 'r.pdf' }).set('Content-Type', 'application/pdf').send(PDF)
          : spec.method === 'get'
            ? await call
            : await call.send(
                operation === 'receiveAnalysis'
                  ? reception(1)
                  : operation === 'rejectAnalysis'
                    ? { version: 1, receivedAt: receivedAt(), reason: 'SealBroken', comment: '' }
                    : operation === 'saveAnalysisResults'
                      ? { ...content([]), version: 1 }
                      : operation === 'correctAnalysisResults'
                        ? { ...content([residue(withMrl, 'ND')]), version: 1, reason: 'Erreur' }
                        : operation === 'reviewAnalysis'
                          ? { version: 1, decision: 'Confirm', compliant: null, comment: '' }
                          : { version: 1 },
              );
      expect(response.status, JSON.stringify(response.body)).toBe(404);
    },
  );
});

describe('the analysis loop', () => {
  it('opens one analysis per item, addressed to the laboratory, when the sample is sent', async () => {
    const sample = await sentSample(2);
    expect(sample.analysisIds).toHaveLength(2);
    const response = await labUserA.agent.get(url(sample.analysisIds[1]!));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'Sent',
      itemNumber: 2,
      copyNumber: 1,
      copyReference: `${sample.reference}-B-1`,
      laboratoryId: labA.id,
      counterAnalysis: false,
      resultVersion: 0,
      residues: [],
      compliant: null,
      report: null,
      mrlChanged: false,
    });
    expect(response.body.sample).toMatchObject({
      id: sample.id,
      reference: sample.reference,
      status: 'Sent',
      matrixCode,
      departmentCode: '69',
      substances: [{ substanceCode: withMrl, method: 'Multi' }],
    });
  });

  it('receives, saves, attaches the report, submits, and the reviewer confirms: compliant', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;

    const received = await receive(id);
    expect(received.status).toBe('Analysis');
    expect(received.reception).toMatchObject({ sealsIntact: true, temperatureCelsius: 4 });
    expect((await t.db('samples').where({ id: sample.id }).first()).status).toBe('Analysis');

    const saved = await save(id, [residue(withMrl, 'Q', 0.3), residue(withoutMrl, 'ND')]);
    expect(saved.status).toBe('Analysis');
    expect(saved.resultVersion).toBe(1);
    expect(saved.resultSource).toBe('Form');
    expect(saved.computedCompliant).toBe(true);
    expect(saved.residues).toHaveLength(2);
    expect(saved.residues[0].verdict).toMatchObject({
      rule: 'BelowMrl',
      mrl: 0.5,
      mrlSource: 'LMR de test',
      compliant: true,
    });
    expect(saved.residues[1].verdict).toMatchObject({ rule: 'NotDetected', mrlIsDefault: true });
    // Saving again rewrites the draft, still version 1.
    const again = await save(id, [residue(withMrl, 'Q', 0.4)]);
    expect(again.resultVersion).toBe(1);
    expect(again.residues).toHaveLength(1);
    expect(await t.db('analysisResidues').where({ analysisId: id })).toHaveLength(1);

    const uploaded = await upload(id);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    expect(uploaded.body.report).toMatchObject({ fileName: 'rapport signé.pdf', size: PDF.length });

    const done = await submit(id);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.status).toBe('InReview');
    expect(done.body.submittedAt).not.toBeNull();
    expect(done.body.compliant).toBe(true);
    let row = await t.db('samples').where({ id: sample.id }).first();
    expect(row.status).toBe('InReview');
    expect(row.compliant).toBeNull();
    for (const reviewer of [departmental, regional])
      expect(await notificationsOf(reviewer.id, 'AnalysisSubmitted')).toEqual(
        expect.arrayContaining([expect.objectContaining({ link: `/analyses/${id}` })]),
      );

    const confirmed = await review(id, { decision: 'Confirm' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: 'Completed',
      compliant: true,
      complianceOverridden: false,
      reviewerName: departmental.name,
    });
    expect(confirmed.body.sample).toMatchObject({ status: 'Completed', compliant: true });
    row = await t.db('samples').where({ id: sample.id }).first();
    expect(row.status).toBe('Completed');
    expect(row.compliant).toBe(true);
    const completed = await notificationsOf(sampler.id, 'AnalysisCompleted');
    expect(completed.map((n) => n.link)).toContain(`/prelevements/${sample.id}`);
    expect((await sampler.agent.get(`/api/samples/${sample.id}`)).body.compliant).toBe(true);
  });

  it('judges a value three times the MRL non-compliant: the sample is flagged and notified', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    mailer.sent.length = 0;
    const body = await submitted(id, [residue(withMrl, 'Q', 1.5), residue(withoutMrl, 'NQ')]);
    expect(body.status).toBe('InReview');
    expect(body.computedCompliant).toBe(false);
    expect(body.residues[0].verdict).toMatchObject({
      rule: 'AboveMrl',
      compliant: false,
      lowerBoundMgKg: 0.75,
      marginMgKg: 0.25,
    });
    expect(body.residues[0].verdict.explanation).toContain('non conforme');

    const confirmed = await review(id, { decision: 'Confirm', comment: 'Vu.' }, regional.agent);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.compliant).toBe(false);
    expect(confirmed.body.reviewComment).toBe('Vu.');
    const row = await t.db('samples').where({ id: sample.id }).first();
    expect(row).toMatchObject({ status: 'Completed', compliant: false });
    const aboutSample = async (userId: string) =>
      (await notificationsOf(userId, 'SampleNonCompliant')).filter((n) =>
        n.title.includes(sample.reference),
      );
    expect((await aboutSample(sampler.id)).map((n) => n.link)).toEqual([
      `/prelevements/${sample.id}`,
    ]);
    for (const user of [departmental, national])
      expect(
        (await aboutSample(user.id)).map((n) => n.link),
        user.name,
      ).toEqual([`/analyses/${id}`]);
    // The reviewer who acted is not told about their own decision.
    expect(await aboutSample(regional.id)).toEqual([]);
    expect(
      mailer.sent.some(
        (mail) =>
          mail.to.includes(national.email) && mail.subject.includes('Prélèvement non conforme'),
      ),
    ).toBe(true);

    const list = await regional.agent.get('/api/samples').query({ compliant: false });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(sample.id);
    expect(list.body.items.every((s: { compliant: boolean }) => s.compliant === false)).toBe(true);
    const compliantList = await regional.agent.get('/api/samples').query({ compliant: true });
    expect(compliantList.body.items.map((s: { id: string }) => s.id)).not.toContain(sample.id);
  });

  it('completes an analysis whose residues are all ND without review', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    const body = await submitted(id, [residue(withMrl, 'ND'), residue(withoutMrl, 'ND')]);
    expect(body.status).toBe('Completed');
    expect(body.compliant).toBe(true);
    expect(body.reviewedAt).toBeNull();
    expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
      status: 'Completed',
      compliant: true,
    });
    expect((await review(id, { decision: 'Confirm' })).status).toBe(409);
  });

  it('waits for every item: the least advanced one gives the sample its status', async () => {
    const sample = await sentSample(2);
    const [first, second] = sample.analysisIds as [string, string];
    await submitted(first, [residue(withMrl, 'ND')]);
    expect((await t.db('samples').where({ id: sample.id }).first()).status).toBe('Sent');
    await receive(second);
    expect((await t.db('samples').where({ id: sample.id }).first()).status).toBe('Analysis');
    await save(second, [residue(withMrl, 'Q', 3)]);
    expect((await upload(second)).status).toBe(200);
    expect((await submit(second)).status).toBe(200);
    expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
      status: 'InReview',
      compliant: null,
    });
    expect((await review(second, { decision: 'Confirm' })).status).toBe(200);
    expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
      status: 'Completed',
      compliant: false,
    });
  });

  it('keeps the sample counts exact as the analyses move it', async () => {
    const counts = async () => {
      const rows: { status: string; count: number }[] = await t
        .db('sampleCounts')
        .where({ departmentCode: '69', laboratoryId: labA.id })
        .select('status', 'count');
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    };
    const actual = async () => {
      const rows: { status: string; count: number }[] = await t
        .db('samples')
        .where({ departmentCode: '69', laboratoryId: labA.id })
        .groupBy('status')
        .select('status')
        .count({ count: '*' });
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    };
    const sample = await sentSample();
    await receive(sample.analysisIds[0]!);
    const stored = await counts();
    const real = await actual();
    for (const [status, count] of Object.entries(real)) expect(stored[status], status).toBe(count);
  });
});

describe('refusing what the rules do not allow', () => {
  it('answers 400 with French messages and field paths', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await receive(id);
    const version = await versionOf(id);

    const badKind = await labUserA.agent
      .put(url(id, '/results'))
      .send({ ...content([{ ...residue(withMrl, 'ND'), kind: 'X' as 'ND' }]), version });
    expect(badKind.status).toBe(400);
    expect(badKind.body.issues[0].path).toBe('body.residues.0.kind');

    const noValue = await labUserA.agent
      .put(url(id, '/results'))
      .send({ ...content([residue(withMrl, 'Q', null)]), version });
    expect(noValue.status).toBe(400);
    expect(noValue.body.issues).toContainEqual({
      path: 'body.residues.0.value',
      message: 'Indiquez la valeur mesurée d’un résidu quantifié.',
    });

    const unknown = await labUserA.agent
      .put(url(id, '/results'))
      .send({ ...content([residue(withMrl, 'ND'), residue('NO-SUCH-SUBSTANCE', 'ND')]), version });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([
      { path: 'body.residues.1.substanceCode', message: 'Substance inconnue.' },
    ]);

    // Nothing to submit yet.
    const empty = await submit(id);
    expect(empty.status).toBe(400);
    expect(empty.body.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['residues', 'report']),
    );

    await save(id, [residue(withMrl, 'Q', 0.1)]);
    const withoutReport = await submit(id);
    expect(withoutReport.status).toBe(400);
    expect(withoutReport.body.message).toBe('Joignez le rapport d’analyse signé (PDF).');
    expect((await t.db('analyses').where({ id }).first()).status).toBe('Analysis');

    const other = await sentSample();
    const otherId = other.analysisIds[0]!;
    const noComment = await labUserA.agent.post(url(otherId, '/not-admissible')).send({
      version: await versionOf(otherId),
      receivedAt: receivedAt(),
      reason: 'Other',
      comment: '',
    });
    expect(noComment.status).toBe(400);
    expect(noComment.body.issues).toContainEqual({
      path: 'body.comment',
      message: 'Précisez le motif de non-recevabilité.',
    });

    const future = await labUserA.agent.post(url(otherId, '/reception')).send({
      ...reception(await versionOf(otherId)),
      receivedAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.body.issues[0].path).toBe('body.receivedAt');
  });

  it('answers 400 to an override without comment, and to a report that is not a PDF (415)', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await receive(id);
    const fake = await upload(id, Buffer.from('not a pdf at all'));
    expect(fake.status).toBe(415);
    const wrongType = await labUserA.agent
      .put(url(id, '/report'))
      .query({ fileName: 'r.png' })
      .set('Content-Type', 'image/png')
      .send(PDF);
    expect(wrongType.status).toBe(415);
    await save(id, [residue(withMrl, 'Q', 2)]);
    expect((await upload(id)).status).toBe(200);
    expect((await submit(id)).status).toBe(200);
    const override = await review(id, { decision: 'Override', compliant: true, comment: '' });
    expect(override.status).toBe(400);
    expect(override.body.issues).toContainEqual({
      path: 'body.comment',
      message: 'Un commentaire est obligatoire pour corriger la conformité.',
    });
  });

  it('answers 403 to a role that may not act and 404 out of scope', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    // A sampler sees the analysis but does not receive it.
    expect((await sampler.agent.get(url(id))).status).toBe(200);
    expect((await sampler.agent.post(url(id, '/reception')).send(reception(1))).status).toBe(403);
    expect((await national.agent.post(url(id, '/reception')).send(reception(1))).status).toBe(403);
    // Another laboratory never knows the analysis exists.
    expect((await labUserB.agent.get(url(id))).status).toBe(404);
    expect((await labUserB.agent.post(url(id, '/reception')).send(reception(1))).status).toBe(404);
    expect((await upload(id, PDF, labUserB.agent)).status).toBe(404);
    expect((await labUserB.agent.get(url(id, '/versions'))).status).toBe(404);
    expect((await labUserB.agent.get(`/api/samples/${sample.id}/analyses`)).status).toBe(404);
    await submitted(id, [residue(withMrl, 'Q', 0.2)]);
    // Out of the reviewer's region or department: unknown.
    expect((await review(id, { decision: 'Confirm' }, otherRegion.agent)).status).toBe(404);
    expect((await review(id, { decision: 'Confirm' }, otherDepartment.agent)).status).toBe(404);
    expect((await otherRegion.agent.get(url(id))).status).toBe(404);
    // Observers and laboratories do not review.
    expect((await review(id, { decision: 'Confirm' }, observer.agent)).status).toBe(403);
    expect((await review(id, { decision: 'Confirm' }, labUserA.agent)).status).toBe(403);
    expect((await labUserA.agent.post(url(id, '/reevaluate')).send({ version: 1 })).status).toBe(
      403,
    );
    expect(
      (
        await labUserA.agent
          .post(`/api/samples/${sample.id}/counter-analyses`)
          .send({ itemNumber: 1, copyNumber: 2, laboratoryId: labB.id, reason: 'Contestation' })
      ).status,
    ).toBe(403);
    expect((await t.db('analyses').where({ id }).first()).status).toBe('InReview');
  });

  it('answers 409 to a stale version and to a step the state refuses', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    const tooEarly = await labUserA.agent
      .put(url(id, '/results'))
      .send({ ...content([residue(withMrl, 'ND')]), version: await versionOf(id) });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.message).toBe('Enregistrez d’abord la réception de l’échantillon.');
    expect((await review(id, { decision: 'Confirm' })).status).toBe(409);

    const stale = await labUserA.agent
      .post(url(id, '/reception'))
      .send(reception((await versionOf(id)) + 1));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('VersionConflict');

    await receive(id);
    const twice = await labUserA.agent
      .post(url(id, '/reception'))
      .send(reception(await versionOf(id)));
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('Conflict');
    expect(twice.body.message).toBe('La réception de cet échantillon est déjà enregistrée.');

    const early = await review(id, { decision: 'Confirm' });
    expect(early.status).toBe(409);
    expect(early.body.message).toBe('Les résultats de cette analyse ne sont pas encore transmis.');

    await save(id, [residue(withMrl, 'Q', 0.2)]);
    expect((await upload(id)).status).toBe(200);
    const staleSubmit = await labUserA.agent
      .post(url(id, '/submit'))
      .send({ version: (await versionOf(id)) - 1 });
    expect(staleSubmit.status).toBe(409);
    expect(staleSubmit.body.error).toBe('VersionConflict');
    expect((await submit(id)).status).toBe(200);
    const again = await submit(id);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('Les résultats de cette analyse sont déjà transmis.');
    const draft = await labUserA.agent
      .put(url(id, '/results'))
      .send({ ...content([residue(withMrl, 'ND')]), version: await versionOf(id) });
    expect(draft.status).toBe(409);
  });
});

describe('finding analyses', () => {
  it('shows a laboratory only the analyses addressed to it, with counts per status', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    const mine = await labUserA.agent.get('/api/analyses').query({ perPage: 200 });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((a: { laboratoryId: string }) => a.laboratoryId === labA.id)).toBe(
      true,
    );
    const item = mine.body.items.find((a: { id: string }) => a.id === id);
    expect(item).toMatchObject({
      sampleId: sample.id,
      sampleReference: sample.reference,
      copyReference: `${sample.reference}-A-1`,
      status: 'Sent',
      regionCode: '84',
      departmentCode: '69',
      counterAnalysis: false,
      mrlChanged: false,
    });
    const counted = Object.values(mine.body.statusCounts as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(counted).toBe(mine.body.total);
    const inDb = await t.db('analyses').where({ laboratoryId: labA.id }).count({ count: '*' });
    expect(mine.body.total).toBe(Number(inDb[0]!.count));

    const theirs = await labUserB.agent.get('/api/analyses').query({ perPage: 200 });
    expect(theirs.body.items.map((a: { id: string }) => a.id)).not.toContain(id);
    // The laboratory filter cannot widen a laboratory's view.
    const widened = await labUserB.agent.get('/api/analyses').query({ laboratoryId: labA.id });
    expect(widened.body.items.map((a: { id: string }) => a.id)).not.toContain(id);

    const byReference = await regional.agent
      .get('/api/analyses')
      .query({ reference: `${sample.reference}-A` });
    expect(byReference.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    const sentOnly = await regional.agent
      .get('/api/analyses')
      .query({ status: ['Completed'], reference: sample.reference });
    expect(sentOnly.body.items).toEqual([]);
    expect(sentOnly.body.statusCounts.Sent).toBe(1);
    expect(sentOnly.body.total).toBe(0);
    expect(
      (await otherRegion.agent.get('/api/analyses').query({ reference: sample.reference })).body
        .total,
    ).toBe(0);
    expect(
      (await sampler.agent.get('/api/analyses').query({ reference: sample.reference })).body.total,
    ).toBe(1);
  });

  it('lists the MRLs of a matrix', async () => {
    const response = await labUserA.agent.get('/api/mrls').query({ matrixCode });
    expect(response.status).toBe(200);
    expect(response.body).toContainEqual({
      substanceCode: withMrl,
      matrixCode,
      value: 0.5,
      source: 'LMR de test',
    });
    expect(
      response.body.some((m: { substanceCode: string }) => m.substanceCode === withoutMrl),
    ).toBe(false);
  });
});

describe('after submission', () => {
  it('corrects by a new version, keeps the old one and sends the analysis back to review', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await submitted(id, [residue(withMrl, 'Q', 0.2)]);
    expect((await review(id, { decision: 'Confirm' })).status).toBe(200);

    const noReason = await labUserA.agent
      .post(url(id, '/corrections'))
      .send({ ...content([residue(withMrl, 'Q', 2)]), version: await versionOf(id), reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues[0]).toEqual({
      path: 'body.reason',
      message: 'Indiquez le motif de la correction.',
    });

    const corrected = await labUserA.agent.post(url(id, '/corrections')).send({
      ...content([residue(withMrl, 'Q', 2)]),
      version: await versionOf(id),
      reason: 'Erreur de dilution',
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(corrected.body).toMatchObject({
      status: 'InReview',
      resultVersion: 2,
      computedCompliant: false,
      compliant: false,
      reviewedAt: null,
      reviewerName: null,
      reviewComment: null,
    });
    expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
      status: 'InReview',
      compliant: null,
    });
    expect(await notificationsOf(departmental.id, 'AnalysisCorrected')).toHaveLength(1);

    const versions = await departmental.agent.get(url(id, '/versions'));
    expect(versions.status).toBe(200);
    expect(versions.body.map((v: { resultVersion: number }) => v.resultVersion)).toEqual([2, 1]);
    expect(versions.body[0]).toMatchObject({
      reason: 'Erreur de dilution',
      source: 'Form',
      computedCompliant: false,
      authorName: labUserA.name,
    });
    expect(versions.body[0].residues[0].value).toBe(2);
    expect(versions.body[1]).toMatchObject({ reason: null, computedCompliant: true });
    expect(versions.body[1].residues[0].value).toBe(0.2);
  });

  it('lets the reviewer override the verdict with a comment', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await submitted(id, [residue(withMrl, 'Q', 1.5)]);
    const overridden = await review(id, {
      decision: 'Override',
      compliant: true,
      comment: 'Contamination du laboratoire avérée',
    });
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
    expect(overridden.body).toMatchObject({
      status: 'Completed',
      computedCompliant: false,
      compliant: true,
      complianceOverridden: true,
      reviewComment: 'Contamination du laboratoire avérée',
    });
    expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
      status: 'Completed',
      compliant: true,
    });
  });

  it('re-evaluates the verdict once the MRL table changed', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    // 0.8 mg/kg against 0.5: above, but within the 50 % uncertainty.
    const body = await submitted(id, [
      residue(changing, 'Q', 0.8),
      residue(withMrl, 'Q', 0.8, { mrl: 0.5 }),
    ]);
    expect(body.residues[0].verdict).toMatchObject({ rule: 'WithinUncertainty', warning: true });
    expect((await review(id, { decision: 'Confirm' })).status).toBe(200);
    expect((await departmental.agent.get(url(id))).body.mrlChanged).toBe(false);

    await t.db('mrls').where({ substanceCode: changing, matrixCode }).update({ value: 0.2 });
    // The MRL the laboratory entered is not the table's: only `changing` counts.
    await t.db('mrls').where({ substanceCode: withMrl, matrixCode }).update({ value: 0.4 });
    try {
      const before = await departmental.agent.get(url(id));
      expect(before.body.mrlChanged).toBe(true);
      expect(before.body.compliant).toBe(true);
      const listed = await departmental.agent
        .get('/api/analyses')
        .query({ reference: sample.reference });
      expect(listed.body.items[0].mrlChanged).toBe(true);

      const reevaluated = await departmental.agent
        .post(url(id, '/reevaluate'))
        .send({ version: await versionOf(id) });
      expect(reevaluated.status, JSON.stringify(reevaluated.body)).toBe(200);
      expect(reevaluated.body).toMatchObject({
        mrlChanged: false,
        computedCompliant: false,
        compliant: false,
        status: 'Completed',
      });
      expect(reevaluated.body.residues[0].verdict).toMatchObject({ mrl: 0.2, rule: 'AboveMrl' });
      expect(reevaluated.body.residues[1].verdict).toMatchObject({
        mrl: 0.5,
        rule: 'WithinUncertainty',
      });
      expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
        compliant: false,
      });
      const audit = await t
        .db('auditEvents')
        .where({ entity: 'analysis', entityId: id, action: 'reevaluate' })
        .first();
      expect(audit.before).toMatchObject({ computedCompliant: true, compliant: true });
      expect(audit.after).toMatchObject({
        computedCompliant: false,
        compliant: false,
        residues: [{ substanceCode: changing, mrlBefore: 0.5, mrlAfter: 0.2 }],
      });
    } finally {
      await t.db('mrls').where({ substanceCode: changing, matrixCode }).update({ value: 0.5 });
      await t.db('mrls').where({ substanceCode: withMrl, matrixCode }).update({ value: 0.5 });
    }
  });

  it('refuses a report over 20 MB (413)', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await receive(id);
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    PDF.copy(big);
    const response = await upload(id, big);
    expect(response.status).toBe(413);
    expect((await t.db('analyses').where({ id }).first()).reportStorageKey).toBeNull();
  });

  it('replaces the report and serves the current one', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await receive(id);
    expect((await labUserA.agent.get(url(id, '/report'))).status).toBe(404);
    expect((await upload(id)).status).toBe(200);
    const firstKey = (await t.db('analyses').where({ id }).first()).reportStorageKey;
    const second = Buffer.concat([PDF, Buffer.from('% seconde version\n')]);
    const replaced = await upload(id, second);
    expect(replaced.status).toBe(200);
    expect(replaced.body.report.size).toBe(second.length);
    const secondKey = (await t.db('analyses').where({ id }).first()).reportStorageKey;
    expect(secondKey).not.toBe(firstKey);
    expect(secondKey).toMatch(new RegExp(`^analyses/${id}/`));
    // The replaced file is deleted once the change is committed.
    expect(await files.exists(secondKey)).toBe(true);
    expect(await files.exists(firstKey)).toBe(false);
    const download = await departmental.agent.get(url(id, '/report')).buffer(true).parse(binary);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain(
      "filename*=UTF-8''rapport%20sign%C3%A9.pdf",
    );
    expect(Buffer.compare(download.body as Buffer, second)).toBe(0);
    expect((await labUserB.agent.get(url(id, '/report'))).status).toBe(404);
  });
});

describe('the laboratory API', () => {
  it('acts with a laboratory token: results from the API, the token named in the versions and history', async () => {
    const admin = await t.loginAs('Administrator');
    const created = await admin.agent
      .post(`/api/laboratories/${labA.id}/tokens`)
      .send({ name: 'LIMS du laboratoire' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bearer = `Bearer ${created.body.token}`;
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;

    const received = await request(t.app)
      .post(url(id, '/reception'))
      .set('Authorization', bearer)
      .send(reception(await versionOf(id)));
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const saved = await request(t.app)
      .put(url(id, '/results'))
      .set('Authorization', bearer)
      .send({ ...content([residue(withMrl, 'Q', 0.1)]), version: await versionOf(id) });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.resultSource).toBe('LabApi');
    const version = await t.db('analysisResultVersions').where({ analysisId: id }).first();
    expect(version).toMatchObject({ createdBy: null, labTokenId: created.body.id });

    const versions = await request(t.app).get(url(id, '/versions')).set('Authorization', bearer);
    expect(versions.body[0].authorName).toBe('API — LIMS du laboratoire');
    const history = await sampler.agent.get(`/api/samples/${sample.id}/history`);
    expect(history.body).toContainEqual(
      expect.objectContaining({
        label: `Résultats enregistrés (${sample.reference}-A-1)`,
        userName: 'API — LIMS du laboratoire',
      }),
    );
    // Review is not part of the laboratory API.
    expect(
      (
        await request(t.app)
          .post(url(id, '/review'))
          .set('Authorization', bearer)
          .send({ version: 1, decision: 'Confirm', compliant: null, comment: '' })
      ).status,
    ).toBe(401);
  });
});

describe('a sample that is not admissible', () => {
  it('notifies the sampler and the coordinators, in the app and by e-mail', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    mailer.sent.length = 0;
    const rejected = await labUserA.agent.post(url(id, '/not-admissible')).send({
      version: await versionOf(id),
      receivedAt: receivedAt(),
      reason: 'TemperatureNotRespected',
      comment: 'Reçu à 18 °C',
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'NotAdmissible',
      notAdmissibleReason: 'TemperatureNotRespected',
      notAdmissibleComment: 'Reçu à 18 °C',
    });
    expect(await t.db('samples').where({ id: sample.id }).first()).toMatchObject({
      status: 'NotAdmissible',
      compliant: null,
    });
    const notice = (await notificationsOf(sampler.id, 'SampleNotAdmissible')).find((n) =>
      n.title.includes(sample.reference),
    );
    expect(notice).toMatchObject({ link: `/prelevements/${sample.id}` });
    expect(notice.body).toContain('Température de transport non respectée');
    for (const coordinator of [departmental, regional])
      expect(
        (await notificationsOf(coordinator.id, 'SampleNotAdmissible')).some(
          (n) => n.link === `/analyses/${id}`,
        ),
      ).toBe(true);
    expect((await notificationsOf(otherDepartment.id, 'SampleNotAdmissible')).length).toBe(0);
    const mail = mailer.sent.find((m) => m.to.includes(sampler.email));
    expect(mail?.subject).toBe(`[Maestro] Échantillon non recevable : ${sample.reference}-A-1`);
    expect(mail?.text).toContain(`/prelevements/${sample.id}`);
    expect(mailer.sent.some((m) => m.to.includes(labUserA.email))).toBe(false);

    // Final: nothing more happens to it.
    expect(
      (
        await labUserA.agent
          .put(url(id, '/results'))
          .send({ ...content([residue(withMrl, 'ND')]), version: await versionOf(id) })
      ).status,
    ).toBe(409);
  });
});

describe('counter-analysis', () => {
  it('sends a kept copy to a second laboratory, which alone sees and handles it', async () => {
    const sample = await sentSample();
    const path = `/api/samples/${sample.id}/counter-analyses`;
    const ask = (body: Record<string, unknown>, agent = regional.agent) =>
      agent.post(path).send({
        itemNumber: 1,
        copyNumber: 2,
        laboratoryId: labB.id,
        reason: 'Contestation du détenteur',
        ...body,
      });
    expect((await ask({}, otherRegion.agent)).status).toBe(404);
    expect((await ask({}, observer.agent)).status).toBe(403);
    const copyOne = await ask({ copyNumber: 1 });
    expect(copyOne.status).toBe(400);
    expect(copyOne.body.issues[0].path).toBe('body.copyNumber');
    const sameLab = await ask({ laboratoryId: labA.id });
    expect(sameLab.status).toBe(400);
    expect(sameLab.body.issues[0].path).toBe('body.laboratoryId');
    const noLab = await ask({ laboratoryId: randomUUID() });
    expect(noLab.status).toBe(400);
    expect(noLab.body.issues[0]).toEqual({
      path: 'body.laboratoryId',
      message: 'Laboratoire introuvable.',
    });
    const noItem = await ask({ itemNumber: 2 });
    expect(noItem.status).toBe(400);

    const created = await ask({});
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      counterAnalysis: true,
      counterAnalysisReason: 'Contestation du détenteur',
      laboratoryId: labB.id,
      copyNumber: 2,
      copyReference: `${sample.reference}-A-2`,
      status: 'Sent',
    });
    const counterId = created.body.id as string;
    expect((await ask({})).status).toBe(409);

    // Laboratory B sees it, its sample, and only its own analysis of the sample.
    expect((await labUserB.agent.get(url(counterId))).status).toBe(200);
    const listed = await labUserB.agent.get('/api/analyses').query({ reference: sample.reference });
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([counterId]);
    expect((await labUserB.agent.get(`/api/samples/${sample.id}`)).status).toBe(200);
    const ofSample = await labUserB.agent.get(`/api/samples/${sample.id}/analyses`);
    expect(ofSample.status).toBe(200);
    expect(ofSample.body.map((a: { id: string }) => a.id)).toEqual([counterId]);
    expect(
      (await notificationsOf(labUserB.id, 'CounterAnalysisRequested')).map((n) => n.link),
    ).toContain(`/analyses/${counterId}`);
    // Its samples list shows the sample and counts it, from the counts tables (no filter) as
    // from the samples (a text filter), the same way.
    const samplesOfB = await labUserB.agent.get('/api/samples').query({ perPage: 100 });
    const samplesOfBByText = await labUserB.agent
      .get('/api/samples')
      .query({ q: sample.reference, perPage: 100 });
    for (const answer of [samplesOfB, samplesOfBByText]) {
      expect(answer.status).toBe(200);
      expect(answer.body.items.map((s: { id: string }) => s.id)).toContain(sample.id);
      const counted = Object.values(answer.body.statusCounts as Record<string, number>);
      expect(counted.reduce((sum, n) => sum + n, 0)).toBe(answer.body.total);
      expect(answer.body.total).toBe(answer.body.items.length);
    }
    expect(samplesOfBByText.body.total).toBe(1);
    const [held] = await t
      .db('samples')
      .whereNotIn('status', ['Draft', 'Submitted'])
      .where((b) =>
        b
          .where({ laboratoryId: labB.id })
          .orWhereIn('id', t.db('analyses').where({ laboratoryId: labB.id }).select('sampleId')),
      )
      .count({ count: '*' });
    expect(samplesOfB.body.total).toBe(Number(held?.count));
    // Laboratory A does not see the counter-analysis.
    expect((await labUserA.agent.get(url(counterId))).status).toBe(404);
    const ofSampleA = await labUserA.agent.get(`/api/samples/${sample.id}/analyses`);
    expect(ofSampleA.body.map((a: { id: string }) => a.id)).toEqual(sample.analysisIds);
    // The coordinators see both.
    const all = await regional.agent.get(`/api/samples/${sample.id}/analyses`);
    expect(all.body.map((a: { id: string }) => a.id)).toEqual([...sample.analysisIds, counterId]);

    // Laboratory B receives it; the sample's own status follows its primary analysis only.
    const received = await labUserB.agent
      .post(url(counterId, '/reception'))
      .send(reception(await versionOf(counterId)));
    expect(received.status).toBe(200);
    expect((await t.db('samples').where({ id: sample.id }).first()).status).toBe('Sent');
  });
});

describe('the sample history', () => {
  it('lists the analysis events with who acted, a laboratory token by its name', async () => {
    const sample = await sentSample();
    const id = sample.analysisIds[0]!;
    await submitted(id, [residue(withMrl, 'Q', 1.5)]);
    await review(id, { decision: 'Override', compliant: true, comment: 'Erreur d’étiquetage' });
    const [token] = await t
      .db('labTokens')
      .insert({
        laboratoryId: labA.id,
        name: 'LIMS production',
        prefix: 'mlab_abcd',
        tokenHash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
      })
      .returning('id');
    await t.db('auditEvents').insert({
      userId: null,
      labTokenId: token.id,
      entity: 'analysis',
      entityId: id,
      action: 'uploadReport',
      after: JSON.stringify({ fileName: 'rapport-lims.pdf' }),
    });

    const history = await sampler.agent.get(`/api/samples/${sample.id}/history`);
    expect(history.status).toBe(200);
    const copy = `${sample.reference}-A-1`;
    const events = history.body.map((e: { label: string; userName: string | null }) => [
      e.label,
      e.userName,
    ]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['Demande d’analyse envoyée au laboratoire', sampler.name],
        [`Réception au laboratoire (${copy})`, labUserA.name],
        [`Résultats enregistrés (${copy})`, labUserA.name],
        [`Rapport déposé : rapport signé.pdf (${copy})`, labUserA.name],
        [`Résultats transmis (${copy})`, labUserA.name],
        [`Verdict corrigé (conforme) : Erreur d’étiquetage (${copy})`, departmental.name],
        ['Statut du prélèvement : Terminé, conforme', departmental.name],
        [`Rapport déposé : rapport-lims.pdf (${copy})`, 'API — LIMS production'],
      ]),
    );
    const times = history.body.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
    // Another laboratory does not read the history of a sample it holds nothing of.
    expect((await labUserB.agent.get(`/api/samples/${sample.id}/history`)).status).toBe(404);
  });
});

describe('writing imported results (for the result import)', () => {
  const service = () => {
    const logger = createLogger('silent');
    return createAnalysisService({
      db: t.db,
      storage: files,
      logger,
      notifications: createNotificationService(t.db as Db, mailer, logger, 'http://localhost'),
      outbox: t.mailOutbox,
    });
  };

  async function importRow(fileName: string): Promise<string> {
    const [row] = await t
      .db('analysisImports')
      .insert({
        laboratoryId: labA.id,
        fileName,
        size: 10,
        sha256: '0'.repeat(64),
        storageKey: `imports/${randomUUID()}`,
        encoding: 'utf-8',
        lineCount: 1,
        counts: JSON.stringify({ Write: 1, Warning: 0, Error: 0 }),
        lines: JSON.stringify([]),
      })
      .returning('id');
    return row.id;
  }

  /** As the import does it: in its transaction, on behalf of the laboratory user. */
  const apply = (
    user: AuthUser,
    entries: Parameters<ReturnType<typeof service>['applyImportedResults']>[1],
    options: Parameters<ReturnType<typeof service>['applyImportedResults']>[2],
  ) =>
    runWithContext({ requestId: 'import-test', userId: user.id, impersonatedBy: null }, () =>
      transaction(t.db, () => service().applyImportedResults(user, entries, options)),
    );

  it('must run inside the import’s transaction', async () => {
    await expect(
      service().applyImportedResults(labUserA.user, [], {
        existing: 'Keep',
        importId: randomUUID(),
        fileName: 'r.csv',
      }),
    ).rejects.toThrow(/inside the transaction/);
  });

  it('receives, writes and submits; keeps or replaces what was submitted', async () => {
    const sample = await sentSample(3);
    const [sent, inProgress, submittedId] = sample.analysisIds as [string, string, string];
    await receive(inProgress);
    await save(inProgress, [residue(withMrl, 'ND')]);
    await submitted(submittedId, [residue(withMrl, 'Q', 0.2)]);
    const importId = await importRow('resultats.csv');
    const before = await t.db('analyses').where({ id: submittedId }).first();
    const noticesBefore = async (userId: string) =>
      Number((await t.db('notifications').where({ userId }).count({ n: '*' }))[0]?.n ?? 0);
    const departmentalBefore = await noticesBefore(departmental.user.id);
    const samplerBefore = await noticesBefore(sampler.user.id);

    const kept = await apply(
      labUserA.user,
      [
        { analysisId: sent, content: content([residue(withMrl, 'ND'), residue(withoutMrl, 'ND')]) },
        {
          analysisId: inProgress,
          content: { ...content([residue(withMrl, 'Q', 3)]), analysedAt: null },
        },
        { analysisId: submittedId, content: content([residue(withMrl, 'Q', 5)]) },
      ],
      { existing: 'Keep', importId, fileName: 'resultats.csv' },
    );
    expect(kept).toEqual({ writtenResidues: 3, analysisIds: [sent, inProgress] });

    const first = await t.db('analyses').where({ id: sent }).first();
    expect(first).toMatchObject({ status: 'Completed', compliant: true, resultVersion: 1 });
    expect(first.receivedAt).not.toBeNull();
    expect(first.reception).toBeNull();
    const second = await t.db('analyses').where({ id: inProgress }).first();
    expect(second).toMatchObject({
      status: 'InReview',
      computedCompliant: false,
      resultVersion: 1,
    });
    expect(await t.db('analyses').where({ id: submittedId }).first()).toMatchObject({
      version: before.version,
      resultVersion: 1,
    });
    const versions = await t
      .db('analysisResultVersions')
      .whereIn('analysisId', [sent, inProgress])
      .select('source', 'importId');
    expect(versions).toEqual([
      { source: 'Import', importId },
      { source: 'Import', importId },
    ]);
    expect((await t.db('samples').where({ id: sample.id }).first()).status).toBe('InReview');
    // Announced once per person for the whole import, not once per analysis.
    const departmentalNotices = await t
      .db('notifications')
      .where({ userId: departmental.user.id })
      .orderBy('createdAt', 'desc');
    expect(departmentalNotices.length - departmentalBefore).toBe(1);
    expect(departmentalNotices[0]).toMatchObject({
      kind: 'AnalysisSubmitted',
      title: 'Résultats importés : 1 analyse à valider',
      link: '/analyses?statut=InReview',
    });
    expect(departmentalNotices[0]?.body).toContain(`À valider : ${sample.reference}-B-1.`);
    expect(departmentalNotices[0]?.body).toContain(
      `Terminées sans résidu détecté (conformes) : ${sample.reference}-A-1.`,
    );
    const samplerNotices = await t
      .db('notifications')
      .where({ userId: sampler.user.id })
      .orderBy('createdAt', 'desc');
    expect(samplerNotices.length - samplerBefore).toBe(1);
    expect(samplerNotices[0]?.title).toBe('Analyses terminées : 1 échantillon conforme');
    const queued = await t.db('mailDeliveries').where({ kind: 'analysis.notification' });
    expect(
      queued.some((m) => `${m.subject}\n${m.body}`.includes(`À valider : ${sample.reference}-B-1`)),
    ).toBe(true);
    // One e-mail per recipient for the whole import (a digest when there are several notices).
    const recipients = queued.flatMap((m) => m.recipients as string[]);
    expect(new Set(recipients).size).toBe(recipients.length);

    const replaced = await apply(
      labUserA.user,
      [{ analysisId: submittedId, content: content([residue(withMrl, 'Q', 5)]) }],
      { existing: 'Replace', importId, fileName: 'resultats.csv' },
    );
    expect(replaced).toEqual({ writtenResidues: 1, analysisIds: [submittedId] });
    const third = await departmental.agent.get(url(submittedId, '/versions'));
    expect(third.body[0]).toMatchObject({
      resultVersion: 2,
      source: 'Import',
      reason: 'Import du fichier « resultats.csv »',
      computedCompliant: false,
    });
    expect((await t.db('analyses').where({ id: submittedId }).first()).status).toBe('InReview');
  });

  it('refuses another laboratory’s analysis and a copy not admissible, writing nothing', async () => {
    const sample = await sentSample(2);
    const [first, second] = sample.analysisIds as [string, string];
    const importId = await importRow('refus.csv');
    await expect(
      apply(labUserB.user, [{ analysisId: first, content: content([residue(withMrl, 'ND')]) }], {
        existing: 'Keep',
        importId,
        fileName: 'refus.csv',
      }),
    ).rejects.toMatchObject({ status: 403 });
    const rejected = await labUserA.agent.post(url(second, '/not-admissible')).send({
      version: await versionOf(second),
      receivedAt: receivedAt(),
      reason: 'SealBroken',
      comment: '',
    });
    expect(rejected.status).toBe(200);
    await expect(
      apply(
        labUserA.user,
        [
          { analysisId: first, content: content([residue(withMrl, 'ND')]) },
          { analysisId: second, content: content([residue(withMrl, 'ND')]) },
        ],
        { existing: 'Replace', importId, fileName: 'refus.csv' },
      ),
    ).rejects.toMatchObject({ status: 409 });
    // All or nothing: the first analysis was not touched either.
    expect(await t.db('analyses').where({ id: first }).first()).toMatchObject({
      status: 'Sent',
      resultVersion: 0,
    });
  });
});
