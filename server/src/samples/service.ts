import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Db, executor, transaction } from '@maestro/database';
import {
  canReadSample,
  canWriteSample,
  copyReference,
  decideSampleAction,
  formatSampleReference,
  matchPrescription,
  type SampleProblem,
  sampleProblems,
} from '@maestro/shared/domain';
import {
  Departments,
  Matrices,
  MatrixKinds,
  regionOfDepartment,
  Substances,
} from '@maestro/shared/referential';
import {
  type AttachmentContentType,
  type AttachmentUploadQuery,
  type AuthUser,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_SAMPLE,
  type NotAdmissibleReason,
  NotAdmissibleReasonLabels,
  type Sample,
  type SampleAttachment,
  type SampleContent,
  type SampleEvent,
  type SampleStatus,
  SampleStatusLabels,
  type SampleToCreate,
  type SampleToUpdate,
} from '@maestro/shared/schema';
import type { Logger } from 'pino';
import type { FileStorage } from '../adapters/storage';
import { recordAudit } from '../audit/repository';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  VersionConflictError,
} from '../http/errors';
import { readLimited } from '../http/upload';
import {
  contentColumns,
  createSampleRepository,
  type HistoryEvent,
  type SampleRow,
} from './repository';

const sampleNotFound = () => new NotFoundError('Ce prélèvement est introuvable.');

/** A 400 naming each field of the record that is wrong or missing. */
const incomplete = (message: string, problems: { path: string; message: string }[]) =>
  new HttpError(
    400,
    'ValidationError',
    message,
    problems.map((p) => ({ path: `body.${p.path}`, message: p.message })),
  );

/** The same content always hashes the same (keys sorted at every level). */
export function contentHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((key) => [key, canonical((v as Record<string, unknown>)[key])]),
      );
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/** What the first bytes of a file say it is: the declared type must agree. */
export function sniffContentType(head: Buffer): AttachmentContentType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return 'image/jpeg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (
    head.subarray(0, 4).toString('latin1') === 'RIFF' &&
    head.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

export interface SampleSendHooks {
  /**
   * Called inside the sending transaction: queues the e-mails (laboratory, owner) so that they
   * exist if and only if the sample is sent.
   */
  onSent(sample: Sample, user: AuthUser): Promise<void>;
}

export interface SampleServiceDependencies {
  db: Db;
  storage: FileStorage;
  logger: Logger;
  hooks: SampleSendHooks;
  now?: () => Date;
}

const actionLabels: Record<string, string> = {
  create: 'Création du prélèvement',
  update: 'Modification du brouillon',
  submit: 'Prélèvement finalisé (à envoyer)',
  send: 'Demande d’analyse envoyée au laboratoire',
  delete: 'Suppression du brouillon',
  attach: 'Ajout d’une pièce jointe',
  detach: 'Suppression d’une pièce jointe',
  retryMail: 'Nouvel essai d’envoi du courriel',
};

const verdictLabel = (compliant: unknown) =>
  compliant === true ? 'conforme' : compliant === false ? 'non conforme' : 'sans verdict';

/** The French label of an event of the sample's history (its own or one of its analyses'). */
function eventLabel(event: HistoryEvent, reference: string): string {
  const after = event.after ?? {};
  const text = (key: string) => (typeof after[key] === 'string' ? (after[key] as string) : '');
  if (event.entity === 'sample') {
    if (event.action === 'analysisProgress') {
      const status = SampleStatusLabels[after.status as SampleStatus] ?? text('status');
      return after.compliant === true || after.compliant === false
        ? `Statut du prélèvement : ${status}, ${verdictLabel(after.compliant)}`
        : `Statut du prélèvement : ${status}`;
    }
    return actionLabels[event.action] ?? event.action;
  }
  const copy =
    event.itemNumber !== null && event.copyNumber !== null
      ? ` (${copyReference(reference, event.itemNumber, event.copyNumber)})`
      : '';
  switch (event.action) {
    case 'receive':
      return `Réception au laboratoire${copy}`;
    case 'reject': {
      const reason = NotAdmissibleReasonLabels[after.reason as NotAdmissibleReason] ?? '';
      const comment = text('comment');
      return `Non recevable${copy} : ${reason}${comment ? ` — ${comment}` : ''}`;
    }
    case 'saveResults':
      return `Résultats enregistrés${copy}`;
    case 'submitResults':
      return text('fileName')
        ? `Résultats transmis par import du fichier « ${text('fileName')} »${copy}`
        : `Résultats transmis${copy}`;
    case 'correctResults':
      return `Correction (version ${String(after.resultVersion ?? '?')}) : ${text('reason')}${copy}`;
    case 'review':
      return after.decision === 'Override'
        ? `Verdict corrigé (${verdictLabel(after.compliant)}) : ${text('comment')}${copy}`
        : `Validation : ${verdictLabel(after.compliant)}${copy}`;
    case 'reevaluate':
      return `Réévaluation LMR : ${verdictLabel(after.compliant)}${copy}`;
    case 'counterAnalysis':
      return `Contre-analyse demandée : ${text('reason')}${copy}`;
    case 'uploadReport':
      return `Rapport déposé : ${text('fileName')}${copy}`;
    default:
      return `${event.action}${copy}`;
  }
}

