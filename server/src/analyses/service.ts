import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Db, inTransaction, transaction } from '@maestro/database';
import {
  type AnalysisAction,
  type AnalysisVerdict,
  analysisVerdict,
  applicableMrl,
  canActAsLaboratory,
  canReadAnalysis,
  canReadSample,
  canReviewAnalysis,
  copyReference,
  decideAnalysisAction,
  deriveSampleStatus,
  residueVerdict,
  sampleCompliance,
} from '@maestro/shared/domain';
import type {
  Analysis,
  AnalysisPage,
  AnalysisStatus,
  AuthUser,
  CorrectionInput,
  CounterAnalysisInput,
  FindAnalysesQuery,
  NotAdmissibleInput,
  ReceptionInput,
  ResultSource,
  ResultsContent,
  ResultsInput,
  ResultVersion,
  ReviewInput,
} from '@maestro/shared/schema';
import type { Logger } from 'pino';
import type { Mail } from '../adapters/mail';
import type { FileStorage } from '../adapters/storage';
import { recordAudit } from '../audit/repository';
import { actingLabTokenId, actingUserId } from '../http/context';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  VersionConflictError,
} from '../http/errors';
import { readLimited } from '../http/upload';
import type { MailOutbox } from '../mail/outbox';
import type { NotificationService } from '../notifications/service';
import { createSampleRepository } from '../samples/repository';
import { sniffContentType } from '../samples/service';
import {
  type AnalysisSubject,
  createAnalysisNotifier,
  digestMails,
  type ImportNotices,
} from './notifications';
import { createAnalysisRepository, type ResidueRow, type ScopedAnalysisRow } from './repository';

/** The signed analysis report: a PDF of at most 20 MB. */
export const MAX_REPORT_BYTES = 20 * 1024 * 1024;

/** A reception dated this far in the future is accepted (clocks differ). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

const analysisNotFound = () => new NotFoundError('Cette analyse est introuvable.');
const sampleNotFound = () => new NotFoundError('Ce prélèvement est introuvable.');

/** A 400 naming each field; its message is the problem's own when there is only one. */
const invalid = (message: string, problems: { path: string; message: string }[]) =>
  new HttpError(
    400,
    'ValidationError',
    problems.length === 1 ? (problems[0]?.message ?? message) : message,
    problems,
  );

type ResidueToStore = Omit<ResidueRow, 'analysisId' | 'resultVersion'>;

/** How results reach the analysis. */
interface ResultsOrigin {
  source: ResultSource;
  importId: string | null;
}

export interface AnalysisServiceDependencies {
  db: Db;
  storage: FileStorage;
  logger: Logger;
  notifications: NotificationService;
  /**
   * The durable mail outbox: the e-mails of an import, which runs in the caller's transaction
   * (there is no moment after its commit here), are queued there instead of sent directly.
   */
  outbox: MailOutbox;
  now?: () => Date;
}

