import type { FindUsersQuery } from '@maestro/shared/schema';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';

export const usersKey = ['users'] as const;

export const usersQuery = (query: Partial<FindUsersQuery>) =>
  queryOptions({
    queryKey: [...usersKey, 'list', query],
    queryFn: () => api.findUsers({ query }),
    placeholderData: (previous) => previous,
  });

export const userQuery = (userId: string) =>
  queryOptions({
    queryKey: [...usersKey, 'one', userId],
    queryFn: () => api.getUser({ params: { userId } }),
    staleTime: 0,
  });
