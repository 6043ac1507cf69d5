import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { onChange } from './channel';
import { resetDbForTests } from './db';
import { exportUnsynced, hasUnsynced, removeLocalSample } from './escape';
import { isQuotaError, STORAGE_FULL_MESSAGE, StorageFullError, translateQuota } from './storage';
import { createSampleStore, SAMPLE_NOT_FOUND_MESSAGE } from './store';
import {
  emptyContent,
  keepBlobsInStructuredClone,
  otherOwnerId,
  ownerId,
  serverSample,
} from './testing';

const store = createSampleStore();
keepBlobsInStructuredClone();
const blobOf = (text: string) => new Blob([text]);

beforeEach(async () => {
  await resetDbForTests();
});

describe('the local sample store', () => {
  it('creates a sample with a client UUID, stored at once and queued', async () => {
    const created = await store.create(ownerId, emptyContent({ parcel: 'Parcelle 1' }));
    expect(created.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(created).toMatchObject({
      ownerId,
      dirty: true,
      syncState: 'local',
      server: null,
      baseVersion: null,
      revision: 1,
    });
    expect(await store.get(created.id)).toEqual(created);
    expect((await store.queue(ownerId)).map((sample) => sample.id)).toEqual([created.id]);
  });

  it('lists the samples of one owner only, oldest first', async () => {
    const first = await store.create(ownerId, emptyContent());
    await store.create(otherOwnerId, emptyContent());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await store.create(ownerId, emptyContent());
    expect((await store.list(ownerId)).map((sample) => sample.id)).toEqual([first.id, second.id]);
    expect(await store.list(otherOwnerId)).toHaveLength(1);
  });

  it('writes every update at once, and tells this tab’s listeners', async () => {
    const created = await store.create(ownerId, emptyContent());
    const heard = vi.fn();
    const off = onChange(heard);
    const updated = await store.update(created.id, emptyContent({ parcel: 'Parcelle 2' }));
    off();
    expect(updated.revision).toBe(2);
    expect((await store.get(created.id))?.content.parcel).toBe('Parcelle 2');
    expect(heard).toHaveBeenCalledWith({ type: 'samples', ids: [created.id] });
  });

  it('ignores an update that changes nothing', async () => {
    const created = await store.create(ownerId, emptyContent({ parcel: 'P' }));
    const same = await store.update(created.id, emptyContent({ parcel: 'P' }));
    expect(same.revision).toBe(1);
  });

  it('refuses to update a sample it does not hold', async () => {
    await expect(
      store.update('8f1e1a52-2d1c-4d8e-9b7a-0c1f2e3d4a5b', emptyContent()),
    ).rejects.toThrow(SAMPLE_NOT_FOUND_MESSAGE);
  });

  it('freezes the version being uploaded: an edit made meanwhile is queued after it', async () => {
    const created = await store.create(ownerId, emptyContent({ parcel: 'v1' }));
    const frozen = await store.beginUpload(created.id);
    expect(frozen).toMatchObject({ syncState: 'syncing', sendingRevision: 1 });
    expect(frozen?.content.parcel).toBe('v1');

    // The agent types during the upload.
    const edited = await store.update(created.id, emptyContent({ parcel: 'v2' }));
    expect(edited).toMatchObject({ syncState: 'syncing', sendingRevision: 1, revision: 2 });

    // The server answers for the frozen version.
    const answer = serverSample(created.id, emptyContent({ parcel: 'v1' }));
    const after = await store.finishUpload(created.id, 1, answer);
    expect(after).toMatchObject({
      dirty: true,
      syncState: 'pending',
      sendingRevision: null,
      baseVersion: 1,
    });
    expect(after.content.parcel).toBe('v2');
    expect(after.base?.parcel).toBe('v1');
    expect((await store.queue(ownerId)).map((sample) => sample.id)).toEqual([created.id]);

    // Without an edit during the upload, the sample is synchronised.
    const next = await store.beginUpload(created.id);
    expect(next?.sendingRevision).toBe(2);
    const done = await store.finishUpload(
      created.id,
      2,
      serverSample(created.id, emptyContent({ parcel: 'v2' }), { version: 2 }),
    );
    expect(done).toMatchObject({ dirty: false, syncState: 'synced', baseVersion: 2 });
    expect(await store.queue(ownerId)).toEqual([]);
  });

  it('keeps a refused sample out of the queue until it is edited', async () => {
    const created = await store.create(ownerId, emptyContent());
    await store.beginUpload(created.id);
    const refused = await store.failUpload(created.id, 1, {
      kind: 'invalid',
      message: 'Le département est invalide.',
    });
    expect(refused).toMatchObject({ syncState: 'error', error: 'Le département est invalide.' });
    expect(await store.beginUpload(created.id)).toBeNull();
    const edited = await store.update(created.id, emptyContent({ departmentCode: '69' }));
    expect(edited).toMatchObject({ syncState: 'local', error: null, errorKind: null });
    expect(await store.beginUpload(created.id)).not.toBeNull();
  });

  it('keeps a server sample for offline use, unless local edits wait', async () => {
    const id = '3c2b1a09-8f7e-4d6c-9b5a-493827160504';
    const sample = serverSample(id, emptyContent({ parcel: 'Serveur' }), { version: 3 });
    await store.rememberServerSample(ownerId, sample);
    expect(await store.get(id)).toMatchObject({
      syncState: 'synced',
      dirty: false,
      baseVersion: 3,
    });
    await store.update(id, emptyContent({ parcel: 'Local' }));
    await store.rememberServerSample(
      ownerId,
      serverSample(id, emptyContent({ parcel: 'Serveur 2' }), { version: 4 }),
    );
    expect((await store.get(id))?.content.parcel).toBe('Local');
  });

  it('merges a server change field by field, or waits for the agent’s choice', async () => {
    const id = '4d3c2b1a-0f9e-4d7c-8b6a-5a4938271605';
    await store.rememberServerSample(
      ownerId,
      serverSample(id, emptyContent({ parcel: 'P1', ownerName: 'A' }), { version: 1 }),
    );
    await store.update(id, emptyContent({ parcel: 'P2', ownerName: 'A' }));

    // Changed on the server: another field → merged, still to send.
    const merged = await store.putServerChange(
      id,
      serverSample(id, emptyContent({ parcel: 'P1', ownerName: 'B' }), { version: 2 }),
      true,
    );
    expect(merged).toMatchObject({ syncState: 'pending', dirty: true, baseVersion: 2 });
    expect(merged.content).toMatchObject({ parcel: 'P2', ownerName: 'B' });

    // Changed on the server: the same field → conflict.
    const server = serverSample(id, emptyContent({ parcel: 'P3', ownerName: 'B' }), { version: 3 });
    const conflict = await store.putServerChange(id, server, true);
    expect(conflict).toMatchObject({ syncState: 'conflict', conflict: { server } });
    expect(await store.beginUpload(id)).toBeNull();

    await store.resolveConflict(id, 'theirs');
    expect(await store.get(id)).toMatchObject({
      syncState: 'synced',
      dirty: false,
      baseVersion: 3,
      conflict: null,
      content: { parcel: 'P3', ownerName: 'B' },
    });
  });

  it('keeps files in the same transaction as the sample, once each, until uploaded', async () => {
    const created = await store.create(ownerId, emptyContent());
    const blob = blobOf('photo');
    const [first] = await store.addAttachments(created.id, [
      { blob, fileName: 'photo.jpg', contentType: 'image/jpeg', caption: 'Verger' },
    ]);
    // The same file again is kept once; another file under the same name gets another name.
    await store.addAttachments(created.id, [
      { blob, fileName: 'photo.jpg', contentType: 'image/jpeg' },
      { blob: blobOf('autre'), fileName: 'photo.jpg', contentType: 'image/jpeg' },
    ]);
    const attachments = await store.listAttachments(created.id);
    expect(attachments.map((attachment) => attachment.fileName)).toEqual([
      'photo.jpg',
      'photo (2).jpg',
    ]);
    expect(first?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.get(created.id))?.pendingAttachments).toBe(2);
    await store.markAttachmentUploaded(first?.id as string, '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b');
    expect((await store.get(created.id))?.pendingAttachments).toBe(1);
    expect(await store.attachmentsToUpload(created.id)).toHaveLength(1);
  });

  it('exports the unsynced samples with their files, and deletes one after confirmation', async () => {
    const created = await store.create(ownerId, emptyContent({ parcel: 'À exporter' }));
    await store.addAttachments(created.id, [
      { blob: blobOf('abc'), fileName: 'note.pdf', contentType: 'application/pdf' },
    ]);
    await store.rememberServerSample(
      ownerId,
      serverSample('5e4d3c2b-1a0f-4e8d-9c7b-6a5f4e3d2c1b', emptyContent()),
    );
    expect(await hasUnsynced(ownerId)).toBe(true);
    expect(await hasUnsynced(otherOwnerId)).toBe(false);
    const exported = await exportUnsynced(ownerId);
    expect(exported.samples.map((sample) => sample.id)).toEqual([created.id]);
    expect(exported.attachments).toHaveLength(1);
    expect(exported.attachments[0]?.base64).toBe(btoa('abc'));

    await removeLocalSample(created.id);
    expect(await store.get(created.id)).toBeUndefined();
    expect(await store.listAttachments(created.id)).toEqual([]);
    expect(await hasUnsynced(ownerId)).toBe(false);
  });

  it('turns a full storage into the French message', async () => {
    const quota = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    expect(isQuotaError(quota)).toBe(true);
    await expect(translateQuota(() => Promise.reject(quota))).rejects.toThrow(StorageFullError);
    await expect(translateQuota(() => Promise.reject(quota))).rejects.toThrow(STORAGE_FULL_MESSAGE);
  });
});
