import { randomUUID } from 'node:crypto';
import { buildPath, sampleRoutes } from '@maestro/shared/contract';
import { newSampleItem } from '@maestro/shared/domain';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { SampleContent } from '@maestro/shared/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer } from '../adapters/mail';
import { binary } from '../test/files';
import { completeSampleContent } from '../test/sampleContent';
import { request, useTestApp } from '../test/testApp';

const mailer = new MemoryMailer();
const t = useTestApp({}, { mailer });
const laboratory = LaboratorySeedList[0]!;
let planId = '';
let prescriptionId = '';

const complete = (overrides: Partial<SampleContent> = {}): SampleContent =>
  completeSampleContent({ planId, prescriptionId, laboratoryId: laboratory.id }, overrides);

let sampler: request.Agent;
let samplerId = '';
let otherDepartment: request.Agent;
let otherRegion: request.Agent;
let regional: request.Agent;
let national: request.Agent;
let lab: request.Agent;
let otherLab: request.Agent;

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
  const matrix = await t.db('matrices').where({ kindCode: 'A01DH' }).first('code');
  const substance = await t.db('substances').first('code');
  defaults = {
    matrixCode: matrix.code,
    substances: [{ substanceCode: substance.code, method: 'Multi' }],
  };
  const s = await t.loginAs('Sampler', { regionCode: '84', departmentCode: '69' });
  sampler = s.agent;
  samplerId = s.user.id;
  otherDepartment = (await t.loginAs('Sampler', { regionCode: '84', departmentCode: '01' })).agent;
  otherRegion = (await t.loginAs('RegionalCoordinator', { regionCode: '11' })).agent;
  regional = (await t.loginAs('RegionalCoordinator', { regionCode: '84' })).agent;
  national = (await t.loginAs('NationalCoordinator')).agent;
  lab = (await t.loginAs('LaboratoryUser', { laboratoryId: laboratory.id })).agent;
  otherLab = (await t.loginAs('LaboratoryUser', { laboratoryId: LaboratorySeedList[1]!.id })).agent;
});

let defaults: Partial<SampleContent> = {};
const body = (overrides: Partial<SampleContent> = {}) => ({
  id: randomUUID(),
  ...complete({ ...defaults, ...overrides }),
});

async function created(overrides: Partial<SampleContent> = {}) {
  const response = await sampler.post('/api/samples').send(body(overrides));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; version: number; reference: string; status: string };
}

describe('every sample route', () => {
  it.each(Object.entries(sampleRoutes))('%s answers 401 to an anonymous call', async (_, spec) => {
    const params = {
      sampleId: randomUUID(),
      attachmentId: randomUUID(),
      deliveryId: randomUUID(),
      planId: randomUUID(),
      document: 'labels',
    };
    const url = buildPath(spec.path, params);
    const response = await request(t.app)
      [spec.method](url)
      .send(spec.method === 'get' ? undefined : {});
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('Unauthenticated');
  });

  it.each(Object.entries(sampleRoutes).filter(([, spec]) => spec.path.includes(':sampleId')))(
    '%s answers 404 for a sample of another department',
    async (_, spec) => {
      const sample = await created();
      const params = {
        sampleId: sample.id,
        attachmentId: randomUUID(),
        deliveryId: randomUUID(),
        document: 'labels',
      };
      const call = otherDepartment[spec.method](buildPath(spec.path, params));
      const response =
        spec.method === 'get' || spec.method === 'delete'
          ? await call.query({ version: 1 })
          : spec.path.endsWith('/attachments')
            ? await call
                .query({ fileName: 'a.pdf' })
                .set('Content-Type', 'application/pdf')
                .send(Buffer.from('%PDF-1.4'))
            : await call.send({ ...complete(defaults), version: 1 });
      expect(response.status, JSON.stringify(response.body)).toBe(404);
    },
  );
});

