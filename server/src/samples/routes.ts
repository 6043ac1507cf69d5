import { canWriteSample } from '@maestro/shared/domain';
import type { AttachmentContentType } from '@maestro/shared/schema';
import { contentDisposition, sendStoredFile } from '../http/download';
import { ConflictError, NotFoundError } from '../http/errors';
import type { HandlersOf } from '../http/router';
import type { MailOutbox } from '../mail/outbox';
import type { SampleDocuments } from './documents';
import type { SampleService } from './service';

export const sampleHandlers = (
  samples: SampleService,
  documents: SampleDocuments,
  outbox: MailOutbox,
): HandlersOf<
  | 'createSample'
  | 'getSample'
  | 'updateSample'
  | 'deleteSample'
  | 'submitSample'
  | 'sendSample'
  | 'getSampleDocument'
  | 'getBlankSampleForm'
  | 'getSampleHistory'
  | 'findSampleAttachments'
  | 'uploadSampleAttachment'
  | 'getSampleAttachment'
  | 'deleteSampleAttachment'
  | 'findSampleDeliveries'
  | 'retrySampleDelivery'
> => ({
  createSample: ({ user, body }) => samples.create(user, body),
  getSample: ({ user, params }) => samples.get(user, params.sampleId),
  updateSample: ({ user, params, body }) => samples.update(user, params.sampleId, body),
  deleteSample: async ({ user, params, query }) => {
    await samples.delete(user, params.sampleId, query.version);
  },
  submitSample: ({ user, params, body }) => samples.submit(user, params.sampleId, body.version),
  sendSample: ({ user, params, body }) => samples.send(user, params.sampleId, body.version),
  getSampleDocument: async ({ user, params, query, res }) => {
    const sample = await samples.readable(user, params.sampleId);
    const file = await documents.render(sample, params.document, query);
    res
      .status(200)
      .type(file.contentType)
      .setHeader(
        'Content-Disposition',
        contentDisposition(file.fileName, file.contentType === 'application/pdf'),
      )
      .setHeader('Cache-Control', 'private, no-store')
      .send(file.content);
    return '';
  },
  getBlankSampleForm: async ({ user, query, res }) => {
    const file = await documents.blankForm(user, query);
    res
      .status(200)
      .type(file.contentType)
      .setHeader('Content-Disposition', contentDisposition(file.fileName, true))
      .setHeader('Cache-Control', 'private, no-store')
      .send(file.content);
    return '';
  },
  getSampleHistory: ({ user, params }) => samples.history(user, params.sampleId),
  findSampleAttachments: ({ user, params }) => samples.attachments(user, params.sampleId),
  uploadSampleAttachment: ({ user, params, query, req }) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    return samples.attach(user, params.sampleId, query, type as AttachmentContentType, req);
  },
  getSampleAttachment: async ({ user, params, res }) => {
    const { attachment, stored } = await samples.attachment(
      user,
      params.sampleId,
      params.attachmentId,
    );
    await sendStoredFile(res, stored, {
      fileName: attachment.fileName,
      contentType: attachment.contentType,
    });
    return '';
  },
  deleteSampleAttachment: async ({ user, params }) => {
    await samples.detach(user, params.sampleId, params.attachmentId);
  },
  findSampleDeliveries: async ({ user, params }) => {
    await samples.readable(user, params.sampleId);
    return outbox.findBySubject(params.sampleId);
  },
  retrySampleDelivery: async ({ user, params }) => {
    const sample = await samples.readable(user, params.sampleId);
    if (!canWriteSample(user, sample)) throw new NotFoundError('Cet envoi est introuvable.');
    const delivery = await outbox.findById(params.deliveryId);
    const deliveries = await outbox.findBySubject(params.sampleId);
    if (!delivery || !deliveries.some((d) => d.id === delivery.id))
      throw new NotFoundError('Cet envoi est introuvable.');
    if (delivery.status === 'Sent') throw new ConflictError('Ce courriel a déjà été envoyé.');
    return outbox.retry(params.deliveryId);
  },
});
