/**
 * Offline start-up (called by main.tsx): registers the service worker that keeps the app
 * shell for a cold start without network (production builds only), and makes react-query try
 * its requests even when the browser says it is offline: the service worker may answer them
 * from its copy, and connectivity is what the API answers, never `navigator.onLine` alone.
 */
export function startOffline(): void {
  void import('@tanstack/react-query').then(({ onlineManager }) => {
    onlineManager.setEventListener((setOnline) => {
      setOnline(true);
      return () => {};
    });
  });
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // On the first visit the page loaded its session before the worker existed: once the worker
  // controls the page, the reference data a cold start offline needs is asked again through it.
  if (navigator.serviceWorker.controller === null)
    navigator.serviceWorker.addEventListener('controllerchange', warmApiCache, { once: true });
  const register = () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/', updateViaCache: 'none' })
      .catch((error: unknown) => {
        // Not fatal: the app works online; IndexedDB keeps the samples anyway.
        console.warn('Service worker non enregistré', error);
      });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** What the app needs to open without network, as the app itself asks for it (see sw.ts). */
const OFFLINE_START_URLS = ['/api/auth/session', '/api/laboratories'];

/** Asks the worker for the reference data, so that it keeps a copy of the answers. */
function warmApiCache(): void {
  for (const url of OFFLINE_START_URLS) {
    void fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).catch(
      () => {},
    );
  }
}