describe('creating a sample', () => {
  it('answers 401 to an anonymous call', async () => {
    const response = await request(t.app).post('/api/samples').send(body());
    expect(response.status).toBe(401);
  });

  it('gives a readable reference and keeps the client id', async () => {
    const input = body();
    const response = await sampler.post('/api/samples').send(input);
    expect(response.status).toBe(201);
    expect(response.body.id).toBe(input.id);
    expect(response.body.reference).toMatch(/^ARA-\d{2}-\d{5}$/);
    expect(response.body.status).toBe('Draft');
    expect(response.body.sampler.id).toBe(samplerId);
    expect(response.body.items[0].copies).toHaveLength(3);
  });

  it('answers a replayed creation with the same single sample', async () => {
    const input = body();
    const first = await sampler.post('/api/samples').send(input);
    const second = await sampler.post('/api/samples').send(input);
    const racing = await Promise.all([1, 2, 3].map(() => sampler.post('/api/samples').send(input)));
    expect(second.status).toBe(201);
    expect(second.body.reference).toBe(first.body.reference);
    for (const r of racing) expect(r.body.reference).toBe(first.body.reference);
    const [row] = await t.db('samples').where({ id: input.id }).count('* as count');
    const count = (row as { count: number }).count;
    expect(Number(count)).toBe(1);
  });

  it('refuses other content under an existing id (409)', async () => {
    const input = body();
    await sampler.post('/api/samples').send(input);
    const response = await sampler
      .post('/api/samples')
      .send({ ...input, contextNotes: 'autre contenu' });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/autre contenu/);
  });

  it('refuses malformed input with French messages (400)', async () => {
    const response = await sampler
      .post('/api/samples')
      .send({ ...body(), id: 'pas-un-uuid', legalContext: 'Z', items: 'non' });
    expect(response.status).toBe(400);
    const paths = response.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.legalContext', 'body.items']));
    expect(response.body.issues.find((i: { path: string }) => i.path === 'body.id').message).toBe(
      'Identifiant invalide.',
    );
  });

  it('refuses unknown referential codes, naming the field', async () => {
    const response = await sampler
      .post('/api/samples')
      .send(body({ matrixKindCode: 'NOPE', laboratoryId: randomUUID() }));
    expect(response.status).toBe(400);
    const paths = response.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.matrixKindCode', 'body.laboratoryId']));
  });

  it('refuses a department outside the sampler’s (403) and roles without the right (403)', async () => {
    expect((await sampler.post('/api/samples').send(body({ departmentCode: '38' }))).status).toBe(
      403,
    );
    expect((await national.post('/api/samples').send(body())).status).toBe(403);
    expect((await lab.post('/api/samples').send(body())).status).toBe(403);
  });

  it('keeps references unique under 50 concurrent creations and submissions', async () => {
    const inputs = Array.from({ length: 50 }, () => body());
    const creations = await Promise.all(inputs.map((i) => sampler.post('/api/samples').send(i)));
    expect(creations.map((r) => r.status)).toEqual(inputs.map(() => 201));
    const submissions = await Promise.all(
      creations.map((r) =>
        sampler.post(`/api/samples/${r.body.id}/submit`).send({ version: r.body.version }),
      ),
    );
    expect(submissions.map((r) => r.status)).toEqual(inputs.map(() => 200));
    const references = new Set(submissions.map((r) => r.body.reference));
    expect(references.size).toBe(50);
  });
});

describe('reading a sample', () => {
  it('lets each role see it within its scope only', async () => {
    const sample = await created();
    const url = `/api/samples/${sample.id}`;
    expect((await request(t.app).get(url)).status).toBe(401);
    expect((await sampler.get(url)).status).toBe(200);
    expect((await regional.get(url)).status).toBe(200);
    expect((await national.get(url)).status).toBe(200);
    expect((await otherDepartment.get(url)).status).toBe(404);
    expect((await otherRegion.get(url)).status).toBe(404);
    // A laboratory never sees a draft.
    expect((await lab.get(url)).status).toBe(404);
    expect((await sampler.get(`/api/samples/${randomUUID()}`)).status).toBe(404);
    expect((await sampler.get('/api/samples/nope')).status).toBe(400);
  });
});

