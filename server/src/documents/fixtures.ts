import { LaboratorySeedList } from '@maestro/shared/referential';
import type { Laboratory, Sample, SampleItem, SampleStatus } from '@maestro/shared/schema';
import { orderingAuthority, type SampleDocumentData } from './data';

/**
 * A complete, realistic sample and what its documents need, fixed (no randomness) so that
 * documents built from it can be compared byte for byte. Names and numbers are made up.
 */

export const FIXTURE_GENERATED_AT = new Date('2026-03-16T10:30:00Z');

export const fixtureLaboratory: Laboratory = (() => {
  const seed = LaboratorySeedList.find((laboratory) => laboratory.shortName === 'LDA 26');
  if (!seed) throw new Error('laboratory LDA 26 missing from the seed list');
  return { ...seed, emails: [...seed.emails], methods: [...seed.methods] };
})();

export const fixtureSampler = {
  firstName: 'Sophie',
  lastName: 'Durand',
  email: 'sophie.durand@maestro.example.gouv.fr',
};

/** Seal numbers: `DD26-004211` for item A copy 1, then on. */
export const fixtureSealNumber = (itemNumber: number, copyNumber: number) =>
  `DD26-${String(4210 + (itemNumber - 1) * 3 + copyNumber).padStart(6, '0')}`;

export function fixtureItems(count: number, copies = 3): SampleItem[] {
  const recipients = ['Laboratory', 'Sampler', 'Owner'] as const;
  return Array.from({ length: count }, (_, i) => ({
    itemNumber: i + 1,
    copies: Array.from({ length: copies }, (_, j) => ({
      copyNumber: j + 1,
      quantity: 1.5,
      unit: 'KG' as const,
      sealNumber: fixtureSealNumber(i + 1, j + 1),
      compliant200263: true,
      recipient: recipients[j] ?? 'Owner',
    })),
  }));
}

export interface FixtureOptions {
  /** Number of items (2 by default), three copies each unless `copies` says otherwise. */
  items?: number;
  copies?: number;
  status?: SampleStatus;
}

/** Apples sampled in an orchard of the Drôme, two items of three copies, eight substances. */
export function fixtureSample(options: FixtureOptions = {}): Sample {
  const { items = 2, copies = 3, status = 'Submitted' } = options;
  return {
    id: '6f1d2c8e-3b7a-4f5e-9c1d-2a4b6c8d0e12',
    reference: 'ARA-26-00042',
    status,
    regionCode: '84',
    sampler: { id: '0b9e8f7a-6d5c-4b3a-8f1e-2d3c4b5a6978', ...fixtureSampler },
    version: 4,
    createdAt: '2026-03-14T07:40:00.000Z',
    updatedAt: '2026-03-14T08:32:00.000Z',
    submittedAt: status === 'Draft' ? null : '2026-03-14T08:32:00.000Z',
    sentAt: null,
    attachmentCount: 1,
    compliant: null,
    step: 'Summary',
    programmingPlanId: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98',
    context: 'Surveillance',
    outOfProgrammeReason: null,
    legalContext: 'A',
    company: {
      siret: '81234567800024',
      name: 'EARL Les Vergers de la Valloire',
      address: '215 chemin des Vergers',
      postalCode: '26210',
      city: 'Lapeyrouse-Mornay',
      nafCode: '01.24Z',
    },
    parcel: 'Parcelle ZB 117 — verger de Golden',
    geolocation: {
      latitude: 45.31694,
      longitude: 4.88217,
      accuracy: 8,
      source: 'Device',
      capturedAt: '2026-03-14T08:02:11.000Z',
    },
    departmentCode: '26',
    secondSamplerName: 'Julien Bernard',
    inspectionId: 'INSP-2026-0311',
    contextNotes: 'Récolte en cours, fruits prélevés sur palox en bout de rang.',
    prescriptionId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    matrixKindCode: 'A01DH',
    matrixCode: 'A01DJ',
    matrixFreeText: null,
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    partSampled: 'FRUIT',
    cultureKind: 'CONVENTIONAL',
    matrixNotes: null,
    substances: [
      { substanceCode: 'RF-1020-001-PPP', method: 'Mono' }, // glyphosate
      { substanceCode: 'RF-00004681-PAR', method: 'Multi' }, // captane
      { substanceCode: 'RF-0049-001-PPP', method: 'Multi' }, // boscalid
      { substanceCode: 'RF-0014-001-PPP', method: 'Multi' }, // acétamipride
      { substanceCode: 'RF-0114-001-PPP', method: 'Multi' }, // cyprodinil
      { substanceCode: 'RF-0202-001-PPP', method: 'Multi' }, // fludioxonil
      { substanceCode: 'RF-0377-001-PPP', method: 'Multi' }, // pyriméthanil
      { substanceCode: 'RF-00004687-PAR', method: 'Multi' }, // folpel
    ],
    sampledAt: '2026-03-14T08:05:00.000Z',
    laboratoryId: fixtureLaboratory.id,
    items: fixtureItems(items, copies),
    ownerConsent: true,
    ownerStatement: 'Je reconnais avoir reçu l’exemplaire qui m’est destiné.',
    ownerName: 'Claire Martin',
    ownerEmail: 'claire.martin@example.fr',
  };
}

/** Everything the documents of `fixtureSample(options)` are made from. */
export function fixtureDocumentData(options: FixtureOptions = {}): SampleDocumentData {
  return {
    sample: fixtureSample(options),
    plan: { year: 2026, kind: 'PPV' },
    laboratory: fixtureLaboratory,
    sampler: { ...fixtureSampler },
    authority: orderingAuthority('84', '165 rue Garibaldi, 69003 Lyon'),
    generatedAt: FIXTURE_GENERATED_AT,
  };
}
