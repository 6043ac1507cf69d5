import { randomUUID } from 'node:crypto';
import type { Db } from '@maestro/database';
import { copyReference, formatSampleReference } from '@maestro/shared/domain';
import type { AnalysisStatus } from '@maestro/shared/schema';

/**
 * Samples sent to a laboratory, written straight into the database (for the import tests and
 * the import bench): each with one item of three copies and the analysis of copy 1.
 */
export interface SentSample {
  sampleId: string;
  reference: string;
  analysisId: string;
  /** `ARA-26-00042-A-1` */
  copyReference: string;
}

let nextSerial = 1;

export async function insertSentSamples(
  db: Db,
  options: {
    laboratoryId: string;
    /** The sampler who created them (a user of department 69, region 84). */
    samplerId: string;
    count: number;
    status?: AnalysisStatus;
    matrixCode?: string;
    year?: number;
  },
): Promise<SentSample[]> {
  const status = options.status ?? 'Sent';
  const sentAt = new Date(Date.now() - 2 * 86_400_000);
  const samples: SentSample[] = [];
  for (let i = 0; i < options.count; i++) {
    const reference = formatSampleReference('84', options.year ?? 2026, nextSerial++);
    samples.push({
      sampleId: randomUUID(),
      reference,
      analysisId: randomUUID(),
      copyReference: copyReference(reference, 1, 1),
    });
  }
  const batch = 1000;
  for (let from = 0; from < samples.length; from += batch) {
    const slice = samples.slice(from, from + batch);
    await db('samples').insert(
      slice.map((s) => ({
        id: s.sampleId,
        reference: s.reference,
        status,
        step: 'Summary',
        context: 'Surveillance',
        legalContext: 'A',
        regionCode: '84',
        departmentCode: '69',
        samplerId: options.samplerId,
        matrixKindCode: 'A01DH',
        matrixCode: options.matrixCode ?? 'A01DJ',
        stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
        substances: JSON.stringify([{ substanceCode: 'RF-0087-001-PPP', method: 'Multi' }]),
        sampledAt: new Date(sentAt.getTime() - 3_600_000),
        laboratoryId: options.laboratoryId,
        creationHash: 'test',
        createdBy: options.samplerId,
        submittedAt: sentAt,
        sentAt,
      })),
    );
    await db('sampleItems').insert(
      slice.flatMap((s) =>
        [1, 2, 3].map((copyNumber) => ({
          sampleId: s.sampleId,
          itemNumber: 1,
          copyNumber,
          quantity: 1,
          unit: 'KG',
          sealNumber: `SC-${copyNumber}`,
          compliant200263: true,
          recipient: copyNumber === 1 ? 'Laboratory' : 'Sampler',
        })),
      ),
    );
    await db('analyses').insert(
      slice.map((s) => ({
        id: s.analysisId,
        sampleId: s.sampleId,
        itemNumber: 1,
        copyNumber: 1,
        laboratoryId: options.laboratoryId,
        status,
        receivedAt: status === 'Sent' ? null : sentAt,
        createdAt: sentAt,
        updatedAt: sentAt,
      })),
    );
  }
  return samples;
}

/** One result line per cell of `ImportColumns`, in that order. */
export const resultLine = (cells: {
  reference: string;
  substance?: string;
  kind?: string;
  value?: string;
  unit?: string;
  loq?: string;
  mrl?: string;
  uncertainty?: string;
  date?: string;
  comment?: string;
}): string[] => [
  cells.reference,
  cells.substance ?? 'RF-0087-001-PPP',
  cells.kind ?? 'ND',
  cells.value ?? '',
  cells.unit ?? 'mg/kg',
  cells.loq ?? '0,01',
  cells.mrl ?? '',
  cells.uncertainty ?? '',
  cells.date ?? '2026-03-02',
  cells.comment ?? '',
];
