import { z } from 'zod';
import { LegalContext, SampleContext } from '../../referential/contexts';
import { DepartmentCode } from '../../referential/geo';
import { CultureKind, PartSampled } from '../../referential/matrices';
import { AnalysisMethod } from '../../referential/methods';
import { Stage } from '../../referential/stages';
import { QuantityUnit } from '../../referential/units';
import { Id, Version } from '../common/common';

/**
 * A sample's lifecycle. A draft moves through steps; once submitted it waits to be sent; once
 * sent, its state follows its items' analyses (the analysis issue moves those).
 */
export const SampleStatus = z.enum([
  'Draft',
  'Submitted',
  'Sent',
  'NotAdmissible',
  'Analysis',
  'InReview',
  'Completed',
]);
export type SampleStatus = z.infer<typeof SampleStatus>;
export const SampleStatusList = SampleStatus.options;
export const SampleStatusLabels: Record<SampleStatus, string> = {
  Draft: 'Brouillon',
  Submitted: 'À envoyer',
  Sent: 'Transmis au laboratoire',
  NotAdmissible: 'Non recevable',
  Analysis: 'En cours d’analyse',
  InReview: 'À valider',
  Completed: 'Terminé',
};

/** The steps of the record, in order. */
export const SampleStep = z.enum(['Context', 'Matrix', 'Items', 'Summary']);
export type SampleStep = z.infer<typeof SampleStep>;
export const SampleStepList = SampleStep.options;
export const SampleStepLabels: Record<SampleStep, string> = {
  Context: 'Contexte du prélèvement',
  Matrix: 'Matrice',
  Items: 'Échantillons',
  Summary: 'Récapitulatif',
};

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} : ${max} caractères au plus.` });

const optionalText = (max: number, label: string) =>
  text(max, label)
    .nullable()
    .transform((value) => (value === '' ? null : value));

export const Siret14 = z
  .string()
  .regex(/^\d{14}$/, { message: 'Le SIRET doit comporter 14 chiffres.' });

/** The place's company as recorded on the sample (found in the directory or typed by hand). */
export const SampleCompany = z.object({
  siret: Siret14.nullable(),
  name: text(300, 'Raison sociale').min(1, { message: 'Indiquez la raison sociale.' }),
  address: optionalText(500, 'Adresse'),
  postalCode: z
    .string()
    .regex(/^\d{5}$/, { message: 'Le code postal doit comporter 5 chiffres.' })
    .nullable(),
  city: optionalText(200, 'Commune'),
  nafCode: z
    .string()
    .regex(/^\d{2}\.\d{2}[A-Z]$/, { message: 'Code NAF invalide (ex. 01.13Z).' })
    .nullable(),
});
export type SampleCompany = z.infer<typeof SampleCompany>;

export const GeolocationSource = z.enum(['Device', 'Manual']);
export type GeolocationSource = z.infer<typeof GeolocationSource>;

export const Geolocation = z.object({
  latitude: z
    .number()
    .min(-90, { message: 'Latitude entre -90 et 90.' })
    .max(90, { message: 'Latitude entre -90 et 90.' }),
  longitude: z
    .number()
    .min(-180, { message: 'Longitude entre -180 et 180.' })
    .max(180, { message: 'Longitude entre -180 et 180.' }),
  /** Radius of the device's uncertainty in metres; null for a point typed or placed by hand. */
  accuracy: z.number().min(0).max(1_000_000).nullable(),
  source: GeolocationSource,
  capturedAt: z.iso.datetime({ offset: true, message: 'Date de géolocalisation invalide.' }),
});
export type Geolocation = z.infer<typeof Geolocation>;

/** Above this accuracy radius (metres) the agent is warned, never blocked. */
export const GEOLOCATION_WARNING_METRES = 100;

export const SampleSubstance = z.object({
  substanceCode: z.string().min(1).max(40),
  method: AnalysisMethod,
});
export type SampleSubstance = z.infer<typeof SampleSubstance>;

export const CopyRecipient = z.enum(['Laboratory', 'Sampler', 'Owner']);
export type CopyRecipient = z.infer<typeof CopyRecipient>;
export const CopyRecipientLabels: Record<CopyRecipient, string> = {
  Laboratory: 'Laboratoire',
  Sampler: 'Préleveur',
  Owner: 'Détenteur',
};

export const MAX_ITEMS = 10;
export const MAX_COPIES = 3;

/** One copy of an item (copy 1 goes to the laboratory, 2 and 3 are kept for counter-analysis). */
export const SampleCopy = z.object({
  copyNumber: z.number().int().min(1).max(MAX_COPIES),
  quantity: z
    .number()
    .positive({ message: 'La quantité doit être positive.' })
    .max(1_000_000, { message: 'Quantité trop grande.' })
    .nullable(),
  unit: QuantityUnit.nullable(),
  sealNumber: optionalText(60, 'Numéro de scellé'),
  /** Whether the sampling followed directive 2002/63/EC. */
  compliant200263: z.boolean().nullable(),
  recipient: CopyRecipient.nullable(),
});
export type SampleCopy = z.infer<typeof SampleCopy>;

export const SampleItem = z.object({
  itemNumber: z.number().int().min(1).max(MAX_ITEMS),
  copies: z
    .array(SampleCopy)
    .min(1, { message: 'Un échantillon comporte au moins un exemplaire.' })
    .max(MAX_COPIES, { message: `Un échantillon comporte au plus ${MAX_COPIES} exemplaires.` }),
});
export type SampleItem = z.infer<typeof SampleItem>;

/**
 * What the agent types, step after step. Everything may still be missing in a draft: saving is
 * never blocked by completeness, only by malformed values. `sampleProblems` says what is missing.
 */
export const SampleContent = z.object({
  step: SampleStep,
  // Context
  programmingPlanId: Id.nullable(),
  context: SampleContext.nullable(),
  /** Why a sample is taken outside the programme. */
  outOfProgrammeReason: optionalText(1000, 'Motif'),
  legalContext: LegalContext.nullable(),
  company: SampleCompany.nullable(),
  parcel: optionalText(200, 'Parcelle'),
  geolocation: Geolocation.nullable(),
  departmentCode: DepartmentCode.nullable(),
  secondSamplerName: optionalText(200, 'Second préleveur'),
  inspectionId: optionalText(60, 'Numéro d’inspection'),
  contextNotes: optionalText(2000, 'Notes'),
  // Matrix
  prescriptionId: Id.nullable(),
  matrixKindCode: z.string().max(40).nullable(),
  matrixCode: z.string().max(40).nullable(),
  /** Matrix typed by hand (out-of-programme samples only). */
  matrixFreeText: optionalText(300, 'Matrice'),
  stage: Stage.nullable(),
  partSampled: PartSampled.nullable(),
  cultureKind: CultureKind.nullable(),
  matrixNotes: optionalText(2000, 'Notes'),
  substances: z.array(SampleSubstance).max(1000),
  // Items
  sampledAt: z.iso.datetime({ offset: true, message: 'Date et heure invalides.' }).nullable(),
  laboratoryId: Id.nullable(),
  items: z
    .array(SampleItem)
    .max(MAX_ITEMS, { message: `Un prélèvement comporte au plus ${MAX_ITEMS} échantillons.` }),
  // Summary
  ownerConsent: z.boolean().nullable(),
  ownerStatement: optionalText(4000, 'Déclaration du détenteur'),
  ownerName: optionalText(200, 'Nom du détenteur'),
  ownerEmail: z.email({ message: 'Adresse e-mail du détenteur invalide.' }).max(320).nullable(),
});
export type SampleContent = z.infer<typeof SampleContent>;

/** A new sample: its id is generated by the client at the first local save (idempotent sync). */
export const SampleToCreate = SampleContent.extend({ id: Id });
export type SampleToCreate = z.infer<typeof SampleToCreate>;

/** An edit carries the version it was based on. */
export const SampleToUpdate = SampleContent.extend({ version: Version });
export type SampleToUpdate = z.infer<typeof SampleToUpdate>;

export const SampleVersionInput = z.object({ version: Version });
export type SampleVersionInput = z.infer<typeof SampleVersionInput>;

export const SamplePerson = z.object({
  id: Id,
  firstName: z.string(),
  lastName: z.string(),
});
export type SamplePerson = z.infer<typeof SamplePerson>;

export const Sample = SampleContent.extend({
  id: Id,
  /** `<region short code>-<yy>-<serial>`, given when the sample first reaches the server. */
  reference: z.string(),
  status: SampleStatus,
  regionCode: z.string(),
  sampler: SamplePerson,
  version: Version,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  submittedAt: z.iso.datetime({ offset: true }).nullable(),
  sentAt: z.iso.datetime({ offset: true }).nullable(),
  attachmentCount: z.number().int().min(0),
  /** The verdict once every analysis is decided (null before): non-compliant samples are flagged. */
  compliant: z.boolean().nullable(),
});
export type Sample = z.infer<typeof Sample>;

/** One row of the sample list (the detail is fetched apart). */
export const SampleListItem = z.object({
  id: Id,
  reference: z.string(),
  status: SampleStatus,
  step: SampleStep,
  programmingPlanId: Id.nullable(),
  context: SampleContext.nullable(),
  regionCode: z.string(),
  departmentCode: z.string().nullable(),
  matrixKindCode: z.string().nullable(),
  matrixCode: z.string().nullable(),
  matrixFreeText: z.string().nullable(),
  companyName: z.string().nullable(),
  companySiret: z.string().nullable(),
  sampledAt: z.iso.datetime({ offset: true }).nullable(),
  laboratoryId: Id.nullable(),
  sampler: SamplePerson,
  updatedAt: z.iso.datetime({ offset: true }),
  compliant: z.boolean().nullable(),
});
export type SampleListItem = z.infer<typeof SampleListItem>;

export const SampleSort = z.enum([
  'sampledAt',
  '-sampledAt',
  'reference',
  '-reference',
  'updatedAt',
  '-updatedAt',
]);
export type SampleSort = z.infer<typeof SampleSort>;

const DateOnly = z.iso.date({ message: 'Date invalide (AAAA-MM-JJ).' });

export const FindSamplesQuery = z.object({
  programmingPlanId: Id.optional(),
  status: z.array(SampleStatus).max(SampleStatusList.length).optional(),
  regionCode: z
    .string()
    .regex(/^\d{2}$/, { message: 'Code région invalide.' })
    .optional(),
  departmentCode: DepartmentCode.optional(),
  matrixKindCode: z.string().max(40).optional(),
  matrixCode: z.string().max(40).optional(),
  samplerId: Id.optional(),
  laboratoryId: Id.optional(),
  sampledFrom: DateOnly.optional(),
  sampledTo: DateOnly.optional(),
  company: z.string().trim().max(300).optional(),
  reference: z.string().trim().max(40).optional(),
  /** Free search over reference, company name and SIRET. */
  q: z.string().trim().max(200).optional(),
  /** Only compliant (true) or non-compliant (false) samples. */
  compliant: z.boolean().optional(),
  sort: SampleSort.default('-updatedAt'),
  page: z.number().int().min(1).max(100_000).default(1),
  perPage: z.number().int().min(1).max(200).default(20),
});
export type FindSamplesQuery = z.infer<typeof FindSamplesQuery>;

export const SamplePage = z.object({
  items: z.array(SampleListItem),
  total: z.number().int().min(0),
  page: z.number().int().min(1),
  perPage: z.number().int().min(1),
  /** Counts per status of the samples matching every filter but the status. */
  statusCounts: z.record(SampleStatus, z.number().int().min(0)),
});
export type SamplePage = z.infer<typeof SamplePage>;

export const SampleLocation = z.object({
  id: Id,
  reference: z.string(),
  status: SampleStatus,
  companyName: z.string().nullable(),
  latitude: z.number(),
  longitude: z.number(),
});
export type SampleLocation = z.infer<typeof SampleLocation>;

export const SampleLocations = z.object({
  items: z.array(SampleLocation),
  /** Whether more located samples match than were returned. */
  truncated: z.boolean(),
});
export type SampleLocations = z.infer<typeof SampleLocations>;

/** Attachments: photos and PDFs with a caption. */
export const AttachmentContentType = z.enum([
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
]);
export type AttachmentContentType = z.infer<typeof AttachmentContentType>;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_SAMPLE = 20;

export const SampleAttachment = z.object({
  id: Id,
  sampleId: Id,
  fileName: z.string(),
  caption: z.string(),
  contentType: AttachmentContentType,
  size: z.number().int().min(0),
  /** SHA-256 of the content (hex): the idempotency key with the sample and the name. */
  sha256: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type SampleAttachment = z.infer<typeof SampleAttachment>;

export const AttachmentUploadQuery = z.object({
  fileName: z
    .string()
    .trim()
    .min(1, { message: 'Nom de fichier manquant.' })
    .max(200, { message: 'Nom de fichier : 200 caractères au plus.' })
    .refine((name) => !/[/\\]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 32), {
      message: 'Nom de fichier invalide.',
    }),
  caption: z.string().trim().max(500).default(''),
});
export type AttachmentUploadQuery = z.infer<typeof AttachmentUploadQuery>;

/** Documents generated for a sample. */
export const SampleDocumentKind = z.enum(['supportDocument', 'labels', 'analysisRequest']);
export type SampleDocumentKind = z.infer<typeof SampleDocumentKind>;
export const SampleDocumentLabels: Record<SampleDocumentKind, string> = {
  supportDocument: 'Procès-verbal de prélèvement',
  labels: 'Étiquettes',
  analysisRequest: 'Demande d’analyse',
};

export const SampleDocumentQuery = z.object({
  /** The copy the support document is for (one document per copy); all copies when absent. */
  copyNumber: z.number().int().min(1).max(MAX_COPIES).optional(),
  format: z.enum(['pdf', 'csv', 'xlsx']).default('pdf'),
});
export type SampleDocumentQuery = z.infer<typeof SampleDocumentQuery>;

export const BlankFormQuery = z.object({
  prescriptionId: Id.optional(),
  departmentCode: DepartmentCode.optional(),
});
export type BlankFormQuery = z.infer<typeof BlankFormQuery>;

/** One entry of a sample's history. */
export const SampleEvent = z.object({
  at: z.iso.datetime({ offset: true }),
  action: z.string(),
  label: z.string(),
  userName: z.string().nullable(),
});
export type SampleEvent = z.infer<typeof SampleEvent>;

/** Realised counts per prescription line, for the programming screens. */
export const RealisedCount = z.object({
  prescriptionId: Id,
  regionCode: z.string(),
  departmentCode: z.string().nullable(),
  count: z.number().int().min(0),
});
export type RealisedCount = z.infer<typeof RealisedCount>;
