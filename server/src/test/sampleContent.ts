import { emptySampleContent, newSampleItem } from '@maestro/shared/domain';
import type { SampleContent } from '@maestro/shared/schema';

/** The plan line, laboratory and matrix a complete record refers to (each test file seeds its own). */
export interface SampleReferences {
  planId: string;
  prescriptionId: string;
  laboratoryId: string;
}

/**
 * A record complete enough to be submitted and sent: a company in the Rhône, fruits at primary
 * production, `itemCount` items of three sealed copies, sampled an hour ago, the owner's consent.
 */
export function completeSampleContent(
  references: SampleReferences,
  overrides: Partial<SampleContent> = {},
  itemCount = 1,
): SampleContent {
  const sampledAt = new Date(Date.now() - 3600_000).toISOString();
  return emptySampleContent({
    step: 'Summary',
    programmingPlanId: references.planId,
    context: 'Surveillance',
    legalContext: 'A',
    company: {
      siret: '35600000000048',
      name: 'Vergers de l’Ouest Lyonnais',
      address: '12 chemin des Pommiers',
      postalCode: '69290',
      city: 'Craponne',
      nafCode: '01.24Z',
    },
    geolocation: {
      latitude: 45.74,
      longitude: 4.72,
      accuracy: 8,
      source: 'Device',
      capturedAt: sampledAt,
    },
    departmentCode: '69',
    prescriptionId: references.prescriptionId,
    matrixKindCode: 'A01DH',
    matrixCode: null,
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    partSampled: 'FRUIT',
    substances: [],
    sampledAt,
    laboratoryId: references.laboratoryId,
    items: Array.from({ length: itemCount }, (_, i) => {
      const item = newSampleItem(i + 1);
      item.copies.forEach((copy, j) => {
        copy.quantity = 1.5;
        copy.unit = 'KG';
        copy.sealNumber = `SC-${i + 1}-${j + 1}`;
        copy.compliant200263 = true;
      });
      return item;
    }),
    ownerConsent: true,
    ownerEmail: 'detenteur@example.org',
    ...overrides,
  });
}
