/** Photos are shrunk on the device before being kept: long edge about 2,048 px, JPEG. */
export const MAX_IMAGE_EDGE = 2048;
const JPEG_QUALITY = 0.85;

export interface ShrunkImage {
  blob: Blob;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  fileName: string;
}

/** The size that fits `maxEdge` on the long side, keeping the ratio (never enlarged). */
export function fitWithin(
  width: number,
  height: number,
  maxEdge = MAX_IMAGE_EDGE,
): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxEdge) return { width, height };
  const scale = maxEdge / longest;
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

const withExtension = (name: string, extension: string) =>
  `${name.replace(/\.[^./\\]*$/, '') || 'photo'}.${extension}`;

/**
 * A photo shrunk to `maxEdge` and re-encoded as JPEG (orientation applied); a file that is not
 * an image the browser can decode, or is already small, is returned as it is.
 */
export async function shrinkImage(
  file: File,
  maxEdge = MAX_IMAGE_EDGE,
): Promise<ShrunkImage | null> {
  const type = file.type;
  if (type !== 'image/jpeg' && type !== 'image/png' && type !== 'image/webp') return null;
  if (typeof createImageBitmap !== 'function')
    return { blob: file, contentType: type, fileName: file.name };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return { blob: file, contentType: type, fileName: file.name };
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, maxEdge);
    if (size.width === bitmap.width && size.height === bitmap.height && file.size < 1_500_000) {
      return { blob: file, contentType: type, fileName: file.name };
    }
    const canvas =
      typeof OffscreenCanvas === 'function'
        ? new OffscreenCanvas(size.width, size.height)
        : Object.assign(document.createElement('canvas'), size);
    const context = canvas.getContext('2d') as
      | CanvasRenderingContext2D
      | OffscreenCanvasRenderingContext2D
      | null;
    if (!context) return { blob: file, contentType: type, fileName: file.name };
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob =
      canvas instanceof HTMLCanvasElement
        ? await new Promise<Blob | null>((resolve) =>
            canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY),
          )
        : await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
    if (!blob) return { blob: file, contentType: type, fileName: file.name };
    return { blob, contentType: 'image/jpeg', fileName: withExtension(file.name, 'jpg') };
  } finally {
    bitmap.close();
  }
}
