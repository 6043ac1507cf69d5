import {
  AnalysisMethodLabels,
  CultureKindLabels,
  Departments,
  LegalContextLabels,
  Matrices,
  MatrixKinds,
  PartSampledLabels,
  QuantityUnitLabels,
  SampleContextLabels,
  StageLabels,
  Substances,
} from '@maestro/shared/referential';
import type {
  Geolocation,
  SampleCompany,
  SampleItem,
  SampleStep,
  SampleSubstance,
} from '@maestro/shared/schema';
import { CopyRecipientLabels, SampleStepLabels } from '@maestro/shared/schema';
import type { ContentField } from './conflict';

/** The French label of each field of a sample, as the agent knows it from the form. */
export const ContentFieldLabels: Record<ContentField, string> = {
  step: 'Étape du formulaire',
  programmingPlanId: 'Plan de programmation',
  context: 'Contexte du prélèvement',
  outOfProgrammeReason: 'Motif hors programme',
  legalContext: 'Cadre juridique',
  company: 'Entité contrôlée',
  parcel: 'Parcelle',
  geolocation: 'Géolocalisation',
  departmentCode: 'Département',
  secondSamplerName: 'Second préleveur',
  inspectionId: 'Numéro d’inspection',
  contextNotes: 'Notes sur le contexte',
  prescriptionId: 'Prescription',
  matrixKindCode: 'Catégorie de matrice',
  matrixCode: 'Matrice',
  matrixFreeText: 'Matrice (saisie libre)',
  stage: 'Stade de prélèvement',
  partSampled: 'Partie prélevée',
  cultureKind: 'Type de culture',
  matrixNotes: 'Notes sur la matrice',
  substances: 'Substances recherchées',
  sampledAt: 'Date et heure du prélèvement',
  laboratoryId: 'Laboratoire',
  items: 'Échantillons',
  ownerConsent: 'Consentement du détenteur',
  ownerStatement: 'Déclaration du détenteur',
  ownerName: 'Nom du détenteur',
  ownerEmail: 'Adresse e-mail du détenteur',
};

const EMPTY = 'Non renseigné';

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

const label = (labels: Record<string, string>, value: unknown) =>
  typeof value === 'string' ? (labels[value] ?? value) : String(value);

function formatCompany(company: SampleCompany): string {
  const place = [company.address, [company.postalCode, company.city].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return [company.name, company.siret ? `SIRET ${company.siret}` : null, place || null]
    .filter(Boolean)
    .join(' — ');
}

function formatGeolocation(point: Geolocation): string {
  const coordinates = `${point.latitude.toFixed(5)}, ${point.longitude.toFixed(5)}`;
  const how =
    point.source === 'Manual'
      ? 'placé à la main'
      : point.accuracy !== null
        ? `précision ${Math.round(point.accuracy)} m`
        : 'appareil';
  return `${coordinates} (${how})`;
}

function formatItems(items: SampleItem[]): string {
  if (items.length === 0) return 'Aucun échantillon';
  return items
    .map((item) => {
      const copies = item.copies
        .map((copy) =>
          [
            `exemplaire ${copy.copyNumber}`,
            copy.quantity !== null
              ? `${copy.quantity.toLocaleString('fr-FR')} ${copy.unit ? QuantityUnitLabels[copy.unit] : ''}`.trim()
              : null,
            copy.sealNumber ? `scellé ${copy.sealNumber}` : null,
            copy.recipient ? CopyRecipientLabels[copy.recipient] : null,
          ]
            .filter(Boolean)
            .join(', '),
        )
        .join(' ; ');
      return `Échantillon ${item.itemNumber} : ${copies}`;
    })
    .join(' / ');
}

function formatSubstances(substances: SampleSubstance[]): string {
  if (substances.length === 0) return 'Aucune substance';
  const names = substances.map(
    (substance) =>
      `${Substances[substance.substanceCode]?.label ?? substance.substanceCode} (${AnalysisMethodLabels[substance.method]})`,
  );
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown}… (${names.length} substances)` : shown;
}

/** A field's value in words, for the agent comparing two versions. */
export function formatFieldValue(
  field: ContentField,
  value: unknown,
  names: { laboratories?: Record<string, string> } = {},
): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  switch (field) {
    case 'step':
      return SampleStepLabels[value as SampleStep] ?? String(value);
    case 'context':
      return label(SampleContextLabels, value);
    case 'legalContext':
      return label(LegalContextLabels, value);
    case 'stage':
      return label(StageLabels, value);
    case 'partSampled':
      return label(PartSampledLabels, value);
    case 'cultureKind':
      return label(CultureKindLabels, value);
    case 'matrixKindCode':
      return MatrixKinds[value as string]?.label ?? String(value);
    case 'matrixCode':
      return Matrices[value as string]?.label ?? String(value);
    case 'departmentCode': {
      const department = Departments[value as string];
      return department ? `${department.name} (${department.code})` : String(value);
    }
    case 'laboratoryId':
      return names.laboratories?.[value as string] ?? String(value);
    case 'company':
      return formatCompany(value as SampleCompany);
    case 'geolocation':
      return formatGeolocation(value as Geolocation);
    case 'items':
      return formatItems(value as SampleItem[]);
    case 'substances':
      return formatSubstances(value as SampleSubstance[]);
    case 'sampledAt': {
      const date = new Date(value as string);
      return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
    }
    case 'ownerConsent':
      return value ? 'Oui' : 'Non';
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}
