import { inflateRawSync } from 'node:zlib';

/** What a result workbook may unzip to, all its parts together: a 10,000-line file is ≈ 3 MB. */
export const XLSX_MAX_UNZIPPED_BYTES = 64 * 1024 * 1024;

export type ZipCheck =
  | { ok: true; unzippedBytes: number }
  | { ok: false; reason: 'tooLarge' | 'malformed' };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Inflates every part of a ZIP archive (an XLSX workbook) with a budget, before the workbook
 * reader sees it: a small file that would unzip to gigabytes (a "zip bomb") is stopped once the
 * budget is spent, whatever sizes its headers announce. Nothing is kept: the bytes are counted.
 */
export function checkZipSize(content: Buffer, maxBytes = XLSX_MAX_UNZIPPED_BYTES): ZipCheck {
  // The end-of-central-directory record: 22 bytes, then a comment of up to 65,535 bytes.
  let eocd = -1;
  for (let at = content.length - 22; at >= Math.max(0, content.length - 22 - 65_535); at -= 1) {
    if (content.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: 'malformed' };
  const entries = content.readUInt16LE(eocd + 10);
  let offset = content.readUInt32LE(eocd + 16);
  let total = 0;
  try {
    for (let index = 0; index < entries; index += 1) {
      if (offset + 46 > content.length || content.readUInt32LE(offset) !== CENTRAL)
        return { ok: false, reason: 'malformed' };
      const method = content.readUInt16LE(offset + 10);
      const compressedSize = content.readUInt32LE(offset + 20);
      const nameLength = content.readUInt16LE(offset + 28);
      const extraLength = content.readUInt16LE(offset + 30);
      const commentLength = content.readUInt16LE(offset + 32);
      const localOffset = content.readUInt32LE(offset + 42);
      offset += 46 + nameLength + extraLength + commentLength;
      // ZIP64 markers: no spreadsheet of results needs them.
      if (compressedSize === 0xffffffff || localOffset === 0xffffffff)
        return { ok: false, reason: 'malformed' };
      if (localOffset + 30 > content.length || content.readUInt32LE(localOffset) !== LOCAL)
        return { ok: false, reason: 'malformed' };
      const start =
        localOffset +
        30 +
        content.readUInt16LE(localOffset + 26) +
        content.readUInt16LE(localOffset + 28);
      const data = content.subarray(start, start + compressedSize);
      if (data.length !== compressedSize) return { ok: false, reason: 'malformed' };
      const left = maxBytes - total;
      if (method === 0) total += data.length;
      else if (method === 8)
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, left + 1) }).length;
      else return { ok: false, reason: 'malformed' };
      if (total > maxBytes) return { ok: false, reason: 'tooLarge' };
    }
  } catch (error) {
    // zlib stops at the budget with a RangeError; anything else is a damaged archive.
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      return { ok: false, reason: 'tooLarge' };
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, unzippedBytes: total };
}
