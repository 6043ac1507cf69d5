import 'fake-indexeddb/auto';
import type { Sample, SampleContent } from '@maestro/shared/schema';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDbForTests } from './db';
import { createSampleStore } from './store';
import {
  backoffDelay,
  MAX_RETRY_MS,
  SESSION_EXPIRED_MESSAGE,
  SyncEngine,
  type Timers,
} from './sync';
import { emptyContent, keepBlobsInStructuredClone, ownerId, serverSample } from './testing';

keepBlobsInStructuredClone();

const store = createSampleStore();

/** Timers that only record what the engine planned; tests fire them by hand. */
function fakeTimers() {
  const planned: { id: number; ms: number; callback: () => void }[] = [];
  let next = 0;
  const timers: Timers = {
    set(callback, ms) {
      next += 1;
      planned.push({ id: next, ms, callback });
      return next;
    },
    clear(handle) {
      const index = planned.findIndex((timer) => timer.id === handle);
      if (index >= 0) planned.splice(index, 1);
    },
  };
  return {
    timers,
    /** The waits planned for retries (the engine's other timers are shorter than 1 s or 3 s). */
    retries: () => planned.filter((timer) => timer.ms !== 3_000).map((timer) => timer.ms),
    /** Fires the planned retry and waits for the pass it starts. */
    async fireRetry(engine: SyncEngine) {
      const timer = planned.find((item) => item.ms !== 3_000 && item.ms !== 0);
      if (!timer) throw new Error('Aucun nouvel essai prévu');
      planned.splice(planned.indexOf(timer), 1);
      timer.callback();
      await engine.whenIdle();
    },
  };
}

type Handler = (request: { method: string; url: URL; body: unknown }) => Response | undefined;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const apiError = (status: number, error: string, message: string) =>
  json(status, { error, message, issues: [] });

/**
 * Maestro's API as far as sync is concerned: idempotent creation under the client's id,
 * versioned edits (409 when the version changed), idempotent file uploads.
 */
function fakeServer() {
  const samples = new Map<string, Sample>();
  const attachments = new Map<string, { id: string; sampleId: string; fileName: string }>();
  const log: string[] = [];
  let session: 'ok' | 'expired' = 'ok';
  let override: Handler | null = null;
  const contentOfBody = (body: Record<string, unknown>): SampleContent => {
    const { id: _id, version: _version, ...content } = body;
    return content as unknown as SampleContent;
  };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  const handle = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body =
      typeof init.body === 'string' ? JSON.parse(init.body) : ((init.body as unknown) ?? null);
    log.push(`${method} ${url.pathname}`);
    const overridden = override?.({ method, url, body });
    if (overridden) return overridden;
    if (session === 'expired') return apiError(401, 'Unauthenticated', 'Session expirée.');
    if (url.pathname === '/api/auth/session') {
      return json(200, {
        user: {
          id: ownerId,
          email: 'camille.martin@maestro.test',
          firstName: 'Camille',
          lastName: 'Martin',
          role: 'Sampler',
          regionCode: '84',
          departmentCode: '69',
          laboratoryId: null,
        },
        impersonatedBy: null,
      });
    }
    const match = url.pathname.match(/^\/api\/samples(?:\/([^/]+))?(\/attachments)?$/);
    if (!match) return apiError(404, 'NotFound', 'Introuvable.');
    const [, id, files] = match;
    if (method === 'POST' && !id) {
      const created = body as Record<string, unknown> & { id: string };
      const existing = samples.get(created.id);
      if (existing) {
        // A replay: same content → the same answer; other content without a version → 409.
        return same(contentOfBody(created), contentOfBody(existing as never))
          ? json(200, existing)
          : apiError(409, 'Conflict', 'Ce prélèvement existe déjà avec un autre contenu.');
      }
      const sample = serverSample(created.id, contentOfBody(created));
      samples.set(created.id, sample);
      return json(201, sample);
    }
    const sample = id ? samples.get(id) : undefined;
    if (!id || !sample) return apiError(404, 'NotFound', 'Prélèvement introuvable.');
    if (files && method === 'POST') {
      const fileName = url.searchParams.get('fileName') ?? '';
      const bytes = new Uint8Array(await (body as Blob).arrayBuffer());
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      const sha256 = Array.from(new Uint8Array(digest), (byte) =>
        byte.toString(16).padStart(2, '0'),
      ).join('');
      const key = `${id}/${fileName}/${sha256}`;
      const stored = attachments.get(key) ?? {
        id: crypto.randomUUID(),
        sampleId: id,
        fileName,
      };
      attachments.set(key, stored);
      return json(201, {
        ...stored,
        caption: url.searchParams.get('caption') ?? '',
        contentType: 'image/jpeg',
        size: bytes.length,
        sha256,
        createdAt: '2026-03-02T08:00:00.000Z',
      });
    }
    if (method === 'GET') return json(200, sample);
    if (method === 'PUT') {
      const update = body as Record<string, unknown> & { version: number };
      if (update.version !== sample.version) {
        return apiError(409, 'VersionConflict', 'Le prélèvement a été modifié entre-temps.');
      }
      const next = { ...sample, ...contentOfBody(update), version: sample.version + 1 };
      samples.set(id, next);
      return json(200, next);
    }
    return apiError(405, 'BadRequest', 'Méthode non prise en charge.');
  };
  return {
    samples,
    attachments,
    log,
    fetch: vi.fn(handle),
    expire: () => {
      session = 'expired';
    },
    login: () => {
      session = 'ok';
    },
    /** Answers some requests differently (return undefined to let the server answer). */
    intercept: (handler: Handler | null) => {
      override = handler;
    },
    /** An edit made on the server by someone else. */
    editOnServer(id: string, patch: Partial<SampleContent>) {
      const sample = samples.get(id) as Sample;
      samples.set(id, { ...sample, ...patch, version: sample.version + 1 });
    },
  };
}

