import type { Session } from '@maestro/shared/contract';
import type { AuthUser } from '@maestro/shared/schema';
import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { ApiClientError, api } from '../api/client';

export const sessionKey = ['session'] as const;

/** The signed-in session, or null when anonymous (the API answers 401). */
export const sessionQuery = queryOptions({
  queryKey: sessionKey,
  queryFn: async (): Promise<Session | null> => {
    try {
      return await api.getSession();
    } catch (error) {
      if (error instanceof ApiClientError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
});

export function useSession() {
  return useQuery(sessionQuery);
}

/** The signed-in user; only for components rendered under `RequireAuth`. */
export function useCurrentUser(): AuthUser {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentUser() est appelé hors d’une page authentifiée.');
  return data.user;
}

/** Forgets everything the previous user loaded, and marks the session as anonymous. */
export function clearSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
  queryClient.setQueryData(sessionKey, null);
}

/** Only a path of this application may be a return target after login (no open redirect). */
export function safeReturnPath(value: string | null): string | null {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if (value.startsWith('/connexion')) return null;
  return value;
}

/** The login page's address, remembering where the user wanted to go. */
export function loginPath(wanted: string): string {
  const target = safeReturnPath(wanted);
  return target && target !== '/'
    ? `/connexion?retour=${encodeURIComponent(target)}`
    : '/connexion';
}

let loggedOut = false;
/** The user chose to leave: the next redirection to the login page forgets the current page. */
export function markLoggedOut(): void {
  loggedOut = true;
}
export function consumeLoggedOut(): boolean {
  const value = loggedOut;
  loggedOut = false;
  return value;
}
