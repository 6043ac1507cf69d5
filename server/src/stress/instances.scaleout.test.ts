import { randomUUID } from 'node:crypto';
import type { Db } from '@maestro/database';
import { createTestDatabase } from '@maestro/database/testing';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { Role } from '@maestro/shared/schema';
import { createFixtures, testSeed } from '@maestro/shared/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password';
import { completeSampleContent } from '../test/sampleContent';
import { type SpawnedServer, spawnServer } from '../test/spawnServer';
import { CookieClient } from './shared/cookieClient';
import { type SmtpCatcher, startSmtpCatcher } from './shared/smtpCatcher';

/**
 * Proof of scale-out (`pnpm test:scale-out`): two real server processes (`src/main.ts`) on two
 * ports against one PostgreSQL database, as behind a load balancer. A session opened on one is
 * valid on the other (and its logout ends it on both); a job (the mail outbox, pg-boss) queued
 * by either runs once although both run workers; a notification written through one is read,
 * and marked read, through the other. Each instance sends its mail with its own sender address,
 * so that the test sees which one ran each job.
 */

const PASSWORD = 'Mot-de-passe-echelle-1';
const SENDS = 20;
const seed = testSeed();
const fixtures = createFixtures(seed);
const laboratory = LaboratorySeedList[0]!;
const sender = { A: 'instance-a@maestro.test', B: 'instance-b@maestro.test' } as const;

let db: Db;
let dropDatabase: () => Promise<void> = async () => {};
let smtp: SmtpCatcher;
let A: SpawnedServer;
let B: SpawnedServer;
const instances = () => [A, B] as const;

let planId = '';
let prescriptionId = '';
let matrixCode = '';
let substanceCode = '';
const emails = {} as Record<
  'sampler' | 'otherSampler' | 'national' | 'regional' | 'laboratory',
  string
>;
const figures: string[] = [];

async function insertUser(role: Role, scope: { regionCode?: string; departmentCode?: string }) {
  const fixture = fixtures.user(role, { ...scope, laboratoryId: laboratory.id });
  await db('users').insert({
    ...fixture,
    disabled: false,
    passwordHash: await hashPassword(PASSWORD),
  });
  return fixture.email;
}

beforeAll(async () => {
  if (process.env.TEST_SEED === undefined) console.info(`fixtures seed: TEST_SEED=${seed}`);
  smtp = await startSmtpCatcher();
  const database = await createTestDatabase();
  db = database.db;
  dropDatabase = database.drop;

  emails.sampler = await insertUser('Sampler', { regionCode: '84', departmentCode: '69' });
  emails.otherSampler = await insertUser('Sampler', { regionCode: '84', departmentCode: '01' });
  emails.national = await insertUser('NationalCoordinator', {});
  emails.regional = await insertUser('RegionalCoordinator', { regionCode: '84' });
  emails.laboratory = await insertUser('LaboratoryUser', {});
  const [plan] = await db('programmingPlans')
    .insert({ year: 2026, kind: 'PPV', distributionKind: 'REGIONAL', status: 'Validated' })
    .returning('id');
  planId = plan.id;
  const [prescription] = await db('prescriptions')
    .insert({
      planId,
      context: 'Surveillance',
      matrixKindCode: 'A01DH',
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: 100,
    })
    .returning('id');
  prescriptionId = prescription.id;
  matrixCode = (await db('matrices').where({ kindCode: 'A01DH' }).first('code')).code;
  substanceCode = (await db('substances').where({ method: 'Multi' }).first('code')).code;

  // Both at once against the same database, as a deployment starts them; same session secret.
  const env = (name: keyof typeof sender) => ({
    SESSION_SECRET: 'un-secret-de-session-commun-aux-deux-instances',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    MAIL_FROM: `Maestro ${name} <${sender[name]}>`,
  });
  const started = performance.now();
  const spawned = await Promise.allSettled([
    spawnServer({ databaseUrl: database.url, env: env('A') }),
    spawnServer({ databaseUrl: database.url, env: env('B') }),
  ]);
  const failed = spawned.find((result) => result.status === 'rejected');
  if (failed) {
    // Never leave the other process running.
    for (const result of spawned) if (result.status === 'fulfilled') await result.value.kill();
    throw failed.reason;
  }
  [A, B] = spawned.map((result) => (result as PromiseFulfilledResult<SpawnedServer>).value) as [
    SpawnedServer,
    SpawnedServer,
  ];
  const line = `two instances listening on ports ${A.port} and ${B.port} (one database) after ${((performance.now() - started) / 1000).toFixed(1)} s`;
  figures.push(line);
  console.info(line);
});

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
  await smtp?.close();
  await dropDatabase();
  if (figures.length > 0) console.info(`\nscale-out figures:\n- ${figures.join('\n- ')}`);
});