let server: ReturnType<typeof fakeServer>;
let clock: ReturnType<typeof fakeTimers>;
let engine: SyncEngine;

beforeEach(async () => {
  await resetDbForTests();
  server = fakeServer();
  vi.stubGlobal('fetch', server.fetch);
  clock = fakeTimers();
  engine = new SyncEngine({ store, timers: clock.timers, locks: null, browserEvents: false });
});

afterEach(() => {
  engine.stop();
  vi.unstubAllGlobals();
});

const startEngine = () => engine.start(ownerId);

describe('the sync engine', () => {
  it('creates the sample under its client id; success is the API echoing that id', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'Verger nord' }));
    await startEngine();
    expect(server.samples.get(local.id)?.parcel).toBe('Verger nord');
    expect(await store.get(local.id)).toMatchObject({
      syncState: 'synced',
      dirty: false,
      baseVersion: 1,
      server: { id: local.id, reference: 'ARA-26-00001' },
    });
    expect(engine.getState()).toMatchObject({ online: true, pending: 0, syncing: false });
    expect(engine.getState().lastSyncedAt).not.toBeNull();
    expect(clock.retries()).toEqual([]);
  });

  it('takes a captive portal’s 200 HTML page for a failure, and retries later', async () => {
    const local = await store.create(ownerId, emptyContent());
    server.intercept(({ url }) =>
      url.pathname === '/api/samples'
        ? new Response('<html><body>Portail Wi-Fi</body></html>', {
            status: 200,
            headers: { 'Content-Type': 'text/html' },
          })
        : undefined,
    );
    await startEngine();
    expect(await store.get(local.id)).toMatchObject({ dirty: true, syncState: 'local' });
    expect(engine.getState()).toMatchObject({ online: false, pending: 1 });
    expect(clock.retries()).toEqual([1_000]);
  });

  it('takes a JSON answer that does not echo the sample’s id for a failure', async () => {
    const local = await store.create(ownerId, emptyContent());
    server.intercept(({ url, method }) =>
      url.pathname === '/api/samples' && method === 'POST'
        ? json(201, serverSample('11111111-2222-4333-8444-555555555555', emptyContent()))
        : undefined,
    );
    await startEngine();
    expect(await store.get(local.id)).toMatchObject({ dirty: true, syncState: 'local' });
    expect(clock.retries()).toEqual([1_000]);
  });

  it('puts the sample in conflict when the server’s version changed (409), with the server’s copy', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'P1', ownerName: 'A' }));
    await startEngine();
    server.editOnServer(local.id, { parcel: 'P-serveur' });
    await store.update(local.id, emptyContent({ parcel: 'P-local', ownerName: 'A' }));
    await engine.syncNow();
    const after = await store.get(local.id);
    expect(after).toMatchObject({ syncState: 'conflict', dirty: true });
    expect(after?.conflict?.server).toMatchObject({ version: 2, parcel: 'P-serveur' });
    expect(engine.getState()).toMatchObject({ conflicts: 1, pending: 1 });
    expect(clock.retries()).toEqual([]);

    // The agent keeps their value: the edit is sent on the server's version.
    await store.resolveConflict(local.id, 'mine');
    await engine.syncNow();
    expect(server.samples.get(local.id)).toMatchObject({ version: 3, parcel: 'P-local' });
    expect(await store.get(local.id)).toMatchObject({ syncState: 'synced', baseVersion: 3 });
  });

  it('merges a server change to another field without asking, then sends the result', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'P1', ownerName: 'A' }));
    await startEngine();
    server.editOnServer(local.id, { ownerName: 'B' });
    await store.update(local.id, emptyContent({ parcel: 'P2', ownerName: 'A' }));
    await engine.syncNow();
    expect(server.samples.get(local.id)).toMatchObject({
      version: 3,
      parcel: 'P2',
      ownerName: 'B',
    });
    expect(await store.get(local.id)).toMatchObject({ syncState: 'synced', dirty: false });
  });

  it('shows a refusal that is not about the version (409 Conflict) without looping', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'P1' }));
    await startEngine();
    await store.update(local.id, emptyContent({ parcel: 'P2' }));
    server.intercept(({ method }) =>
      method === 'PUT'
        ? apiError(
            409,
            'Conflict',
            'Un prélèvement transmis au laboratoire ne peut plus être modifié.',
          )
        : undefined,
    );
    await engine.syncNow();
    expect(await store.get(local.id)).toMatchObject({
      syncState: 'error',
      errorKind: 'invalid',
      error: 'Un prélèvement transmis au laboratoire ne peut plus être modifié.',
    });
    expect(server.log.filter((line) => line.startsWith('PUT'))).toHaveLength(1);
    expect(clock.retries()).toEqual([]);
  });

  it('keeps the queue on 401, says so in French, and resumes after login', async () => {
    const local = await store.create(ownerId, emptyContent());
    server.intercept(({ url }) =>
      url.pathname === '/api/samples'
        ? apiError(401, 'Unauthenticated', 'Non connecté.')
        : undefined,
    );
    await startEngine();
    expect(await store.get(local.id)).toMatchObject({
      dirty: true,
      syncState: 'error',
      errorKind: 'auth',
      error: SESSION_EXPIRED_MESSAGE,
    });
    expect(engine.getState()).toMatchObject({ authRequired: true, pending: 1 });
    expect(clock.retries()).toEqual([]);

    // The session check itself answers 401 too: nothing is sent.
    server.intercept(null);
    server.expire();
    await engine.syncNow();
    expect(server.samples.size).toBe(0);
    expect(engine.getState().authRequired).toBe(true);

    // The agent logs in again: the badge starts the engine for them, the queue resumes.
    server.login();
    await engine.start(ownerId);
    expect(server.samples.size).toBe(1);
    expect(await store.get(local.id)).toMatchObject({ syncState: 'synced', error: null });
    expect(engine.getState().authRequired).toBe(false);
  });

  it('backs off on network errors: 1 s doubling, capped at 5 min; a manual sync resets it', async () => {
    const local = await store.create(ownerId, emptyContent());
    server.fetch.mockImplementation(() => Promise.reject(new TypeError('Failed to fetch')));
    await startEngine();
    const waits = [clock.retries()[0]];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      await clock.fireRetry(engine);
      waits.push(clock.retries()[0]);
    }
    expect(waits).toEqual([
      1_000,
      2_000,
      4_000,
      8_000,
      16_000,
      32_000,
      64_000,
      128_000,
      256_000,
      MAX_RETRY_MS,
      MAX_RETRY_MS,
      MAX_RETRY_MS,
    ]);
    expect(backoffDelay(30)).toBe(MAX_RETRY_MS);
    expect(engine.getState()).toMatchObject({ online: false, pending: 1 });
    expect(await store.get(local.id)).toMatchObject({ syncState: 'local', dirty: true });

    await engine.syncNow();
    expect(clock.retries()).toEqual([1_000]);
  });

  it('never sends twice: a creation whose answer was lost is replayed under the same id', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'Une fois' }));
    // The server stores the sample, but its answer never arrives.
    const realFetch = server.fetch.getMockImplementation() as typeof fetch;
    let lost = false;
    server.fetch.mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (!lost && String(input) === '/api/samples' && init?.method === 'POST') {
        lost = true;
        throw new TypeError('Failed to fetch');
      }
      return response;
    });
    await startEngine();
    expect(server.samples.size).toBe(1);
    expect(await store.get(local.id)).toMatchObject({ dirty: true, syncState: 'local' });

    // The queue is replayed twice: one record, the same id, the same answer.
    await clock.fireRetry(engine);
    await engine.syncNow();
    expect(server.samples.size).toBe(1);
    expect(await store.get(local.id)).toMatchObject({
      syncState: 'synced',
      server: { id: local.id, version: 1 },
    });
    expect(server.log.filter((line) => line === 'POST /api/samples')).toHaveLength(2);
  });

  it('after a lost answer and a new edit, adopts its own creation and sends the edit', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'Avant' }));
    const realFetch = server.fetch.getMockImplementation() as typeof fetch;
    let lost = false;
    server.fetch.mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (!lost && String(input) === '/api/samples' && init?.method === 'POST') {
        lost = true;
        throw new TypeError('Failed to fetch');
      }
      return response;
    });
    await startEngine();
    await store.update(local.id, emptyContent({ parcel: 'Après' }));
    await engine.syncNow();
    expect(server.samples.size).toBe(1);
    expect(server.samples.get(local.id)).toMatchObject({ version: 2, parcel: 'Après' });
    expect(await store.get(local.id)).toMatchObject({ syncState: 'synced', baseVersion: 2 });
  });

  it('sends an edit made during an upload as the next version', async () => {
    const local = await store.create(ownerId, emptyContent({ parcel: 'v1' }));
    const realFetch = server.fetch.getMockImplementation() as typeof fetch;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => {};
    const uploading = new Promise<void>((resolve) => {
      started = resolve;
    });
    server.fetch.mockImplementation(async (input, init) => {
      if (String(input) === '/api/samples' && init?.method === 'POST') {
        started();
        await gate;
      }
      return realFetch(input, init);
    });
    const pass = startEngine();
    await uploading;
    expect((await store.get(local.id))?.syncState).toBe('syncing');
    await store.update(local.id, emptyContent({ parcel: 'v2' }));
    release();
    await pass;
    expect(server.samples.get(local.id)).toMatchObject({ version: 2, parcel: 'v2' });
    expect(server.log.filter((line) => line.startsWith('POST /api/samples'))).toHaveLength(1);
    expect(server.log.filter((line) => line.startsWith('PUT /api/samples'))).toHaveLength(1);
    expect(await store.get(local.id)).toMatchObject({ syncState: 'synced', dirty: false });
  });

  it('never lets one failing sample block the others, in creation order', async () => {
    const refused = await store.create(ownerId, emptyContent({ parcel: 'refusé' }));
    const accepted = await store.create(ownerId, emptyContent({ parcel: 'accepté' }));
    server.intercept(({ body }) =>
      (body as { parcel?: string } | null)?.parcel === 'refusé'
        ? json(400, {
            error: 'ValidationError',
            message: 'Le prélèvement est invalide.',
            issues: [{ path: 'body.departmentCode', message: 'Département inconnu.' }],
          })
        : undefined,
    );
    await startEngine();
    expect(await store.get(refused.id)).toMatchObject({
      syncState: 'error',
      errorKind: 'invalid',
      error: 'Le prélèvement est invalide. Département inconnu.',
    });
    expect(await store.get(accepted.id)).toMatchObject({ syncState: 'synced' });
    expect(server.log.indexOf('POST /api/samples')).toBeLessThan(
      server.log.lastIndexOf('POST /api/samples'),
    );
    // Not retried automatically until edited.
    expect(clock.retries()).toEqual([]);
    await engine.syncNow();
    expect(server.log.filter((line) => line === 'POST /api/samples')).toHaveLength(2);
  });

  it('uploads the missing files once the sample exists, idempotently', async () => {
    const local = await store.create(ownerId, emptyContent());
    await store.addAttachments(local.id, [
      { blob: new Blob(['photo']), fileName: 'photo.jpg', contentType: 'image/jpeg' },
    ]);
    // The file's answer is lost the first time.
    const realFetch = server.fetch.getMockImplementation() as typeof fetch;
    let lost = false;
    server.fetch.mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (!lost && String(input).includes('/attachments')) {
        lost = true;
        throw new TypeError('Failed to fetch');
      }
      return response;
    });
    await startEngine();
    expect(await store.get(local.id)).toMatchObject({ pendingAttachments: 1 });
    await clock.fireRetry(engine);
    expect(server.attachments.size).toBe(1);
    expect(await store.get(local.id)).toMatchObject({ pendingAttachments: 0, syncState: 'synced' });
    const [file] = await store.listAttachments(local.id);
    expect(file).toMatchObject({ uploaded: true });
    expect(file?.serverId).toBe([...server.attachments.values()][0]?.id);
  });
});
