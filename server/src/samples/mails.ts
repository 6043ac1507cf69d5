import type { Db } from '@maestro/database';
import { copyReference } from '@maestro/shared/domain';
import type { AuthUser, Sample } from '@maestro/shared/schema';
import { createLaboratoryRepository } from '../laboratories/repository';
import type { MailOutbox } from '../mail/outbox';
import type { SampleSendHooks } from './service';

/**
 * On sending: the laboratory receives the analysis request and the support document of copy 1;
 * the owner, when an e-mail was given, the support document of the copy they keep (or of the
 * whole record). Both mails are queued in the sending transaction and sent by the outbox.
 */
export function sampleSendHooks(db: Db, outbox: MailOutbox, appUrl: string): SampleSendHooks {
  const laboratories = createLaboratoryRepository(db);
  return {
    async onSent(sample: Sample, user: AuthUser) {
      const laboratory = sample.laboratoryId
        ? await laboratories.findById(sample.laboratoryId)
        : null;
      if (!laboratory) throw new Error('sent sample without laboratory');
      const items = sample.items
        .map(
          (item) =>
            `- ${copyReference(sample.reference, item.itemNumber, 1)} (scellé ${item.copies[0]?.sealNumber ?? '—'})`,
        )
        .join('\n');
      await outbox.enqueue(
        {
          kind: 'sample.analysisRequest',
          subjectId: sample.id,
          recipients: laboratory.emails,
          subject: `Demande d’analyse ${sample.reference}`,
          text: [
            'Bonjour,',
            '',
            `Le prélèvement ${sample.reference} vous est adressé pour analyse.`,
            'Échantillons (exemplaire 1) :',
            items,
            '',
            'Vous trouverez ci-joint la demande d’analyse et le procès-verbal de prélèvement.',
            `Préleveur : ${user.firstName} ${user.lastName} (${user.email}).`,
            '',
            `Maestro — ${appUrl}`,
          ].join('\n'),
          attachments: [
            {
              kind: 'sample.analysisRequest',
              filename: `demande-analyse-${sample.reference}.pdf`,
              contentType: 'application/pdf',
              params: { sampleId: sample.id },
            },
            {
              kind: 'sample.supportDocument',
              filename: `proces-verbal-${sample.reference}-exemplaire-1.pdf`,
              contentType: 'application/pdf',
              params: { sampleId: sample.id, copyNumber: 1 },
            },
          ],
        },
        user.id,
      );
      if (sample.ownerEmail) {
        const ownerCopy = sample.items[0]?.copies.find((copy) => copy.recipient === 'Owner');
        await outbox.enqueue(
          {
            kind: 'sample.ownerSupportDocument',
            subjectId: sample.id,
            recipients: [sample.ownerEmail],
            subject: `Procès-verbal de prélèvement ${sample.reference}`,
            text: [
              'Bonjour,',
              '',
              `Un prélèvement officiel (référence ${sample.reference}) a été réalisé le ${sample.sampledAt ? new Date(sample.sampledAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }) : ''}.`,
              'Vous trouverez ci-joint le procès-verbal de prélèvement.',
              '',
              'Ce message est envoyé automatiquement, merci de ne pas y répondre.',
            ].join('\n'),
            attachments: [
              {
                kind: 'sample.supportDocument',
                filename: `proces-verbal-${sample.reference}.pdf`,
                contentType: 'application/pdf',
                params: { sampleId: sample.id, copyNumber: ownerCopy?.copyNumber ?? null },
              },
            ],
          },
          user.id,
        );
      }
    },
  };
}
