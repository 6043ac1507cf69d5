import { z } from 'zod';
import {
  Analysis,
  AnalysisPage,
  AnalysisVersionInput,
  CorrectionInput,
  CounterAnalysisInput,
  FindAnalysesQuery,
  ImportCommitInput,
  ImportLinePage,
  ImportLinesQuery,
  ImportSummary,
  ImportUploadQuery,
  LabToken,
  LabTokenCreated,
  LabTokenToCreate,
  NotAdmissibleInput,
  ReceptionInput,
  ResultsInput,
  ResultVersion,
  ReviewInput,
} from '../schema/analysis/analysis';
import { Id } from '../schema/common/common';
import { ExportContentTypes, ExportFormat } from './programming';
import { route } from './route';

const AnalysisParams = z.object({ analysisId: Id });
const ImportParams = z.object({ importId: Id });
const LaboratoryParams = z.object({ laboratoryId: Id });

export const ReportUploadQuery = z.object({
  fileName: ImportUploadQuery.shape.fileName,
});
export type ReportUploadQuery = z.infer<typeof ReportUploadQuery>;

/** Types of a result file: CSV (any text type browsers give it) or XLSX. */
export const ImportFileTypes = [
  'text/csv',
  'text/plain',
  'application/csv',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

export const ImportTemplateQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });
export type ImportTemplateQuery = z.infer<typeof ImportTemplateQuery>;

export const MrlQuery = z.object({ matrixCode: z.string().trim().min(1).max(40) });
export const MrlValue = z.object({
  substanceCode: z.string(),
  matrixCode: z.string(),
  value: z.number(),
  source: z.string(),
});
export type MrlValue = z.infer<typeof MrlValue>;

/** The export answers the list's analyses: same filters (the page apart), plus the format. */
export const ExportAnalysesQuery = FindAnalysesQuery.omit({ page: true, perPage: true }).extend({
  format: ExportFormat,
});
export type ExportAnalysesQuery = z.infer<typeof ExportAnalysesQuery>;

const LAB = 'Analyses';
const LAB_API = 'API laboratoires';
const IMPORTS = 'Import de résultats';