describe('editing a draft', () => {
  it('saves with the base version and refuses a stale one (409)', async () => {
    const sample = await created({ ownerConsent: null });
    const url = `/api/samples/${sample.id}`;
    const content = complete({ ...defaults, ownerConsent: false, step: 'Summary' });
    const saved = await sampler.put(url).send({ ...content, version: sample.version });
    expect(saved.status).toBe(200);
    expect(saved.body.ownerConsent).toBe(false);
    expect(saved.body.version).toBe(sample.version + 1);
    const stale = await sampler.put(url).send({ ...content, version: sample.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('VersionConflict');
    expect((await otherDepartment.put(url).send({ ...content, version: 2 })).status).toBe(404);
    expect((await regional.put(url).send({ ...content, version: 2 })).status).toBe(403);
    expect((await sampler.put(url).send({ ...content, version: 'x' })).status).toBe(400);
  });

  it('deletes a draft with its version, never a sent sample', async () => {
    const sample = await created();
    const url = `/api/samples/${sample.id}`;
    expect((await sampler.delete(`${url}?version=99`)).status).toBe(409);
    expect((await otherDepartment.delete(`${url}?version=1`)).status).toBe(404);
    expect((await sampler.delete(`${url}?version=${sample.version}`)).status).toBe(204);
    expect((await sampler.get(url)).status).toBe(404);
  });
});

describe('submitting and sending', () => {
  it('refuses an incomplete record, naming each missing field', async () => {
    const item = newSampleItem(1);
    const sample = await created({ sampledAt: null, items: [item], ownerConsent: null });
    const response = await sampler
      .post(`/api/samples/${sample.id}/submit`)
      .send({ version: sample.version });
    expect(response.status).toBe(400);
    const paths = response.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.sampledAt',
        'body.items.0.copies.0.sealNumber',
        'body.ownerConsent',
      ]),
    );
    expect(
      response.body.issues.find((i: { path: string }) => i.path === 'body.sampledAt').message,
    ).toBe('Indiquez la date et l’heure du prélèvement.');
  });

  it('refuses a sampling date in the future', async () => {
    const sample = await created({ sampledAt: new Date(Date.now() + 86400_000).toISOString() });
    const response = await sampler
      .post(`/api/samples/${sample.id}/submit`)
      .send({ version: sample.version });
    expect(response.status).toBe(400);
    expect(response.body.issues[0].path).toBe('body.sampledAt');
  });

  it('sends a submitted sample: the laboratory receives the request with the PDFs', async () => {
    const sample = await created();
    const url = `/api/samples/${sample.id}`;
    expect((await sampler.post(`${url}/send`).send({ version: sample.version })).status).toBe(409);
    const submitted = await sampler.post(`${url}/submit`).send({ version: sample.version });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('Submitted');
    expect((await otherDepartment.post(`${url}/send`).send({ version: 2 })).status).toBe(404);
    expect((await national.post(`${url}/send`).send({ version: 2 })).status).toBe(403);
    const sent = await sampler.post(`${url}/send`).send({ version: submitted.body.version });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('Sent');
    expect(sent.body.sentAt).not.toBeNull();
    const analyses = await t.db('analyses').where({ sampleId: sample.id });
    expect(analyses).toHaveLength(1);
    expect(analyses[0].laboratoryId).toBe(laboratory.id);

    // Sent: no more edits, no deletion, and the laboratory now sees it; another does not.
    expect(
      (await sampler.put(url).send({ ...complete(defaults), version: sent.body.version })).status,
    ).toBe(409);
    expect((await sampler.delete(`${url}?version=${sent.body.version}`)).status).toBe(409);
    expect((await lab.get(url)).status).toBe(200);
    expect((await otherLab.get(url)).status).toBe(404);

    // The outbox sends the mails in the background.
    await expect
      .poll(() => mailer.sent.filter((m) => m.subject.includes(sample.reference)).length, {
        timeout: 15_000,
      })
      .toBe(2);
    const toLab = mailer.sent.find((m) => m.subject === `Demande d’analyse ${sample.reference}`);
    expect(toLab?.to).toEqual(laboratory.emails);
    expect(toLab?.attachments?.map((a) => a.filename)).toEqual([
      `demande-analyse-${sample.reference}.pdf`,
      `proces-verbal-${sample.reference}-exemplaire-1.pdf`,
    ]);
    expect(toLab?.attachments?.[0]?.content.subarray(0, 5).toString()).toBe('%PDF-');
    const toOwner = mailer.sent.find((m) => m.to.includes('detenteur@example.org'));
    expect(toOwner?.subject).toContain(sample.reference);

    const deliveries = await sampler.get(`${url}/deliveries`);
    expect(deliveries.status).toBe(200);
    await expect
      .poll(async () =>
        (await sampler.get(`${url}/deliveries`)).body.map((d: { status: string }) => d.status),
      )
      .toEqual(['Sent', 'Sent']);
    // A mail already sent is not sent again; unknown or foreign deliveries are not found.
    const [first] = (await sampler.get(`${url}/deliveries`)).body as { id: string }[];
    expect((await sampler.post(`${url}/deliveries/${first?.id}/retry`)).status).toBe(409);
    expect((await sampler.post(`${url}/deliveries/${randomUUID()}/retry`)).status).toBe(404);
    expect((await otherDepartment.post(`${url}/deliveries/${first?.id}/retry`)).status).toBe(404);
    expect((await regional.post(`${url}/deliveries/${first?.id}/retry`)).status).toBe(403);
    expect((await request(t.app).post(`${url}/deliveries/${first?.id}/retry`)).status).toBe(401);
    expect((await otherDepartment.get(`${url}/deliveries`)).status).toBe(404);
    expect((await otherDepartment.get(`${url}/history`)).status).toBe(404);

    const history = await regional.get(`${url}/history`);
    expect(history.body.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'submit',
      'send',
    ]);
    expect(history.body[2].label).toBe('Demande d’analyse envoyée au laboratoire');
  });
});