const sampleBody = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  ...completeSampleContent(
    { planId, prescriptionId, laboratoryId: laboratory.id },
    { matrixCode, substances: [{ substanceCode, method: 'Multi' }], ...overrides },
  ),
});

describe('sessions', () => {
  it('a session opened on one instance is valid on the other, and its logout ends it on both', async () => {
    const sampler = new CookieClient();
    await sampler.login(A.url, emails.sampler, PASSWORD);
    const onA = await sampler.call(A.url, 'get', '/api/auth/session');
    const onB = await sampler.call(B.url, 'get', '/api/auth/session');
    expect(onA.status).toBe(200);
    expect(onB.status, JSON.stringify(onB.body)).toBe(200);
    expect(onB.body.user.email).toBe(emails.sampler);
    expect(onB.body.user.id).toBe(onA.body.user.id);

    // A scoped read and write through B with the session of A, and the scope holds across.
    const created = await sampler.call(B.url, 'post', '/api/samples', sampleBody());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const readOnA = await sampler.call(A.url, 'get', `/api/samples/${created.body.id}`);
    expect(readOnA.status).toBe(200);
    expect(readOnA.body.reference).toBe(created.body.reference);
    const list = await sampler.call(B.url, 'get', '/api/samples');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    const other = new CookieClient();
    await other.login(B.url, emails.otherSampler, PASSWORD);
    expect((await other.call(A.url, 'get', `/api/samples/${created.body.id}`)).status).toBe(404);

    // The cookie as it was before logging out (another tab, a copied cookie).
    const kept = new CookieClient();
    for (const [name, value] of sampler.cookies) kept.cookies.set(name, value);
    const logout = await sampler.call(B.url, 'post', '/api/auth/logout');
    expect(logout.status).toBeLessThan(300);
    for (const instance of instances()) {
      expect((await kept.call(instance.url, 'get', '/api/auth/session')).status).toBe(401);
      expect((await kept.call(instance.url, 'get', `/api/samples/${created.body.id}`)).status).toBe(
        401,
      );
    }
    // The other user's session, opened on B, is untouched and still valid on A.
    expect((await other.call(A.url, 'get', '/api/auth/session')).status).toBe(200);
    figures.push(
      'session: opened on A → 200 on B (session, sample read, list, creation); logout on B → 401 on A and B',
    );
  });
});

describe('jobs', () => {
  it(`runs each mail job once though both instances run workers (${SENDS} samples sent)`, async () => {
    const sampler = new CookieClient();
    await sampler.login(A.url, emails.sampler, PASSWORD);
    const started = performance.now();
    // Every sample goes through both instances; the sends alternate, all at once.
    const sent = await Promise.all(
      Array.from({ length: SENDS }, async (_, i) => {
        const [first, second] = i % 2 === 0 ? [A, B] : [B, A];
        const body = sampleBody({ ownerEmail: `detenteur-${i}@example.org` });
        const created = await sampler.call(first.url, 'post', '/api/samples', body);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const submitted = await sampler.call(second.url, 'post', `/api/samples/${body.id}/submit`, {
          version: created.body.version,
        });
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
        const answer = await sampler.call(first.url, 'post', `/api/samples/${body.id}/send`, {
          version: submitted.body.version,
        });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        return {
          id: body.id,
          reference: answer.body.reference as string,
          owner: body.ownerEmail,
          /** The instance whose transaction queued the sample's mail jobs. */
          queuedBy: first === A ? sender.A : sender.B,
        };
      }),
    );
    const answered = ((performance.now() - started) / 1000).toFixed(1);
    const ids = sent.map((s) => s.id);

    // Done when every job has finished (completed, or failed for good): none can run again.
    const deliveries = () => db('mailDeliveries').whereIn('subjectId', ids);
    const final = new Set(['completed', 'failed', 'cancelled']);
    let jobStates: Record<string, number> = {};
    await expect
      .poll(
        async () => {
          const jobs: { state: string }[] = await db
            .withSchema('pgboss')
            .from('job')
            .where({ name: 'mail.deliver' })
            .select('state');
          jobStates = jobs.reduce<Record<string, number>>((acc, job) => {
            acc[job.state] = (acc[job.state] ?? 0) + 1;
            return acc;
          }, {});
          return jobs.length === 2 * SENDS && jobs.every((job) => final.has(job.state));
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(true);
    expect(jobStates).toEqual({ completed: 2 * SENDS });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    const rows: { id: string; status: string; attempts: number; subject: string }[] =
      await deliveries();
    expect(rows).toHaveLength(2 * SENDS);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ['Sent', 1]));
    const [attempts] = await db('mailDeliveryAttempts')
      .whereIn(
        'deliveryId',
        rows.map((r) => r.id),
      )
      .count<{ count: string }[]>('* as count');
    expect(Number(attempts?.count)).toBe(2 * SENDS);
    const retried = await db
      .withSchema('pgboss')
      .from('job')
      .where({ name: 'mail.deliver' })
      .where('retryCount', '>', 0);
    expect(retried).toEqual([]);

    // What the SMTP server received: each mail exactly once.
    const bySubject = new Map<string, typeof smtp.received>();
    for (const mail of smtp.received) {
      bySubject.set(mail.subject, [...(bySubject.get(mail.subject) ?? []), mail]);
    }
    for (const sample of sent) {
      const toLab = bySubject.get(`Demande d’analyse ${sample.reference}`) ?? [];
      const toOwner = bySubject.get(`Procès-verbal de prélèvement ${sample.reference}`) ?? [];
      expect(toLab, sample.reference).toHaveLength(1);
      expect(toOwner, sample.reference).toHaveLength(1);
      expect(toLab[0]!.to).toEqual(laboratory.emails);
      expect(toLab[0]!.raw).toContain(`demande-analyse-${sample.reference}.pdf`);
      expect(toOwner[0]!.to).toEqual([sample.owner]);
    }
    const ours = smtp.received.filter((mail) =>
      sent.some((s) => mail.subject.endsWith(` ${s.reference}`)),
    );
    expect(ours).toHaveLength(2 * SENDS);
    const ranBy = {
      A: ours.filter((m) => m.from === sender.A).length,
      B: ours.filter((m) => m.from === sender.B).length,
    };
    expect(ranBy.A + ranBy.B).toBe(2 * SENDS);
    const byTheOther = ours.filter(
      (m) => m.from !== sent.find((s) => m.subject.endsWith(` ${s.reference}`))!.queuedBy,
    ).length;
    const line = `jobs: ${SENDS} samples sent through both instances → ${2 * SENDS} mail jobs (${JSON.stringify(jobStates)}), ${ours.length} mails received, each once, 1 attempt each, no retry; run by A: ${ranBy.A}, by B: ${ranBy.B} (${byTheOther} by the instance that had not queued them); sends answered after ${answered} s, last job done after ${seconds} s`;
    figures.push(line);
    console.info(line);
  });
});

