import { Session } from '@maestro/shared/contract';
import { type Sample, SampleAttachment } from '@maestro/shared/schema';
import { ApiClientError, api, apiUrl } from '../../api/client';
import { onChange } from './channel';
import { type EngineState, initialEngineState, publishStatus } from './status';
import { isUnsynced, type OfflineStore, sampleStore } from './store';
import type { LocalAttachment, LocalSample } from './types';

export const SESSION_EXPIRED_MESSAGE = 'Session expirée : reconnectez-vous pour synchroniser.';
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 5 * 60_000;
/** Quiet time after a local edit before it is sent (the form saves locally at once). */
export const EDIT_SETTLE_MS = 3_000;
/** Rounds of one pass: an edit made during an upload is sent in the next round. */
const MAX_ROUNDS = 3;

/** 1 s, 2 s, 4 s… capped at 5 min: the wait after `failures` failed passes in a row. */
export const backoffDelay = (failures: number): number =>
  Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS);

export const lastSyncKey = (ownerId: string) => `lastSync:${ownerId}`;

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The part of the Web Locks API used here. */
export interface Locks {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

export interface SyncEngineOptions {
  store?: OfflineStore;
  timers?: Timers;
  /** Web Locks (one tab syncs at a time, one tab sends a given sample); in-tab when absent. */
  locks?: Locks | null;
  /** Listen to `online` and `visibilitychange` (off in tests). */
  browserEvents?: boolean;
}

/** One sample's result in a pass. */
type Outcome =
  /** Sent (or nothing to send). */
  | 'done'
  /** Network, server unavailable, not Maestro's answer: back-off. */
  | 'transient'
  /** Refused, in conflict, or held by another tab: waits for the agent or the other tab. */
  | 'blocked'
  /** Session expired: the pass stops, the queue waits for the login. */
  | 'auth';

type Failure =
  | { kind: 'transient'; network: boolean }
  | { kind: 'auth' }
  /** 409: `version` when the server's version changed (VersionConflict), else a refusal. */
  | { kind: 'conflict'; message: string; version: boolean }
  | { kind: 'invalid'; message: string };

/** A 2xx that is not Maestro's answer (a captive portal's page, a proxy's). */
class NotMaestroAnswer extends Error {}

/** What an error means for the queue. */
function classify(error: unknown): Failure {
  if (!(error instanceof ApiClientError)) return { kind: 'transient', network: true };
  const { status } = error;
  if (status === 0) return { kind: 'transient', network: true };
  if (status === 401) return { kind: 'auth' };
  if (status === 409) {
    return {
      kind: 'conflict',
      message: refusalMessage(error.message, error.body.issues),
      version: error.body.error === 'VersionConflict',
    };
  }
  if (status < 400 || status === 408 || status === 425 || status === 429 || status >= 500) {
    // A 2xx that did not parse is not Maestro's answer (ContractMismatch): try again later.
    return { kind: 'transient', network: status < 400 };
  }
  return { kind: 'invalid', message: refusalMessage(error.message, error.body.issues) };
}

function refusalMessage(message: string, issues: readonly { message: string }[]): string {
  const details = [...new Set(issues.map((issue) => issue.message))].slice(0, 5);
  return details.length > 0 ? `${message} ${details.join(' ')}` : message;
}

/** Runs callbacks one at a time per lock name, in this tab only (no Web Locks). */
function inTabLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  const held = new Set<string>();
  return {
    request(name, options, callback) {
      if (options.ifAvailable && held.has(name)) return callback(null);
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(async () => {
        held.add(name);
        try {
          return await callback({ name });
        } finally {
          held.delete(name);
        }
      });
      const tail = run.catch(() => {});
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return run;
    },
  };
}

function browserLocks(): Locks | null {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks as unknown as Locks) : null;
}

const defaultTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The sync engine: sends the signed-in agent's local samples one at a time, oldest first, then
 * their missing files. A failing sample never blocks the others. Success is a 2xx of Maestro's
 * API echoing the sample's id; connectivity is what the last API call said.
 */
