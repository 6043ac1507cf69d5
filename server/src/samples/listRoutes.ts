import type { Db } from '@maestro/database';
import type { ExportSamplesQuery } from '@maestro/shared/contract';
import {
  CultureKindLabels,
  Departments,
  LegalContextLabels,
  Matrices,
  MatrixKinds,
  PartSampledLabels,
  Regions,
  SampleContextLabels,
  StageLabels,
} from '@maestro/shared/referential';
import { type AuthUser, PlanKindLabels, SampleStatusLabels } from '@maestro/shared/schema';
import type { Response } from 'express';
import type { HandlersOf } from '../http/router';
import { sendTableExport } from '../http/tableExport';
import type { Cell } from '../programming/export';
import { createSampleListRepository, type ExportRow, type SampleListRepository } from './list';

/**
 * The sample list's operations: the page, the map's places, the export and the realised counts
 * of the programming screens.
 */
export const sampleListHandlers = (
  db: Db,
): HandlersOf<'findSamples' | 'findSampleLocations' | 'exportSamples' | 'findRealisedCounts'> => {
  const list = createSampleListRepository(db);
  return {
    findSamples: async ({ user, query }) => list.findPage(user, query),
    findSampleLocations: async ({ user, query }) => list.findLocations(user, query),
    exportSamples: async ({ user, query, res }) => {
      const { format, ...filters } = query;
      await sendSamplesExport(res, format, list, user, filters);
      return '';
    },
    findRealisedCounts: async ({ user, params }) => list.realisedCounts(user, params.planId),
  };
};

// ————— Export —————

/**
 * Export of the filtered list, every row, in the list's order (CSV or XLSX).
 *
 * One row per sample, labels rather than codes (codes kept where people use them: department,
 * SIRET, matrix kind), dates in Paris time as « JJ/MM/AAAA HH:MM ». CSV: UTF-8 with a BOM, `;`
 * and CRLF, fields quoted when needed and a text starting with `=`, `+`, `-`, `@`, tab or CR
 * prefixed with `'` (see `csvField`). XLSX: typed cells through exceljs's streaming writer, so
 * nothing is ever a formula.
 *
 * Rows come from a database cursor in batches and are written with back-pressure: memory stays
 * flat whatever the number of samples; a client that leaves stops the query.
 */
export const sampleExportColumns: { header: string; width: number }[] = [
  { header: 'Référence', width: 18 },
  { header: 'Statut', width: 22 },
  { header: 'Plan', width: 40 },
  { header: 'Contexte', width: 22 },
  { header: 'Cadre juridique', width: 20 },
  { header: 'Région', width: 26 },
  { header: 'Département (code)', width: 10 },
  { header: 'Département', width: 22 },
  { header: 'Entreprise', width: 30 },
  { header: 'SIRET', width: 16 },
  { header: 'Adresse', width: 30 },
  { header: 'Code postal', width: 10 },
  { header: 'Commune', width: 20 },
  { header: 'Parcelle', width: 16 },
  { header: 'Latitude', width: 11 },
  { header: 'Longitude', width: 11 },
  { header: 'Catégorie de matrice (code)', width: 12 },
  { header: 'Catégorie de matrice', width: 26 },
  { header: 'Matrice', width: 26 },
  { header: 'Stade de prélèvement', width: 26 },
  { header: 'Partie prélevée', width: 18 },
  { header: 'Type de culture', width: 18 },
  { header: 'Date de prélèvement', width: 17 },
  { header: 'Préleveur', width: 24 },
  { header: 'Second préleveur', width: 24 },
  { header: 'Laboratoire', width: 14 },
  { header: 'Transmis au laboratoire le', width: 17 },
  { header: 'Conformité', width: 14 },
  { header: 'Dernière modification', width: 17 },
];

interface ExportLabels {
  laboratories: ReadonlyMap<string, string>;
  plans: ReadonlyMap<string, { kind: string; year: number }>;
}

const label = <K extends string>(labels: Record<K, string>, code: string | null): string | null =>
  code === null ? null : (labels[code as K] ?? code);

/** The cells of one sample, in the order of `sampleExportColumns`. */
export function sampleExportRow(row: ExportRow, labels: ExportLabels): Cell[] {
  const plan = row.programmingPlanId ? labels.plans.get(row.programmingPlanId) : undefined;
  return [
    row.reference,
    SampleStatusLabels[row.status] ?? row.status,
    plan ? `${label(PlanKindLabels, plan.kind)} ${plan.year}` : null,
    label(SampleContextLabels, row.context),
    label(LegalContextLabels, row.legalContext),
    Regions[row.regionCode]?.name ?? row.regionCode,
    row.departmentCode,
    row.departmentCode ? (Departments[row.departmentCode]?.name ?? null) : null,
    row.companyName,
    row.companySiret,
    row.companyAddress,
    row.companyPostalCode,
    row.companyCity,
    row.parcel,
    row.latitude,
    row.longitude,
    row.matrixKindCode,
    row.matrixKindCode ? (MatrixKinds[row.matrixKindCode]?.label ?? null) : null,
    row.matrixCode ? (Matrices[row.matrixCode]?.label ?? row.matrixCode) : row.matrixFreeText,
    label(StageLabels, row.stage),
    label(PartSampledLabels, row.partSampled),
    label(CultureKindLabels, row.cultureKind),
    row.sampledAtText,
    `${row.samplerFirstName} ${row.samplerLastName}`,
    row.secondSamplerName,
    row.laboratoryId ? (labels.laboratories.get(row.laboratoryId) ?? null) : null,
    row.sentAtText,
    row.compliant === null ? null : row.compliant ? 'Conforme' : 'Non conforme',
    row.updatedAtText,
  ];
}

const fileName = (format: 'csv' | 'xlsx') =>
  `prelevements-${new Date().toISOString().slice(0, 10)}.${format}`;

/** Streams the export (see `sendTableExport`). */
export async function sendSamplesExport(
  res: Response,
  format: 'csv' | 'xlsx',
  list: SampleListRepository,
  user: AuthUser,
  filters: Omit<ExportSamplesQuery, 'format'>,
): Promise<void> {
  const labels = await list.exportLabels();
  async function* batches(): AsyncGenerator<Cell[][]> {
    for await (const batch of list.exportBatches(user, filters))
      yield batch.map((row) => sampleExportRow(row, labels));
  }
  await sendTableExport(res, {
    format,
    fileName: fileName(format),
    sheetName: 'Prélèvements',
    columns: sampleExportColumns,
    batches: batches(),
  });
}
