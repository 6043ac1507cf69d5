/**
 * Reference data kept in the browser for offline use, per user: the plans, prescriptions and
 * laboratories the forms need (besides the service worker's copy of their API answers), and
 * the companies the agent used recently (the company look-up falls back on them offline).
 */
import type { SampleCompany } from '@maestro/shared/schema';
import { sameValue } from './conflict';
import { getDb } from './db';
import { translateQuota } from './storage';

export const RECENT_COMPANIES = 'recentCompanies';
export const MAX_RECENT_COMPANIES = 30;

const cacheKey = (ownerId: string, name: string) => `${ownerId}:${name}`;

/** Keeps reference data (JSON) for the user. */
export async function putCached(ownerId: string, name: string, data: unknown): Promise<void> {
  await translateQuota(async () => {
    const db = await getDb();
    await db.put('cache', {
      key: cacheKey(ownerId, name),
      ownerId,
      name,
      data,
      savedAt: new Date().toISOString(),
    });
  });
}

/** Kept reference data with the time it was saved, if any. */
export async function getCached<T>(
  ownerId: string,
  name: string,
): Promise<{ data: T; savedAt: string } | undefined> {
  const db = await getDb();
  const entry = await db.get('cache', cacheKey(ownerId, name));
  return entry ? { data: entry.data as T, savedAt: entry.savedAt } : undefined;
}

/**
 * The answer of `fetcher`, kept for offline use; when it fails (network), the kept copy.
 * Errors other than the network's (401, 403…) are not hidden.
 */
export async function withOfflineCopy<T>(
  ownerId: string,
  name: string,
  fetcher: () => Promise<T>,
  isNetworkError: (error: unknown) => boolean,
): Promise<T> {
  try {
    const data = await fetcher();
    void putCached(ownerId, name, data).catch(() => {});
    return data;
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    const kept = await getCached<T>(ownerId, name).catch(() => undefined);
    if (kept) return kept.data;
    throw error;
  }
}

/** The companies the agent used recently, most recent first. */
export async function recentCompanies(ownerId: string): Promise<SampleCompany[]> {
  return (await getCached<SampleCompany[]>(ownerId, RECENT_COMPANIES))?.data ?? [];
}

/** Remembers a company used on a sample (same SIRET, or same name without SIRET, once). */
export async function rememberCompany(ownerId: string, company: SampleCompany): Promise<void> {
  const same = (other: SampleCompany) =>
    company.siret ? other.siret === company.siret : sameValue(other, company);
  const list = (await recentCompanies(ownerId)).filter((other) => !same(other));
  await putCached(ownerId, RECENT_COMPANIES, [company, ...list].slice(0, MAX_RECENT_COMPANIES));
}

/** Forgets the user's reference data (the samples stay). */
export async function clearCached(ownerId: string): Promise<void> {
  const db = await getDb();
  const tx = db.transaction('cache', 'readwrite');
  const keys = await tx.store.index('ownerId').getAllKeys(ownerId);
  await Promise.all(keys.map((key) => tx.store.delete(key)));
  await tx.done;
}
