import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { type Db, transaction } from '@maestro/database';
import { createTestDatabase } from '@maestro/database/testing';
import { createFixtures } from '@maestro/shared/test';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailer, type Mail, type Mailer } from '../adapters/mail';
import { loadConfig } from '../config';
import { ConflictError, NotFoundError } from '../http/errors';
import { createJobQueue, type JobQueue, toKnexRaw } from '../jobs/queue';
import { createMailOutbox, MAIL_DELIVER_QUEUE, type MailDraft, type MailOutbox } from './outbox';

interface Received {
  to: string[];
  raw: string;
}

const received: Received[] = [];
let smtp: SMTPServer;
let db: Db;
let drop: () => Promise<void>;
let queue: JobQueue;
let outbox: MailOutbox;
let createdBy: string;

/** The SMTP mailer, made to fail the next `failures` sends (Infinity: until fixed). */
const mailer = {
  failures: 0,
  smtp: null as Mailer | null,
  async send(mail: Mail) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('Relais SMTP injoignable (simulé)');
    }
    await this.smtp!.send(mail);
  },
};

const logger = pino({ level: 'silent' });

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const waitForStatus = (id: string, status: string) =>
  waitFor(
    () => outbox.findById(id),
    (delivery) => delivery?.status === status,
  );

const jobsOf = async (deliveryId: string) =>
  (
    await db.raw(`select id, state from pgboss.job where name = ? and data->>'deliveryId' = ?`, [
      MAIL_DELIVER_QUEUE,
      deliveryId,
    ])
  ).rows as { id: string; state: string }[];

const draft = (overrides: Partial<MailDraft> = {}): MailDraft => ({
  kind: 'sample.analysisRequest',
  subjectId: randomUUID(),
  recipients: ['labo@maestro.test'],
  subject: '[Maestro] Demande d’analyse 2026-ARA-0001',
  text: 'Veuillez trouver ci-joint la demande d’analyse.',
  attachments: [
    {
      kind: 'test.analysisRequestPdf',
      filename: 'demande.pdf',
      contentType: 'application/pdf',
      params: { reference: '2026-ARA-0001' },
    },
  ],
  ...overrides,
});

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  mailer.smtp = createMailer(
    loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) }),
    tmpdir(),
    logger,
  );

  const database = await createTestDatabase();
  db = database.db;
  drop = database.drop;
  // The connection string is the one of the knex configuration.
  queue = createJobQueue({ db, logger, maintenance: false, pollingIntervalSeconds: 0.5 });
  outbox = createMailOutbox({
    db,
    queue,
    mailer,
    logger,
    retry: { limit: 2, delaySeconds: 0, backoff: false },
  });
  outbox.registerAttachmentBuilder('test.analysisRequestPdf', async (params) => ({
    filename: `demande-${String(params.reference)}.pdf`,
    content: Buffer.from(`%PDF-1.4 demande ${String(params.reference)}`),
    contentType: 'application/pdf',
  }));
  outbox.registerAttachmentBuilder('test.broken', async () => {
    throw new Error('Génération du PDF impossible');
  });
  await queue.start();

  const user = createFixtures(1).user('NationalCoordinator');
  const [row] = await db('users')
    .insert({ ...user, disabled: false })
    .returning('id');
  createdBy = row.id;
});

afterAll(async () => {
  await queue?.stop();
  await drop?.();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  mailer.failures = 0;
});

