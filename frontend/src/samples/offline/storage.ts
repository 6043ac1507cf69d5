/** The browser's storage: persistence, usage against quota, and a full disk said in French. */

export const STORAGE_FULL_MESSAGE =
  'L’espace de stockage du navigateur est plein : synchronisez ou exportez vos prélèvements.';

/** Raised instead of the browser's QuotaExceededError, with the message the agent reads. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(options?: { cause?: unknown }) {
    super(STORAGE_FULL_MESSAGE, options);
  }
}

export function isQuotaError(error: unknown): boolean {
  if (error instanceof StorageFullError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, inner } = error as { name?: unknown; code?: unknown; inner?: unknown };
  // Firefox has named it NS_ERROR_DOM_QUOTA_REACHED; the legacy code of QuotaExceededError is 22.
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    code === 22 ||
    (inner !== undefined && isQuotaError(inner))
  );
}

/** Runs a write; a full storage becomes a `StorageFullError`. */
export async function translateQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error) && !(error instanceof StorageFullError)) {
      throw new StorageFullError({ cause: error });
    }
    throw error;
  }
}

export interface StorageState {
  /** Whether the browser promised to keep the data (null: unknown or not asked yet). */
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

let state: StorageState = { persisted: null, usage: null, quota: null };
const listeners = new Set<() => void>();
let asked = false;

function publish(next: Partial<StorageState>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export const storageState = {
  get: (): StorageState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

/** Reads whether storage is persistent and how much is used. */
export async function refreshStorageState(): Promise<void> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage) return;
  const [persisted, estimate] = await Promise.all([
    storage.persisted ? storage.persisted().catch(() => null) : Promise.resolve(null),
    storage.estimate ? storage.estimate().catch(() => null) : Promise.resolve(null),
  ]);
  publish({ persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null });
}

/**
 * Asks once per page load that the browser never evicts Maestro's data (called after the
 * first local sample). Chromium answers from the site's engagement, Firefox asks the user.
 */
export async function requestPersistence(): Promise<boolean | null> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) return null;
  if (asked) return state.persisted;
  asked = true;
  try {
    const already = storage.persisted ? await storage.persisted() : false;
    const granted = already || (await storage.persist());
    publish({ persisted: granted });
    void refreshStorageState();
    return granted;
  } catch {
    return null;
  }
}

/** Size in French units (« 12,3 Mo »). */
export function formatBytes(bytes: number): string {
  const units = ['octets', 'ko', 'Mo', 'Go'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString('fr-FR', { maximumFractionDigits: digits })} ${units[unit]}`;
}
