import { z } from 'zod';
import { AnalysisMethod } from '../../referential/methods';
import { Id, Version } from '../common/common';
import { AttachmentUploadQuery } from '../sample/sample';

// ————— States —————

/** The state of one analysed copy (the sample's own status derives from its analyses). */
export const AnalysisStatus = z.enum([
  'Sent',
  'NotAdmissible',
  'Analysis',
  'InReview',
  'Completed',
]);
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;
export const AnalysisStatusList = AnalysisStatus.options;
export const AnalysisStatusLabels: Record<AnalysisStatus, string> = {
  Sent: 'À réceptionner',
  NotAdmissible: 'Non recevable',
  Analysis: 'En cours d’analyse',
  InReview: 'À valider',
  Completed: 'Terminée',
};

// ————— Reception —————

export const NotAdmissibleReason = z.enum([
  'SealBroken',
  'InsufficientQuantity',
  'TemperatureNotRespected',
  'DamagedPackaging',
  'LateArrival',
  'Unidentifiable',
  'Other',
]);
export type NotAdmissibleReason = z.infer<typeof NotAdmissibleReason>;
export const NotAdmissibleReasonList = NotAdmissibleReason.options;
export const NotAdmissibleReasonLabels: Record<NotAdmissibleReason, string> = {
  SealBroken: 'Scellé absent ou rompu',
  InsufficientQuantity: 'Quantité insuffisante',
  TemperatureNotRespected: 'Température de transport non respectée',
  DamagedPackaging: 'Emballage endommagé ou échantillon altéré',
  LateArrival: 'Délai d’acheminement dépassé',
  Unidentifiable: 'Échantillon non identifiable (étiquette absente ou illisible)',
  Other: 'Autre motif',
};