export function createSampleService({
  db,
  storage,
  logger,
  hooks,
  now = () => new Date(),
}: SampleServiceDependencies) {
  const samples = createSampleRepository(db);

  /** The row, or 404 when it does not exist or the user may not see it. */
  async function readable(user: AuthUser, id: string, forUpdate = false): Promise<SampleRow> {
    const row = await samples.findRow(id, { forUpdate });
    // A laboratory also reads the samples it holds an analysis of (a counter-analysis).
    const laboratories =
      row && user.role === 'LaboratoryUser' ? await samples.analysisLaboratoryIds(id) : [];
    if (!row || !canReadSample(user, row, laboratories)) throw sampleNotFound();
    return row;
  }

  /** The row, locked, when the user may change it (404 unseen, 403 seen but not theirs). */
  async function writable(user: AuthUser, id: string): Promise<SampleRow> {
    const row = await readable(user, id, true);
    if (!canWriteSample(user, row))
      throw new ForbiddenError('Ce prélèvement relève d’un autre département.');
    return row;
  }

  async function load(id: string): Promise<Sample> {
    const sample = await samples.find(id);
    if (!sample) throw sampleNotFound();
    return sample;
  }

  /** Checks the codes and ids a content refers to; answers 400 naming the field. */
  async function checkReferences(content: SampleContent): Promise<void> {
    const problems: { path: string; message: string }[] = [];
    if (content.matrixKindCode && !MatrixKinds[content.matrixKindCode])
      problems.push({ path: 'matrixKindCode', message: 'Catégorie de matrice inconnue.' });
    if (content.matrixCode) {
      const matrix = Matrices[content.matrixCode];
      if (!matrix) problems.push({ path: 'matrixCode', message: 'Matrice inconnue.' });
      else if (content.matrixKindCode && matrix.kindCode !== content.matrixKindCode)
        problems.push({
          path: 'matrixCode',
          message: 'Cette matrice n’appartient pas à la catégorie choisie.',
        });
    }
    content.substances.forEach((substance, i) => {
      if (!Substances[substance.substanceCode])
        problems.push({ path: `substances.${i}.substanceCode`, message: 'Substance inconnue.' });
    });
    const db_ = db;
    if (content.programmingPlanId) {
      const plan = await db_('programmingPlans')
        .where({ id: content.programmingPlanId })
        .first('id');
      if (!plan)
        problems.push({ path: 'programmingPlanId', message: 'Plan de programmation introuvable.' });
    }
    if (content.prescriptionId) {
      const prescription = await db_('prescriptions')
        .where({ id: content.prescriptionId })
        .first('planId');
      if (!prescription || prescription.planId !== content.programmingPlanId)
        problems.push({
          path: 'prescriptionId',
          message: 'Cette ligne de programmation n’appartient pas au plan choisi.',
        });
    }
    if (content.laboratoryId) {
      const laboratory = await db_('laboratories').where({ id: content.laboratoryId }).first('id');
      if (!laboratory) problems.push({ path: 'laboratoryId', message: 'Laboratoire introuvable.' });
    }
    const seen = new Set<number>();
    content.items.forEach((item, i) => {
      if (seen.has(item.itemNumber))
        problems.push({
          path: `items.${i}.itemNumber`,
          message: 'Numéro d’échantillon en double.',
        });
      seen.add(item.itemNumber);
      const copies = new Set<number>();
      item.copies.forEach((copy, j) => {
        if (copies.has(copy.copyNumber))
          problems.push({
            path: `items.${i}.copies.${j}.copyNumber`,
            message: 'Numéro d’exemplaire en double.',
          });
        copies.add(copy.copyNumber);
      });
    });
    if (problems.length > 0)
      throw incomplete('Le prélèvement contient des données invalides.', problems);
  }

  /** The department a content is taken in, which must be the user's. */
  function placeOf(user: AuthUser, content: SampleContent) {
    const departmentCode = content.departmentCode ?? user.departmentCode;
    if (!departmentCode || !Departments[departmentCode])
      throw incomplete('Le prélèvement contient des données invalides.', [
        { path: 'departmentCode', message: 'Choisissez le département du prélèvement.' },
      ]);
    const region = regionOfDepartment(departmentCode);
    if (!region) throw new Error(`Department ${departmentCode} without region`);
    if (!canWriteSample(user, { departmentCode, regionCode: region.code }))
      throw new ForbiddenError('Vous ne pouvez pas prélever dans ce département.');
    return { departmentCode, regionCode: region.code };
  }

  async function audit(id: string, action: string, after?: unknown) {
    await recordAudit(db, { entity: 'sample', entityId: id, action, after });
  }

  /** Completeness plus the checks that need the database (plan validated, prescription matched). */
  async function submissionProblems(content: SampleContent, at: Date): Promise<SampleProblem[]> {
    const problems = sampleProblems(content, at);
    if (content.programmingPlanId) {
      const plan = await executor(db)('programmingPlans')
        .where({ id: content.programmingPlanId })
        .first('status');
      if (plan && plan.status !== 'Validated')
        problems.push({
          step: 'Context',
          path: 'programmingPlanId',
          message: 'Ce plan n’est pas en campagne : les prélèvements n’y sont pas ouverts.',
        });
      if (content.prescriptionId) {
        const prescriptions = await executor(db)('prescriptions').where({
          planId: content.programmingPlanId,
        });
        const matched = matchPrescription(prescriptions, content);
        if (matched && matched.id !== content.prescriptionId)
          problems.push({
            step: 'Matrix',
            path: 'prescriptionId',
            message:
              'La ligne de programmation ne correspond pas à la matrice et au stade choisis.',
          });
      }
    }
    return problems;
  }

  /**
   * The checks of a transition that needs a complete record: the user's right, the lifecycle,
   * the version, then every missing field named. Answers the sample as it is.
   */
  async function completeTransition(
    user: AuthUser,
    id: string,
    version: number,
    action: 'submit' | 'send',
    message: string,
  ): Promise<{ sample: Sample; next: SampleStatus }> {
    const row = await writable(user, id);
    const decision = decideSampleAction(row.status, action);
    if (!decision.allowed) throw new ConflictError(decision.reason);
    if (row.version !== version) throw new VersionConflictError();
    const sample = await load(id);
    const problems = await submissionProblems(sample, now());
    if (problems.length > 0) throw incomplete(message, problems);
    return { sample, next: decision.next };
  }

  return {
    async get(user: AuthUser, id: string): Promise<Sample> {
      await readable(user, id);
      return load(id);
    },

    /**
     * Creates a sample under the client's id. A replay of the same creation answers the same
     * sample; other content under an existing id is a conflict, never an overwrite.
     */
    async create(user: AuthUser, input: SampleToCreate): Promise<Sample> {
      const { id, ...content } = input;
      const hash = contentHash(input);
      const replay = async (): Promise<Sample | null> => {
        const existing = await samples.findRow(id);
        if (!existing) return null;
        if (existing.creationHash !== hash || existing.createdBy !== user.id)
          throw new ConflictError(
            'Un prélèvement existe déjà sous cet identifiant avec un autre contenu : envoyez une modification avec sa version.',
          );
        logger.info({ sampleId: id }, 'sample creation replayed');
        return load(id);
      };
      const previous = await replay();
      if (previous) return previous;
      const place = placeOf(user, content);
      await checkReferences(content);
      try {
        await transaction(db, async () => {
          const serial = await samples.nextSerial(now().getFullYear());
          await samples.insert({
            id,
            reference: formatSampleReference(place.regionCode, now().getFullYear(), serial),
            status: 'Draft',
            ...contentColumns(content),
            ...place,
            samplerId: user.id,
            createdBy: user.id,
            creationHash: hash,
          });
          await samples.replaceItems(id, content.items);
          await audit(id, 'create');
        });
      } catch (error) {
        // Two replays raced: the loser answers like a replay.
        if ((error as { code?: string }).code === '23505') {
          const raced = await replay();
          if (raced) return raced;
        }
        throw error;
      }
      return load(id);
    },

    async update(user: AuthUser, id: string, input: SampleToUpdate): Promise<Sample> {
      const { version, ...content } = input;
      await checkReferences(content);
      await transaction(db, async () => {
        const row = await writable(user, id);
        const decision = decideSampleAction(row.status, 'edit');
        if (!decision.allowed) throw new ConflictError(decision.reason);
        if (row.version !== version) throw new VersionConflictError();
        const place = placeOf(user, content);
        await samples.update(id, version, {
          ...contentColumns(content),
          ...place,
          status: decision.next,
          submittedAt: null,
        });
        await samples.replaceItems(id, content.items);
        await audit(id, 'update');
      });
      return load(id);
    },

    async delete(user: AuthUser, id: string, version: number): Promise<void> {
      const keys = await transaction(db, async () => {
        const row = await writable(user, id);
        const decision = decideSampleAction(row.status, 'delete');
        if (!decision.allowed) throw new ConflictError(decision.reason);
        if (row.version !== version) throw new VersionConflictError();
        const attachments = await samples.findAttachments(id);
        await samples.delete(id);
        await audit(id, 'delete', { reference: row.reference });
        return attachments.map((a) => a.storageKey);
      });
      for (const key of keys) {
        await storage
          .delete(key)
          .catch((error: unknown) =>
            logger.warn({ err: error, sampleId: id }, 'attachment left in storage'),
          );
      }
    },

    async submit(user: AuthUser, id: string, version: number): Promise<Sample> {
      await transaction(db, async () => {
        const { next } = await completeTransition(
          user,
          id,
          version,
          'submit',
          'Le prélèvement est incomplet : complétez les champs indiqués.',
        );
        await samples.update(id, version, {
          status: next,
          step: 'Summary',
          submittedAt: now(),
        });
        await audit(id, 'submit');
      });
      return load(id);
    },

    async send(user: AuthUser, id: string, version: number): Promise<Sample> {
      await transaction(db, async () => {
        // Checked again at the moment of sending: the sampling cannot be after it.
        const { sample, next } = await completeTransition(
          user,
          id,
          version,
          'send',
          'Le prélèvement ne peut pas être envoyé : complétez les champs indiqués.',
        );
        const laboratoryId = sample.laboratoryId as string;
        await samples.update(id, version, { status: next, sentAt: now() });
        await samples.openAnalyses(
          id,
          laboratoryId,
          sample.items.map((item) => item.itemNumber),
        );
        await audit(id, 'send', { laboratoryId });
        await hooks.onSent(await load(id), user);
      });
      return load(id);
    },

    async history(user: AuthUser, id: string): Promise<SampleEvent[]> {
      const row = await readable(user, id);
      const events = await samples.history(
        id,
        user.role === 'LaboratoryUser' ? { laboratoryId: user.laboratoryId } : {},
      );
      return events.map((event) => {
        const name = event.labTokenName
          ? `API — ${event.labTokenName}`
          : event.firstName
            ? `${event.firstName} ${event.lastName ?? ''}`.trim()
            : null;
        return {
          at: new Date(event.occurredAt).toISOString(),
          action: event.action,
          label: eventLabel(event, row.reference),
          userName:
            name && event.impersonatorName
              ? `${name} (assistance : ${event.impersonatorName})`
              : name,
        };
      });
    },

    async attachments(user: AuthUser, id: string): Promise<SampleAttachment[]> {
      await readable(user, id);
      return (await samples.findAttachments(id)).map(
        ({ storageKey: _key, ...attachment }) => attachment,
      );
    },

    /**
     * Stores a photo or PDF. Idempotent on (sample, name, content): an upload replayed after a
     * lost answer gives back the same attachment. The content must be what its type says.
     */
    async attach(
      user: AuthUser,
      id: string,
      query: AttachmentUploadQuery,
      contentType: AttachmentContentType,
      body: Readable,
    ): Promise<SampleAttachment> {
      const row = await readable(user, id);
      if (!canWriteSample(user, row))
        throw new ForbiddenError('Ce prélèvement relève d’un autre département.');
      if (row.status !== 'Draft' && row.status !== 'Submitted')
        throw new ConflictError(
          'Un prélèvement transmis au laboratoire ne peut plus être complété.',
        );
      const content = await readLimited(body, MAX_ATTACHMENT_BYTES);
      if (content.length === 0) throw new HttpError(400, 'BadRequest', 'Le fichier est vide.');
      if (sniffContentType(content.subarray(0, 16)) !== contentType)
        throw new HttpError(
          415,
          'UnsupportedMediaType',
          'Le contenu du fichier ne correspond pas à son type (photo JPEG, PNG, WebP ou PDF attendus).',
        );
      const sha256 = createHash('sha256').update(content).digest('hex');
      const existing = await samples.findAttachmentByKey(id, query.fileName, sha256);
      if (existing) {
        logger.info({ sampleId: id }, 'attachment upload replayed');
        const { storageKey: _key, ...attachment } = existing;
        return attachment;
      }
      const storageKey = `samples/${id}/${randomUUID()}`;
      await storage.put(storageKey, content, { contentType, size: content.length });
      try {
        const inserted = await transaction(db, async () => {
          await writable(user, id);
          if ((await samples.countAttachments(id)) >= MAX_ATTACHMENTS_PER_SAMPLE)
            throw new ConflictError(
              `Un prélèvement comporte au plus ${MAX_ATTACHMENTS_PER_SAMPLE} pièces jointes.`,
            );
          const attachment = await samples.insertAttachment({
            sampleId: id,
            fileName: query.fileName,
            caption: query.caption,
            contentType,
            size: content.length,
            sha256,
            storageKey,
            createdBy: user.id,
          });
          if (attachment) await audit(id, 'attach', { fileName: query.fileName });
          return attachment;
        });
        if (!inserted) {
          // A concurrent replay stored it first.
          await storage.delete(storageKey);
          const raced = await samples.findAttachmentByKey(id, query.fileName, sha256);
          if (!raced) throw new Error('attachment vanished');
          const { storageKey: _key, ...attachment } = raced;
          return attachment;
        }
        const { storageKey: _key, ...attachment } = inserted;
        return { ...attachment, createdAt: new Date(attachment.createdAt).toISOString() };
      } catch (error) {
        await storage.delete(storageKey).catch(() => {});
        throw error;
      }
    },

    async attachment(user: AuthUser, id: string, attachmentId: string) {
      await readable(user, id);
      const attachment = await samples.findAttachment(id, attachmentId);
      if (!attachment) throw new NotFoundError('Cette pièce jointe est introuvable.');
      const stored = await storage.get(attachment.storageKey);
      if (!stored) throw new NotFoundError('Le fichier de cette pièce jointe est introuvable.');
      return { attachment, stored };
    },

    async detach(user: AuthUser, id: string, attachmentId: string): Promise<void> {
      const key = await transaction(db, async () => {
        const row = await writable(user, id);
        if (row.status !== 'Draft' && row.status !== 'Submitted')
          throw new ConflictError(
            'Un prélèvement transmis au laboratoire ne peut plus être modifié.',
          );
        const attachment = await samples.findAttachment(id, attachmentId);
        if (!attachment) throw new NotFoundError('Cette pièce jointe est introuvable.');
        await samples.deleteAttachment(id, attachmentId);
        await audit(id, 'detach', { fileName: attachment.fileName });
        return attachment.storageKey;
      });
      await storage
        .delete(key)
        .catch((error: unknown) =>
          logger.warn({ err: error, sampleId: id }, 'attachment left in storage'),
        );
    },

    /** For documents and mails: the sample if the user may read it. */
    readable: async (user: AuthUser, id: string) => {
      await readable(user, id);
      return load(id);
    },
    writable: (user: AuthUser, id: string) => transaction(db, () => writable(user, id)),
    audit,
  };
}

export type SampleService = ReturnType<typeof createSampleService>;
