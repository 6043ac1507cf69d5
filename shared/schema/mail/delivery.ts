import { z } from 'zod';
import { Id } from '../common/common';

/** Pending until sent; Failed once every automatic attempt has failed (a retry is possible). */
export const MailDeliveryStatus = z.enum(['Pending', 'Sent', 'Failed']);
export type MailDeliveryStatus = z.infer<typeof MailDeliveryStatus>;
export const MailDeliveryStatusList = MailDeliveryStatus.options;
export const MailDeliveryStatusLabels: Record<MailDeliveryStatus, string> = {
  Pending: 'En cours d’envoi',
  Sent: 'Envoyé',
  Failed: 'Échec de l’envoi',
};

/** One attempt to send an e-mail, as journaled. */
export const MailDeliveryAttempt = z.object({
  attemptedAt: z.coerce.date(),
  success: z.boolean(),
  error: z.string().nullable(),
});
export type MailDeliveryAttempt = z.infer<typeof MailDeliveryAttempt>;

/** An e-mail of the outbox (e.g. an analysis request to a laboratory) and its attempts. */
export const MailDelivery = z.object({
  id: Id,
  kind: z.string(),
  recipients: z.array(z.string()),
  subject: z.string(),
  status: MailDeliveryStatus,
  attempts: z.number().int().min(0),
  lastError: z.string().nullable(),
  createdAt: z.coerce.date(),
  sentAt: z.coerce.date().nullable(),
  attemptsLog: z.array(MailDeliveryAttempt),
});
export type MailDelivery = z.infer<typeof MailDelivery>;
