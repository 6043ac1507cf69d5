import { type Db, executor } from '@maestro/database';
import type {
  FindNotificationsQuery,
  Notification,
  NotificationKind,
  Role,
} from '@maestro/shared/schema';
import type { Logger } from 'pino';
import type { Mail, Mailer } from '../adapters/mail';
import { NotFoundError } from '../http/errors';

export interface Audience {
  roles: Role[];
  /** Only users of these regions (regional and departmental roles); all when absent. */
  regionCodes?: string[];
  /** Only users of these departments (departmental roles); all when absent. */
  departmentCodes?: string[];
  /** Only users of these laboratories (laboratory users); all when absent. */
  laboratoryIds?: string[];
  /** These users too, whatever their role and scope (e.g. a sample's sampler). */
  userIds?: string[];
  excludeUserId?: string;
}

export interface NotificationDraft {
  kind: NotificationKind;
  title: string;
  body: string;
  /** In-app path, e.g. `/programmation/<id>`. */
  link: string | null;
}

const columns = ['id', 'kind', 'title', 'body', 'link', 'createdAt', 'readAt'];

/**
 * The notification centre: rows written in the transaction of the change they announce, and
 * e-mails sent once that transaction has committed (never for a change that was rolled back).
 */
export function createNotificationService(db: Db, mailer: Mailer, logger: Logger, appUrl: string) {
  const q = () => executor(db);
  return {
    /** Writes the notifications (in the ambient transaction) and returns the e-mails to send after commit. */
    async notify(audience: Audience, draft: NotificationDraft): Promise<Mail[]> {
      const recipients: { id: string; email: string }[] = await q()('users')
        .where((who) => {
          who.where((b) => {
            b.whereIn('role', audience.roles);
            if (audience.regionCodes) b.whereIn('regionCode', audience.regionCodes);
            if (audience.departmentCodes) b.whereIn('departmentCode', audience.departmentCodes);
            if (audience.laboratoryIds) b.whereIn('laboratoryId', audience.laboratoryIds);
          });
          if (audience.userIds && audience.userIds.length > 0)
            who.orWhereIn('id', audience.userIds);
        })
        .andWhere({ disabled: false })
        .modify((b) => {
          if (audience.excludeUserId) b.whereNot({ id: audience.excludeUserId });
        })
        .select('id', 'email');
      if (recipients.length === 0) return [];
      await q()('notifications').insert(recipients.map((r) => ({ userId: r.id, ...draft })));
      const link = draft.link ? `\n\n${new URL(draft.link, appUrl).toString()}` : '';
      return recipients.map((r) => ({
        to: [r.email],
        subject: `[Maestro] ${draft.title}`,
        text: `${draft.body}${link}\n\n— Maestro, plans de surveillance et de contrôle`,
      }));
    },

    /** Sends e-mails one by one; a failure is logged and does not stop the others. */
    async sendAll(mails: Mail[]): Promise<void> {
      for (const mail of mails) {
        try {
          await mailer.send(mail);
        } catch (error) {
          logger.error(
            { err: { message: (error as Error).message } },
            'notification e-mail not sent',
          );
        }
      }
    },

    async find(userId: string, query: FindNotificationsQuery) {
      const base = q()('notifications')
        .where({ userId })
        .modify((b) => {
          if (query.unreadOnly) b.whereNull('readAt');
        });
      const [items, [{ total }], [{ unread }]] = await Promise.all([
        base
          .clone()
          .orderBy([{ column: 'createdAt', order: 'desc' }, { column: 'id' }])
          .limit(query.perPage)
          .offset((query.page - 1) * query.perPage)
          .select(columns),
        base.clone().count({ total: '*' }) as unknown as Promise<[{ total: number }]>,
        q()('notifications')
          .where({ userId })
          .whereNull('readAt')
          .count({ unread: '*' }) as unknown as Promise<[{ unread: number }]>,
      ]);
      return {
        items: items as Notification[],
        total,
        unread,
        page: query.page,
        perPage: query.perPage,
      };
    },

    async markRead(userId: string, id: string): Promise<Notification> {
      const [row] = await q()('notifications')
        .where({ id, userId })
        .update({ readAt: q().raw('coalesce(read_at, now())') })
        .returning(columns);
      if (!row) throw new NotFoundError('Cette notification est introuvable.');
      return row;
    },

    async markAllRead(userId: string): Promise<number> {
      return q()('notifications')
        .where({ userId })
        .whereNull('readAt')
        .update({ readAt: q().fn.now() });
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
