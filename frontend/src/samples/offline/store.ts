import type { Sample } from '@maestro/shared/schema';
import { announce, onChange } from './channel';
import { applyChoices, contentOf, mergeContent, sameContent } from './conflict';
import { getDb } from './db';
import { requestPersistence, translateQuota } from './storage';
import type {
  ConflictChoice,
  LocalAttachment,
  LocalSample,
  LocalSampleStore,
  NewAttachment,
  SyncState,
} from './types';

export const SAMPLE_NOT_FOUND_MESSAGE = 'Ce prélèvement n’est plus enregistré dans ce navigateur.';

export class LocalSampleNotFoundError extends Error {
  override readonly name = 'LocalSampleNotFoundError';
  constructor(readonly sampleId: string) {
    super(SAMPLE_NOT_FOUND_MESSAGE);
  }
}

let lastStamp = 0;
/** The time, strictly increasing in this tab: records made in the same millisecond keep their order. */
function nowIso(): string {
  const stamp = Math.max(Date.now(), lastStamp + 1);
  lastStamp = stamp;
  return new Date(stamp).toISOString();
}

/** The state of a sample waiting for the network: never sent yet, or edits of a sent one. */
const waitingState = (sample: LocalSample): SyncState => (sample.server ? 'pending' : 'local');

/** Samples with something the server does not have yet (content, files, or a choice to make). */
export const isUnsynced = (sample: LocalSample): boolean =>
  sample.dirty || sample.pendingAttachments > 0 || sample.syncState === 'conflict';

