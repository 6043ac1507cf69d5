import type { Readable } from 'node:stream';
import { HttpError } from './errors';

/** 413 for an uploaded file over `limit` bytes. */
export const fileTooLarge = (limit: number) =>
  new HttpError(
    413,
    'PayloadTooLarge',
    `Le fichier dépasse la taille maximale de ${Math.round(limit / 1024 / 1024)} Mo.`,
  );

/** A request body, counted as it streams: 413 as soon as it exceeds `limit`. */
export async function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving a plain `for await … of stream` early destroys the request: the rest of the body
  // is then never read and the next request on that keep-alive connection never answered.
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) break;
    chunks.push(buffer);
  }
  if (size > limit) {
    // The rest is read and dropped, so that the client gets the answer rather than a reset.
    stream.resume();
    throw fileTooLarge(limit);
  }
  return Buffer.concat(chunks);
}
