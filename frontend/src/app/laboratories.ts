import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';

/** The approved laboratories: a small referential, fetched once per session. */
export const laboratoriesQuery = queryOptions({
  queryKey: ['laboratories'],
  queryFn: () => api.findLaboratories(),
  staleTime: 10 * 60_000,
});

export function useLaboratories() {
  return useQuery(laboratoriesQuery);
}
