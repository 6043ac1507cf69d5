import type { HandlersOf } from '../http/router';
import type { NotificationService } from './service';

export const notificationHandlers = (
  notifications: NotificationService,
): HandlersOf<'findNotifications' | 'markNotificationRead' | 'markAllNotificationsRead'> => ({
  findNotifications: async ({ user, query }) => notifications.find(user.id, query),
  markNotificationRead: async ({ user, params }) =>
    notifications.markRead(user.id, params.notificationId),
  markAllNotificationsRead: async ({ user }) => ({
    updated: await notifications.markAllRead(user.id),
  }),
});
