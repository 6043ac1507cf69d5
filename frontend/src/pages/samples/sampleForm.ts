import { matchPrescription, type SampleProblem } from '@maestro/shared/domain';
import {
  type Department,
  DepartmentList,
  Departments,
  isProgrammeContext,
  LegalContextLabels,
  Matrices,
  MatrixKinds,
  Regions,
  regionOfDepartment,
  SampleContextLabels,
  StageLabels,
} from '@maestro/shared/referential';
import {
  type AuthUser,
  type Company,
  CopyRecipientLabels,
  GEOLOCATION_WARNING_METRES,
  type Geolocation,
  MAX_ITEMS,
  type Prescription,
  type SampleCompany,
  type SampleContent,
  type SampleCopy,
  type SampleItem,
  type SampleStep,
  SampleStepList,
} from '@maestro/shared/schema';

// ————— Field ids and problems —————

/** The DOM id of a field, from its path in the record (`items.0.copies.1.sealNumber`). */
export const sampleFieldId = (path: string): string => `sample-${path.replace(/\./g, '-')}`;

/** The problems of a record by field path (the first message of each field). */
export function problemsByPath(problems: readonly SampleProblem[]): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const problem of problems) byPath[problem.path] ??= problem.message;
  return byPath;
}

/** The step a field path belongs to (for a link from the summary to the field). */
export function stepOfPath(path: string): SampleStep {
  const [first] = path.split('.');
  return (first ? FieldSteps[first] : undefined) ?? 'Summary';
}

const FieldSteps: Record<string, SampleStep> = {
  context: 'Context',
  programmingPlanId: 'Context',
  outOfProgrammeReason: 'Context',
  legalContext: 'Context',
  company: 'Context',
  parcel: 'Context',
  geolocation: 'Context',
  departmentCode: 'Context',
  secondSamplerName: 'Context',
  inspectionId: 'Context',
  contextNotes: 'Context',
  prescriptionId: 'Matrix',
  matrixKindCode: 'Matrix',
  matrixCode: 'Matrix',
  matrixFreeText: 'Matrix',
  stage: 'Matrix',
  partSampled: 'Matrix',
  cultureKind: 'Matrix',
  matrixNotes: 'Matrix',
  substances: 'Matrix',
  sampledAt: 'Items',
  laboratoryId: 'Items',
  items: 'Items',
  ownerConsent: 'Summary',
  ownerStatement: 'Summary',
  ownerName: 'Summary',
  ownerEmail: 'Summary',
};

/** The labels of the record's fields, as the form and the recap show them. */
export const SampleFieldLabels = {
  context: 'Contexte du prélèvement',
  programmingPlanId: 'Plan de programmation',
  outOfProgrammeReason: 'Motif du prélèvement hors programme',
  legalContext: 'Cadre juridique',
  company: 'Entreprise',
  parcel: 'Parcelle (nom ou numéro)',
  geolocation: 'Géolocalisation',
  departmentCode: 'Département du prélèvement',
  secondSamplerName: 'Second préleveur',
  inspectionId: 'Numéro d’inspection',
  contextNotes: 'Notes sur le contexte',
  prescriptionId: 'Ligne de programmation',
  matrixKindCode: 'Catégorie de matrice',
  matrixCode: 'Matrice',
  matrixFreeText: 'Autre matrice (saisie libre)',
  stage: 'Stade de prélèvement',
  partSampled: 'Partie du végétal prélevée',
  cultureKind: 'Type de culture',
  matrixNotes: 'Notes sur la matrice',
  substances: 'Substances à analyser',
  sampledAt: 'Date et heure du prélèvement',
  laboratoryId: 'Laboratoire destinataire',
  items: 'Échantillons',
  ownerConsent: 'Accord du détenteur sur le procès-verbal',
  ownerStatement: 'Déclaration du détenteur',
  ownerName: 'Nom du détenteur',
  ownerEmail: 'Adresse e-mail du détenteur',
} as const satisfies Partial<Record<keyof SampleContent, string>>;

export const stepNumber = (step: SampleStep): number => SampleStepList.indexOf(step) + 1;

export const previousStep = (step: SampleStep): SampleStep | null =>
  SampleStepList[SampleStepList.indexOf(step) - 1] ?? null;

export const nextStep = (step: SampleStep): SampleStep | null =>
  SampleStepList[SampleStepList.indexOf(step) + 1] ?? null;