describe('documents', () => {
  it('produces the support document, labels and analysis request', async () => {
    const sample = await created();
    const base = `/api/samples/${sample.id}/documents`;
    const pdf = await sampler.get(`${base}/supportDocument?copyNumber=2`).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await sampler.get(`${base}/labels`)).status).toBe(200);
    const csv = await sampler.get(`${base}/analysisRequest?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(sample.reference);
    expect((await sampler.get(`${base}/supportDocument?copyNumber=3&format=csv`)).status).toBe(400);
    expect((await sampler.get(`${base}/nope`)).status).toBe(400);
    expect((await otherDepartment.get(`${base}/labels`)).status).toBe(404);
    expect((await request(t.app).get(`${base}/labels`)).status).toBe(401);
  });

  it('produces a blank form for paper sampling', async () => {
    const response = await sampler.get(`/api/samples/blank-form?prescriptionId=${prescriptionId}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(
      (await sampler.get(`/api/samples/blank-form?prescriptionId=${randomUUID()}`)).status,
    ).toBe(404);
    expect((await regional.get('/api/samples/blank-form')).status).toBe(403);
  });
});

describe('attachments', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);

  it('stores a photo once, whatever the replays, and serves it back', async () => {
    const sample = await created();
    const url = `/api/samples/${sample.id}/attachments?fileName=verger.jpg&caption=Le%20verger`;
    const first = await sampler.post(url).set('Content-Type', 'image/jpeg').send(jpeg);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.size).toBe(jpeg.length);
    const replay = await sampler.post(url).set('Content-Type', 'image/jpeg').send(jpeg);
    expect(replay.body.id).toBe(first.body.id);
    const list = await regional.get(`/api/samples/${sample.id}/attachments`);
    expect(list.body).toHaveLength(1);
    const file = await sampler
      .get(`/api/samples/${sample.id}/attachments/${first.body.id}`)
      .buffer(true)
      .parse(binary);
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, jpeg)).toBe(0);
    expect((await sampler.get(`/api/samples/${sample.id}`)).body.attachmentCount).toBe(1);
    expect(
      (await otherDepartment.delete(`/api/samples/${sample.id}/attachments/${first.body.id}`))
        .status,
    ).toBe(404);
    expect(
      (await sampler.delete(`/api/samples/${sample.id}/attachments/${first.body.id}`)).status,
    ).toBe(204);
    expect(
      (await sampler.get(`/api/samples/${sample.id}/attachments/${first.body.id}`)).status,
    ).toBe(404);
  });

  it('checks the content, not only the declared type, and the size', async () => {
    const sample = await created();
    const url = `/api/samples/${sample.id}/attachments?fileName=photo.jpg`;
    const lying = await sampler
      .post(url)
      .set('Content-Type', 'image/jpeg')
      .send(Buffer.from('<html>'));
    expect(lying.status).toBe(415);
    const forbidden = await sampler
      .post(url)
      .set('Content-Type', 'text/html')
      .send(Buffer.from('<script>'));
    expect(forbidden.status).toBe(415);
    const huge = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await sampler.post(url).set('Content-Type', 'image/jpeg').send(huge);
    expect(tooBig.status).toBe(413);
    const badName = await sampler
      .post(`/api/samples/${sample.id}/attachments?fileName=../../etc/passwd`)
      .set('Content-Type', 'image/jpeg')
      .send(jpeg);
    expect(badName.status).toBe(400);
    expect((await t.db('sampleAttachments').where({ sampleId: sample.id })).length).toBe(0);
  });
});
