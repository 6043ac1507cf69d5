import { copyReference, itemLetter } from '@maestro/shared/domain';
import {
  AnalysisMethodLabels,
  CultureKindLabels,
  Departments,
  LegalContextLabels,
  Matrices,
  MatrixKinds,
  PartSampledLabels,
  QuantityUnitLabels,
  Regions,
  SampleContextLabels,
  StageLabels,
  Substances,
} from '@maestro/shared/referential';
import {
  CopyRecipientLabels,
  type Laboratory,
  PlanKindLabels,
  type Sample,
  type SampleCompany,
  type SampleCopy,
  type SampleSubstance,
} from '@maestro/shared/schema';

/**
 * What every sample document is made from: the record and what it points to, resolved by the
 * caller (plan, laboratory, sampler, ordering authority), and the moment of the generation,
 * which dates the document (and its PDF metadata, so that two renders of the same data give the
 * same bytes).
 */
export interface SampleDocumentData {
  sample: Sample;
  plan: { year: number; kind: string } | null;
  laboratory: Laboratory | null;
  sampler: { firstName: string; lastName: string; email: string };
  /** The ordering authority (autorité mandante), see `orderingAuthority`. */
  authority: { name: string; address: string };
  generatedAt: Date;
}

export type Authority = SampleDocumentData['authority'];

/** What is shown for a value the record does not hold. */
export const MISSING = '—';

const orMissing = (value: string | null | undefined): string =>
  value === null || value === undefined || value.trim() === '' ? MISSING : value;

// ————— Places —————

export const regionName = (code: string | null | undefined): string =>
  code ? (Regions[code]?.name ?? code) : MISSING;

/** `69 – Rhône`. */
export const departmentLabel = (code: string | null | undefined): string => {
  if (!code) return MISSING;
  const department = Departments[code];
  return department ? `${code} – ${department.name}` : code;
};

/**
 * The regional food authority that orders the sampling: a DRAAF in metropolitan France, the
 * DRIAAF in Île-de-France, a DAAF overseas.
 */
export function orderingAuthority(regionCode: string, address = ''): Authority {
  const region = Regions[regionCode];
  const name = region?.name ?? regionCode;
  if (regionCode === '11')
    return {
      name: 'Direction régionale et interdépartementale de l’alimentation, de l’agriculture et de la forêt d’Île-de-France',
      address,
    };
  if (region?.overseas)
    return {
      name: `Direction de l’alimentation, de l’agriculture et de la forêt – ${name}`,
      address,
    };
  return {
    name: `Direction régionale de l’alimentation, de l’agriculture et de la forêt ${name}`,
    address,
  };
}

/** The company's street, postal code and city on one line. */
export function companyAddress(company: SampleCompany | null): string {
  if (!company) return MISSING;
  const city = [company.postalCode, company.city].filter(Boolean).join(' ');
  return orMissing([company.address, city].filter(Boolean).join(', '));
}

