import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createMailer } from './mail';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const received: Received[] = [];
let server: SMTPServer;
let port = 0;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('mail adapter', () => {
  it('sends through SMTP when SMTP_HOST is set, with the configured sender', async () => {
    const config = loadConfig({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      MAIL_FROM: 'Maestro <maestro@agriculture.test>',
    });
    const mailer = createMailer(config, tmpdir(), pino({ level: 'silent' }));
    await mailer.send({
      to: ['coordinateur.ara@maestro.test'],
      subject: '[Maestro] Programmation à traiter',
      text: 'La programmation a été envoyée aux régions.',
      attachments: [
        {
          filename: 'demande.csv',
          content: Buffer.from('a;b\r\n1;2\r\n'),
          contentType: 'text/csv',
        },
      ],
    });
    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe('maestro@agriculture.test');
    expect(received[0]!.to).toEqual(['coordinateur.ara@maestro.test']);
    expect(received[0]!.raw).toMatch(/Subject: =\?UTF-8\?Q\?/);
    expect(received[0]!.raw).toContain('filename=demande.csv');
  });

  it('without SMTP, captures each mail as an .eml file a developer can open', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'maestro-mail-'));
    try {
      const mailer = createMailer(loadConfig({}), dir, pino({ level: 'silent' }));
      await mailer.send({
        to: ['a@maestro.test'],
        subject: 'Objet accentué é',
        text: 'Corps du message',
      });
      const files = await readdir(path.join(dir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const content = await readFile(path.join(dir, 'mail', files[0]!), 'utf8');
      expect(content).toContain('To: a@maestro.test');
      expect(content).toContain('Corps du message');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports an unreachable relay as an error (the caller logs it)', async () => {
    const config = loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: '1' });
    const mailer = createMailer(config, tmpdir(), pino({ level: 'silent' }));
    await expect(
      mailer.send({ to: ['a@maestro.test'], subject: 's', text: 't' }),
    ).rejects.toThrow();
  });
});
