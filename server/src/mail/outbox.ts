import { type Db, executor, transaction } from '@maestro/database';
import type { MailDelivery, MailDeliveryStatus } from '@maestro/shared/schema';
import type { Logger } from 'pino';
import type { Mail, Mailer } from '../adapters/mail';
import { ConflictError, NotFoundError } from '../http/errors';
import type { Job, JobQueue } from '../jobs/queue';

export type { MailDelivery, MailDeliveryStatus };

/**
 * What the outbox keeps of an attachment: which builder makes it and with what parameters.
 * The content itself is never stored; it is (re)built at each attempt.
 */
export interface AttachmentDescriptor {
  /** The registered builder, e.g. 'sample.analysisRequestPdf'. */
  kind: string;
  /** Informative (shown in the journal); the builder's result is what is sent. */
  filename: string;
  contentType: string;
  params: Record<string, unknown>;
}

export interface BuiltAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export type AttachmentBuilder = (params: Record<string, unknown>) => Promise<BuiltAttachment>;

export interface MailDraft {
  /** What the mail is, e.g. 'sample.analysisRequest'. */
  kind: string;
  /** The record it is about (e.g. the sample), to find its mails again. */
  subjectId: string | null;
  recipients: string[];
  subject: string;
  text: string;
  attachments?: AttachmentDescriptor[];
}

export interface RetryPolicy {
  /** Automatic retries after the first attempt. */
  limit: number;
  /** Seconds before the first retry; doubled (with jitter) at each retry when `backoff`. */
  delaySeconds: number;
  backoff: boolean;
}

/** 6 attempts over about half an hour: 30–60 s, then 1–2, 2–4, 4–8 and 8–16 minutes apart. */
export const DEFAULT_MAIL_RETRY: RetryPolicy = { limit: 5, delaySeconds: 30, backoff: true };

export const MAIL_DELIVER_QUEUE = 'mail.deliver';

interface DeliverJob {
  deliveryId: string;
}

interface DeliveryRow {
  id: string;
  kind: string;
  subjectId: string | null;
  recipients: string[];
  subject: string;
  body: string;
  attachments: AttachmentDescriptor[];
  status: MailDeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

export type DeliveryOutcome = 'sent' | 'alreadySent' | 'notFound';

const MAX_ERROR_LENGTH = 2000;
const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH) ||
  'Erreur inconnue';

export interface MailOutboxOptions {
  db: Db;
  queue: JobQueue;
  mailer: Mailer;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
}

/**
 * The durable mail outbox (docs/decisions/0008-jobs-and-mail-outbox.md). `enqueue` writes the
 * mail and its job in the caller's transaction; a pg-boss worker sends it, with retries, and
 * journals every attempt.
 *
 * Delivery is at-least-once: the worker locks the row (`select … for update`), checks it is
 * not already Sent, sends, and marks it Sent in that same transaction. A job run twice, or two
 * jobs for the same mail, therefore send it once. The one window left is a crash (or lost
 * connection) after the relay accepted the mail and before the commit: the row stays Pending
 * and the retry sends the mail a second time. A duplicate is preferred to a lost mail.
 */
