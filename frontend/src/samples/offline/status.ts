/**
 * The sync status, small enough for the header: the engine itself (IndexedDB, the API calls)
 * is loaded only when a signed-in sampler needs it.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { SyncStatus } from './types';

export type EngineState = Omit<SyncStatus, 'syncNow'>;

export const initialEngineState: EngineState = {
  pending: 0,
  syncing: false,
  online: true,
  lastSyncedAt: null,
  authRequired: false,
  errors: 0,
  conflicts: 0,
  oldestUnsyncedAt: null,
  nextAttemptAt: null,
};

/** Unsynced data older than this is worth a warning (the browser may wipe it). */
export const STALE_UNSYNCED_MS = 3 * 24 * 60 * 60 * 1000;

export const isStale = (oldestUnsyncedAt: string | null, now = Date.now()): boolean =>
  oldestUnsyncedAt !== null && now - Date.parse(oldestUnsyncedAt) > STALE_UNSYNCED_MS;

type Engine = import('./sync').SyncEngine;

let enginePromise: Promise<Engine> | null = null;

/** Loads the sync engine (and the store) on first use. */
export function loadSyncEngine(): Promise<Engine> {
  enginePromise ??= import('./sync').then((module) => module.getSyncEngine());
  enginePromise.catch(() => {
    enginePromise = null;
  });
  return enginePromise;
}

const syncNow = async (): Promise<void> => {
  const engine = await loadSyncEngine();
  await engine.syncNow();
};

let snapshot: SyncStatus = { ...initialEngineState, syncNow };
const listeners = new Set<() => void>();

/** Called by the engine. */
export function publishStatus(patch: Partial<EngineState>): void {
  const next = { ...snapshot, ...patch };
  if ((Object.keys(patch) as (keyof EngineState)[]).every((key) => next[key] === snapshot[key])) {
    return;
  }
  snapshot = next;
  for (const listener of listeners) listener();
}

export function getSyncStatus(): SyncStatus {
  return snapshot;
}

export function subscribeSyncStatus(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The queue's state, for the badge and the pages (re-rendered on each change). */
export function useSyncStatus(): SyncStatus {
  return useSyncExternalStore(subscribeSyncStatus, getSyncStatus, getSyncStatus);
}

/**
 * Runs the sync engine for the signed-in user while a component using it is mounted: at
 * start-up, on `online`, when the app is shown again, and on the back-off timer. Another user
 * signing in switches it; signing out stops it (the queue stays in the browser).
 */
export function useOfflineSync(userId: string | null): void {
  useEffect(() => {
    // No IndexedDB (a very old browser, some private modes): nothing is kept, nothing to sync.
    if (!userId || typeof indexedDB === 'undefined') return;
    let cancelled = false;
    let engine: Engine | null = null;
    loadSyncEngine()
      .then((loaded) => {
        if (cancelled) return;
        engine = loaded;
        loaded.acquire(userId);
      })
      .catch(() => {
        // The engine's code could not be loaded (offline without the service worker's copy):
        // the samples stay in the browser and the next page load tries again.
      });
    return () => {
      cancelled = true;
      engine?.release(userId);
    };
  }, [userId]);
}
