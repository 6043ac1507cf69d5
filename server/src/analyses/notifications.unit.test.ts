import { describe, expect, it } from 'vitest';
import type { Mail } from '../adapters/mail';
import { digestMails } from './notifications';

const mail = (to: string[], subject: string, body: string): Mail => ({
  to,
  subject: `[Maestro] ${subject}`,
  text: `${body}\n\nhttp://localhost/analyses/1\n\n— Maestro, plans de surveillance et de contrôle`,
});

describe('digestMails', () => {
  it('gathers the messages of one recipient in one e-mail listing each', () => {
    const mails = [
      mail(['ddpp@x.test'], 'Résultats à valider : ARA-26-00001-A-1', 'Premier.'),
      mail(['DDPP@x.test', 'sral@x.test'], 'Résultats à valider : ARA-26-00002-A-1', 'Deuxième.'),
      mail(['ddpp@x.test'], 'Prélèvement non conforme : ARA-26-00002', 'Troisième.'),
    ];
    const digest = digestMails(mails, 'resultats.csv');
    expect(digest).toHaveLength(2);
    const ddpp = digest.find((m) => m.to[0] === 'ddpp@x.test') as Mail;
    expect(ddpp.subject).toBe('[Maestro] Import de résultats « resultats.csv » : 3 avis');
    expect(ddpp.text).toContain('— Résultats à valider : ARA-26-00001-A-1\nPremier.');
    expect(ddpp.text).toContain('— Prélèvement non conforme : ARA-26-00002\nTroisième.');
    // The signature once, at the end.
    expect(ddpp.text.match(/— Maestro, plans de surveillance/g)).toHaveLength(1);
    const sral = digest.find((m) => m.to[0] === 'sral@x.test') as Mail;
    expect(sral.subject).toBe('[Maestro] Résultats à valider : ARA-26-00002-A-1');
    expect(sral.text).toBe(mails[1]?.text);
  });

  it('sends nothing when there is nothing to say', () => {
    expect(digestMails([], 'vide.csv')).toEqual([]);
  });
});
