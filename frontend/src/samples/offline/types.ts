import type { AttachmentContentType, Sample, SampleContent } from '@maestro/shared/schema';

/**
 * The browser's copy of a sample, kept in IndexedDB so that nothing typed is ever lost, and
 * synchronised with the server when the network allows (see ../shared/offline.md).
 */
export type SyncState =
  /** Saved in the browser only, never sent yet. */
  | 'local'
  /** Changes wait for the network. */
  | 'pending'
  | 'syncing'
  | 'synced'
  /** The last attempt failed: `error` says why (in French); it will be retried. */
  | 'error'
  /** The server's version changed meanwhile: the agent must choose (see `conflict`). */
  | 'conflict';

export interface LocalSample {
  /** Generated in the browser at the first local save: the sample's id on the server too. */
  id: string;
  /** The user the sample belongs to on this device: another agent never sees it. */
  ownerId: string;
  /** The latest content typed by the agent. */
  content: SampleContent;
  /** The last answer of the server (reference, status, version), null before the first sync. */
  server: Sample | null;
  /** The server version the local edits are based on (null before the first sync). */
  baseVersion: number | null;
  /** Whether `content` holds changes the server has not acknowledged. */
  dirty: boolean;
  syncState: SyncState;
  error: string | null;
  conflict: { server: Sample } | null;
  createdAt: string;
  updatedAt: string;
  lastSyncedAt: string | null;
  /** Incremented at each local edit: tells an edit made during an upload from the sent one. */
  revision: number;
  /** The revision being uploaded (frozen), null when no upload is in flight. */
  sendingRevision: number | null;
  /** The server's content at `baseVersion`: the base of the three-way merge (null before). */
  base: SampleContent | null;
  /** Why the last attempt failed; `invalid` is not retried until the sample is edited. */
  errorKind: SyncErrorKind | null;
  /** When the oldest change not yet on the server was made (null when nothing waits). */
  dirtySince: string | null;
  /** Files kept in the browser that have not reached the server yet. */
  pendingAttachments: number;
}

export type SyncErrorKind =
  /** The session expired: the queue waits for the agent to log in again. */
  | 'auth'
  /** The server refused the content (its French message is in `error`). */
  | 'invalid';

/** A photo or PDF kept in the browser with its sample until the server has it. */
export interface LocalAttachment {
  /** Local id (the server gives its own, kept in `serverId`). */
  id: string;
  sampleId: string;
  ownerId: string;
  fileName: string;
  caption: string;
  contentType: AttachmentContentType;
  size: number;
  /** SHA-256 of the content (hex): with the sample and the name, the upload's idempotency key. */
  sha256: string;
  blob: Blob;
  uploaded: boolean;
  serverId: string | null;
  /** Why the server refused the file (not retried until removed), if it did. */
  error: string | null;
  createdAt: string;
}

/** What a page gives to keep a file with a sample. */
export interface NewAttachment {
  blob: Blob;
  fileName: string;
  caption?: string;
  contentType: AttachmentContentType;
}

/**
 * The agent's answer to a conflict: 'mine' or 'theirs' for every field changed on both sides
 * (fields changed on one side only still merge), or the whole content chosen field by field.
 */
export type ConflictChoice = 'mine' | 'theirs' | { merged: SampleContent };

export interface SampleStore {
  /** Creates a local sample with a fresh UUID and stores it at once. */
  create(ownerId: string, content: SampleContent): Promise<LocalSample>;
  get(id: string): Promise<LocalSample | undefined>;
  /** The user's local samples, oldest first. */
  list(ownerId: string): Promise<LocalSample[]>;
  /** Stores new content at once (IndexedDB) and queues it for sync. */
  update(id: string, content: SampleContent): Promise<LocalSample>;
  /** Forgets one local sample (after the agent confirmed). */
  remove(id: string): Promise<void>;
  /** Keeps a server sample in the browser (opened offline later), unless local edits are pending. */
  rememberServerSample(ownerId: string, sample: Sample): Promise<void>;
  resolveConflict(id: string, choice: ConflictChoice): Promise<void>;
  subscribe(listener: () => void): () => void;
}

/** The store with the attachments and what the sync engine needs. */
export interface LocalSampleStore extends SampleStore {
  /** Keeps files with a sample, in the same IndexedDB transaction as the sample's record. */
  addAttachments(sampleId: string, files: NewAttachment[]): Promise<LocalAttachment[]>;
  listAttachments(sampleId: string): Promise<LocalAttachment[]>;
  /** Forgets a file not sent yet (a sent one is deleted through the API). */
  removeAttachment(attachmentId: string): Promise<void>;
  /** Lets a refused sample be sent again without an edit (« Réessayer »). */
  clearError(id: string): Promise<void>;
}

export interface SyncStatus {
  /** Samples with changes not yet on the server. */
  pending: number;
  syncing: boolean;
  /** Whether the API answered the last check (never `navigator.onLine` alone). */
  online: boolean;
  lastSyncedAt: string | null;
  /** Runs a sync now (resets the back-off). Resolves when the queue has been tried once. */
  syncNow(): Promise<void>;
  /** The session expired: sync waits for the agent to log in again. */
  authRequired: boolean;
  /** Samples the server refused or that need the agent's choice. */
  errors: number;
  conflicts: number;
  /** When the oldest change not yet on the server was made. */
  oldestUnsyncedAt: string | null;
  /** When the next automatic attempt is planned (back-off), if one is. */
  nextAttemptAt: string | null;
}
