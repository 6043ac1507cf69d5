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
