import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config';

/** An e-mail as the application sends it; the adapter decides how (SMTP, file capture). */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** A mailer that keeps what it was given: for tests of code that sends mail, not of mail itself. */
export class MemoryMailer implements Mailer {
  readonly sent: Mail[] = [];
  async send(mail: Mail): Promise<void> {
    this.sent.push(mail);
  }
}

/**
 * The mailer of the configuration: an SMTP relay when SMTP_HOST is set; otherwise each mail is
 * written as a complete .eml file under `<dataDir>/mail`, so that a developer sees exactly what
 * would have been sent.
 */
export function createMailer(config: Config, dataDir: string, logger: Logger): Mailer {
  if (config.SMTP_HOST) {
    const transport = nodemailer.createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } : undefined,
      // A local catcher (development, tests) speaks plain SMTP.
      ignoreTLS: !config.SMTP_SECURE && ['localhost', '127.0.0.1'].includes(config.SMTP_HOST),
    });
    return {
      async send(mail) {
        await transport.sendMail({ from: config.MAIL_FROM, ...mail });
        logger.info({ recipients: mail.to.length }, 'mail sent');
      },
    };
  }
  const folder = path.join(dataDir, 'mail');
  const capture = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async send(mail) {
      const info = await capture.sendMail({ from: config.MAIL_FROM, ...mail });
      await mkdir(folder, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
      await writeFile(path.join(folder, name), info.message as Buffer);
      logger.info({ file: name }, 'mail captured');
    },
  };
}
