import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where the e2e server's SMTP catcher writes each received mail. */
export const mailDir = path.join(import.meta.dirname, '.mail');
export const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2526);

/** The raw messages received so far (headers and MIME body). */
export function receivedMails(): string[] {
  try {
    return readdirSync(mailDir)
      .filter((name) => name.endsWith('.eml'))
      .sort()
      .map((name) => readFileSync(path.join(mailDir, name), 'utf8'));
  } catch {
    return [];
  }
}

/** One part of a MIME message: its headers (lower-case names, unfolded) and its raw body. */
export interface MailPart {
  headers: Record<string, string>;
  body: string;
}

/** A received message, parsed enough for the journeys to check it. */
export interface ParsedMail {
  headers: Record<string, string>;
  /** The decoded subject (RFC 2047 encoded words). */
  subject: string;
  /** The leaf parts (text, attachments), multipart containers flattened. */
  parts: MailPart[];
}

/** `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words of a header, decoded. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
      (_all, _charset, encoding: string, text: string) =>
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_hex, code: string) =>
                  String.fromCharCode(Number.parseInt(code, 16)),
                ),
              'latin1',
            ).toString('utf8'),
    );
}

function splitHeaders(raw: string): MailPart {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function leafParts(part: MailPart): MailPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(part.headers['content-type'] ?? '')?.[1];
  if (!/^multipart\//i.test(part.headers['content-type'] ?? '') || !boundary) return [part];
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const chunks = part.body.split(new RegExp(`\\r?\\n?--${escaped}(?:--)?[ \\t]*\\r?\\n?`));
  return chunks
    .slice(1)
    .filter((chunk) => chunk.trim() !== '')
    .flatMap((chunk) => leafParts(splitHeaders(chunk)));
}

/** Headers, subject and parts of a raw message. */
export function parseMail(raw: string): ParsedMail {
  const top = splitHeaders(raw);
  return {
    headers: top.headers,
    subject: decodeHeader(top.headers.subject ?? ''),
    parts: leafParts(top),
  };
}

/** The file name of an attachment part (Content-Disposition, else Content-Type's name). */
export function attachmentName(part: MailPart): string | null {
  const disposition = decodeHeader(part.headers['content-disposition'] ?? '');
  const type = decodeHeader(part.headers['content-type'] ?? '');
  return (
    /filename\*?="?([^";]+)"?/i.exec(disposition)?.[1] ??
    /name="?([^";]+)"?/i.exec(type)?.[1] ??
    null
  );
}
