import type { Db } from '@maestro/database';
import { copyReference } from '@maestro/shared/domain';
import { Departments, Matrices, Regions } from '@maestro/shared/referential';
import {
  type AnalysisStatus,
  AnalysisStatusLabels,
  type AuthUser,
  type ComplianceRule,
  type ResidueVerdict,
  type ResultKind,
  ResultKindLabels,
  type ResultSource,
  ResultSourceLabels,
} from '@maestro/shared/schema';
import type { Response } from 'express';
import type { HandlersOf } from '../http/router';
import { frenchCsvField, sendTableExport } from '../http/tableExport';
import type { Cell } from '../programming/export';
import { type AnalysisFilters, applyAnalysisFilters } from './repository';

/**
 * Export of the results of the filtered analyses (CSV or XLSX), every row, in the list's order.
 *
 * One row per residue of the current version of the results (an analysis without results: one
 * row, its residue columns empty), each with its verdict explained: the value, the uncertainty
 * used, value − U, the MRL that applied and its source, the margin, the rule and the sentence
 * the screen shows. Then the analysis's verdict as it stands, and whether a coordinator
 * corrected it, with their comment. Labels rather than codes (codes kept where people use
 * them: matrix, substance, department), dates in Paris time.
 *
 * CSV numbers take a decimal comma (French Excel reads them as numbers); XLSX cells are typed.
 * Rows come from a database cursor in batches, in a read-only transaction: memory stays flat
 * whatever the number of results, and a client that leaves stops the query.
 */
export const analysisExportColumns: { header: string; width: number }[] = [
  { header: 'Référence prélèvement', width: 18 },
  { header: 'Référence exemplaire', width: 20 },
  { header: 'Contre-analyse', width: 10 },
  { header: 'Laboratoire', width: 14 },
  { header: 'Région', width: 26 },
  { header: 'Département (code)', width: 10 },
  { header: 'Département', width: 22 },
  { header: 'Matrice (code)', width: 12 },
  { header: 'Matrice', width: 26 },
  { header: 'Date de prélèvement', width: 17 },
  { header: 'Statut', width: 20 },
  { header: 'Date de réception', width: 17 },
  { header: 'Date d’analyse', width: 12 },
  { header: 'Version des résultats', width: 10 },
  { header: 'Source', width: 18 },
  { header: 'Substance (code)', width: 18 },
  { header: 'Substance', width: 30 },
  { header: 'Résultat', width: 26 },
  { header: 'Valeur', width: 10 },
  { header: 'Unité', width: 8 },
  { header: 'LQ', width: 10 },
  { header: 'Valeur (mg/kg)', width: 12 },
  { header: 'Incertitude (%)', width: 10 },
  { header: 'Valeur − U (mg/kg)', width: 12 },
  { header: 'LMR (mg/kg)', width: 10 },
  { header: 'Source de la LMR', width: 30 },
  { header: 'LMR par défaut', width: 10 },
  { header: 'Marge (mg/kg)', width: 12 },
  { header: 'Règle', width: 30 },
  { header: 'Verdict du résidu', width: 22 },
  { header: 'Explication', width: 80 },
  { header: 'Verdict de l’analyse', width: 14 },
  { header: 'Verdict corrigé par le coordinateur', width: 12 },
  { header: 'Commentaire du coordinateur', width: 40 },
];

/** The rule a residue was judged by, in words (the numbers are in their own columns). */
export const ComplianceRuleLabels: Record<ComplianceRule, string> = {
  NotDetected: 'Non détecté',
  NotQuantified: 'Détecté sous la limite de quantification',
  BelowMrl: 'Valeur ≤ LMR',
  WithinUncertainty: 'Valeur > LMR, mais valeur − U ≤ LMR',
  AboveMrl: 'Valeur − U > LMR',
};

/** « Conforme », « Non conforme » or « Conforme — dépassement non significatif ». */
export const residueVerdictLabel = (verdict: Pick<ResidueVerdict, 'compliant' | 'warning'>) =>
  !verdict.compliant
    ? 'Non conforme'
    : verdict.warning
      ? 'Conforme — dépassement non significatif'
      : 'Conforme';

const complianceLabel = (compliant: boolean | null) =>
  compliant === null ? null : compliant ? 'Conforme' : 'Non conforme';
const yesNo = (value: boolean) => (value ? 'oui' : 'non');

/** One row of the export, as the cursor returns it (residue columns null without results). */
export interface AnalysisExportRow {
  sampleReference: string;
  itemNumber: number;
  copyNumber: number;
  counterAnalysis: boolean;
  laboratoryName: string | null;
  regionCode: string;
  departmentCode: string | null;
  matrixCode: string | null;
  matrixFreeText: string | null;
  sampledAtText: string | null;
  status: AnalysisStatus;
  receivedAtText: string | null;
  analysedAtText: string | null;
  resultVersion: number;
  resultSource: ResultSource | null;
  substanceCode: string | null;
  substanceLabel: string | null;
  kind: ResultKind | null;
  value: number | null;
  unit: string | null;
  loq: number | null;
  verdict: ResidueVerdict | null;
  compliant: boolean | null;
  complianceOverridden: boolean;
  reviewComment: string | null;
}