const Text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} : ${max} caractères au plus.` });

const DateTime = z.iso.datetime({ offset: true, message: 'Date et heure invalides.' });
const DateOnly = z.iso.date({ message: 'Date invalide (AAAA-MM-JJ).' });

/** Condition of the copy on arrival. */
export const ReceptionCondition = z.object({
  sealsIntact: z.boolean({ message: 'Indiquez si les scellés sont intacts.' }),
  quantitySufficient: z.boolean({ message: 'Indiquez si la quantité est suffisante.' }),
  /** Temperature measured on arrival, when the matrix needs one. */
  temperatureCelsius: z
    .number({ message: 'Température invalide.' })
    .min(-80, { message: 'Température invalide (−80 °C au moins).' })
    .max(60, { message: 'Température invalide (60 °C au plus).' })
    .nullable(),
  notes: Text(2000, 'Observations'),
});
export type ReceptionCondition = z.infer<typeof ReceptionCondition>;

export const ReceptionInput = ReceptionCondition.extend({
  version: Version,
  receivedAt: DateTime,
});
export type ReceptionInput = z.infer<typeof ReceptionInput>;

export const NotAdmissibleInput = z
  .object({
    version: Version,
    receivedAt: DateTime,
    reason: NotAdmissibleReason,
    comment: Text(2000, 'Précisions'),
  })
  .superRefine((value, ctx) => {
    if (value.reason === 'Other' && value.comment.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message: 'Précisez le motif de non-recevabilité.',
      });
  });
export type NotAdmissibleInput = z.infer<typeof NotAdmissibleInput>;

// ————— Results —————

export const ResultKind = z.enum(['ND', 'NQ', 'Q']);
export type ResultKind = z.infer<typeof ResultKind>;
export const ResultKindList = ResultKind.options;
export const ResultKindLabels: Record<ResultKind, string> = {
  ND: 'Non détecté',
  NQ: 'Détecté, non quantifié (< LQ)',
  Q: 'Quantifié',
};

export const ConcentrationUnit = z.enum(['mg/kg', 'µg/kg']);
export type ConcentrationUnit = z.infer<typeof ConcentrationUnit>;
export const ConcentrationUnitList = ConcentrationUnit.options;

const Concentration = z
  .number({ message: 'Valeur numérique attendue.' })
  .min(0, { message: 'La valeur ne peut pas être négative.' })
  .max(1_000_000, { message: 'Valeur trop grande.' });

/** For a residue whose definition sums several analytes: each analyte's value. */
export const AnalyteValue = z.object({
  label: z.string().trim().min(1, { message: 'Nommez l’analyte.' }).max(200),
  value: Concentration.nullable(),
});
export type AnalyteValue = z.infer<typeof AnalyteValue>;

export const MAX_RESIDUES = 500;

/** One residue as a laboratory enters it. Values and LOQ are in `unit`; the MRL in mg/kg. */
export const ResidueInput = z
  .object({
    substanceCode: z.string().trim().min(1, { message: 'Choisissez la substance.' }).max(40),
    kind: ResultKind,
    value: Concentration.nullable(),
    unit: ConcentrationUnit,
    loq: Concentration.nullable(),
    /** The MRL that applies, in mg/kg; null takes the referential's (or the default 0.01). */
    mrl: Concentration.nullable(),
    /** Expanded measurement uncertainty in %, when the laboratory gives its own (default 50 %). */
    uncertaintyPercent: z
      .number({ message: 'Incertitude invalide.' })
      .min(0, { message: 'L’incertitude ne peut pas être négative.' })
      .max(100, { message: 'L’incertitude ne peut pas dépasser 100 %.' })
      .nullable(),
    analytes: z.array(AnalyteValue).max(20),
    notes: Text(2000, 'Notes'),
    arfdExceeded: z.boolean().nullable(),
    authorisedForUse: z.boolean().nullable(),
    contaminationSources: Text(2000, 'Sources de contamination'),
  })
  .superRefine((residue, ctx) => {
    if (residue.kind === 'Q' && residue.value === null)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'Indiquez la valeur mesurée d’un résidu quantifié.',
      });
    if (residue.kind !== 'Q' && residue.value !== null)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'Une valeur n’est saisie que pour un résidu quantifié.',
      });
    if (
      residue.kind === 'Q' &&
      residue.value !== null &&
      residue.loq !== null &&
      residue.value < residue.loq
    )
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'La valeur est inférieure à la limite de quantification : choisissez « < LQ ».',
      });
  });
export type ResidueInput = z.infer<typeof ResidueInput>;

const residueList = z
  .array(ResidueInput)
  .max(MAX_RESIDUES, { message: `${MAX_RESIDUES} résidus au plus par analyse.` })
  .superRefine((residues, ctx) => {
    const seen = new Set<string>();
    residues.forEach((residue, i) => {
      if (seen.has(residue.substanceCode))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'substanceCode'],
          message: 'Cette substance est déjà saisie dans l’analyse.',
        });
      seen.add(residue.substanceCode);
    });
  });

/** The results of an analysis as the laboratory saves them (draft) or submits them. */
export const ResultsContent = z.object({
  analysedAt: DateOnly.nullable(),
  methods: z.array(AnalysisMethod).max(2),
  residues: residueList,
  notes: Text(4000, 'Commentaire'),
});
export type ResultsContent = z.infer<typeof ResultsContent>;

export const ResultsInput = ResultsContent.extend({ version: Version });
export type ResultsInput = z.infer<typeof ResultsInput>;

/** A correction after submission: a new version of the results, with its reason. */
export const CorrectionInput = ResultsContent.extend({
  version: Version,
  reason: z.string().trim().min(3, { message: 'Indiquez le motif de la correction.' }).max(2000),
});
export type CorrectionInput = z.infer<typeof CorrectionInput>;

export const AnalysisVersionInput = z.object({ version: Version });
export type AnalysisVersionInput = z.infer<typeof AnalysisVersionInput>;

// ————— Verdict —————

export const ComplianceRule = z.enum([
  'NotDetected',
  'NotQuantified',
  'BelowMrl',
  'WithinUncertainty',
  'AboveMrl',
]);
export type ComplianceRule = z.infer<typeof ComplianceRule>;

/** A residue's verdict with what it was computed from, so that it can be explained and kept. */
export const ResidueVerdict = z.object({
  compliant: z.boolean(),
  /** Above the MRL but within the uncertainty: « dépassement non significatif ». */
  warning: z.boolean(),
  rule: ComplianceRule,
  /** mg/kg */
  valueMgKg: z.number().nullable(),
  uncertaintyPercent: z.number(),
  /** value × (1 − U), mg/kg */
  lowerBoundMgKg: z.number().nullable(),
  mrl: z.number(),
  mrlSource: z.string(),
  mrlIsDefault: z.boolean(),
  /** lower bound − MRL (positive: exceeded), mg/kg */
  marginMgKg: z.number().nullable(),
  explanation: z.string(),
});
export type ResidueVerdict = z.infer<typeof ResidueVerdict>;

export const Residue = z.object({
  residueNumber: z.number().int().min(1),
  substanceCode: z.string(),
  kind: ResultKind,
  value: z.number().nullable(),
  unit: ConcentrationUnit,
  loq: z.number().nullable(),
  /** The MRL as entered (null: the referential's at the time of the verdict). */
  mrl: z.number().nullable(),
  uncertaintyPercent: z.number().nullable(),
  analytes: z.array(AnalyteValue),
  notes: z.string(),
  arfdExceeded: z.boolean().nullable(),
  authorisedForUse: z.boolean().nullable(),
  contaminationSources: z.string(),
  approvedInEu: z.boolean().nullable(),
  verdict: ResidueVerdict,
});
export type Residue = z.infer<typeof Residue>;

export const ReviewDecision = z.enum(['Confirm', 'Override']);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/** The reviewer confirms the computed verdict, or overrides it with a mandatory comment. */
export const ReviewInput = z
  .object({
    version: Version,
    decision: ReviewDecision,
    /** The verdict the reviewer sets when overriding. */
    compliant: z.boolean().nullable(),
    comment: Text(4000, 'Commentaire'),
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'Override') {
      if (value.compliant === null)
        ctx.addIssue({
          code: 'custom',
          path: ['compliant'],
          message: 'Choisissez la conformité retenue.',
        });
      if (value.comment.length < 3)
        ctx.addIssue({
          code: 'custom',
          path: ['comment'],
          message: 'Un commentaire est obligatoire pour corriger la conformité.',
        });
    }
  });
export type ReviewInput = z.infer<typeof ReviewInput>;

// ————— The analysis —————

export const ResultSource = z.enum(['Form', 'LabApi', 'Import']);
export type ResultSource = z.infer<typeof ResultSource>;
export const ResultSourceLabels: Record<ResultSource, string> = {
  Form: 'Saisie',
  LabApi: 'API du laboratoire',
  Import: 'Import de fichier',
};

export const AnalysisReport = z.object({
  fileName: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedAt: DateTime,
});
export type AnalysisReport = z.infer<typeof AnalysisReport>;

/** What the laboratory needs to know of the sample. */
export const AnalysisSample = z.object({
  id: Id,
  reference: z.string(),
  status: z.string(),
  regionCode: z.string(),
  departmentCode: z.string().nullable(),
  programmingPlanId: Id.nullable(),
  context: z.string().nullable(),
  matrixKindCode: z.string().nullable(),
  matrixCode: z.string().nullable(),
  matrixFreeText: z.string().nullable(),
  stage: z.string().nullable(),
  sampledAt: DateTime.nullable(),
  sentAt: DateTime.nullable(),
  substances: z.array(z.object({ substanceCode: z.string(), method: AnalysisMethod })),
  compliant: z.boolean().nullable(),
});
export type AnalysisSample = z.infer<typeof AnalysisSample>;

export const Analysis = z.object({
  id: Id,
  sample: AnalysisSample,
  itemNumber: z.number().int(),
  copyNumber: z.number().int(),
  /** `ARA-26-00042-A-1` */
  copyReference: z.string(),
  laboratoryId: Id,
  /** A second analysis of a kept copy (counter-analysis). */
  counterAnalysis: z.boolean(),
  counterAnalysisReason: z.string().nullable(),
  status: AnalysisStatus,
  version: Version,
  receivedAt: DateTime.nullable(),
  reception: ReceptionCondition.nullable(),
  notAdmissibleReason: NotAdmissibleReason.nullable(),
  notAdmissibleComment: z.string().nullable(),
  analysedAt: DateOnly.nullable(),
  methods: z.array(AnalysisMethod),
  notes: z.string(),
  /** Number of the current version of the results (0 before any). */
  resultVersion: z.number().int().min(0),
  resultSource: ResultSource.nullable(),
  residues: z.array(Residue),
  submittedAt: DateTime.nullable(),
  /** The verdict computed from the residues (null before results). */
  computedCompliant: z.boolean().nullable(),
  /** The verdict that stands: the computed one, or the reviewer's. */
  compliant: z.boolean().nullable(),
  complianceOverridden: z.boolean(),
  reviewComment: z.string().nullable(),
  reviewedAt: DateTime.nullable(),
  reviewerName: z.string().nullable(),
  /** The MRL table changed since the verdict: a reviewer may re-evaluate. */
  mrlChanged: z.boolean(),
  report: AnalysisReport.nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Analysis = z.infer<typeof Analysis>;

/** One version of the results, kept when a correction replaces it. */
export const ResultVersion = z.object({
  resultVersion: z.number().int().min(1),
  source: ResultSource,
  reason: z.string().nullable(),
  createdAt: DateTime,
  authorName: z.string().nullable(),
  /** The result import that wrote this version (its original file is kept), else null. */
  importId: Id.nullable(),
  computedCompliant: z.boolean().nullable(),
  residues: z.array(Residue),
});
export type ResultVersion = z.infer<typeof ResultVersion>;

export const AnalysisListItem = z.object({
  id: Id,
  sampleId: Id,
  sampleReference: z.string(),
  copyReference: z.string(),
  status: AnalysisStatus,
  laboratoryId: Id,
  regionCode: z.string(),
  departmentCode: z.string().nullable(),
  matrixCode: z.string().nullable(),
  matrixFreeText: z.string().nullable(),
  sampledAt: DateTime.nullable(),
  sentAt: DateTime.nullable(),
  receivedAt: DateTime.nullable(),
  submittedAt: DateTime.nullable(),
  compliant: z.boolean().nullable(),
  counterAnalysis: z.boolean(),
  mrlChanged: z.boolean(),
  updatedAt: DateTime,
});
export type AnalysisListItem = z.infer<typeof AnalysisListItem>;

export const FindAnalysesQuery = z.object({
  status: z.array(AnalysisStatus).max(AnalysisStatusList.length).optional(),
  laboratoryId: Id.optional(),
  regionCode: z
    .string()
    .regex(/^\d{2}$/, { message: 'Code région invalide.' })
    .optional(),
  departmentCode: z.string().max(3).optional(),
  compliant: z.boolean().optional(),
  /** Sample or copy reference (prefix). */
  reference: z.string().trim().max(40).optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  perPage: z.number().int().min(1).max(200).default(20),
});
export type FindAnalysesQuery = z.infer<typeof FindAnalysesQuery>;

export const AnalysisPage = z.object({
  items: z.array(AnalysisListItem),
  total: z.number().int().min(0),
  page: z.number().int().min(1),
  perPage: z.number().int().min(1),
  statusCounts: z.record(AnalysisStatus, z.number().int().min(0)),
});
export type AnalysisPage = z.infer<typeof AnalysisPage>;

/** A kept copy sent to a second laboratory. */
export const CounterAnalysisInput = z.object({
  itemNumber: z.number().int().min(1).max(10),
  copyNumber: z
    .number()
    .int()
    .min(2, { message: 'Choisissez un exemplaire conservé (2 ou 3).' })
    .max(3),
  laboratoryId: Id,
  reason: z
    .string()
    .trim()
    .min(3, { message: 'Indiquez le motif de la contre-analyse.' })
    .max(2000),
});
export type CounterAnalysisInput = z.infer<typeof CounterAnalysisInput>;

// ————— Laboratory API tokens —————

export const LabToken = z.object({
  id: Id,
  laboratoryId: Id,
  name: z.string(),
  /** The first characters, to recognise a token without revealing it. */
  prefix: z.string(),
  createdAt: DateTime,
  createdByName: z.string().nullable(),
  lastUsedAt: DateTime.nullable(),
  revokedAt: DateTime.nullable(),
});
export type LabToken = z.infer<typeof LabToken>;

export const LabTokenToCreate = z.object({
  name: z
    .string()
    .trim()
    .min(2, { message: 'Nommez le jeton (par exemple « LIMS production »).' })
    .max(100, { message: 'Nom : 100 caractères au plus.' }),
});
export type LabTokenToCreate = z.infer<typeof LabTokenToCreate>;

/** Answered once, at creation: the token itself is never shown again. */
export const LabTokenCreated = LabToken.extend({ token: z.string() });
export type LabTokenCreated = z.infer<typeof LabTokenCreated>;

/** `mlab_` then 43 base64url characters (32 random bytes). */
export const LAB_TOKEN_PATTERN = /^mlab_[A-Za-z0-9_-]{43}$/;

// ————— Result imports —————

export const ImportEncoding = z.enum(['auto', 'utf-8', 'windows-1252']);
export type ImportEncoding = z.infer<typeof ImportEncoding>;
export const ImportEncodingLabels: Record<ImportEncoding, string> = {
  auto: 'Détection automatique',
  'utf-8': 'UTF-8',
  'windows-1252': 'Windows-1252 (Excel français)',
};

export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const IMPORT_MAX_LINES = 50_000;

export const ImportUploadQuery = z.object({
  fileName: AttachmentUploadQuery.shape.fileName,
  encoding: ImportEncoding.default('auto'),
});
export type ImportUploadQuery = z.infer<typeof ImportUploadQuery>;

export const ImportLineOutcome = z.enum(['Write', 'Warning', 'Error']);
export type ImportLineOutcome = z.infer<typeof ImportLineOutcome>;
export const ImportLineOutcomeLabels: Record<ImportLineOutcome, string> = {
  Write: 'Sera écrite',
  Warning: 'Avertissement',
  Error: 'Erreur',
};

export const ImportLine = z.object({
  /** Line number in the file (the header is line 1). */
  line: z.number().int().min(1),
  copyReference: z.string(),
  substanceCode: z.string(),
  kind: z.string(),
  value: z.string(),
  outcome: ImportLineOutcome,
  messages: z.array(z.string()),
  /** Results already exist for this copy (keep or replace applies). */
  existing: z.boolean(),
});
export type ImportLine = z.infer<typeof ImportLine>;

export const ImportStatus = z.enum(['Previewed', 'Committed']);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const ImportSummary = z.object({
  id: Id,
  laboratoryId: Id,
  fileName: z.string(),
  encoding: z.string(),
  delimiter: z.string().nullable(),
  status: ImportStatus,
  lineCount: z.number().int().min(0),
  counts: z.record(ImportLineOutcome, z.number().int().min(0)),
  /** Analyses the file feeds, and how many of them already hold results. */
  analysisCount: z.number().int().min(0),
  existingCount: z.number().int().min(0),
  createdAt: DateTime,
  committedAt: DateTime.nullable(),
  writtenResidues: z.number().int().min(0).nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const ImportLinesQuery = z.object({
  outcome: ImportLineOutcome.optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  perPage: z.number().int().min(1).max(500).default(100),
});
export type ImportLinesQuery = z.infer<typeof ImportLinesQuery>;

export const ImportLinePage = z.object({
  items: z.array(ImportLine),
  total: z.number().int().min(0),
  page: z.number().int().min(1),
  perPage: z.number().int().min(1),
});
export type ImportLinePage = z.infer<typeof ImportLinePage>;

export const ExistingResults = z.enum(['Keep', 'Replace']);
export type ExistingResults = z.infer<typeof ExistingResults>;
export const ExistingResultsLabels: Record<ExistingResults, string> = {
  Keep: 'Conserver les résultats déjà présents (ces lignes sont ignorées)',
  Replace: 'Remplacer les résultats déjà présents (nouvelle version, motif « import »)',
};

export const ImportCommitInput = z.object({ existing: ExistingResults });
export type ImportCommitInput = z.infer<typeof ImportCommitInput>;

/** Columns of a result file, in this order in the template; headers are matched loosely. */
export const ImportColumns = [
  'reference_echantillon',
  'code_substance',
  'resultat',
  'valeur',
  'unite',
  'lq',
  'lmr',
  'incertitude',
  'date_analyse',
  'commentaire',
] as const;
