import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useSession } from '../../app/session';
import { type ChangeMessage, onChange } from './channel';
import { type EditLockHandle, type EditMode, holdEditLock } from './editLock';
import {
  formatBytes,
  isQuotaError,
  refreshStorageState,
  requestPersistence,
  STORAGE_FULL_MESSAGE,
  storageState,
} from './storage';
import { sampleStore } from './store';
import type { LocalAttachment, LocalSample } from './types';

export { isStale, STALE_UNSYNCED_MS, useOfflineSync, useSyncStatus } from './status';

/** What a local read gives: undefined while loading. */
export interface LocalRead<T> {
  data: T | undefined;
  error: Error | null;
  isLoading: boolean;
}

/**
 * Reads from the browser's store, and reads again whenever this tab or another one changes
 * what `concerns` says (so a sample open in two tabs shows the same content).
 */
function useLocalRead<T>(
  key: string | null,
  read: () => Promise<T>,
  concerns: (message: ChangeMessage) => boolean,
): LocalRead<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error: Error | null }>({
    key: null,
    error: null,
  });
  const latest = useRef({ read, concerns });
  latest.current = { read, concerns };
  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    let sequence = 0;
    const load = () => {
      const mine = ++sequence;
      latest.current.read().then(
        (data) => {
          if (!cancelled && mine === sequence) setState({ key, data, error: null });
        },
        (error: unknown) => {
          if (!cancelled && mine === sequence) {
            setState({ key, error: error instanceof Error ? error : new Error(String(error)) });
          }
        },
      );
    };
    load();
    const unsubscribe = onChange((message) => {
      if (latest.current.concerns(message)) load();
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [key]);
  if (key === null) return { data: undefined, error: null, isLoading: false };
  if (state.key !== key) return { data: undefined, error: null, isLoading: true };
  return { data: state.data, error: state.error, isLoading: false };
}

/** The signed-in user's local samples, oldest first (another user's never show). */
export function useLocalSamples(ownerId?: string): LocalRead<LocalSample[]> {
  const session = useSession();
  const owner = ownerId ?? session.data?.user.id ?? null;
  return useLocalRead(
    owner,
    () => sampleStore.list(owner as string),
    (message) => message.type === 'samples',
  );
}

/** One local sample (null when this browser does not hold it). */
export function useLocalSample(id: string | null | undefined): LocalRead<LocalSample | null> {
  return useLocalRead(
    id ?? null,
    async () => (await sampleStore.get(id as string)) ?? null,
    (message) => message.type === 'samples' && message.ids.includes(id as string),
  );
}

/** The files kept with a sample, sent or not. */
export function useLocalAttachments(
  sampleId: string | null | undefined,
): LocalRead<LocalAttachment[]> {
  return useLocalRead(
    sampleId ?? null,
    () => sampleStore.listAttachments(sampleId as string),
    (message) => message.type === 'samples' && message.ids.includes(sampleId as string),
  );
}

/**
 * Whether this tab edits the sample or only shows it (another tab edits it). `takeOver` makes
 * this tab the editor; the other one becomes read-only and shows the saved content.
 */
export function useSampleEditLock(sampleId: string | null | undefined): {
  mode: EditMode;
  takeOver: () => void;
} {
  const [mode, setMode] = useState<EditMode>('pending');
  const handle = useRef<EditLockHandle | null>(null);
  useEffect(() => {
    if (!sampleId) return;
    setMode('pending');
    const lock = holdEditLock(sampleId, setMode);
    handle.current = lock;
    return () => {
      lock.release();
      if (handle.current === lock) handle.current = null;
    };
  }, [sampleId]);
  const takeOver = useCallback(() => handle.current?.takeOver(), []);
  return { mode, takeOver };
}

export interface StoragePersistence {
  /** Whether the browser promised to keep Maestro's data (null: unknown). */
  granted: boolean | null;
  usage: number | null;
  quota: number | null;
  /** « 12 Mo utilisés sur 2 Go », when the browser tells. */
  usageText: string | null;
  /** Usage above 80 % of the quota. */
  nearlyFull: boolean;
  request: () => Promise<boolean | null>;
}

/**
 * Persistent storage: asked after the first local sample, with usage against quota. Chromium
 * grants it from the site's engagement (installed app, bookmarks), Firefox asks the user.
 */
export function useStoragePersistence(ownerId?: string): StoragePersistence {
  const state = useSyncExternalStore(storageState.subscribe, storageState.get, storageState.get);
  const samples = useLocalSamples(ownerId);
  const hasSamples = (samples.data?.length ?? 0) > 0;
  const count = samples.data?.length ?? 0;
  useEffect(() => {
    if (hasSamples) void requestPersistence();
  }, [hasSamples]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: usage is read again when samples change.
  useEffect(() => {
    void refreshStorageState();
  }, [count]);
  const { usage, quota } = state;
  return {
    granted: state.persisted,
    usage,
    quota,
    usageText:
      usage !== null && quota !== null && quota > 0
        ? `${formatBytes(usage)} utilisés sur ${formatBytes(quota)}`
        : null,
    nearlyFull: usage !== null && quota !== null && quota > 0 && usage / quota > 0.8,
    request: requestPersistence,
  };
}

/** The French message of a failed local save (a full storage says what to do). */
export function localSaveErrorMessage(error: unknown): string {
  if (isQuotaError(error)) return STORAGE_FULL_MESSAGE;
  return error instanceof Error && error.message
    ? error.message
    : 'L’enregistrement dans le navigateur a échoué.';
}

/**
 * iOS Safari wipes a site's storage after 7 days without a visit unless the app is installed
 * on the home screen: true when that advice applies.
 */
export function needsInstallAdvice(): boolean {
  if (typeof navigator === 'undefined' || typeof window === 'undefined') return false;
  const ios =
    /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  if (!ios) return false;
  const standalone =
    (navigator as Navigator & { standalone?: boolean }).standalone === true ||
    (typeof window.matchMedia === 'function' &&
      window.matchMedia('(display-mode: standalone)').matches);
  return !standalone;
}
