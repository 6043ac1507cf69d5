/** Test helpers of the offline store and sync (not used by the app). */
import { emptySampleContent } from '@maestro/shared/domain';
import type { Sample, SampleContent } from '@maestro/shared/schema';

export const ownerId = '0b8f3a2e-1c4d-4e5f-8a9b-1c2d3e4f5a6b';
export const otherOwnerId = '5d7c9e1f-2a3b-4c5d-8e9f-0a1b2c3d4e5f';

/** An empty record, as the agent starts it (the shared one), with some fields set. */
export const emptyContent = (patch: Partial<SampleContent> = {}): SampleContent =>
  emptySampleContent(patch);

/** The server's answer for a content (what the API would send back). */
export function serverSample(
  id: string,
  content: SampleContent,
  patch: Partial<Sample> = {},
): Sample {
  return {
    ...content,
    id,
    reference: 'ARA-26-00001',
    status: 'Draft',
    regionCode: '84',
    sampler: { id: ownerId, firstName: 'Camille', lastName: 'Martin' },
    version: 1,
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z',
    submittedAt: null,
    sentAt: null,
    attachmentCount: 0,
    compliant: null,
    ...patch,
  };
}

/** A structured clone that keeps Blobs (immutable: sharing them is what a browser amounts to). */
function cloneKeepingBlobs(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Blob) return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(cloneKeepingBlobs);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      cloneKeepingBlobs(item),
    ]),
  );
}

/**
 * jsdom's environment clones a Blob into a plain object, so fake-indexeddb would lose the
 * files; browsers keep them. Tests storing files call this once.
 */
export function keepBlobsInStructuredClone(): void {
  globalThis.structuredClone = ((value: unknown) =>
    cloneKeepingBlobs(value)) as typeof structuredClone;
}