/** The cells of one row, in the order of `analysisExportColumns`. */
export function analysisExportRow(row: AnalysisExportRow): Cell[] {
  const verdict = row.verdict;
  return [
    row.sampleReference,
    copyReference(row.sampleReference, row.itemNumber, row.copyNumber),
    yesNo(row.counterAnalysis),
    row.laboratoryName,
    Regions[row.regionCode]?.name ?? row.regionCode,
    row.departmentCode,
    row.departmentCode ? (Departments[row.departmentCode]?.name ?? null) : null,
    row.matrixCode,
    row.matrixCode ? (Matrices[row.matrixCode]?.label ?? row.matrixCode) : row.matrixFreeText,
    row.sampledAtText,
    AnalysisStatusLabels[row.status] ?? row.status,
    row.receivedAtText,
    row.analysedAtText,
    row.resultVersion > 0 ? row.resultVersion : null,
    row.resultSource ? (ResultSourceLabels[row.resultSource] ?? row.resultSource) : null,
    row.substanceCode,
    row.substanceCode ? (row.substanceLabel ?? row.substanceCode) : null,
    row.kind ? (ResultKindLabels[row.kind] ?? row.kind) : null,
    row.value,
    row.substanceCode ? row.unit : null,
    row.loq,
    verdict?.valueMgKg ?? null,
    verdict ? verdict.uncertaintyPercent : null,
    verdict?.lowerBoundMgKg ?? null,
    verdict ? verdict.mrl : null,
    verdict ? verdict.mrlSource : null,
    verdict ? yesNo(verdict.mrlIsDefault) : null,
    verdict?.marginMgKg ?? null,
    verdict ? (ComplianceRuleLabels[verdict.rule] ?? verdict.rule) : null,
    verdict ? residueVerdictLabel(verdict) : null,
    verdict ? verdict.explanation : null,
    complianceLabel(row.compliant),
    yesNo(row.complianceOverridden),
    row.reviewComment || null,
  ];
}

type ScopedUser = Pick<AuthUser, 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;

/** `to_char` of a timestamp in Paris time, « JJ/MM/AAAA HH:MM ». */
const parisText = (column: string, alias: string) =>
  `to_char(${column} at time zone 'Europe/Paris', 'DD/MM/YYYY HH24:MI') as ${alias}`;

/**
 * The export's rows, in batches, through a server-side cursor in a read-only transaction: the
 * result is never held whole in memory. Leaving the loop early closes the cursor. Scoped and
 * filtered exactly like the list (`applyAnalysisFilters`).
 */
export async function* analysisExportBatches(
  db: Db,
  user: ScopedUser,
  filters: AnalysisFilters,
  batchSize = 2000,
): AsyncGenerator<AnalysisExportRow[]> {
  const select = db
    .select(
      's.reference as sampleReference',
      'a.itemNumber',
      'a.copyNumber',
      'a.counterAnalysis',
      'l.shortName as laboratoryName',
      's.regionCode',
      's.departmentCode',
      's.matrixCode',
      's.matrixFreeText',
      db.raw(parisText('s.sampled_at', 'sampled_at_text')),
      'a.status',
      db.raw(parisText('a.received_at', 'received_at_text')),
      db.raw(`to_char(a.analysed_at, 'DD/MM/YYYY') as analysed_at_text`),
      'a.resultVersion',
      'v.source as resultSource',
      'r.substanceCode',
      'sub.label as substanceLabel',
      'r.kind',
      'r.value',
      'r.unit',
      'r.loq',
      'r.verdict',
      'a.compliant',
      'a.complianceOverridden',
      'a.reviewComment',
    )
    .from('analyses as a')
    .join('samples as s', 's.id', 'a.sampleId')
    .leftJoin('laboratories as l', 'l.id', 'a.laboratoryId')
    .leftJoin('analysisResultVersions as v', (join) =>
      join.on('v.analysisId', '=', 'a.id').andOn('v.resultVersion', '=', 'a.resultVersion'),
    )
    .leftJoin('analysisResidues as r', (join) =>
      join.on('r.analysisId', '=', 'a.id').andOn('r.resultVersion', '=', 'a.resultVersion'),
    )
    .leftJoin('substances as sub', 'sub.code', 'r.substanceCode')
    .modify((builder) => applyAnalysisFilters(builder, user, filters))
    .orderBy([
      { column: 'a.updatedAt', order: 'desc' },
      { column: 'a.id', order: 'desc' },
      { column: 'r.residueNumber', order: 'asc' },
    ])
    .toSQL();
  const trx = await db.transaction();
  try {
    await trx.raw('set transaction read only');
    await trx.raw(`declare analysis_export no scroll cursor for ${select.sql}`, [
      ...select.bindings,
    ]);
    for (;;) {
      const result = (await trx.raw(`fetch ${Math.trunc(batchSize)} from analysis_export`)) as {
        rows: AnalysisExportRow[];
      };
      if (result.rows.length > 0) yield result.rows;
      if (result.rows.length < batchSize) break;
    }
    await trx.commit();
  } finally {
    if (!trx.isCompleted()) await trx.rollback().catch(() => {});
  }
}

const fileName = (format: 'csv' | 'xlsx') =>
  `resultats-analyses-${new Date().toISOString().slice(0, 10)}.${format}`;

/** Streams the export of the analyses a user may see with these filters. */
export async function sendAnalysesExport(
  res: Response,
  db: Db,
  user: AuthUser,
  format: 'csv' | 'xlsx',
  filters: AnalysisFilters,
): Promise<void> {
  async function* batches(): AsyncGenerator<Cell[][]> {
    for await (const batch of analysisExportBatches(db, user, filters))
      yield batch.map(analysisExportRow);
  }
  await sendTableExport(res, {
    format,
    fileName: fileName(format),
    sheetName: 'Résultats',
    columns: analysisExportColumns,
    batches: batches(),
    csvCell: frenchCsvField,
  });
}

export const analysisExportHandlers = (db: Db): HandlersOf<'exportAnalyses'> => ({
  exportAnalyses: async ({ user, query, res }) => {
    const { format, ...filters } = query;
    await sendAnalysesExport(res, db, user, format, filters);
    return '';
  },
});
