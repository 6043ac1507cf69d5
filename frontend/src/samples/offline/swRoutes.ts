/**
 * What the service worker may answer from its cache among the API's routes: only GET requests
 * for reference data, network first (see ../../sw.ts). Samples, files, users, notifications
 * and everything else always go to the network: offline samples live in IndexedDB.
 * Kept apart (no import) so that the service worker's bundle stays tiny; a test checks each
 * pattern against the contract.
 */
export const CACHED_API_ROUTES: readonly RegExp[] = [
  /^\/api\/auth\/session$/,
  /^\/api\/auth\/config$/,
  /^\/api\/laboratories$/,
  /^\/api\/programming-plans$/,
  /^\/api\/programming-plans\/[^/]+$/,
  /^\/api\/programming-plans\/[^/]+\/prescriptions$/,
];

/** A GET of reference data that may be served from the cache when the network fails. */
export function isCachedApiRequest(method: string, pathname: string): boolean {
  return method === 'GET' && CACHED_API_ROUTES.some((pattern) => pattern.test(pathname));
}

/**
 * A request that changes who is signed in (login, logout, OIDC): the cached reference data
 * and session of the previous user are forgotten.
 */
export function changesSession(method: string, pathname: string): boolean {
  return (
    (method !== 'GET' && pathname.startsWith('/api/auth/')) ||
    pathname.startsWith('/api/auth/oidc/')
  );
}
