import type { FindMrlTableQuery } from '@maestro/shared/schema';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';

export const mrlTableKey = ['referential', 'mrls'] as const;

/** One page of the MRL table, as administrators manage it. */
export const mrlTableQuery = (query: FindMrlTableQuery) =>
  queryOptions({
    queryKey: [...mrlTableKey, query],
    queryFn: () => api.findMrlTable({ query }),
    placeholderData: (previous) => previous,
    staleTime: 0,
  });

/**
 * What a change of the table makes stale: the table itself, the MRLs the laboratories' form
 * reads (`/api/mrls`) and the analyses (their « LMR modifiée » flag).
 */
export const staleAfterMrlChange = [mrlTableKey, ['mrls'], ['analyses']] as const;
