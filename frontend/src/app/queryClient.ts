import { QueryClient } from '@tanstack/react-query';
import { ApiClientError } from '../api/client';

/** Retries only what may succeed later: network errors and 5xx, twice at most. */
const shouldRetry = (failureCount: number, error: unknown): boolean =>
  failureCount < 2 &&
  (!(error instanceof ApiClientError) || error.status === 0 || error.status >= 500);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
