/**
 * Maestro's service worker (built by vite.config.ts into dist/sw.js, a classic script).
 *
 * - The app shell (index.html, every built chunk, the DSFR's CSS, fonts and the icons used) is
 *   precached at install, so that a cold start without network opens the app; navigations get
 *   the cached index.html.
 * - API answers are never cached, except GET requests for reference data (session, plans,
 *   prescriptions, laboratories): network first, the cached copy when the network fails.
 *   Login and logout forget them. Requests made with `cache: 'no-store'` (the sync engine's
 *   connectivity check) always go to the network.
 * - The agent's samples live in IndexedDB, which this worker never touches: a new version
 *   of the worker cannot lose them.
 */
import { changesSession, isCachedApiRequest } from './samples/offline/swRoutes';

declare const __MAESTRO_PRECACHE__: string[];
declare const __MAESTRO_SW_VERSION__: string;

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
}
interface ServiceWorkerScope {
  readonly location: Location;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}

const worker = self as unknown as ServiceWorkerScope;

const VERSION = __MAESTRO_SW_VERSION__;
const PRECACHE = `maestro-precache-${VERSION}`;
const PRECACHE_PREFIX = 'maestro-precache-';
/** DSFR files and icons fetched at run time (not precached), kept for offline use. */
const STATIC_CACHE = 'maestro-static';
/** Reference data of the API (network first). */
const API_CACHE = 'maestro-api';
/** Which precache the previous version used (its tabs may still load chunks from it). */
const META_CACHE = 'maestro-sw-meta';
const CURRENT_KEY = '/__maestro-sw/current';
const PREVIOUS_KEY = '/__maestro-sw/previous';
/** After this wait the cached copy of reference data is served (one bar of signal). */
const NETWORK_TIMEOUT_MS = 6_000;

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(PRECACHE);
      // Bypass the HTTP cache: index.html and the DSFR files must match this build.
      await cache.addAll(__MAESTRO_PRECACHE__.map((url) => new Request(url, { cache: 'reload' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const meta = await caches.open(META_CACHE);
      const current = await (await meta.match(CURRENT_KEY))?.text();
      let previous = await (await meta.match(PREVIOUS_KEY))?.text();
      if (current !== PRECACHE) {
        previous = current;
        if (previous) await meta.put(PREVIOUS_KEY, new Response(previous));
        await meta.put(CURRENT_KEY, new Response(PRECACHE));
      }
      // The current and the previous app shells are kept: a tab still running the previous
      // version loads its lazy chunks from there until it is reloaded.
      const keep = new Set([PRECACHE, previous]);
      for (const name of await caches.keys()) {
        if (name.startsWith(PRECACHE_PREFIX) && !keep.has(name)) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('message', (event) => {
  if (event.data === 'maestro:clear-api-cache') event.waitUntil(caches.delete(API_CACHE));
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;

  if (url.pathname.startsWith('/api/')) {
    if (changesSession(request.method, url.pathname)) {
      event.waitUntil(caches.delete(API_CACHE));
      return;
    }
    if (request.cache === 'no-store' || !isCachedApiRequest(request.method, url.pathname)) return;
    event.respondWith(networkFirst(event, request));
    return;
  }

  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(appShell(request));
    return;
  }
  event.respondWith(staticFile(request, url));
});

/** Every page of the app is index.html (client-side routes): the precached one first. */
async function appShell(request: Request): Promise<Response> {
  const cached =
    (await caches.match('/index.html', { cacheName: PRECACHE })) ??
    (await caches.match('/index.html'));
  if (cached) return cached;
  return fetch(request);
}

/** Built chunks, DSFR files and icons: from the caches, else the network (kept if DSFR). */
async function staticFile(request: Request, url: URL): Promise<Response> {
  const cached =
    (await caches.match(request)) ??
    (url.pathname.startsWith('/dsfr/')
      ? await caches.match(request, { ignoreSearch: true })
      : undefined);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && (url.pathname.startsWith('/dsfr/') || url.pathname.startsWith('/icons/'))) {
    const copy = response.clone();
    void caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

const isJson = (response: Response) =>
  (response.headers.get('Content-Type') ?? '').includes('application/json');

/** Reference data: the network's answer (kept), else after a failure or a long wait the copy. */
async function networkFirst(event: FetchEvent, request: Request): Promise<Response> {
  const cache = await caches.open(API_CACHE);
  const network = fetch(request).then(async (response) => {
    if (response.ok && isJson(response)) {
      await cache.put(request, response.clone());
    } else if (response.status === 401) {
      // The session is gone: nothing of the previous user is served offline any more.
      await caches.delete(API_CACHE);
    }
    return response;
  });
  event.waitUntil(network.catch(() => undefined));

  const timeout = new Promise<'timeout'>((resolve) => {
    setTimeout(() => resolve('timeout'), NETWORK_TIMEOUT_MS);
  });
  const first = await Promise.race([
    network.then(
      (response) => ({ response }),
      () => ({ response: null }),
    ),
    timeout,
  ]);
  if (first !== 'timeout' && first.response) {
    // A captive portal's HTML page is not Maestro's answer: the copy is better.
    if (first.response.ok && !isJson(first.response)) {
      return (await cache.match(request)) ?? first.response;
    }
    return first.response;
  }
  const cached = await cache.match(request);
  if (cached) return cached;
  if (first === 'timeout') return network.catch(() => Response.error());
  return Response.error();
}