describe('mail outbox', () => {
  it('writes nothing, queues nothing and sends nothing when the transaction rolls back', async () => {
    let deliveryId = '';
    await expect(
      transaction(db, async () => {
        deliveryId = (await outbox.enqueue(draft(), createdBy)).id;
        expect(await jobsOf(deliveryId)).toHaveLength(0); // invisible outside the transaction
        throw new Error('annulé');
      }),
    ).rejects.toThrow('annulé');
    expect(deliveryId).not.toBe('');
    expect(await db('mailDeliveries').where({ id: deliveryId })).toHaveLength(0);
    expect(await jobsOf(deliveryId)).toHaveLength(0);
    // Two polling rounds: still nothing sent.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(received).toHaveLength(0);
  });

  it('sends a committed mail once, with its attachment built at send time, and journals it', async () => {
    const mail = draft();
    const delivery = await transaction(db, async () => outbox.enqueue(mail, createdBy));
    expect(delivery).toMatchObject({ status: 'Pending', attempts: 0, attemptsLog: [] });
    expect(await db('mailDeliveries').where({ id: delivery.id }).first()).toMatchObject({
      createdBy,
      subjectId: mail.subjectId,
      // Only the descriptor is stored, never the content.
      attachments: mail.attachments,
    });

    const sent = await waitForStatus(delivery.id, 'Sent');
    expect(sent).toMatchObject({ attempts: 1, lastError: null });
    expect(sent!.sentAt).toBeInstanceOf(Date);
    expect(sent!.attemptsLog).toEqual([
      { attemptedAt: expect.any(Date), success: true, error: null },
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['labo@maestro.test']);
    expect(received[0]!.raw).toContain('filename=demande-2026-ARA-0001.pdf');
    expect(received[0]!.raw).toContain('Content-Type: application/pdf');

    expect(await outbox.findBySubject(mail.subjectId!)).toEqual([sent]);
    expect(await outbox.findBySubject(randomUUID())).toEqual([]);
  });

  it('retries a failing relay: two failures then a success, three attempts journaled', async () => {
    mailer.failures = 2;
    const delivery = await outbox.enqueue(draft());
    const sent = await waitForStatus(delivery.id, 'Sent');
    expect(sent!.attempts).toBe(3);
    expect(sent!.lastError).toBeNull();
    expect(sent!.attemptsLog.map((a) => [a.success, a.error])).toEqual([
      [false, 'Relais SMTP injoignable (simulé)'],
      [false, 'Relais SMTP injoignable (simulé)'],
      [true, null],
    ]);
    expect(received).toHaveLength(1);
  });

  it('marks the mail Failed after the last attempt; a retry once fixed sends it', async () => {
    mailer.failures = Number.POSITIVE_INFINITY;
    const delivery = await outbox.enqueue(draft());
    const failed = await waitForStatus(delivery.id, 'Failed');
    expect(failed).toMatchObject({ attempts: 3, lastError: 'Relais SMTP injoignable (simulé)' });
    expect(failed!.attemptsLog.every((a) => !a.success)).toBe(true);
    await waitFor(
      () => jobsOf(delivery.id),
      (jobs) => jobs.every((job) => job.state === 'failed'),
    );
    expect(received).toHaveLength(0);

    mailer.failures = 0;
    const retried = await outbox.retry(delivery.id);
    expect(retried).toMatchObject({ status: 'Pending', attempts: 3 });
    const sent = await waitForStatus(delivery.id, 'Sent');
    expect(sent).toMatchObject({ attempts: 4, lastError: null });
    expect(sent!.attemptsLog.map((a) => a.success)).toEqual([false, false, false, true]);
    expect(received).toHaveLength(1);

    await expect(outbox.retry(delivery.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(outbox.retry(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('journals an attachment that cannot be built as a failed attempt', async () => {
    const delivery = await outbox.enqueue(
      draft({
        attachments: [
          { kind: 'test.broken', filename: 'x.pdf', contentType: 'application/pdf', params: {} },
        ],
      }),
    );
    const failed = await waitForStatus(delivery.id, 'Failed');
    expect(failed).toMatchObject({ attempts: 3, lastError: 'Génération du PDF impossible' });
    expect(received).toHaveLength(0);
  });

  it('refuses an attachment kind without a builder, before writing anything', async () => {
    const mail = draft({
      attachments: [{ kind: 'unknown', filename: 'x', contentType: 'text/plain', params: {} }],
    });
    await expect(outbox.enqueue(mail)).rejects.toThrow(/unknown/);
    expect(await outbox.findBySubject(mail.subjectId!)).toEqual([]);
  });

  it('sends once when the same job runs twice, or two jobs run together', async () => {
    const delivery = await outbox.enqueue(draft());
    await waitForStatus(delivery.id, 'Sent');
    // The same delivery queued again (a job run twice): completed without sending.
    const jobId = await queue.send(MAIL_DELIVER_QUEUE, { deliveryId: delivery.id });
    await waitFor(
      () => jobsOf(delivery.id),
      (jobs) => jobs.find((job) => job.id === jobId)?.state === 'completed',
    );
    expect(received).toHaveLength(1);
    expect((await outbox.findById(delivery.id))!.attempts).toBe(1);

    // Two workers on a mail no job has taken yet: the row lock lets one of them send.
    const [row] = await db('mailDeliveries')
      .insert({ kind: 'test', recipients: ['labo@maestro.test'], subject: 's', body: 'b' })
      .returning('id');
    const outcomes = await Promise.all([outbox.deliver(row.id), outbox.deliver(row.id)]);
    expect(outcomes.sort()).toEqual(['alreadySent', 'sent']);
    expect(received).toHaveLength(2);
    expect((await outbox.findById(row.id))!.attemptsLog).toHaveLength(1);
  });
});

describe('pg-boss SQL on a knex transaction', () => {
  it('turns $n parameters into knex bindings, leaving quoted text and ? alone', () => {
    expect(
      toKnexRaw(`select $2::int, $1, 'a?$1', "b?", $$x?$1$$, data ? 'k', $2`, ['one', 2]),
    ).toEqual({
      sql: `select ?::int, ?, 'a\\?$1', "b\\?", $$x\\?$1$$, data \\? 'k', ?`,
      bindings: [2, 'one', 2],
    });
    expect(toKnexRaw('select $1, $2', [undefined, null]).bindings).toEqual([null, null]);
  });
});