/** `123 456 789 00012` (SIREN, then the NIC). */
export const formatSiret = (siret: string | null | undefined): string =>
  siret && /^\d{14}$/.test(siret)
    ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`
    : orMissing(siret);

/** The laboratory's postal address, one line per item. */
export const laboratoryAddressLines = (laboratory: Laboratory): string[] => [
  laboratory.name,
  laboratory.address,
  `${laboratory.postalCode} ${laboratory.city}`,
];

// ————— Numbers and dates —————

/** Intl's French output uses U+202F (narrow no-break space), which Roboto lacks. */
const withoutNarrowSpace = (text: string) => text.replace(/\u202F/g, '\u00A0');

const decimalFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 });
const coordinateFormat = new Intl.NumberFormat('fr-FR', {
  minimumFractionDigits: 5,
  maximumFractionDigits: 5,
});

export const formatNumber = (value: number): string =>
  withoutNarrowSpace(decimalFormat.format(value));

const TIME_ZONE = 'Europe/Paris';
const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const toDate = (value: Date | string) => (typeof value === 'string' ? new Date(value) : value);

/** `14/03/2026` in Paris time. */
export const formatDate = (value: Date | string | null | undefined): string =>
  value ? withoutNarrowSpace(dateFormat.format(toDate(value))) : MISSING;

/** `09:05` in Paris time. */
export const formatTime = (value: Date | string | null | undefined): string =>
  value ? withoutNarrowSpace(timeFormat.format(toDate(value))) : MISSING;

/** `14/03/2026 à 09:05` in Paris time. */
export const formatDateTime = (value: Date | string | null | undefined): string =>
  value ? `${formatDate(value)} à ${formatTime(value)}` : MISSING;

// ————— Referential labels —————

export const contextLabel = (context: Sample['context']): string =>
  context ? SampleContextLabels[context] : MISSING;

export const legalContextLabel = (legalContext: Sample['legalContext']): string =>
  legalContext ? LegalContextLabels[legalContext] : MISSING;

/** `2026 – Résidus de pesticides — production primaire végétale`. */
export function planLabel(plan: SampleDocumentData['plan']): string {
  if (!plan) return 'Hors programme';
  const kind = (PlanKindLabels as Record<string, string>)[plan.kind] ?? plan.kind;
  return `${plan.year} – ${kind}`;
}

export const matrixKindLabel = (code: string | null | undefined): string =>
  code ? (MatrixKinds[code]?.label ?? code) : MISSING;

/** The matrix from the referential, or the text typed for an out-of-programme sample. */
export function matrixLabel(sample: Pick<Sample, 'matrixCode' | 'matrixFreeText'>): string {
  if (sample.matrixCode) return Matrices[sample.matrixCode]?.label ?? sample.matrixCode;
  return sample.matrixFreeText ? `${sample.matrixFreeText} (saisie libre)` : MISSING;
}

export const stageLabel = (stage: Sample['stage']): string =>
  stage ? StageLabels[stage] : MISSING;

export const partSampledLabel = (part: Sample['partSampled']): string =>
  part ? PartSampledLabels[part] : MISSING;

export const cultureKindLabel = (kind: Sample['cultureKind']): string =>
  kind ? CultureKindLabels[kind] : MISSING;

export const substanceLabel = (code: string): string => Substances[code]?.label ?? code;

export const methodLabel = (method: SampleSubstance['method']): string =>
  AnalysisMethodLabels[method];

/** The substances, single-residue methods first, each group in label order. */
export function sortedSubstances(substances: readonly SampleSubstance[]) {
  return substances
    .map((substance) => ({ ...substance, label: substanceLabel(substance.substanceCode) }))
    .sort((a, b) =>
      a.method === b.method ? a.label.localeCompare(b.label, 'fr') : a.method === 'Mono' ? -1 : 1,
    );
}

export const unitLabel = (unit: SampleCopy['unit']): string =>
  unit ? QuantityUnitLabels[unit] : '';

/** `1,5 kg`, `12 pièces`. */
export function quantityText(copy: Pick<SampleCopy, 'quantity' | 'unit'>): string {
  if (copy.quantity === null) return MISSING;
  const unit =
    copy.unit === 'UNIT' && copy.quantity >= 2 ? `${unitLabel(copy.unit)}s` : unitLabel(copy.unit);
  return unit ? `${formatNumber(copy.quantity)}\u00A0${unit}` : formatNumber(copy.quantity);
}

export const yesNo = (value: boolean | null | undefined): string =>
  value === true ? 'Oui' : value === false ? 'Non' : MISSING;

/** `45,76404° N, 4,83566° E (précision 12 m, relevée par l’appareil)`. */
export function geolocationText(geolocation: Sample['geolocation']): string {
  if (!geolocation) return MISSING;
  const { latitude, longitude, accuracy, source } = geolocation;
  const lat = `${withoutNarrowSpace(coordinateFormat.format(Math.abs(latitude)))}° ${latitude < 0 ? 'S' : 'N'}`;
  const lon = `${withoutNarrowSpace(coordinateFormat.format(Math.abs(longitude)))}° ${longitude < 0 ? 'O' : 'E'}`;
  const details = [
    accuracy !== null ? `précision ${formatNumber(Math.round(accuracy))} m` : null,
    source === 'Device' ? 'relevée par l’appareil' : 'saisie manuellement',
  ].filter(Boolean);
  return `${lat}, ${lon} (${details.join(', ')})`;
}

export const personName = (person: { firstName: string; lastName: string }): string =>
  `${person.firstName} ${person.lastName.toLocaleUpperCase('fr')}`.trim();

// ————— Items and copies —————

/** Who receives a copy: the laboratory by name, the sampler or the owner. */
export function recipientLabel(
  recipient: SampleCopy['recipient'],
  laboratory: Laboratory | null,
): string {
  if (!recipient) return MISSING;
  if (recipient === 'Laboratory')
    return laboratory ? laboratory.name : CopyRecipientLabels.Laboratory;
  return CopyRecipientLabels[recipient];
}

/** The same, short enough for one line (the laboratory by its short name). */
export function shortRecipientLabel(
  recipient: SampleCopy['recipient'],
  laboratory: Laboratory | null,
): string {
  if (!recipient) return 'destinataire non renseigné';
  if (recipient === 'Laboratory')
    return laboratory ? `Laboratoire (${laboratory.shortName})` : CopyRecipientLabels.Laboratory;
  return CopyRecipientLabels[recipient];
}

export interface CopyLine {
  itemNumber: number;
  letter: string;
  copy: SampleCopy;
  /** `ARA-26-00042-A-1`. */
  reference: string;
}

/** Every copy of every item, in item then copy order. */
export const copyLines = (sample: Sample): CopyLine[] =>
  sample.items.flatMap((item) =>
    item.copies.map((copy) => ({
      itemNumber: item.itemNumber,
      letter: itemLetter(item.itemNumber),
      copy,
      reference: copyReference(sample.reference, item.itemNumber, copy.copyNumber),
    })),
  );

/** The copy numbers the sample has (1 to 3), in order: one support document each. */
export function copyNumbers(sample: Sample): number[] {
  const numbers = new Set(sample.items.flatMap((item) => item.copies.map((c) => c.copyNumber)));
  return [...numbers].sort((a, b) => a - b);
}

/** Who copy n goes to, e.g. `Laboratoire (SCL 69)` or `Préleveur / Détenteur` if items differ. */
export function copyRecipientTitle(data: SampleDocumentData, copyNumber: number): string {
  const labels = new Set(
    data.sample.items.flatMap((item) =>
      item.copies
        .filter((copy) => copy.copyNumber === copyNumber)
        .map((copy) => shortRecipientLabel(copy.recipient, data.laboratory)),
    ),
  );
  return labels.size > 0 ? [...labels].join(' / ') : 'destinataire non renseigné';
}
