import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from 'idb';
import type { LocalAttachment, LocalSample } from './types';

/** A value kept for the agent: last sync time, reference data for offline use… */
export interface MetaEntry {
  key: string;
  value: unknown;
}

/** Reference data kept for offline use (plans, prescriptions, laboratories, recent companies). */
export interface CacheEntry {
  /** `<ownerId>:<name>`. */
  key: string;
  ownerId: string;
  name: string;
  data: unknown;
  savedAt: string;
}

export interface MaestroDB extends DBSchema {
  samples: { key: string; value: LocalSample; indexes: { ownerId: string } };
  attachments: { key: string; value: LocalAttachment; indexes: { sampleId: string } };
  meta: { key: string; value: MetaEntry };
  cache: { key: string; value: CacheEntry; indexes: { ownerId: string } };
}

export const DB_NAME = 'maestro';
/**
 * Raise it with a new step in `upgrade` (never a drop): an app update must keep every record.
 * An older tab holding the database is asked to let go (`blocking`) and reopens on its next use.
 */
export const DB_VERSION = 1;

let opening: Promise<IDBPDatabase<MaestroDB>> | null = null;

/** The browser's database, opened once per tab (reopened if the browser closed it). */
export function getDb(): Promise<IDBPDatabase<MaestroDB>> {
  if (!opening) {
    const attempt = openDB<MaestroDB>(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          const samples = db.createObjectStore('samples', { keyPath: 'id' });
          samples.createIndex('ownerId', 'ownerId');
          const attachments = db.createObjectStore('attachments', { keyPath: 'id' });
          attachments.createIndex('sampleId', 'sampleId');
          db.createObjectStore('meta', { keyPath: 'key' });
          const cache = db.createObjectStore('cache', { keyPath: 'key' });
          cache.createIndex('ownerId', 'ownerId');
        }
      },
      blocking() {
        // A newer version of the app (another tab) upgrades the database: let it, reopen later.
        void attempt.then((db) => db.close());
        opening = null;
      },
      terminated() {
        opening = null;
      },
    });
    opening = attempt;
    attempt.catch(() => {
      if (opening === attempt) opening = null;
    });
  }
  return opening;
}

/** For tests: closes and deletes the database. */
export async function resetDbForTests(): Promise<void> {
  if (opening) {
    const db = await opening.catch(() => null);
    db?.close();
    opening = null;
  }
  await deleteDB(DB_NAME);
}
