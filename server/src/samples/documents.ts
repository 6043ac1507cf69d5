import type { Db } from '@maestro/database';
import { copyReference } from '@maestro/shared/domain';
import { regionOfDepartment } from '@maestro/shared/referential';
import {
  type AuthUser,
  type BlankFormQuery,
  type Laboratory,
  PlanKindLabels,
  type Sample,
  type SampleDocumentKind,
  type SampleDocumentQuery,
} from '@maestro/shared/schema';
import {
  analysisRequestCsv,
  analysisRequestDefinition,
  analysisRequestXlsx,
  blankFormDefinition,
  labelsDefinition,
  orderingAuthority,
  renderPdf,
  type SampleDocumentData,
  supportDocumentDefinition,
} from '../documents';
import { HttpError, NotFoundError } from '../http/errors';
import { createLaboratoryRepository } from '../laboratories/repository';
import type { MailOutbox } from '../mail/outbox';

export interface RenderedFile {
  fileName: string;
  contentType: string;
  content: Buffer;
}

const authorityOf = (regionCode: string) => orderingAuthority(regionCode);

/** The sample's documents, built from the database in the server process (pdfmake). */
export function createSampleDocuments(db: Db) {
  const laboratories = createLaboratoryRepository(db);

  async function dataOf(sample: Sample): Promise<SampleDocumentData> {
    const [plan, laboratory, sampler] = await Promise.all([
      sample.programmingPlanId
        ? db('programmingPlans').where({ id: sample.programmingPlanId }).first('year', 'kind')
        : null,
      sample.laboratoryId ? laboratories.findById(sample.laboratoryId) : null,
      db('users').where({ id: sample.sampler.id }).first('firstName', 'lastName', 'email'),
    ]);
    return {
      sample,
      plan: plan
        ? {
            year: plan.year,
            kind: PlanKindLabels[plan.kind as keyof typeof PlanKindLabels] ?? plan.kind,
          }
        : null,
      laboratory: (laboratory as Laboratory | null) ?? null,
      sampler: sampler ?? {
        firstName: sample.sampler.firstName,
        lastName: sample.sampler.lastName,
        email: '',
      },
      authority: authorityOf(sample.regionCode),
      generatedAt: new Date(),
    };
  }

  const pdf = (fileName: string, content: Buffer): RenderedFile => ({
    fileName,
    contentType: 'application/pdf',
    content,
  });

  async function render(
    sample: Sample,
    kind: SampleDocumentKind,
    query: SampleDocumentQuery,
  ): Promise<RenderedFile> {
    const data = await dataOf(sample);
    const reference = sample.reference;
    if (kind === 'supportDocument') {
      if (query.format !== 'pdf')
        throw new HttpError(400, 'BadRequest', 'Le procès-verbal n’existe qu’en PDF.');
      if (
        query.copyNumber !== undefined &&
        !sample.items.some((item) => item.copies.some((c) => c.copyNumber === query.copyNumber))
      )
        throw new NotFoundError('Cet exemplaire n’existe pas dans ce prélèvement.');
      const suffix = query.copyNumber ? `-exemplaire-${query.copyNumber}` : '';
      return pdf(
        `proces-verbal-${reference}${suffix}.pdf`,
        await renderPdf(supportDocumentDefinition(data, query.copyNumber)),
      );
    }
    if (kind === 'labels') {
      if (query.format !== 'pdf')
        throw new HttpError(400, 'BadRequest', 'Les étiquettes n’existent qu’en PDF.');
      return pdf(`etiquettes-${reference}.pdf`, await renderPdf(labelsDefinition(data)));
    }
    if (!sample.laboratoryId)
      throw new NotFoundError('La demande d’analyse n’existe qu’une fois le laboratoire choisi.');
    switch (query.format) {
      case 'csv':
        return {
          fileName: `demande-analyse-${reference}.csv`,
          contentType: 'text/csv; charset=utf-8',
          content: analysisRequestCsv(data),
        };
      case 'xlsx':
        return {
          fileName: `demande-analyse-${reference}.xlsx`,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          content: await analysisRequestXlsx(data),
        };
      default:
        return pdf(
          `demande-analyse-${reference}.pdf`,
          await renderPdf(analysisRequestDefinition(data)),
        );
    }
  }

  async function blankForm(user: AuthUser, query: BlankFormQuery): Promise<RenderedFile> {
    let prescription = null;
    let plan = null;
    if (query.prescriptionId) {
      prescription = await db('prescriptions').where({ id: query.prescriptionId }).first();
      if (!prescription) throw new NotFoundError('Cette prescription est introuvable.');
      const substances = await db('prescriptionSubstances')
        .where({ prescriptionId: prescription.id })
        .select('substanceCode', 'method');
      prescription = { ...prescription, substances };
      const row = await db('programmingPlans')
        .where({ id: prescription.planId })
        .first('year', 'kind');
      plan = row
        ? {
            year: row.year,
            kind: PlanKindLabels[row.kind as keyof typeof PlanKindLabels] ?? row.kind,
          }
        : null;
    }
    const departmentCode = query.departmentCode ?? user.departmentCode ?? undefined;
    const regionCode =
      (departmentCode ? regionOfDepartment(departmentCode)?.code : null) ?? user.regionCode ?? null;
    const definition = blankFormDefinition({
      plan,
      prescription: prescription
        ? {
            context: prescription.context,
            matrixKindCode: prescription.matrixKindCode,
            stages: prescription.stages,
            substances: prescription.substances,
          }
        : undefined,
      departmentCode,
      authority: regionCode ? authorityOf(regionCode) : { name: '', address: '' },
    });
    return pdf('formulaire-prelevement.pdf', await renderPdf(definition));
  }

  /** Builders the mail outbox calls at send time: attachments are never stored in the queue. */
  function registerMailAttachments(
    outbox: MailOutbox,
    load: (id: string) => Promise<Sample | null>,
  ) {
    const loaded = async (params: Record<string, unknown>) => {
      const sample = await load(String(params.sampleId));
      if (!sample) throw new Error('sample of a queued mail not found');
      return sample;
    };
    outbox.registerAttachmentBuilder('sample.analysisRequest', async (params) => {
      const file = await render(await loaded(params), 'analysisRequest', { format: 'pdf' });
      return { filename: file.fileName, content: file.content, contentType: file.contentType };
    });
    outbox.registerAttachmentBuilder('sample.supportDocument', async (params) => {
      const copyNumber = Number(params.copyNumber) || undefined;
      const file = await render(await loaded(params), 'supportDocument', {
        format: 'pdf',
        copyNumber,
      });
      return { filename: file.fileName, content: file.content, contentType: file.contentType };
    });
  }

  return { render, blankForm, registerMailAttachments, copyReference };
}

export type SampleDocuments = ReturnType<typeof createSampleDocuments>;
