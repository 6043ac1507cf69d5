/**
 * Escape hatches: the agent's unsynced samples exported as one file that support can import,
 * the deletion of one stuck local sample (after the agent confirmed), and the check made
 * before logging out.
 */
import { isUnsynced, sampleStore } from './store';
import type { LocalAttachment, LocalSample } from './types';

export const EXPORT_FORMAT = 'maestro-prelevements-non-synchronises';

export interface ExportedAttachment extends Omit<LocalAttachment, 'blob'> {
  /** The file's content in base64. */
  base64: string;
}

/** The exported file (JSON). */
export interface OfflineExport {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  ownerId: string;
  samples: LocalSample[];
  attachments: ExportedAttachment[];
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let index = 0; index < bytes.length; index += chunk) {
    binary += String.fromCharCode(...bytes.subarray(index, index + chunk));
  }
  return btoa(binary);
}

/** The user's samples that the server does not fully have (content, files or a choice). */
export async function unsyncedSamples(ownerId: string): Promise<LocalSample[]> {
  return (await sampleStore.list(ownerId)).filter(isUnsynced);
}

export async function hasUnsynced(ownerId: string): Promise<boolean> {
  return (await unsyncedSamples(ownerId)).length > 0;
}

/** The unsynced samples with all their files, as one JSON document. */
export async function exportUnsynced(ownerId: string): Promise<OfflineExport> {
  const samples = await unsyncedSamples(ownerId);
  const attachments: ExportedAttachment[] = [];
  for (const sample of samples) {
    for (const { blob, ...attachment } of await sampleStore.listAttachments(sample.id)) {
      attachments.push({ ...attachment, base64: await base64Of(blob) });
    }
  }
  return {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: new Date().toISOString(),
    ownerId,
    samples,
    attachments,
  };
}

export function exportFileName(date = new Date()): string {
  const day = date.toISOString().slice(0, 10);
  return `maestro-prelevements-non-synchronises-${day}.json`;
}

/** Offers the export as a download; resolves with the number of samples exported. */
export async function downloadUnsynced(ownerId: string): Promise<number> {
  const exported = await exportUnsynced(ownerId);
  const blob = new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName();
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return exported.samples.length;
}

/** Forgets one local sample and its files (the agent confirmed: never "delete everything"). */
export function removeLocalSample(id: string): Promise<void> {
  return sampleStore.remove(id);
}