export function createMailOutbox({ db, queue, mailer, logger, retry }: MailOutboxOptions) {
  const log = logger.child({ module: 'mail-outbox' });
  const q = () => executor(db);
  const builders = new Map<string, AttachmentBuilder>();
  const policy = { ...DEFAULT_MAIL_RETRY, ...retry };

  const lock = async (deliveryId: string): Promise<DeliveryRow | undefined> =>
    q()('mailDeliveries').where({ id: deliveryId }).forUpdate().first();

  /** Journals an attempt and updates the row, in the ambient transaction (row locked). */
  const record = async (row: DeliveryRow, error: unknown | null, isLastAttempt: boolean) => {
    const failed = error !== null;
    const message = failed ? errorText(error) : null;
    await q()('mailDeliveryAttempts').insert({
      deliveryId: row.id,
      success: !failed,
      error: message,
    });
    await q()('mailDeliveries')
      .where({ id: row.id })
      .update({
        status: failed ? (isLastAttempt ? 'Failed' : 'Pending') : 'Sent',
        attempts: row.attempts + 1,
        lastError: failed ? message : null,
        sentAt: failed ? null : q().fn.now(),
        updatedAt: q().fn.now(),
      });
  };

  const buildAttachments = async (descriptors: AttachmentDescriptor[]) => {
    const built: BuiltAttachment[] = [];
    for (const descriptor of descriptors) {
      const builder = builders.get(descriptor.kind);
      if (!builder) throw new Error(`Aucun générateur de pièce jointe « ${descriptor.kind} ».`);
      built.push(await builder(descriptor.params));
    }
    return built;
  };

  /**
   * One attempt to send a delivery: the job's work. Throws when the attempt failed (after
   * journaling it), so that the job is retried.
   */
  const deliver = async (
    deliveryId: string,
    { isLastAttempt = false }: { isLastAttempt?: boolean } = {},
  ): Promise<DeliveryOutcome> => {
    // A cheap look first: no attachment is built for a mail already sent.
    const current: DeliveryRow | undefined = await q()('mailDeliveries')
      .where({ id: deliveryId })
      .first();
    if (!current) {
      log.warn({ deliveryId }, 'mail delivery not found');
      return 'notFound';
    }
    if (current.status === 'Sent') return 'alreadySent';

    let attachments: BuiltAttachment[] = [];
    let failure: unknown = null;
    try {
      attachments = await buildAttachments(current.attachments);
    } catch (error) {
      failure = error;
    }

    const outcome = await transaction(db, async (): Promise<DeliveryOutcome | 'attempted'> => {
      const row = await lock(deliveryId);
      if (!row) return 'notFound';
      // Another job sent it while this one was building: once is enough.
      if (row.status === 'Sent') return 'alreadySent';
      if (failure === null) {
        const mail: Mail = { to: row.recipients, subject: row.subject, text: row.body };
        if (attachments.length > 0) mail.attachments = attachments;
        try {
          await mailer.send(mail);
        } catch (error) {
          failure = error;
        }
      }
      // The attempt is journaled whether it succeeded or not; a failure is thrown after commit.
      await record(row, failure, isLastAttempt);
      return 'attempted';
    });
    if (outcome !== 'attempted') return outcome;

    if (failure !== null) {
      log.warn(
        {
          deliveryId,
          kind: current.kind,
          final: isLastAttempt,
          err: { message: errorText(failure) },
        },
        isLastAttempt ? 'mail delivery failed for good' : 'mail delivery failed, will retry',
      );
      throw failure instanceof Error ? failure : new Error(errorText(failure));
    }
    log.info({ deliveryId, kind: current.kind }, 'mail delivered');
    return 'sent';
  };

  const ready = (async () => {
    await queue.defineQueue(MAIL_DELIVER_QUEUE, {
      retryLimit: policy.limit,
      retryDelaySeconds: policy.delaySeconds,
      retryBackoff: policy.backoff,
      // Building the attachments and talking to the relay: well under this.
      expireInSeconds: 300,
    });
    await queue.work<DeliverJob>(MAIL_DELIVER_QUEUE, async (job: Job<DeliverJob>) => {
      await deliver(job.data.deliveryId, { isLastAttempt: job.isLastAttempt });
    });
  })();
  ready.catch((error: Error) =>
    log.error({ err: { message: error.message } }, 'mail outbox not registered'),
  );

  const toDelivery = (
    row: DeliveryRow,
    attempts: { deliveryId: string; attemptedAt: Date; success: boolean; error: string | null }[],
  ): MailDelivery => ({
    id: row.id,
    kind: row.kind,
    recipients: row.recipients,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    attemptsLog: attempts
      .filter((a) => a.deliveryId === row.id)
      .map(({ attemptedAt, success, error }) => ({ attemptedAt, success, error })),
  });

  const findWithAttempts = async (rows: DeliveryRow[]): Promise<MailDelivery[]> => {
    if (rows.length === 0) return [];
    const attempts = await q()('mailDeliveryAttempts')
      .whereIn(
        'deliveryId',
        rows.map((r) => r.id),
      )
      .orderBy([{ column: 'attemptedAt' }, { column: 'id' }])
      .select('deliveryId', 'attemptedAt', 'success', 'error');
    return rows.map((row) => toDelivery(row, attempts));
  };

  return {
    /** Registers how to (re)build the attachments of a kind, e.g. a PDF from a sample id. */
    registerAttachmentBuilder(kind: string, builder: AttachmentBuilder): void {
      if (builders.has(kind)) throw new Error(`Attachment builder ${kind} already registered.`);
      builders.set(kind, builder);
    },

    /**
     * Writes the mail and its delivery job in the ambient transaction (or in one of its own):
     * both exist if and only if the caller's change commits.
     */
    async enqueue(draft: MailDraft, createdBy?: string | null): Promise<MailDelivery> {
      if (draft.recipients.length === 0) throw new Error('A mail needs at least one recipient.');
      const attachments = draft.attachments ?? [];
      for (const attachment of attachments) {
        if (!builders.has(attachment.kind)) {
          throw new Error(`No attachment builder registered for ${attachment.kind}.`);
        }
      }
      await ready;
      return transaction(db, async () => {
        const [row]: DeliveryRow[] = await q()('mailDeliveries')
          .insert({
            kind: draft.kind,
            subjectId: draft.subjectId,
            recipients: draft.recipients,
            subject: draft.subject,
            body: draft.text,
            attachments: JSON.stringify(attachments),
            createdBy: createdBy ?? null,
          })
          .returning('*');
        await queue.send<DeliverJob>(MAIL_DELIVER_QUEUE, { deliveryId: row!.id });
        return toDelivery(row!, []);
      });
    },

    /** Sends a Failed (or stuck Pending) mail again, with a fresh series of attempts. */
    async retry(deliveryId: string): Promise<MailDelivery> {
      await ready;
      return transaction(db, async () => {
        const row = await lock(deliveryId);
        if (!row) throw new NotFoundError('Ce courriel est introuvable.');
        if (row.status === 'Sent') throw new ConflictError('Ce courriel a déjà été envoyé.');
        const [updated]: DeliveryRow[] = await q()('mailDeliveries')
          .where({ id: deliveryId })
          .update({ status: 'Pending', updatedAt: q().fn.now() })
          .returning('*');
        await queue.send<DeliverJob>(MAIL_DELIVER_QUEUE, { deliveryId });
        return (await findWithAttempts([updated!]))[0]!;
      });
    },

    /** The mails about a record, oldest first, each with the journal of its attempts. */
    async findBySubject(subjectId: string): Promise<MailDelivery[]> {
      const rows: DeliveryRow[] = await q()('mailDeliveries')
        .where({ subjectId })
        .orderBy([{ column: 'createdAt' }, { column: 'id' }]);
      return findWithAttempts(rows);
    },

    async findById(deliveryId: string): Promise<MailDelivery | null> {
      const row: DeliveryRow | undefined = await q()('mailDeliveries')
        .where({ id: deliveryId })
        .first();
      return row ? ((await findWithAttempts([row]))[0] ?? null) : null;
    },

    /** The job's work, exposed for tests and manual recovery; see `createMailOutbox`. */
    deliver,

    /** Resolves once the queue and its worker are declared. */
    ready,
  };
}

export type MailOutbox = ReturnType<typeof createMailOutbox>;