const byCreation = (a: LocalSample, b: LocalSample) =>
  a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt.localeCompare(b.createdAt);

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** `photo.jpg` → `photo (2).jpg` while the name is taken by another file of the sample. */
function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let index = 2; ; index += 1) {
    const candidate = `${stem} (${index})${extension}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function changed(...ids: string[]): void {
  announce({ type: 'samples', ids });
}

/**
 * Reads a sample and writes what `change` makes of it, in one IndexedDB transaction (atomic
 * across tabs). `change` returns null to leave the record as it is.
 */
async function modify(
  id: string,
  change: (current: LocalSample) => LocalSample | null,
): Promise<LocalSample> {
  const result = await translateQuota(async () => {
    const db = await getDb();
    const tx = db.transaction('samples', 'readwrite');
    const current = await tx.store.get(id);
    if (!current) {
      tx.abort();
      await tx.done.catch(() => {});
      throw new LocalSampleNotFoundError(id);
    }
    const next = change(current);
    if (next) await tx.store.put(next);
    await tx.done;
    return { sample: next ?? current, written: next !== null };
  });
  if (result.written) changed(id);
  return result.sample;
}

/** What the sync engine tells the store about an upload that did not succeed. */
export type UploadFailure =
  /** Network, server unavailable, not Maestro's answer: retried with back-off. */
  { kind: 'transient' } | { kind: 'auth'; message: string } | { kind: 'invalid'; message: string };

/** The store of local samples (IndexedDB), with what the sync engine needs. */
export interface OfflineStore extends LocalSampleStore {
  /** The user's samples with something to send, oldest first. */
  queue(ownerId: string): Promise<LocalSample[]>;
  /** Freezes the current revision for upload; null when there is nothing to send. */
  beginUpload(id: string): Promise<LocalSample | null>;
  finishUpload(id: string, revision: number, answer: Sample): Promise<LocalSample>;
  failUpload(id: string, revision: number, failure: UploadFailure): Promise<LocalSample>;
  /**
   * The server already holds the sample (an earlier creation whose answer was lost): it becomes
   * the base; the local content is sent as an edit if it differs.
   */
  adoptServerCopy(id: string, server: Sample): Promise<LocalSample>;
  /**
   * The server's version changed meanwhile: merges what can be merged; the sample is put in
   * conflict when some field changed on both sides. `baseKnown` false: every difference is asked.
   */
  putServerChange(id: string, server: Sample, baseKnown: boolean): Promise<LocalSample>;
  /** Files of a sample still to upload (not refused). */
  attachmentsToUpload(sampleId: string): Promise<LocalAttachment[]>;
  markAttachmentUploaded(attachmentId: string, serverId: string): Promise<void>;
  failAttachment(attachmentId: string, message: string): Promise<void>;
  /** Uploads interrupted by a closed tab or a crash become waiting again. */
  recoverInterrupted(ownerId: string): Promise<void>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
}

async function updateAttachmentAndSample(
  attachmentId: string,
  change: (
    attachment: LocalAttachment,
    sample: LocalSample | undefined,
  ) => {
    attachment: LocalAttachment | null;
    sample: LocalSample | null;
  },
): Promise<void> {
  const sampleId = await translateQuota(async () => {
    const db = await getDb();
    const tx = db.transaction(['samples', 'attachments'], 'readwrite');
    const attachments = tx.objectStore('attachments');
    const samples = tx.objectStore('samples');
    const attachment = await attachments.get(attachmentId);
    if (!attachment) {
      await tx.done;
      return null;
    }
    const sample = await samples.get(attachment.sampleId);
    const next = change(attachment, sample);
    if (next.attachment) await attachments.put(next.attachment);
    else await attachments.delete(attachmentId);
    if (next.sample) await samples.put(next.sample);
    await tx.done;
    return attachment.sampleId;
  });
  if (sampleId) changed(sampleId);
}

/** After a file arrived or was forgotten: a sample with nothing left to send is synchronised. */
function afterAttachmentGone(sample: LocalSample, now: string): LocalSample {
  const pendingAttachments = Math.max(0, sample.pendingAttachments - 1);
  const done = pendingAttachments === 0 && !sample.dirty && sample.syncState === 'pending';
  return {
    ...sample,
    pendingAttachments,
    syncState: done ? 'synced' : sample.syncState,
    dirtySince: pendingAttachments === 0 && !sample.dirty ? null : sample.dirtySince,
    lastSyncedAt: done ? now : sample.lastSyncedAt,
  };
}

export function createSampleStore(): OfflineStore {
  const store: OfflineStore = {
    async create(ownerId, content) {
      const now = nowIso();
      const sample: LocalSample = {
        id: crypto.randomUUID(),
        ownerId,
        content,
        server: null,
        baseVersion: null,
        dirty: true,
        syncState: 'local',
        error: null,
        conflict: null,
        createdAt: now,
        updatedAt: now,
        lastSyncedAt: null,
        revision: 1,
        sendingRevision: null,
        base: null,
        errorKind: null,
        dirtySince: now,
        pendingAttachments: 0,
      };
      await translateQuota(async () => {
        const db = await getDb();
        await db.put('samples', sample);
      });
      changed(sample.id);
      void requestPersistence();
      return sample;
    },

    async get(id) {
      const db = await getDb();
      return db.get('samples', id);
    },

    async list(ownerId) {
      const db = await getDb();
      const samples = await db.getAllFromIndex('samples', 'ownerId', ownerId);
      return samples.sort(byCreation);
    },

    update(id, content) {
      return modify(id, (current) => {
        if (sameContent(current.content, content)) return null;
        const now = nowIso();
        const inConflict = current.syncState === 'conflict';
        return {
          ...current,
          content,
          revision: current.revision + 1,
          dirty: true,
          dirtySince: current.dirtySince ?? now,
          updatedAt: now,
          // An upload in flight keeps its frozen revision: this edit is the next version.
          syncState: inConflict
            ? 'conflict'
            : current.sendingRevision !== null
              ? 'syncing'
              : waitingState(current),
          error: inConflict ? current.error : null,
          errorKind: inConflict ? current.errorKind : null,
        };
      });
    },

    async remove(id) {
      const db = await getDb();
      const tx = db.transaction(['samples', 'attachments'], 'readwrite');
      const attachments = tx.objectStore('attachments');
      const keys = await attachments.index('sampleId').getAllKeys(id);
      await Promise.all([
        tx.objectStore('samples').delete(id),
        ...keys.map((key) => attachments.delete(key)),
      ]);
      await tx.done;
      changed(id);
    },

    async rememberServerSample(ownerId, sample) {
      const written = await translateQuota(async () => {
        const db = await getDb();
        const tx = db.transaction('samples', 'readwrite');
        const current = await tx.store.get(sample.id);
        if (
          current &&
          (isUnsynced(current) ||
            current.sendingRevision !== null ||
            (current.baseVersion !== null && current.baseVersion > sample.version))
        ) {
          await tx.done;
          return false;
        }
        const now = nowIso();
        const content = contentOf(sample);
        await tx.store.put({
          id: sample.id,
          ownerId,
          content,
          server: sample,
          baseVersion: sample.version,
          dirty: false,
          syncState: 'synced',
          error: null,
          conflict: null,
          createdAt: current?.createdAt ?? sample.createdAt,
          updatedAt: now,
          lastSyncedAt: now,
          revision: current?.revision ?? 0,
          sendingRevision: null,
          base: content,
          errorKind: null,
          dirtySince: null,
          pendingAttachments: 0,
        });
        await tx.done;
        return true;
      });
      if (written) changed(sample.id);
    },

    async resolveConflict(id, choice: ConflictChoice) {
      await modify(id, (current) => {
        if (!current.conflict) return null;
        const now = nowIso();
        const server = current.conflict.server;
        const theirs = contentOf(server);
        // 'mine' / 'theirs' settle the conflicting fields; fields changed on one side only
        // keep merging (the agent sees them listed).
        const result = mergeContent(current.base, current.content, theirs);
        const content =
          typeof choice === 'object'
            ? choice.merged
            : applyChoices(
                result,
                Object.fromEntries(result.conflicts.map((conflict) => [conflict.field, choice])),
              );
        const clean = sameContent(content, theirs);
        const nothingLeft = clean && current.pendingAttachments === 0;
        return {
          ...current,
          content,
          server,
          baseVersion: server.version,
          base: theirs,
          conflict: null,
          revision: current.revision + 1,
          dirty: !clean,
          dirtySince: nothingLeft ? null : (current.dirtySince ?? now),
          syncState: nothingLeft ? 'synced' : 'pending',
          error: null,
          errorKind: null,
          updatedAt: now,
          lastSyncedAt: nothingLeft ? now : current.lastSyncedAt,
        };
      });
    },

    subscribe(listener) {
      return onChange((message) => {
        if (message.type === 'samples') listener();
      });
    },

    async addAttachments(sampleId, files: NewAttachment[]) {
      const prepared = await Promise.all(
        files.map(async (file) => ({ ...file, sha256: await sha256Hex(file.blob) })),
      );
      const saved = await translateQuota(async () => {
        const db = await getDb();
        const tx = db.transaction(['samples', 'attachments'], 'readwrite');
        const samples = tx.objectStore('samples');
        const attachments = tx.objectStore('attachments');
        const sample = await samples.get(sampleId);
        if (!sample) {
          tx.abort();
          await tx.done.catch(() => {});
          throw new LocalSampleNotFoundError(sampleId);
        }
        const existing = await attachments.index('sampleId').getAll(sampleId);
        const taken = new Set(existing.map((attachment) => attachment.fileName));
        const now = nowIso();
        const result: LocalAttachment[] = [];
        let added = 0;
        for (const file of prepared) {
          // The same file added again (a double tap, a retried save) is kept once.
          const same = existing.find(
            (attachment) =>
              attachment.sha256 === file.sha256 && attachment.fileName === file.fileName,
          );
          if (same) {
            result.push(same);
            continue;
          }
          const attachment: LocalAttachment = {
            id: crypto.randomUUID(),
            sampleId,
            ownerId: sample.ownerId,
            fileName: uniqueName(file.fileName, taken),
            caption: file.caption ?? '',
            contentType: file.contentType,
            size: file.blob.size,
            sha256: file.sha256,
            blob: file.blob,
            uploaded: false,
            serverId: null,
            error: null,
            createdAt: nowIso(),
          };
          taken.add(attachment.fileName);
          existing.push(attachment);
          result.push(attachment);
          added += 1;
          await attachments.put(attachment);
        }
        if (added > 0) {
          await samples.put({
            ...sample,
            pendingAttachments: sample.pendingAttachments + added,
            dirtySince: sample.dirtySince ?? now,
            updatedAt: now,
            syncState: sample.syncState === 'synced' ? 'pending' : sample.syncState,
          });
        }
        await tx.done;
        return { result, added };
      });
      if (saved.added > 0) changed(sampleId);
      return saved.result;
    },

    async listAttachments(sampleId) {
      const db = await getDb();
      const attachments = await db.getAllFromIndex('attachments', 'sampleId', sampleId);
      return attachments.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async removeAttachment(attachmentId) {
      await updateAttachmentAndSample(attachmentId, (attachment, sample) => ({
        attachment: null,
        sample: sample && !attachment.uploaded ? afterAttachmentGone(sample, nowIso()) : null,
      }));
    },

    async clearError(id) {
      await modify(id, (current) => {
        if (current.syncState === 'conflict' || current.errorKind === null) return null;
        return {
          ...current,
          error: null,
          errorKind: null,
          syncState:
            current.dirty || current.pendingAttachments > 0 ? waitingState(current) : 'synced',
        };
      });
      const db = await getDb();
      const refused = (await db.getAllFromIndex('attachments', 'sampleId', id)).filter(
        (attachment) => attachment.error !== null,
      );
      if (refused.length > 0) {
        const tx = db.transaction('attachments', 'readwrite');
        await Promise.all(
          refused.map((attachment) => tx.store.put({ ...attachment, error: null })),
        );
        await tx.done;
        changed(id);
      }
    },

    async queue(ownerId) {
      const samples = await store.list(ownerId);
      return samples.filter((sample) => sample.dirty || sample.pendingAttachments > 0);
    },

    async beginUpload(id) {
      let frozen: LocalSample | null = null;
      await modify(id, (current) => {
        if (!current.dirty || current.syncState === 'conflict' || current.errorKind === 'invalid') {
          return null;
        }
        frozen = { ...current, sendingRevision: current.revision, syncState: 'syncing' };
        return frozen;
      });
      return frozen;
    },

    finishUpload(id, revision, answer) {
      return modify(id, (current) => {
        const now = nowIso();
        const editedMeanwhile = current.revision !== revision;
        const waitingFiles = current.pendingAttachments > 0;
        return {
          ...current,
          server: answer,
          baseVersion: answer.version,
          base: contentOf(answer),
          sendingRevision: null,
          dirty: editedMeanwhile,
          dirtySince: editedMeanwhile || waitingFiles ? current.dirtySince : null,
          syncState: editedMeanwhile || waitingFiles ? 'pending' : 'synced',
          error: null,
          errorKind: null,
          conflict: null,
          lastSyncedAt: now,
        };
      });
    },

    failUpload(id, revision, failure) {
      return modify(id, (current) => {
        // An edit made during the upload may be what the server wanted: it is sent as usual.
        const blocked = failure.kind !== 'transient' && current.revision === revision;
        const back = { ...current, sendingRevision: null };
        if (failure.kind === 'transient' || !blocked) {
          return { ...back, syncState: waitingState(current), error: null, errorKind: null };
        }
        return { ...back, syncState: 'error', error: failure.message, errorKind: failure.kind };
      });
    },

    adoptServerCopy(id, server) {
      return modify(id, (current) => {
        const theirs = contentOf(server);
        const clean = sameContent(current.content, theirs);
        const nothingLeft = clean && current.pendingAttachments === 0;
        return {
          ...current,
          server,
          baseVersion: server.version,
          base: theirs,
          sendingRevision: null,
          dirty: !clean,
          dirtySince: nothingLeft ? null : current.dirtySince,
          syncState: nothingLeft ? 'synced' : 'pending',
          error: null,
          errorKind: null,
          lastSyncedAt: nowIso(),
        };
      });
    },

    putServerChange(id, server, baseKnown) {
      return modify(id, (current) => {
        const theirs = contentOf(server);
        const result = mergeContent(baseKnown ? current.base : null, current.content, theirs);
        const back = { ...current, sendingRevision: null, error: null, errorKind: null };
        if (result.conflicts.length > 0) {
          return { ...back, syncState: 'conflict', conflict: { server } };
        }
        const clean = sameContent(result.merged, theirs);
        const nothingLeft = clean && current.pendingAttachments === 0;
        return {
          ...back,
          content: result.merged,
          server,
          baseVersion: server.version,
          base: theirs,
          conflict: null,
          revision: current.revision + 1,
          dirty: !clean,
          dirtySince: nothingLeft ? null : current.dirtySince,
          syncState: nothingLeft ? 'synced' : 'pending',
          lastSyncedAt: nowIso(),
        };
      });
    },

    async attachmentsToUpload(sampleId) {
      const attachments = await store.listAttachments(sampleId);
      return attachments.filter((attachment) => !attachment.uploaded && attachment.error === null);
    },

    markAttachmentUploaded(attachmentId, serverId) {
      return updateAttachmentAndSample(attachmentId, (attachment, sample) =>
        attachment.uploaded
          ? { attachment, sample: null }
          : {
              attachment: { ...attachment, uploaded: true, serverId, error: null },
              sample: sample ? afterAttachmentGone(sample, nowIso()) : null,
            },
      );
    },

    failAttachment(attachmentId, message) {
      return updateAttachmentAndSample(attachmentId, (attachment) => ({
        attachment: { ...attachment, error: message },
        sample: null,
      }));
    },

    async recoverInterrupted(ownerId) {
      const samples = await store.list(ownerId);
      for (const sample of samples.filter((item) => item.sendingRevision !== null)) {
        await modify(sample.id, (current) =>
          current.sendingRevision === null
            ? null
            : {
                ...current,
                sendingRevision: null,
                syncState: current.dirty ? waitingState(current) : 'synced',
              },
        );
      }
    },

    async getMeta<T>(key: string) {
      const db = await getDb();
      return (await db.get('meta', key))?.value as T | undefined;
    },

    async setMeta(key, value) {
      await translateQuota(async () => {
        const db = await getDb();
        await db.put('meta', { key, value });
      });
      announce({ type: 'meta' });
    },
  };
  return store;
}

/** The browser's samples (IndexedDB 'maestro'). */
export const sampleStore: OfflineStore = createSampleStore();