export const analysisRoutes = {
  // Fixed paths first: Express matches in declaration order.
  getAnalysisImportTemplate: route({
    method: 'get',
    path: '/api/analysis-imports/template',
    summary: 'Modèle de fichier de résultats (CSV ou XLSX) avec ses colonnes.',
    tag: IMPORTS,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    query: ImportTemplateQuery,
    response: z.string(),
    produces: 'file',
    fileTypes: ['text/csv; charset=utf-8', ImportFileTypes[4]],
  }),
  previewAnalysisImport: route({
    method: 'post',
    path: '/api/analysis-imports',
    summary:
      'Dépôt d’un fichier de résultats (CSV ou XLSX, une ligne par échantillon × substance) : rien n’est écrit, chaque ligne est contrôlée (aperçu).',
    tag: IMPORTS,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    query: ImportUploadQuery,
    consumes: 'binary',
    bodyTypes: ImportFileTypes,
    response: ImportSummary,
    status: 201,
    errors: [413, 415],
  }),
  getAnalysisImport: route({
    method: 'get',
    path: '/api/analysis-imports/:importId',
    summary: 'L’état d’un import (aperçu ou écrit) et ses comptes par issue.',
    tag: IMPORTS,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    params: ImportParams,
    response: ImportSummary,
    errors: [404],
  }),
  findAnalysisImportLines: route({
    method: 'get',
    path: '/api/analysis-imports/:importId/lines',
    summary: 'Les lignes d’un import avec leur issue (sera écrite, avertissement, erreur).',
    tag: IMPORTS,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    params: ImportParams,
    query: ImportLinesQuery,
    response: ImportLinePage,
    errors: [404],
  }),
  commitAnalysisImport: route({
    method: 'post',
    path: '/api/analysis-imports/:importId/commit',
    summary:
      'Écriture d’un import : tout ou rien (refusé si une ligne est en erreur) ; résultats déjà présents conservés ou remplacés.',
    tag: IMPORTS,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    params: ImportParams,
    body: ImportCommitInput,
    response: ImportSummary,
    errors: [404, 409],
  }),
  getAnalysisImportFile: route({
    method: 'get',
    path: '/api/analysis-imports/:importId/file',
    summary: 'Le fichier d’origine d’un import.',
    tag: IMPORTS,
    access: { kind: 'permission', permission: 'analysis.read' },
    params: ImportParams,
    response: z.string(),
    produces: 'file',
    fileTypes: ImportFileTypes,
    errors: [404],
  }),

  findMrls: route({
    method: 'get',
    path: '/api/mrls',
    summary: 'Les LMR en vigueur pour une matrice (mg/kg), avec leur source.',
    tag: LAB,
    access: { kind: 'permission', permission: 'referential.read', labToken: true },
    query: MrlQuery,
    response: z.array(MrlValue),
  }),

  findAnalyses: route({
    method: 'get',
    path: '/api/analyses',
    summary:
      'Les analyses visibles : celles adressées au laboratoire (laboratoire, API), celles du périmètre (services).',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    query: FindAnalysesQuery,
    response: AnalysisPage,
  }),
  // Before `getAnalysis`: `/api/analyses/export` is not an analysis id.
  exportAnalyses: route({
    method: 'get',
    path: '/api/analyses/export',
    summary:
      'Export CSV ou XLSX des résultats des analyses filtrées (flux) : une ligne par résidu de la version en vigueur, avec l’explication du verdict.',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    query: ExportAnalysesQuery,
    response: z.string(),
    produces: 'file',
    fileTypes: [ExportContentTypes.csv, ExportContentTypes.xlsx],
  }),
  getAnalysis: route({
    method: 'get',
    path: '/api/analyses/:analysisId',
    summary:
      'Une analyse : l’échantillon, les substances recherchées, la réception, les résultats et le verdict.',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    params: AnalysisParams,
    response: Analysis,
    errors: [404],
  }),
  receiveAnalysis: route({
    method: 'post',
    path: '/api/analyses/:analysisId/reception',
    summary: 'Réception de l’échantillon au laboratoire : date et état à l’arrivée.',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.receive', labToken: true },
    params: AnalysisParams,
    body: ReceptionInput,
    response: Analysis,
    errors: [404, 409],
  }),
  rejectAnalysis: route({
    method: 'post',
    path: '/api/analyses/:analysisId/not-admissible',
    summary:
      'Échantillon non recevable, avec son motif : le préleveur et les coordinateurs sont prévenus.',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.receive', labToken: true },
    params: AnalysisParams,
    body: NotAdmissibleInput,
    response: Analysis,
    errors: [404, 409],
  }),
  saveAnalysisResults: route({
    method: 'put',
    path: '/api/analyses/:analysisId/results',
    summary: 'Enregistrement (brouillon) des résultats, résidu par résidu.',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    params: AnalysisParams,
    body: ResultsInput,
    response: Analysis,
    errors: [404, 409],
  }),
  submitAnalysisResults: route({
    method: 'post',
    path: '/api/analyses/:analysisId/submit',
    summary:
      'Transmission des résultats pour validation (une analyse sans résidu détecté est terminée conforme).',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    params: AnalysisParams,
    body: AnalysisVersionInput,
    response: Analysis,
    errors: [404, 409],
  }),
  correctAnalysisResults: route({
    method: 'post',
    path: '/api/analyses/:analysisId/corrections',
    summary:
      'Correction de résultats transmis : nouvelle version avec son motif ; l’ancienne reste visible.',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    params: AnalysisParams,
    body: CorrectionInput,
    response: Analysis,
    errors: [404, 409],
  }),
  uploadAnalysisReport: route({
    method: 'put',
    path: '/api/analyses/:analysisId/report',
    summary: 'Dépôt du rapport d’analyse signé (PDF, corps binaire ; remplace le précédent).',
    tag: LAB_API,
    access: { kind: 'permission', permission: 'analysis.submitResults', labToken: true },
    params: AnalysisParams,
    query: ReportUploadQuery,
    consumes: 'binary',
    bodyTypes: ['application/pdf'],
    response: Analysis,
    errors: [404, 409, 413, 415],
  }),
  getAnalysisReport: route({
    method: 'get',
    path: '/api/analyses/:analysisId/report',
    summary: 'Le rapport d’analyse (PDF).',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    params: AnalysisParams,
    response: z.string(),
    produces: 'file',
    fileTypes: ['application/pdf'],
    errors: [404],
  }),
  findAnalysisResultVersions: route({
    method: 'get',
    path: '/api/analyses/:analysisId/versions',
    summary: 'Toutes les versions des résultats, la plus récente en premier.',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.read', labToken: true },
    params: AnalysisParams,
    response: z.array(ResultVersion),
    errors: [404],
  }),
  reviewAnalysis: route({
    method: 'post',
    path: '/api/analyses/:analysisId/review',
    summary:
      'Validation par le coordinateur : verdict confirmé, ou corrigé avec un commentaire obligatoire.',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.review' },
    params: AnalysisParams,
    body: ReviewInput,
    response: Analysis,
    errors: [404, 409],
  }),
  reevaluateAnalysis: route({
    method: 'post',
    path: '/api/analyses/:analysisId/reevaluate',
    summary: 'Nouveau calcul du verdict avec la table des LMR en vigueur (après sa modification).',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.review' },
    params: AnalysisParams,
    body: AnalysisVersionInput,
    response: Analysis,
    errors: [404, 409],
  }),
  findSampleAnalyses: route({
    method: 'get',
    path: '/api/samples/:sampleId/analyses',
    summary: 'Les analyses d’un prélèvement, contre-analyses comprises.',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.read' },
    params: z.object({ sampleId: Id }),
    response: z.array(Analysis),
    errors: [404],
  }),
  requestCounterAnalysis: route({
    method: 'post',
    path: '/api/samples/:sampleId/counter-analyses',
    summary: 'Contre-analyse : un exemplaire conservé est adressé à un second laboratoire.',
    tag: LAB,
    access: { kind: 'permission', permission: 'analysis.review' },
    params: z.object({ sampleId: Id }),
    body: CounterAnalysisInput,
    response: Analysis,
    status: 201,
    errors: [404, 409],
  }),

  findLabTokens: route({
    method: 'get',
    path: '/api/laboratories/:laboratoryId/tokens',
    summary: 'Les jetons d’API d’un laboratoire (jamais leur valeur).',
    tag: 'Laboratoires',
    access: { kind: 'permission', permission: 'labToken.manage' },
    params: LaboratoryParams,
    response: z.array(LabToken),
    errors: [404],
  }),
  createLabToken: route({
    method: 'post',
    path: '/api/laboratories/:laboratoryId/tokens',
    summary:
      'Création d’un jeton d’API : sa valeur n’est donnée qu’une fois (seule son empreinte est gardée).',
    tag: 'Laboratoires',
    access: { kind: 'permission', permission: 'labToken.manage' },
    params: LaboratoryParams,
    body: LabTokenToCreate,
    response: LabTokenCreated,
    status: 201,
    errors: [404],
  }),
  revokeLabToken: route({
    method: 'delete',
    path: '/api/laboratories/:laboratoryId/tokens/:tokenId',
    summary: 'Révocation d’un jeton : refusé dès la requête suivante.',
    tag: 'Laboratoires',
    access: { kind: 'permission', permission: 'labToken.manage' },
    params: LaboratoryParams.extend({ tokenId: Id }),
    response: z.null(),
    status: 204,
    errors: [404, 409],
  }),
} as const;
