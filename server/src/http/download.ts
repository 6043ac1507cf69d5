import type { Readable } from 'node:stream';
import type { Response } from 'express';

/** `attachment; filename=…` with a plain fallback and the UTF-8 name. */
export const contentDisposition = (fileName: string, inline = false) => {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
};

/**
 * Streams a stored file as a private download (never cached, never sniffed) and resolves once
 * the answer is sent or the client has gone.
 */
export async function sendStoredFile(
  res: Response,
  stored: { body: Readable; size: number },
  file: { fileName: string; contentType: string },
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(stored.size));
  res.setHeader('Content-Disposition', contentDisposition(file.fileName));
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  await new Promise<void>((resolve, reject) => {
    stored.body.on('error', reject);
    res.on('finish', resolve);
    res.on('close', resolve);
    stored.body.pipe(res);
  });
}
