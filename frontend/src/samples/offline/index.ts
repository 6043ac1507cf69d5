/**
 * Offline work on samples (see docs/decisions/0009-offline-samples.md), for the samples' pages.
 * The header imports `./status` and `./SyncBadge` only: this entry loads the store (IndexedDB).
 */

export { ConflictResolver } from './ConflictResolver';
export {
  clearCached,
  getCached,
  putCached,
  recentCompanies,
  rememberCompany,
  withOfflineCopy,
} from './cache';
export {
  applyChoices,
  type ContentField,
  contentFields,
  contentOf,
  type FieldChoice,
  type FieldConflict,
  type MergeResult,
  mergeContent,
  sameContent,
  sameValue,
} from './conflict';
export {
  type CacheEntry,
  DB_NAME,
  DB_VERSION,
} from './db';
export { type EditMode, holdEditLock } from './editLock';
export {
  downloadUnsynced,
  EXPORT_FORMAT,
  type ExportedAttachment,
  exportFileName,
  exportUnsynced,
  hasUnsynced,
  type OfflineExport,
  removeLocalSample,
  unsyncedSamples,
} from './escape';
export { ContentFieldLabels, formatFieldValue } from './fieldLabels';
export {
  isStale,
  type LocalRead,
  localSaveErrorMessage,
  needsInstallAdvice,
  STALE_UNSYNCED_MS,
  type StoragePersistence,
  useLocalAttachments,
  useLocalSample,
  useLocalSamples,
  useOfflineSync,
  useSampleEditLock,
  useStoragePersistence,
  useSyncStatus,
} from './hooks';
export { fitWithin, MAX_IMAGE_EDGE, type ShrunkImage, shrinkImage } from './images';
export { useLogoutGuard } from './LogoutGuard';
export { OfflineStoragePanel } from './OfflineStoragePanel';
export { RemoveLocalSampleButton } from './RemoveLocalSampleButton';
export { SyncBadge } from './SyncBadge';
export { retrySample, SyncStateBadge, SyncStateLabels } from './SyncStateBadge';
export { getSyncStatus, loadSyncEngine } from './status';
export {
  isQuotaError,
  STORAGE_FULL_MESSAGE,
  StorageFullError,
} from './storage';
export {
  isUnsynced,
  LocalSampleNotFoundError,
  type OfflineStore,
  SAMPLE_NOT_FOUND_MESSAGE,
  sampleStore,
} from './store';
export type {
  ConflictChoice,
  LocalAttachment,
  LocalSample,
  LocalSampleStore,
  NewAttachment,
  SampleStore,
  SyncErrorKind,
  SyncState,
  SyncStatus,
} from './types';