export function createAnalysisService({
  db,
  storage,
  logger,
  notifications,
  outbox,
  now = () => new Date(),
}: AnalysisServiceDependencies) {
  const analyses = createAnalysisRepository(db);
  const samples = createSampleRepository(db);
  const notifier = createAnalysisNotifier(notifications);

  /** Runs a change in one transaction, then sends its e-mails once committed. */
  async function change<T>(work: (mails: Mail[]) => Promise<T>): Promise<T> {
    const mails: Mail[] = [];
    const result = await transaction(db, () => work(mails));
    if (mails.length > 0) void notifications.sendAll(mails);
    return result;
  }

  /** The row, or 404 when it does not exist or the user may not see it. */
  async function readable(user: AuthUser, id: string, forUpdate = false) {
    const row = await analyses.findRow(id, { forUpdate });
    if (!row || !canReadAnalysis(user, row)) throw analysisNotFound();
    return row;
  }

  /** The row, locked, when the user is its laboratory (404 unseen, 403 seen but not theirs). */
  async function asLaboratory(
    user: AuthUser,
    id: string,
    action: 'receive' | 'results',
    forUpdate = true,
  ) {
    const row = await readable(user, id, forUpdate);
    if (!canActAsLaboratory(user, row, action))
      throw new ForbiddenError(
        'Seul le laboratoire destinataire de l’échantillon enregistre sa réception et ses résultats.',
      );
    return row;
  }

  /** The row, locked, when the user reviews the analyses of its sample. */
  async function asReviewer(user: AuthUser, id: string) {
    const row = await readable(user, id, true);
    if (!canReviewAnalysis(user, row))
      throw new ForbiddenError(
        'Seuls les coordinateurs en charge du prélèvement valident ses analyses.',
      );
    return row;
  }

  /** The state the action leads to (409 when the state refuses it), then the version (409). */
  function decide(
    row: ScopedAnalysisRow,
    action: AnalysisAction,
    version: number | null,
    options: { allNotDetected?: boolean } = {},
  ): AnalysisStatus {
    const decision = decideAnalysisAction(row.status, action, options);
    if (!decision.allowed) throw new ConflictError(decision.reason);
    if (version !== null && row.version !== version) throw new VersionConflictError();
    return decision.next;
  }

  async function load(id: string): Promise<Analysis> {
    const analysis = await analyses.find(id);
    if (!analysis) throw analysisNotFound();
    return analysis;
  }

  async function audit(id: string, action: string, after?: unknown, before?: unknown) {
    await recordAudit(db, { entity: 'analysis', entityId: id, action, before, after });
  }

  async function update(row: ScopedAnalysisRow, values: Record<string, unknown>) {
    if (!(await analyses.update(row.id, row.version, values))) throw new VersionConflictError();
  }

  /** The row again after a change of this transaction (still locked). */
  async function reread(id: string): Promise<ScopedAnalysisRow> {
    const row = await analyses.findRow(id, { forUpdate: true });
    if (!row) throw analysisNotFound();
    return row;
  }

  const subject = (row: ScopedAnalysisRow): AnalysisSubject => ({
    analysisId: row.id,
    sampleId: row.sampleId,
    sampleReference: row.sampleReference,
    copyReference: copyReference(row.sampleReference, row.itemNumber, row.copyNumber),
    samplerId: row.samplerId,
    regionCode: row.regionCode,
    departmentCode: row.departmentCode,
  });

  const originNow = (): ResultsOrigin => ({
    source: actingLabTokenId() ? 'LabApi' : 'Form',
    importId: null,
  });

  /**
   * The sample follows its primary analyses (counter-analyses apart): its status derives from
   * theirs, its verdict is known once every admissible one is completed. Notifies when it
   * becomes non-compliant.
   */
  async function syncSample(row: ScopedAnalysisRow, mails: Mail[]): Promise<void> {
    const sample = await samples.findRow(row.sampleId, { forUpdate: true });
    if (!sample) throw sampleNotFound();
    const states = await analyses.primaryStates(row.sampleId);
    const admissible = states.filter((state) => state.status !== 'NotAdmissible');
    const compliant =
      admissible.length > 0 && admissible.every((state) => state.status === 'Completed')
        ? sampleCompliance(admissible)
        : null;
    const status = deriveSampleStatus(
      states.map((state) => state.status),
      compliant !== null,
    );
    const previous = { status: sample.status, compliant: sample.compliant ?? null };
    if (previous.status === status && previous.compliant === compliant) return;
    await samples.update(sample.id, sample.version, { status, compliant });
    await recordAudit(db, {
      entity: 'sample',
      entityId: sample.id,
      action: 'analysisProgress',
      before: previous,
      after: { status, compliant },
    });
    if (compliant === false && previous.compliant !== false)
      mails.push(...(await notifier.nonCompliant(subject(row))));
  }

  /**
   * The residues to store and their verdicts: each substance must exist; the MRL that applies
   * is the one entered, else today's for the substance × the sample's matrix, else the default.
   */
  async function judge(
    row: ScopedAnalysisRow,
    content: ResultsContent,
    path = 'body',
  ): Promise<{ residues: ResidueToStore[]; verdict: AnalysisVerdict }> {
    const codes = [...new Set(content.residues.map((r) => r.substanceCode))];
    const known = await analyses.substances(codes);
    const problems = content.residues.flatMap((residue, i) =>
      known.has(residue.substanceCode)
        ? []
        : [{ path: `${path}.residues.${i}.substanceCode`, message: 'Substance inconnue.' }],
    );
    if (problems.length > 0)
      throw invalid('Les résultats contiennent des substances inconnues.', problems);
    const mrls = await analyses.mrls(row.matrixCode, codes);
    const residues = content.residues.map((residue, i) => ({
      residueNumber: i + 1,
      substanceCode: residue.substanceCode,
      kind: residue.kind,
      value: residue.value,
      unit: residue.unit,
      loq: residue.loq,
      mrl: residue.mrl,
      uncertaintyPercent: residue.uncertaintyPercent,
      analytes: residue.analytes,
      notes: residue.notes,
      arfdExceeded: residue.arfdExceeded,
      authorisedForUse: residue.authorisedForUse,
      contaminationSources: residue.contaminationSources,
      approvedInEu: known.get(residue.substanceCode)?.approvedInEu ?? null,
      verdict: residueVerdict(
        residue,
        applicableMrl(residue.mrl, mrls.get(residue.substanceCode) ?? null),
      ),
    }));
    return { residues, verdict: analysisVerdict(residues) };
  }

  type Judged = Awaited<ReturnType<typeof judge>>;

  /** Writes (or rewrites) one version of the results. */
  async function writeVersion(
    row: ScopedAnalysisRow,
    resultVersion: number,
    judged: { residues: ResidueToStore[]; verdict: AnalysisVerdict },
    origin: ResultsOrigin,
    reason: string | null,
  ): Promise<void> {
    await analyses.saveVersion({
      analysisId: row.id,
      resultVersion,
      source: origin.source,
      reason,
      createdBy: actingUserId(),
      labTokenId: actingLabTokenId(),
      importId: origin.importId,
      computedCompliant: judged.verdict.compliant,
    });
    await analyses.replaceResidues(row.id, resultVersion, judged.residues);
  }

  const contentColumns = (content: ResultsContent) => ({
    analysedAt: content.analysedAt,
    methods: content.methods,
    notes: content.notes,
  });

  /**
   * The verdicts of the current results with today's MRL table (residues whose MRL the
   * laboratory entered keep theirs). Answers what changed and the new verdict.
   */
  async function refreshVerdicts(row: ScopedAnalysisRow) {
    const residues = await analyses.residues(row.id, row.resultVersion);
    const mrls = await analyses.mrls(row.matrixCode, [
      ...new Set(residues.map((r) => r.substanceCode)),
    ]);
    const changes: {
      substanceCode: string;
      mrlBefore: number;
      mrlAfter: number;
      compliantBefore: boolean;
      compliantAfter: boolean;
    }[] = [];
    const judged = [];
    for (const residue of residues) {
      if (residue.mrl !== null) {
        judged.push(residue);
        continue;
      }
      const verdict = residueVerdict(
        residue,
        applicableMrl(null, mrls.get(residue.substanceCode) ?? null),
      );
      if (
        verdict.mrl !== residue.verdict.mrl ||
        verdict.mrlSource !== residue.verdict.mrlSource ||
        verdict.explanation !== residue.verdict.explanation
      ) {
        await analyses.setResidueVerdict(row.id, row.resultVersion, residue.residueNumber, verdict);
        changes.push({
          substanceCode: residue.substanceCode,
          mrlBefore: residue.verdict.mrl,
          mrlAfter: verdict.mrl,
          compliantBefore: residue.verdict.compliant,
          compliantAfter: verdict.compliant,
        });
      }
      judged.push({ ...residue, verdict });
    }
    const verdict = analysisVerdict(judged);
    await analyses.setVersionVerdict(row.id, row.resultVersion, verdict.compliant);
    return { changes, verdict };
  }

  // ————— The steps, shared by the routes and the import —————

  async function receiveStep(
    row: ScopedAnalysisRow,
    values: { receivedAt: Date | string; reception: unknown },
    mails: Mail[],
    /** False when a submission follows in the same transaction (it brings the sample along). */
    followSample = true,
  ) {
    await update(row, {
      status: 'Analysis',
      receivedAt: values.receivedAt,
      reception: values.reception === null ? null : JSON.stringify(values.reception),
    });
    await audit(row.id, 'receive', { receivedAt: values.receivedAt, reception: values.reception });
    if (followSample) await syncSample(row, mails);
  }

  /** Draft results: version 1, rewritten at each save while the analysis is in progress. */
  async function saveStep(
    row: ScopedAnalysisRow,
    content: ResultsContent,
    origin: ResultsOrigin,
    path: string,
  ): Promise<Judged> {
    const judged = await judge(row, content, path);
    await writeVersion(row, 1, judged, origin, null);
    await update(row, {
      ...contentColumns(content),
      resultVersion: 1,
      computedCompliant: judged.verdict.compliant,
    });
    await audit(row.id, 'saveResults', {
      resultVersion: 1,
      source: origin.source,
      residueCount: judged.residues.length,
      computedCompliant: judged.verdict.compliant,
    });
    return judged;
  }

  async function submitStep(
    row: ScopedAnalysisRow,
    origin: ResultsOrigin,
    mails: Mail[],
    extra: Record<string, unknown> = {},
    /** The results just judged in this transaction (the import): not read and judged again. */
    justJudged: Judged | null = null,
    /** An import gathers its notices and announces them once (`notifier.imported`). */
    notices: ImportNotices | null = null,
  ) {
    const residues = justJudged
      ? justJudged.residues
      : row.resultVersion > 0
        ? await analyses.residues(row.id, row.resultVersion)
        : [];
    const problems: { path: string; message: string }[] = [];
    if (residues.length === 0)
      problems.push({
        path: 'residues',
        message: 'Saisissez au moins un résultat avant de transmettre l’analyse.',
      });
    if (origin.source !== 'Import') {
      if (row.analysedAt === null)
        problems.push({ path: 'analysedAt', message: 'Indiquez la date d’analyse.' });
      if (row.reportStorageKey === null)
        problems.push({ path: 'report', message: 'Joignez le rapport d’analyse signé (PDF).' });
    }
    if (problems.length > 0)
      throw invalid(
        'Les résultats ne peuvent pas être transmis : complétez les éléments indiqués.',
        problems,
      );
    // Judged again with today's MRL table: a draft may be older than its last change.
    const { verdict } = justJudged ?? (await refreshVerdicts(row));
    const next = decide(row, 'submitResults', null, { allNotDetected: verdict.allNotDetected });
    await update(row, {
      status: next,
      submittedAt: now(),
      submittedBy: actingUserId(),
      computedCompliant: verdict.compliant,
      compliant: verdict.compliant,
      complianceOverridden: false,
      reviewComment: null,
      reviewedAt: null,
      reviewedBy: null,
    });
    await audit(row.id, 'submitResults', {
      status: next,
      resultVersion: row.resultVersion,
      source: origin.source,
      computedCompliant: verdict.compliant,
      ...extra,
    });
    if (notices) (next === 'Completed' ? notices.completed : notices.submitted).push(subject(row));
    else if (next === 'Completed')
      mails.push(...(await notifier.completed(subject(row), verdict.compliant)));
    else mails.push(...(await notifier.submitted(subject(row), verdict.explanation)));
    await syncSample(row, mails);
  }

  /** A correction: a new version of the results, back to review; older versions stay. */
  async function correctStep(
    row: ScopedAnalysisRow,
    content: ResultsContent,
    reason: string,
    origin: ResultsOrigin,
    path: string,
    mails: Mail[],
    notices: ImportNotices | null = null,
  ): Promise<number> {
    const judged = await judge(row, content, path);
    if (judged.residues.length === 0)
      throw invalid('La correction ne comporte aucun résultat.', [
        { path: `${path}.residues`, message: 'Une correction comporte au moins un résultat.' },
      ]);
    const resultVersion = row.resultVersion + 1;
    const next = decide(row, 'correctResults', null);
    await writeVersion(row, resultVersion, judged, origin, reason);
    await update(row, {
      ...contentColumns(content),
      status: next,
      resultVersion,
      submittedAt: now(),
      submittedBy: actingUserId(),
      computedCompliant: judged.verdict.compliant,
      compliant: judged.verdict.compliant,
      complianceOverridden: false,
      reviewComment: null,
      reviewedAt: null,
      reviewedBy: null,
    });
    await audit(
      row.id,
      'correctResults',
      {
        status: next,
        resultVersion,
        reason,
        source: origin.source,
        computedCompliant: judged.verdict.compliant,
      },
      { status: row.status, resultVersion: row.resultVersion, compliant: row.compliant },
    );
    if (notices) notices.corrected.push(subject(row));
    else mails.push(...(await notifier.corrected(subject(row), resultVersion, reason)));
    await syncSample(row, mails);
    return judged.residues.length;
  }

  return {
    async findMrls(matrixCode: string) {
      return analyses.mrlsOfMatrix(matrixCode);
    },

    async find(user: AuthUser, query: FindAnalysesQuery): Promise<AnalysisPage> {
      const scoped =
        user.role === 'LaboratoryUser'
          ? { ...query, laboratoryId: user.laboratoryId ?? '00000000-0000-0000-0000-000000000000' }
          : query;
      return analyses.findPage(user, scoped);
    },

    async get(user: AuthUser, id: string): Promise<Analysis> {
      await readable(user, id);
      return load(id);
    },

    async versions(user: AuthUser, id: string): Promise<ResultVersion[]> {
      await readable(user, id);
      return analyses.versions(id);
    },

    /** The analyses of a sample the user may see (404 when the sample is not readable). */
    async findBySample(user: AuthUser, sampleId: string): Promise<Analysis[]> {
      const sample = await samples.findRow(sampleId);
      const all = sample ? await analyses.findBySample(sampleId) : [];
      if (
        !sample ||
        !canReadSample(
          user,
          sample,
          all.map((a) => a.laboratoryId),
        )
      )
        throw sampleNotFound();
      return all.filter((analysis) =>
        canReadAnalysis(user, {
          laboratoryId: analysis.laboratoryId,
          regionCode: analysis.sample.regionCode,
          departmentCode: analysis.sample.departmentCode,
        }),
      );
    },

    async receive(user: AuthUser, id: string, input: ReceptionInput): Promise<Analysis> {
      const { version, receivedAt, ...reception } = input;
      await change(async (mails) => {
        const row = await asLaboratory(user, id, 'receive');
        decide(row, 'receive', version);
        if (new Date(receivedAt).getTime() > now().getTime() + CLOCK_SKEW_MS)
          throw invalid('La date de réception est invalide.', [
            {
              path: 'body.receivedAt',
              message: 'La date de réception ne peut pas être dans le futur.',
            },
          ]);
        await receiveStep(row, { receivedAt, reception }, mails);
      });
      return load(id);
    },

    async reject(user: AuthUser, id: string, input: NotAdmissibleInput): Promise<Analysis> {
      await change(async (mails) => {
        const row = await asLaboratory(user, id, 'receive');
        const next = decide(row, 'reject', input.version);
        if (new Date(input.receivedAt).getTime() > now().getTime() + CLOCK_SKEW_MS)
          throw invalid('La date de réception est invalide.', [
            {
              path: 'body.receivedAt',
              message: 'La date de réception ne peut pas être dans le futur.',
            },
          ]);
        const comment = input.comment.length > 0 ? input.comment : null;
        await update(row, {
          status: next,
          receivedAt: input.receivedAt,
          notAdmissibleReason: input.reason,
          notAdmissibleComment: comment,
        });
        await audit(row.id, 'reject', {
          receivedAt: input.receivedAt,
          reason: input.reason,
          comment,
        });
        mails.push(...(await notifier.notAdmissible(subject(row), input.reason, comment)));
        await syncSample(row, mails);
      });
      return load(id);
    },

    async saveResults(user: AuthUser, id: string, input: ResultsInput): Promise<Analysis> {
      const { version, ...content } = input;
      await change(async () => {
        const row = await asLaboratory(user, id, 'results');
        decide(row, 'saveResults', version);
        await saveStep(row, content, originNow(), 'body');
      });
      return load(id);
    },

    async submit(user: AuthUser, id: string, version: number): Promise<Analysis> {
      await change(async (mails) => {
        const row = await asLaboratory(user, id, 'results');
        decide(row, 'submitResults', version);
        await submitStep(row, originNow(), mails);
      });
      return load(id);
    },

    async correct(user: AuthUser, id: string, input: CorrectionInput): Promise<Analysis> {
      const { version, reason, ...content } = input;
      await change(async (mails) => {
        const row = await asLaboratory(user, id, 'results');
        decide(row, 'correctResults', version);
        await correctStep(row, content, reason, originNow(), 'body', mails);
      });
      return load(id);
    },

    async review(user: AuthUser, id: string, input: ReviewInput): Promise<Analysis> {
      await change(async (mails) => {
        const row = await asReviewer(user, id);
        const next = decide(row, 'review', input.version);
        const overridden = input.decision === 'Override';
        const compliant = overridden ? input.compliant : row.computedCompliant;
        const comment = input.comment.length > 0 ? input.comment : null;
        await update(row, {
          status: next,
          compliant,
          complianceOverridden: overridden,
          reviewComment: comment,
          reviewedAt: now(),
          reviewedBy: actingUserId(),
        });
        await audit(
          row.id,
          'review',
          { decision: input.decision, compliant, comment },
          {
            status: row.status,
            compliant: row.compliant,
            computedCompliant: row.computedCompliant,
          },
        );
        mails.push(...(await notifier.completed(subject(row), compliant)));
        await syncSample(row, mails);
      });
      return load(id);
    },

    /** The verdict again with today's MRL table; a reviewer's override stands. */
    async reevaluate(user: AuthUser, id: string, version: number): Promise<Analysis> {
      await change(async (mails) => {
        const row = await asReviewer(user, id);
        decide(row, 'reevaluate', version);
        const { changes, verdict } = await refreshVerdicts(row);
        const compliant = row.complianceOverridden ? row.compliant : verdict.compliant;
        await update(row, { computedCompliant: verdict.compliant, compliant });
        await audit(
          row.id,
          'reevaluate',
          { computedCompliant: verdict.compliant, compliant, residues: changes },
          { computedCompliant: row.computedCompliant, compliant: row.compliant },
        );
        await syncSample(row, mails);
      });
      return load(id);
    },

    /**
     * Stores the signed report (PDF), replacing the previous one, which is deleted once the
     * change is committed.
     */
    async uploadReport(
      user: AuthUser,
      id: string,
      fileName: string,
      body: Readable,
    ): Promise<Analysis> {
      const row = await asLaboratory(user, id, 'results', false);
      decide(row, 'uploadReport', null);
      const content = await readLimited(body, MAX_REPORT_BYTES);
      if (content.length === 0) throw new HttpError(400, 'BadRequest', 'Le fichier est vide.');
      if (sniffContentType(content.subarray(0, 16)) !== 'application/pdf')
        throw new HttpError(
          415,
          'UnsupportedMediaType',
          'Le contenu du fichier n’est pas un PDF : déposez le rapport d’analyse signé au format PDF.',
        );
      const sha256 = createHash('sha256').update(content).digest('hex');
      const storageKey = `analyses/${id}/${randomUUID()}`;
      await storage.put(storageKey, content, {
        contentType: 'application/pdf',
        size: content.length,
      });
      let previousKey: string | null;
      try {
        previousKey = await change(async () => {
          const locked = await asLaboratory(user, id, 'results');
          decide(locked, 'uploadReport', null);
          await update(locked, {
            reportFileName: fileName,
            reportSize: content.length,
            reportSha256: sha256,
            reportStorageKey: storageKey,
            reportUploadedAt: now(),
          });
          await audit(id, 'uploadReport', { fileName, size: content.length, sha256 });
          return locked.reportStorageKey;
        });
      } catch (error) {
        await storage.delete(storageKey).catch(() => {});
        throw error;
      }
      if (previousKey)
        await storage
          .delete(previousKey)
          .catch((error: unknown) =>
            logger.warn({ err: error, analysisId: id }, 'previous report left in storage'),
          );
      return load(id);
    },

    async report(user: AuthUser, id: string) {
      const row = await readable(user, id);
      if (!row.reportStorageKey || !row.reportFileName)
        throw new NotFoundError('Aucun rapport d’analyse n’a été déposé.');
      const stored = await storage.get(row.reportStorageKey);
      if (!stored) throw new NotFoundError('Le fichier du rapport d’analyse est introuvable.');
      return { fileName: row.reportFileName, stored };
    },

    /** A kept copy (2 or 3) sent to a second laboratory. */
    async requestCounterAnalysis(
      user: AuthUser,
      sampleId: string,
      input: CounterAnalysisInput,
    ): Promise<Analysis> {
      let id: string;
      try {
        id = await change(async (mails) => {
          const sample = await samples.findRow(sampleId, { forUpdate: true });
          if (!sample || !canReadSample(user, sample)) throw sampleNotFound();
          if (
            !canReviewAnalysis(user, {
              laboratoryId: sample.laboratoryId ?? '',
              regionCode: sample.regionCode,
              departmentCode: sample.departmentCode,
            })
          )
            throw new ForbiddenError(
              'Seuls les coordinateurs en charge du prélèvement demandent une contre-analyse.',
            );
          if (sample.status === 'Draft' || sample.status === 'Submitted')
            throw new ConflictError('Ce prélèvement n’est pas encore envoyé au laboratoire.');
          const problems: { path: string; message: string }[] = [];
          if (!(await analyses.itemCopyExists(sampleId, input.itemNumber, input.copyNumber)))
            problems.push({
              path: 'body.copyNumber',
              message: 'Cet exemplaire n’existe pas dans le prélèvement.',
            });
          if (!(await analyses.laboratoryExists(input.laboratoryId)))
            problems.push({ path: 'body.laboratoryId', message: 'Laboratoire introuvable.' });
          else if (
            (await analyses.primaryLaboratory(sampleId, input.itemNumber)) === input.laboratoryId
          )
            problems.push({
              path: 'body.laboratoryId',
              message: 'Choisissez un autre laboratoire que celui de la première analyse.',
            });
          if (problems.length > 0)
            throw invalid('La demande de contre-analyse est invalide.', problems);
          if (await analyses.copyTaken(sampleId, input.itemNumber, input.copyNumber))
            throw new ConflictError('Cet exemplaire est déjà adressé à un laboratoire.');
          const created = await analyses.insert({
            sampleId,
            itemNumber: input.itemNumber,
            copyNumber: input.copyNumber,
            laboratoryId: input.laboratoryId,
            counterAnalysis: true,
            counterAnalysisReason: input.reason,
            status: 'Sent',
          });
          await audit(created, 'counterAnalysis', {
            itemNumber: input.itemNumber,
            copyNumber: input.copyNumber,
            laboratoryId: input.laboratoryId,
            reason: input.reason,
          });
          const row = await reread(created);
          mails.push(
            ...(await notifier.counterAnalysisRequested(
              subject(row),
              input.laboratoryId,
              input.reason,
            )),
          );
          return created;
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw new ConflictError('Cet exemplaire est déjà adressé à un laboratoire.');
        throw error;
      }
      return load(id);
    },

    /**
     * Writes the results of a result import, inside the import's own transaction: each analysis
     * is locked and must be addressed to the user's laboratory. A copy not yet received is
     * received now; results in progress become the current version and are submitted; results
     * already submitted are kept (`Keep`) or corrected by a new version (`Replace`). A
     * submission by import needs no report. The e-mails are queued in the durable outbox.
     */
    async applyImportedResults(
      user: AuthUser,
      entries: { analysisId: string; content: ResultsContent }[],
      options: { existing: 'Keep' | 'Replace'; importId: string; fileName: string },
    ): Promise<{ writtenResidues: number; analysisIds: string[] }> {
      if (!inTransaction())
        throw new Error('applyImportedResults must run inside the transaction of the import');
      const origin: ResultsOrigin = { source: 'Import', importId: options.importId };
      const mails: Mail[] = [];
      const notices: ImportNotices = { submitted: [], corrected: [], completed: [] };
      let writtenResidues = 0;
      const analysisIds: string[] = [];
      for (const entry of entries) {
        let row = await analyses.findRow(entry.analysisId, { forUpdate: true });
        if (!row) throw analysisNotFound();
        if (!canActAsLaboratory(user, row, 'results'))
          throw new ForbiddenError('Cette analyse est adressée à un autre laboratoire.');
        const reference = copyReference(row.sampleReference, row.itemNumber, row.copyNumber);
        const path = `import.${reference}`;
        if (row.status === 'NotAdmissible')
          throw new ConflictError(
            `L’échantillon ${reference} a été déclaré non recevable : ses résultats ne peuvent pas être importés.`,
          );
        if (row.status === 'InReview' || row.status === 'Completed') {
          if (options.existing === 'Keep') continue;
          writtenResidues += await correctStep(
            row,
            entry.content,
            `Import du fichier « ${options.fileName} »`,
            origin,
            path,
            mails,
            notices,
          );
          analysisIds.push(row.id);
          continue;
        }
        if (row.status === 'Sent') {
          await receiveStep(row, { receivedAt: now(), reception: null }, mails, false);
          row = await reread(row.id);
        }
        const judged = await saveStep(row, entry.content, origin, path);
        writtenResidues += judged.residues.length;
        row = await reread(row.id);
        await submitStep(
          row,
          origin,
          mails,
          { importId: options.importId, fileName: options.fileName },
          judged,
          notices,
        );
        analysisIds.push(row.id);
      }
      mails.push(...(await notifier.imported(notices, options.fileName)));
      for (const mail of digestMails(mails, options.fileName))
        await outbox.enqueue(
          {
            kind: 'analysis.notification',
            subjectId: null,
            recipients: mail.to,
            subject: mail.subject,
            text: mail.text,
          },
          actingUserId(),
        );
      return { writtenResidues, analysisIds };
    },
  };
}

export type AnalysisService = ReturnType<typeof createAnalysisService>;