// ————— Dates and numbers —————

const pad = (value: number, length = 2) => String(Math.abs(value)).padStart(length, '0');

/** An instant as a `datetime-local` input shows it, in the browser's time zone (`2026-03-05T14:30`). */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** The offset of a local moment as ISO 8601 wants it (`+01:00`, `-03:00`). */
function offsetOf(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** An instant in ISO 8601 with the browser's offset (`2026-03-05T14:30:00+01:00`). */
export function toIsoWithOffset(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${offsetOf(date)}`;
}

const localInputPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The value of a `datetime-local` input as an instant with the browser's offset, or null when
 * it is empty or not a real date.
 */
export function localInputToIso(value: string): string | null {
  const match = localInputPattern.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined)
    return null;
  const date = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : (s ?? 0));
  // 31 February rolls over to March: refuse it.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return toIsoWithOffset(date);
}

/** « 5 mars 2026 à 14:30 » (an empty string for no date). */
export function formatDateTime(value: string | Date | null): string {
  if (value === null) return '';
  const date = value instanceof Date ? value : new Date(value);
  // Built at each call: the browser's time zone is read then (an agent overseas sees local time).
  return Number.isNaN(date.getTime())
    ? ''
    : new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/**
 * A decimal number as typed in French (`12,5` or `12.5`); null for an empty field,
 * undefined when it is not a number.
 */
export function parseDecimal(text: string): number | null | undefined {
  const value = text.trim().replace(/\s/g, '').replace(',', '.');
  if (value === '') return null;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(value)) return undefined;
  return Number(value);
}

/** A number as a French user reads and types it (`12,5`). */
export const formatDecimal = (value: number | null): string =>
  value === null ? '' : String(value).replace('.', ',');

const coordinateFormat = new Intl.NumberFormat('fr-FR', {
  minimumFractionDigits: 5,
  maximumFractionDigits: 6,
});

/** « 45,76404 N, 4,83566 E » */
export function formatCoordinates(point: Pick<Geolocation, 'latitude' | 'longitude'>): string {
  const lat = `${coordinateFormat.format(Math.abs(point.latitude))} ${point.latitude < 0 ? 'S' : 'N'}`;
  const lon = `${coordinateFormat.format(Math.abs(point.longitude))} ${point.longitude < 0 ? 'O' : 'E'}`;
  return `${lat}, ${lon}`;
}

/** « précision ± 12 m » */
export const formatAccuracy = (metres: number): string =>
  `précision ± ${Math.round(metres).toLocaleString('fr-FR')} m`;

/** Whether a device point is too imprecise to be trusted without a look (never a block). */
export const isImprecise = (accuracy: number | null): boolean =>
  accuracy !== null && accuracy > GEOLOCATION_WARNING_METRES;

type CoordinatesParse =
  | { ok: true; latitude: number; longitude: number }
  | { ok: false; latitude?: string; longitude?: string };

/** Latitude and longitude typed by hand (decimal degrees, comma or point). */
export function parseCoordinates(latitude: string, longitude: string): CoordinatesParse {
  const lat = parseDecimal(latitude);
  const lon = parseDecimal(longitude);
  const errors: { latitude?: string; longitude?: string } = {};
  if (lat === null) errors.latitude = 'Indiquez la latitude.';
  else if (lat === undefined || lat < -90 || lat > 90)
    errors.latitude = 'Latitude en degrés décimaux, entre -90 et 90 (ex. 45,764).';
  if (lon === null) errors.longitude = 'Indiquez la longitude.';
  else if (lon === undefined || lon < -180 || lon > 180)
    errors.longitude = 'Longitude en degrés décimaux, entre -180 et 180 (ex. 4,8357).';
  if (typeof lat === 'number' && typeof lon === 'number' && !errors.latitude && !errors.longitude)
    return { ok: true, latitude: lat, longitude: lon };
  return { ok: false, ...errors };
}

// ————— Company —————

/** The company fields as typed (strings), before they make a record's company. */
export interface CompanyDraft {
  siret: string;
  name: string;
  address: string;
  postalCode: string;
  city: string;
  nafCode: string;
}

export const emptyCompanyDraft: CompanyDraft = {
  siret: '',
  name: '',
  address: '',
  postalCode: '',
  city: '',
  nafCode: '',
};

export const companyDraftOf = (company: SampleCompany | null): CompanyDraft =>
  company
    ? {
        siret: company.siret ?? '',
        name: company.name,
        address: company.address ?? '',
        postalCode: company.postalCode ?? '',
        city: company.city ?? '',
        nafCode: company.nafCode ?? '',
      }
    : emptyCompanyDraft;

export type CompanyDraftErrors = Partial<Record<keyof CompanyDraft, string>>;

type CompanyParse =
  | { ok: true; company: SampleCompany | null }
  | { ok: false; errors: CompanyDraftErrors };

const orNull = (text: string): string | null => (text.trim() === '' ? null : text);

/**
 * The record's company from the typed fields: null when every field is empty; refused with
 * French messages when a field is malformed (the record then keeps its previous company).
 */
export function parseCompanyDraft(draft: CompanyDraft): CompanyParse {
  const values = Object.values(draft).map((value) => value.trim());
  if (values.every((value) => value === '')) return { ok: true, company: null };
  const errors: CompanyDraftErrors = {};
  const siret = draft.siret.replace(/\s/g, '');
  if (siret !== '' && !/^\d{14}$/.test(siret))
    errors.siret = 'Le SIRET doit comporter 14 chiffres.';
  if (draft.name.trim() === '') errors.name = 'Indiquez la raison sociale.';
  const postalCode = draft.postalCode.trim();
  if (postalCode !== '' && !/^\d{5}$/.test(postalCode))
    errors.postalCode = 'Le code postal doit comporter 5 chiffres.';
  const naf = draft.nafCode.trim().toUpperCase();
  if (naf !== '' && !/^\d{2}\.\d{2}[A-Z]$/.test(naf))
    errors.nafCode = 'Code NAF invalide (ex. 01.13Z).';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    company: {
      siret: siret === '' ? null : siret,
      name: draft.name,
      address: orNull(draft.address),
      postalCode: postalCode === '' ? null : postalCode,
      city: orNull(draft.city),
      nafCode: naf === '' ? null : naf,
    },
  };
}

/** A company found in the directory, as the record keeps it (malformed values are dropped). */
export function companyFromDirectory(company: Company): SampleCompany {
  const naf = company.nafCode?.trim().toUpperCase() ?? '';
  const nafCode = /^\d{2}\.\d{2}[A-Z]$/.test(naf)
    ? naf
    : /^\d{4}[A-Z]$/.test(naf)
      ? `${naf.slice(0, 2)}.${naf.slice(2)}`
      : null;
  return {
    siret: company.siret,
    name: company.name.slice(0, 300),
    address: company.address?.slice(0, 500) || null,
    postalCode:
      company.postalCode && /^\d{5}$/.test(company.postalCode) ? company.postalCode : null,
    city: company.city?.slice(0, 200) || null,
    nafCode,
  };
}

/** « 12 rue des Vergers, 69100 Villeurbanne » */
export function companyAddress(
  company: Pick<SampleCompany, 'address' | 'postalCode' | 'city'>,
): string {
  const town = [company.postalCode, company.city].filter(Boolean).join(' ');
  return [company.address, town].filter(Boolean).join(', ');
}

/** « 812 345 676 00017 » */
export const formatSiret = (siret: string): string =>
  /^\d{14}$/.test(siret)
    ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`
    : siret;

// ————— Programme, prescription and laboratory —————

export const isProgrammed = (content: Pick<SampleContent, 'context'>): boolean =>
  content.context !== null && isProgrammeContext(content.context);

/**
 * What the record must change to follow the programming: the matched prescription and its
 * substances for a programmed sample. Null when nothing changes (out of programme, or already
 * in line).
 */
export function prescriptionPatch(
  content: SampleContent,
  prescriptions: readonly Prescription[],
): Partial<SampleContent> | null {
  if (!isProgrammed(content)) {
    return content.prescriptionId === null ? null : { prescriptionId: null };
  }
  const matched = matchPrescription(prescriptions, content);
  if (!matched) {
    return content.prescriptionId === null && content.substances.length === 0
      ? null
      : { prescriptionId: null, substances: [] };
  }
  const substances = matched.substances.map((s) => ({
    substanceCode: s.substanceCode,
    method: s.method,
  }));
  const same =
    content.prescriptionId === matched.id &&
    JSON.stringify(content.substances) === JSON.stringify(substances);
  return same ? null : { prescriptionId: matched.id, substances };
}

/** The region a record counts in: its department's, else the user's. */
export const sampleRegionCode = (
  content: Pick<SampleContent, 'departmentCode'>,
  user: Pick<AuthUser, 'regionCode'>,
): string | null =>
  (content.departmentCode ? regionOfDepartment(content.departmentCode)?.code : undefined) ??
  user.regionCode;

/** The laboratory the programming chose for a region, if any. */
export const programmedLaboratoryId = (
  prescription: Pick<Prescription, 'regions'> | null | undefined,
  regionCode: string | null,
): string | null =>
  (regionCode &&
    prescription?.regions.find((line) => line.regionCode === regionCode)?.laboratoryId) ||
  null;

/** The departments a user may take samples in (their own for a departmental scope). */
export function departmentOptions(
  user: Pick<AuthUser, 'regionCode' | 'departmentCode'>,
): Department[] {
  if (user.departmentCode) {
    const own = Departments[user.departmentCode];
    return own ? [own] : [];
  }
  if (user.regionCode) return DepartmentList.filter((d) => d.regionCode === user.regionCode);
  return DepartmentList;
}

// ————— Items —————

/** The items renumbered after a removal (A, B, C… follow the order). */
export function renumberItems(items: readonly SampleItem[]): SampleItem[] {
  return items.map((item, index) => ({ ...item, itemNumber: index + 1 }));
}

export const canAddItem = (items: readonly SampleItem[]): boolean => items.length < MAX_ITEMS;

/** The items with one copy changed. */
export function updateCopy(
  items: readonly SampleItem[],
  itemIndex: number,
  copyIndex: number,
  patch: Partial<SampleCopy>,
): SampleItem[] {
  return items.map((item, i) =>
    i === itemIndex
      ? {
          ...item,
          copies: item.copies.map((copy, j) => (j === copyIndex ? { ...copy, ...patch } : copy)),
        }
      : item,
  );
}

/** The other keeper of copies 2 and 3: when one copy goes to the sampler, the other goes to the owner. */
export function setKeeper(
  items: readonly SampleItem[],
  itemIndex: number,
  copyIndex: number,
  recipient: 'Sampler' | 'Owner',
): SampleItem[] {
  const other = recipient === 'Sampler' ? 'Owner' : 'Sampler';
  return items.map((item, i) =>
    i === itemIndex
      ? {
          ...item,
          copies: item.copies.map((copy, j) =>
            j === copyIndex ? { ...copy, recipient } : j > 0 ? { ...copy, recipient: other } : copy,
          ),
        }
      : item,
  );
}

// ————— Labels for the recap —————

export const contextLabel = (content: Pick<SampleContent, 'context'>): string =>
  content.context ? SampleContextLabels[content.context] : '';

export const legalContextLabel = (content: Pick<SampleContent, 'legalContext'>): string =>
  content.legalContext
    ? `${content.legalContext} — ${LegalContextLabels[content.legalContext]}`
    : '';

export const matrixKindLabel = (code: string | null): string =>
  code ? (MatrixKinds[code]?.label ?? code) : '';

export const matrixLabel = (
  content: Pick<SampleContent, 'matrixCode' | 'matrixFreeText'>,
): string =>
  content.matrixCode
    ? (Matrices[content.matrixCode]?.label ?? content.matrixCode)
    : (content.matrixFreeText ?? '');

export const stageLabel = (content: Pick<SampleContent, 'stage'>): string =>
  content.stage ? StageLabels[content.stage] : '';

export const departmentLabel = (code: string | null): string => {
  if (!code) return '';
  const department = Departments[code];
  return department ? `${department.name} (${department.code})` : code;
};

export const regionName = (code: string): string => Regions[code]?.name ?? code;

/** « Exemplaire A-2 » */
export const copyName = (itemNumber: number, copyNumber: number): string =>
  `Exemplaire ${String.fromCharCode(64 + itemNumber)}-${copyNumber}`;

export const recipientLabel = (copy: Pick<SampleCopy, 'recipient'>): string =>
  copy.recipient ? CopyRecipientLabels[copy.recipient] : '';

export const yesNo = (value: boolean | null): string =>
  value === null ? '' : value ? 'Oui' : 'Non';

/** The value shown for an empty field of the recap. */
export const NOT_PROVIDED = 'Non renseigné';

/** A text field's value for the record: an empty field is null. */
export const textValue = (text: string): string | null => (text === '' ? null : text);