export class SyncEngine {
  private readonly store: OfflineStore;
  private readonly timers: Timers;
  private readonly locks: Locks;
  private readonly browserEvents: boolean;
  private ownerId: string | null = null;
  private refs = 0;
  private failures = 0;
  private retryTimer: unknown = null;
  private settleTimer: unknown = null;
  private stopTimer: unknown = null;
  private running: Promise<void> | null = null;
  private again = false;
  private changedWhileRunning = false;
  private detach: (() => void)[] = [];
  private state: EngineState = { ...initialEngineState };
  private readonly listeners = new Set<(state: EngineState) => void>();

  constructor(options: SyncEngineOptions = {}) {
    this.store = options.store ?? sampleStore;
    this.timers = options.timers ?? defaultTimers;
    this.locks =
      options.locks === undefined
        ? (browserLocks() ?? inTabLocks())
        : (options.locks ?? inTabLocks());
    this.browserEvents = options.browserEvents ?? true;
  }

  getState(): EngineState {
    return this.state;
  }

  /** For tests and the status module. */
  onState(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A component needs sync for this user (see `useOfflineSync`). */
  acquire(ownerId: string): void {
    if (this.stopTimer !== null) {
      this.timers.clear(this.stopTimer);
      this.stopTimer = null;
    }
    this.refs += 1;
    this.start(ownerId);
  }

  release(ownerId: string): void {
    if (this.ownerId !== ownerId) return;
    this.refs = Math.max(0, this.refs - 1);
    if (this.refs > 0 || this.stopTimer !== null) return;
    this.stopTimer = this.timers.set(() => {
      this.stopTimer = null;
      if (this.refs === 0) this.stop();
    }, 0);
  }

  /** Starts syncing the user's samples (a sync runs at once). */
  start(ownerId: string): Promise<void> {
    if (this.ownerId !== ownerId) {
      this.stop();
      this.ownerId = ownerId;
      this.attach();
      void this.refreshCounts();
    } else if (this.state.authRequired) {
      // Signed in again after an expired session: the queue resumes.
      this.failures = 0;
    }
    return this.run();
  }

  /** Stops syncing (logout): the queue stays in the browser. */
  stop(): void {
    for (const detach of this.detach) detach();
    this.detach = [];
    this.clearTimer('retry');
    this.clearTimer('settle');
    this.ownerId = null;
    this.failures = 0;
    this.setState({ ...initialEngineState });
  }

  /** A manual sync: resets the back-off and tries the queue now. */
  syncNow(): Promise<void> {
    this.failures = 0;
    this.clearTimer('retry');
    return this.run();
  }

  /** Runs a pass, or one more after the current one. Resolves when the queue was tried. */
  run(): Promise<void> {
    if (!this.ownerId) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const running = (async () => {
      do {
        this.again = false;
        this.changedWhileRunning = false;
        await this.locks.request('maestro-sync', {}, () => this.pass());
      } while (this.again && this.ownerId);
    })().finally(() => {
      if (this.running === running) this.running = null;
      if (this.changedWhileRunning) {
        this.changedWhileRunning = false;
        void this.hasSendable().then((sendable) => {
          if (sendable) this.planSettledSync();
        });
      }
    });
    this.running = running;
    return running;
  }

  /** Resolves once no pass is running (for tests and the pages that wait for a sync). */
  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private attach(): void {
    this.detach.push(
      onChange((message) => {
        if (message.type === 'samples') this.onLocalChange();
        else void this.refreshCounts();
      }),
    );
    if (this.browserEvents && typeof window !== 'undefined') {
      const onOnline = () => void this.run();
      const onVisible = () => {
        if (document.visibilityState === 'visible') void this.run();
      };
      window.addEventListener('online', onOnline);
      document.addEventListener('visibilitychange', onVisible);
      this.detach.push(() => {
        window.removeEventListener('online', onOnline);
        document.removeEventListener('visibilitychange', onVisible);
      });
    }
  }

  /** A local edit: counts change, and the edit is sent once the agent paused (unless offline). */
  private onLocalChange(): void {
    void this.refreshCounts();
    if (this.running) {
      // The pass sends edits made meanwhile in its next round; what is left is planned after.
      this.changedWhileRunning = true;
      return;
    }
    this.planSettledSync();
  }

  /** Sends local edits once the agent paused typing (unless offline, or waiting for login). */
  private planSettledSync(): void {
    if (!this.ownerId || this.retryTimer !== null || !this.state.online) return;
    if (this.state.authRequired) return;
    this.clearTimer('settle');
    this.settleTimer = this.timers.set(() => {
      this.settleTimer = null;
      void this.run();
    }, EDIT_SETTLE_MS);
  }

  /** Whether a sample waits that a pass would send (not refused, not in conflict). */
  private async hasSendable(): Promise<boolean> {
    const ownerId = this.ownerId;
    if (!ownerId) return false;
    try {
      const queue = await this.store.queue(ownerId);
      return queue.some(
        (sample) =>
          (sample.dirty && sample.syncState !== 'conflict' && sample.errorKind !== 'invalid') ||
          (!sample.dirty && sample.pendingAttachments > 0),
      );
    } catch {
      return false;
    }
  }

  private clearTimer(which: 'retry' | 'settle'): void {
    const key = which === 'retry' ? 'retryTimer' : 'settleTimer';
    if (this[key] !== null) {
      this.timers.clear(this[key]);
      this[key] = null;
    }
    if (which === 'retry') this.setState({ nextAttemptAt: null });
  }

  private scheduleRetry(): void {
    this.clearTimer('retry');
    const delay = backoffDelay(this.failures);
    this.failures += 1;
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.setState({ nextAttemptAt: null });
      void this.run();
    }, delay);
    this.setState({ nextAttemptAt: new Date(Date.now() + delay).toISOString() });
  }

  private setState(patch: Partial<EngineState>): void {
    this.state = { ...this.state, ...patch };
    publishStatus(patch);
    for (const listener of this.listeners) listener(this.state);
  }

  private async refreshCounts(): Promise<void> {
    const ownerId = this.ownerId;
    if (!ownerId) return;
    try {
      const [samples, lastSyncedAt] = await Promise.all([
        this.store.list(ownerId),
        this.store.getMeta<string>(lastSyncKey(ownerId)),
      ]);
      if (this.ownerId !== ownerId) return;
      const unsynced = samples.filter(isUnsynced);
      const oldest = unsynced
        .map((sample) => sample.dirtySince ?? sample.updatedAt)
        .sort()
        .at(0);
      this.setState({
        pending: unsynced.length,
        errors: samples.filter((sample) => sample.syncState === 'error').length,
        conflicts: samples.filter((sample) => sample.syncState === 'conflict').length,
        oldestUnsyncedAt: oldest ?? null,
        lastSyncedAt: lastSyncedAt ?? null,
      });
    } catch {
      // The database is being upgraded by another tab: the next change counts again.
    }
  }

  /** One try of the whole queue. */
  private async pass(): Promise<void> {
    const ownerId = this.ownerId;
    if (!ownerId) return;
    this.clearTimer('retry');
    this.clearTimer('settle');
    this.setState({ syncing: true });
    try {
      // Holding the sync lock: no other tab is uploading, so a 'syncing' record was interrupted.
      await this.store.recoverInterrupted(ownerId);
      const check = await this.checkSession(ownerId);
      if (check === 'offline') {
        this.setState({ online: false });
        this.scheduleRetry();
        return;
      }
      this.setState({ online: true, authRequired: check !== 'ok' });
      if (check !== 'ok') return;

      const settled = new Set<string>();
      let transient = false;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const queue = (await this.store.queue(ownerId)).filter((sample) => !settled.has(sample.id));
        if (queue.length === 0) break;
        for (const sample of queue) {
          if (this.ownerId !== ownerId) return;
          const outcome = await this.syncSample(sample.id, ownerId);
          if (outcome === 'auth') {
            this.setState({ authRequired: true });
            return;
          }
          if (outcome === 'transient') transient = true;
          if (outcome !== 'done') settled.add(sample.id);
        }
        // Samples sent but edited meanwhile are still queued: the next round sends them.
        const left = (await this.store.queue(ownerId)).filter(
          (sample) => !settled.has(sample.id) && sample.dirty,
        );
        if (left.length === 0) break;
      }
      if (transient) {
        this.scheduleRetry();
      } else {
        this.failures = 0;
        const now = new Date().toISOString();
        await this.store.setMeta(lastSyncKey(ownerId), now);
        this.setState({ lastSyncedAt: now });
      }
    } catch (error) {
      // The browser's database failed (storage full, upgrade by another tab): try again later.
      console.error('Synchronisation interrompue', error);
      this.scheduleRetry();
    } finally {
      this.setState({ syncing: false });
      await this.refreshCounts();
    }
  }

  /** Whether Maestro's API answers, for this user. Never served from the service worker's cache. */
  private async checkSession(
    ownerId: string,
  ): Promise<'ok' | 'offline' | 'unauthenticated' | 'otherUser'> {
    let response: Response;
    try {
      response = await fetch(apiUrl('getSession', {}), {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json' },
      });
    } catch {
      return 'offline';
    }
    if (response.status === 401) return 'unauthenticated';
    if (!response.ok) return 'offline';
    try {
      const session = Session.safeParse(await response.json());
      if (!session.success) return 'offline';
      // Another agent signed in on this browser: their session never sends this one's samples.
      return session.data.user.id === ownerId ? 'ok' : 'otherUser';
    } catch {
      // A captive portal's HTML page.
      return 'offline';
    }
  }

  private async syncSample(id: string, ownerId: string): Promise<Outcome> {
    const result = await this.locks.request(`sample:${id}`, { ifAvailable: true }, async (lock) => {
      if (lock === null) return 'blocked' as const;
      const current = await this.store.get(id);
      if (!current || current.ownerId !== ownerId) return 'done' as const;
      if (current.dirty) {
        const frozen = await this.store.beginUpload(id);
        if (!frozen) return 'blocked' as const;
        const sent = await this.sendContent(frozen, ownerId);
        if (sent !== 'done') return sent;
      }
      const after = await this.store.get(id);
      if (!after?.server) return 'done' as const;
      const files = await this.sendAttachments(after);
      if (files !== 'done') return files;
      return after.syncState === 'conflict' || after.syncState === 'error' ? 'blocked' : 'done';
    });
    return result;
  }

  /** Sends the frozen revision: a creation under the client's id, or an edit with its base. */
  private async sendContent(frozen: LocalSample, ownerId: string): Promise<Outcome> {
    const revision = frozen.sendingRevision ?? frozen.revision;
    const creating = frozen.server === null;
    try {
      const answer = creating
        ? await api.createSample({ body: { ...frozen.content, id: frozen.id } })
        : await api.updateSample({
            params: { sampleId: frozen.id },
            body: {
              ...frozen.content,
              version: frozen.baseVersion ?? (frozen.server as Sample).version,
            },
          });
      if (answer?.id !== frozen.id) throw new NotMaestroAnswer();
      await this.store.finishUpload(frozen.id, revision, answer);
      this.setState({ online: true });
      return 'done';
    } catch (error) {
      const failure = classify(error);
      switch (failure.kind) {
        case 'transient':
          await this.store.failUpload(frozen.id, revision, { kind: 'transient' });
          if (failure.network) this.setState({ online: false });
          return 'transient';
        case 'auth':
          await this.store.failUpload(frozen.id, revision, {
            kind: 'auth',
            message: SESSION_EXPIRED_MESSAGE,
          });
          return 'auth';
        case 'invalid':
          await this.store.failUpload(frozen.id, revision, failure);
          return 'blocked';
        case 'conflict':
          // An edit refused for another reason than the version (the sample was sent to the
          // laboratory meanwhile…): the server's message, until the agent acts.
          if (!creating && !failure.version) {
            await this.store.failUpload(frozen.id, revision, {
              kind: 'invalid',
              message: failure.message,
            });
            return 'blocked';
          }
          return this.resolveWithServer(frozen, revision, creating, ownerId, failure.message);
      }
    }
  }

  /** A 409: reads the server's copy, merges what can be, or asks the agent. */
  private async resolveWithServer(
    frozen: LocalSample,
    revision: number,
    creating: boolean,
    ownerId: string,
    message: string,
  ): Promise<Outcome> {
    let server: Sample;
    try {
      server = await api.getSample({ params: { sampleId: frozen.id } });
      if (server.id !== frozen.id) throw new NotMaestroAnswer();
    } catch (error) {
      const failure = classify(error);
      if (failure.kind === 'auth') {
        await this.store.failUpload(frozen.id, revision, {
          kind: 'auth',
          message: SESSION_EXPIRED_MESSAGE,
        });
        return 'auth';
      }
      if (failure.kind === 'transient') {
        await this.store.failUpload(frozen.id, revision, { kind: 'transient' });
        return 'transient';
      }
      // Not readable (another region's sample, deleted): the 409's own message is shown.
      await this.store.failUpload(frozen.id, revision, { kind: 'invalid', message });
      return 'blocked';
    }
    if (!creating && server.version === frozen.baseVersion) {
      // The version did not change: merging would send the same refused edit again.
      await this.store.failUpload(frozen.id, revision, { kind: 'invalid', message });
      return 'blocked';
    }
    if (creating && server.version === 1 && server.sampler.id === ownerId) {
      // Our own creation whose answer was lost: the server's copy is the base of our edits.
      await this.store.adoptServerCopy(frozen.id, server);
      return 'done';
    }
    const merged = await this.store.putServerChange(frozen.id, server, !creating);
    return merged.syncState === 'conflict' ? 'blocked' : 'done';
  }

  private async sendAttachments(sample: LocalSample): Promise<Outcome> {
    const files = await this.store.attachmentsToUpload(sample.id);
    for (const file of files) {
      const outcome = await this.sendAttachment(sample.id, file);
      if (outcome === 'transient' || outcome === 'auth') return outcome;
    }
    return 'done';
  }

  /** Uploads one file (idempotent on sample, name and content hash). */
  private async sendAttachment(sampleId: string, file: LocalAttachment): Promise<Outcome> {
    const url = apiUrl('uploadSampleAttachment', {
      params: { sampleId },
      query: { fileName: file.fileName, caption: file.caption },
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': file.contentType, Accept: 'application/json' },
        body: file.blob,
      });
    } catch {
      this.setState({ online: false });
      return 'transient';
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      // Not JSON: not Maestro's answer.
      this.setState({ online: false });
      return 'transient';
    }
    if (response.ok) {
      const parsed = SampleAttachment.safeParse(body);
      if (
        !parsed.success ||
        parsed.data.sampleId !== sampleId ||
        parsed.data.sha256.toLowerCase() !== file.sha256
      ) {
        return 'transient';
      }
      await this.store.markAttachmentUploaded(file.id, parsed.data.id);
      this.setState({ online: true });
      return 'done';
    }
    const error = body as { message?: unknown; issues?: { message: string }[] };
    const failure = classify(
      new ApiClientError(response.status, {
        error: 'Error',
        message:
          typeof error?.message === 'string'
            ? error.message
            : 'Le fichier a été refusé par le serveur.',
        issues: Array.isArray(error?.issues)
          ? error.issues.map((issue) => ({ path: '', message: String(issue.message) }))
          : [],
      }),
    );
    if (failure.kind === 'auth') return 'auth';
    if (failure.kind === 'transient') return 'transient';
    await this.store.failAttachment(file.id, failure.message);
    return 'blocked';
  }
}

let engine: SyncEngine | null = null;

/** The tab's sync engine. */
export function getSyncEngine(): SyncEngine {
  engine ??= new SyncEngine();
  return engine;
}