describe('notifications', () => {
  it('a notification written through one instance is read, and marked read, through the other', async () => {
    const national = new CookieClient();
    const regional = new CookieClient();
    await national.login(A.url, emails.national, PASSWORD);
    await regional.login(B.url, emails.regional, PASSWORD);
    const thread = `/api/prescriptions/${prescriptionId}/regions/84/comments`;

    const before = await regional.call(B.url, 'get', '/api/notifications');
    expect(before.status).toBe(200);
    expect(before.body.unread).toBe(0);
    const comment = await national.call(A.url, 'post', thread, {
      body: 'Merci de confirmer le laboratoire de la ligne Auvergne-Rhône-Alpes.',
    });
    expect(comment.status, JSON.stringify(comment.body)).toBe(201);

    const onB = await regional.call(B.url, 'get', '/api/notifications');
    expect(onB.body.unread).toBe(1);
    const [notification] = onB.body.items;
    expect(notification.kind).toBe('PrescriptionCommented');
    expect(notification.readAt).toBeNull();
    const read = await regional.call(B.url, 'post', `/api/notifications/${notification.id}/read`);
    expect(read.status).toBe(200);
    const onA = await regional.call(A.url, 'get', '/api/notifications');
    expect(onA.body.unread).toBe(0);
    expect(onA.body.items[0].id).toBe(notification.id);
    expect(onA.body.items[0].readAt).not.toBeNull();

    // The other way: the region answers through B, the national level reads it through A.
    const answer = await regional.call(B.url, 'post', thread, {
      body: 'Confirmé : le laboratoire reste celui de la programmation nationale.',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const nationalOnA = await national.call(A.url, 'get', '/api/notifications');
    expect(nationalOnA.body.unread).toBe(1);
    expect(nationalOnA.body.items[0].kind).toBe('PrescriptionCommented');
    const all = await national.call(A.url, 'post', '/api/notifications/read');
    expect(all.body.updated).toBe(1);
    const nationalOnB = await national.call(B.url, 'get', '/api/notifications');
    expect(nationalOnB.body.unread).toBe(0);

    // The e-mail copy of each notification left once, from the instance that wrote it.
    await expect
      .poll(
        () => smtp.received.filter((m) => m.subject.startsWith('[Maestro] Commentaire')).length,
        { timeout: 30_000 },
      )
      .toBe(2);
    const copies = smtp.received.filter((m) => m.subject.startsWith('[Maestro] Commentaire'));
    expect(copies.find((m) => m.to.includes(emails.regional))?.from).toBe(sender.A);
    expect(copies.find((m) => m.to.includes(emails.national))?.from).toBe(sender.B);
    figures.push(
      'notifications: written on A → listed on B, marked read on B → read on A; and back (B → A, all read on A → seen on B); one e-mail copy each',
    );
  });
});
