import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';

export const labTokensKey = ['lab-tokens'] as const;

/** The API tokens of a laboratory (never their value). */
export const labTokensQuery = (laboratoryId: string) =>
  queryOptions({
    queryKey: [...labTokensKey, laboratoryId],
    queryFn: () => api.findLabTokens({ params: { laboratoryId } }),
    staleTime: 0,
  });
