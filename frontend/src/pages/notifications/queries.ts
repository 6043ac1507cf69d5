import type { FindNotificationsQuery } from '@maestro/shared/schema';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';

export const notificationsKey = ['notifications'] as const;

/** The unread count of the header's bell: one item fetched, the count read from the answer. */
export const unreadNotificationsQuery = queryOptions({
  queryKey: [...notificationsKey, 'unread'],
  queryFn: async () => (await api.findNotifications({ query: { perPage: 1 } })).unread,
  refetchInterval: 60_000,
  staleTime: 0,
});

export const notificationsQuery = (query: Partial<FindNotificationsQuery>) =>
  queryOptions({
    queryKey: [...notificationsKey, 'list', query],
    queryFn: () => api.findNotifications({ query }),
    placeholderData: (previous) => previous,
    staleTime: 0,
  });
