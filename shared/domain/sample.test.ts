import { describe, expect, it } from 'vitest';
import type { SampleContent, SampleStatus } from '../schema/sample/sample';
import { SampleStatusList } from '../schema/sample/sample';
import {
  canReadSample,
  canWriteSample,
  copyReference,
  decideSampleAction,
  deriveSampleStatus,
  emptySampleContent,
  firstIncompleteStep,
  formatSampleReference,
  isSampleComplete,
  itemLetter,
  matchPrescription,
  newSampleItem,
  parseSampleReference,
  type SampleAction,
  sampleProblems,
  stepProblems,
} from './sample';

const now = new Date('2026-06-15T12:00:00+02:00');

/** A record with every mandatory field filled. */
export function completeSample(overrides: Partial<SampleContent> = {}): SampleContent {
  const item = newSampleItem(1);
  item.copies.forEach((copy, i) => {
    copy.quantity = 500;
    copy.unit = 'G';
    copy.sealNumber = `S-${i + 1}`;
    copy.compliant200263 = true;
  });
  return emptySampleContent({
    step: 'Summary',
    programmingPlanId: '11111111-1111-4111-8111-111111111111',
    context: 'Surveillance',
    legalContext: 'A',
    company: {
      siret: '35600000000048',
      name: 'Vergers du Rhône',
      address: '1 route des Vergers',
      postalCode: '69000',
      city: 'Lyon',
      nafCode: '01.24Z',
    },
    geolocation: {
      latitude: 45.76,
      longitude: 4.83,
      accuracy: 12,
      source: 'Device',
      capturedAt: '2026-06-15T09:00:00+02:00',
    },
    departmentCode: '69',
    prescriptionId: '22222222-2222-4222-8222-222222222222',
    matrixKindCode: 'A01DH',
    matrixCode: 'A01DJ',
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    partSampled: 'FRUIT',
    substances: [{ substanceCode: 'RF-0001-001-PPP', method: 'Multi' }],
    sampledAt: '2026-06-15T09:30:00+02:00',
    laboratoryId: '33333333-3333-4333-8333-333333333333',
    items: [item],
    ownerConsent: true,
    ...overrides,
  });
}

const paths = (content: SampleContent) => sampleProblems(content, now).map((p) => p.path);

describe('sample completeness', () => {
  it('accepts a complete record', () => {
    expect(sampleProblems(completeSample(), now)).toEqual([]);
    expect(isSampleComplete(completeSample(), now)).toBe(true);
  });

  it('names every missing field of an empty record, step by step', () => {
    const empty = emptySampleContent();
    expect(paths(empty)).toEqual([
      'context',
      'legalContext',
      'company',
      'geolocation',
      'departmentCode',
      'matrixKindCode',
      'matrixCode',
      'stage',
      'partSampled',
      'substances',
      'sampledAt',
      'laboratoryId',
      'items',
      'ownerConsent',
    ]);
    expect(firstIncompleteStep(empty, now)).toBe('Context');
    expect(stepProblems(empty, 'Summary', now).map((p) => p.path)).toEqual(['ownerConsent']);
  });

  it('needs a plan and a prescription for a programmed context, a reason outside', () => {
    expect(paths(completeSample({ programmingPlanId: null, prescriptionId: null }))).toEqual([
      'programmingPlanId',
      'prescriptionId',
    ]);
    expect(
      paths(
        completeSample({ context: 'Investigation', programmingPlanId: null, prescriptionId: null }),
      ),
    ).toEqual(['outOfProgrammeReason']);
  });

  it('accepts a typed matrix only outside the programme', () => {
    const typed = { matrixCode: null, matrixFreeText: 'Coings' };
    expect(paths(completeSample(typed))).toEqual(['matrixCode']);
    expect(
      paths(
        completeSample({ ...typed, context: 'LocalPlan', outOfProgrammeReason: 'Alerte locale' }),
      ),
    ).toEqual([]);
  });

  it('accepts a parcel instead of a company', () => {
    expect(paths(completeSample({ company: null, parcel: 'ZA 112' }))).toEqual([]);
  });

  it('refuses a sampling date in the future (after the sending)', () => {
    const problems = sampleProblems(
      completeSample({ sampledAt: '2026-06-15T12:00:01+02:00' }),
      now,
    );
    expect(problems).toEqual([
      {
        step: 'Items',
        path: 'sampledAt',
        message: 'La date du prélèvement ne peut pas être dans le futur.',
      },
    ]);
  });

  it('checks each copy: quantity, unit, seal, directive, recipients', () => {
    const item = newSampleItem(1);
    const problems = paths(completeSample({ items: [item] }));
    expect(problems).toContain('items.0.copies.0.quantity');
    expect(problems).toContain('items.0.copies.1.unit');
    expect(problems).toContain('items.0.copies.2.sealNumber');
    expect(problems).toContain('items.0.copies.2.compliant200263');
  });

  it('refuses a seal number used twice and two copies kept by the same person', () => {
    const content = completeSample();
    const copies = content.items[0]?.copies ?? [];
    (copies[1] as { sealNumber: string | null }).sealNumber = 'S-1';
    (copies[2] as { recipient: string | null }).recipient = 'Sampler';
    const problems = sampleProblems(content, now);
    expect(problems.find((p) => p.path === 'items.0.copies.1.sealNumber')?.message).toMatch(
      /déjà utilisé/,
    );
    expect(problems.find((p) => p.path === 'items.0.copies.2.recipient')?.message).toMatch(
      /un exemplaire chacun/,
    );
  });

  it('requires copy 1 to go to the laboratory', () => {
    const content = completeSample();
    (content.items[0]?.copies[0] as { recipient: string | null }).recipient = 'Owner';
    expect(paths(content)).toEqual(['items.0.copies.0.recipient']);
  });

  it('requires items and copies numbered in order', () => {
    const content = completeSample();
    (content.items[0] as { itemNumber: number }).itemNumber = 2;
    expect(paths(content)).toEqual(['items.0.itemNumber']);
  });
});

describe('sample lifecycle', () => {
  const expected: Record<SampleAction, Partial<Record<SampleStatus, SampleStatus>>> = {
    edit: { Draft: 'Draft', Submitted: 'Draft' },
    submit: { Draft: 'Submitted' },
    send: { Submitted: 'Sent' },
    delete: { Draft: 'Draft', Submitted: 'Submitted' },
  };
  for (const action of Object.keys(expected) as SampleAction[]) {
    for (const status of SampleStatusList) {
      const next = expected[action][status];
      it(`${action} on ${status} is ${next ? `allowed → ${next}` : 'refused'}`, () => {
        const decision = decideSampleAction(status, action);
        if (next) expect(decision).toEqual({ allowed: true, next });
        else {
          expect(decision.allowed).toBe(false);
          if (!decision.allowed) expect(decision.reason).toMatch(/[a-z]/);
        }
      });
    }
  }

  it('derives the status of a sent sample from its analysed items', () => {
    expect(deriveSampleStatus([], false)).toBe('Sent');
    expect(deriveSampleStatus(['Sent', 'Analysis'], false)).toBe('Sent');
    expect(deriveSampleStatus(['InReview', 'Analysis'], false)).toBe('Analysis');
    expect(deriveSampleStatus(['NotAdmissible', 'InReview'], false)).toBe('InReview');
    expect(deriveSampleStatus(['NotAdmissible', 'NotAdmissible'], false)).toBe('NotAdmissible');
    expect(deriveSampleStatus(['Completed', 'Completed'], false)).toBe('InReview');
    expect(deriveSampleStatus(['Completed', 'NotAdmissible'], true)).toBe('Completed');
  });
});

describe('sample scope', () => {
  const sample = {
    regionCode: '84',
    departmentCode: '69',
    laboratoryId: 'lab-a',
    status: 'Sent' as const,
  };
  const user = (role: string, scope: object = {}) =>
    ({
      id: 'u',
      role,
      regionCode: null,
      departmentCode: null,
      laboratoryId: null,
      ...scope,
    }) as never;

  it('lets each role read within its scope only', () => {
    expect(canReadSample(user('NationalObserver'), sample)).toBe(true);
    expect(canReadSample(user('RegionalCoordinator', { regionCode: '84' }), sample)).toBe(true);
    expect(canReadSample(user('RegionalCoordinator', { regionCode: '11' }), sample)).toBe(false);
    expect(canReadSample(user('Sampler', { departmentCode: '69' }), sample)).toBe(true);
    expect(canReadSample(user('Sampler', { departmentCode: '01' }), sample)).toBe(false);
    expect(canReadSample(user('LaboratoryUser', { laboratoryId: 'lab-a' }), sample)).toBe(true);
    expect(canReadSample(user('LaboratoryUser', { laboratoryId: 'lab-b' }), sample)).toBe(false);
    expect(
      canReadSample(user('LaboratoryUser', { laboratoryId: 'lab-a' }), {
        ...sample,
        status: 'Draft',
      }),
    ).toBe(false);
  });

  it('lets only samplers of the department write', () => {
    expect(canWriteSample(user('Sampler', { departmentCode: '69' }), sample)).toBe(true);
    expect(canWriteSample(user('Sampler', { departmentCode: '01' }), sample)).toBe(false);
    expect(canWriteSample(user('NationalCoordinator'), sample)).toBe(false);
    expect(
      canWriteSample(user('Sampler', { departmentCode: '69' }), { departmentCode: null }),
    ).toBe(false);
  });
});

describe('sample references', () => {
  it('formats and parses region-year-serial', () => {
    expect(formatSampleReference('84', 2026, 42)).toBe('ARA-26-00042');
    expect(formatSampleReference('11', 2030, 123456)).toBe('IDF-30-123456');
    expect(parseSampleReference('ARA-26-00042')).toEqual({ shortCode: 'ARA', yy: 26, serial: 42 });
    expect(parseSampleReference('ara-26-42')).toBeNull();
    expect(() => formatSampleReference('99', 2026, 1)).toThrow();
    expect(() => formatSampleReference('84', 2026, 0)).toThrow();
  });

  it('names item copies with a letter and a number', () => {
    expect(itemLetter(1)).toBe('A');
    expect(itemLetter(3)).toBe('C');
    expect(copyReference('ARA-26-00042', 1, 1)).toBe('ARA-26-00042-A-1');
    expect(copyReference('ARA-26-00042', 2, 3)).toBe('ARA-26-00042-B-3');
  });
});

describe('prescription matching', () => {
  const base = { planId: 'p', context: 'Surveillance', matrixKindCode: 'A01DH' };
  const lines = [
    { ...base, id: 'primary', stages: ['PRODUCTION_PRIMAIRE_VEGETALE'] },
    { ...base, id: 'market', stages: ['MISE_SUR_LE_MARCHE'] },
    { ...base, id: 'other-kind', matrixKindCode: 'A01BT', stages: ['MISE_SUR_LE_MARCHE'] },
  ];
  const sample = {
    programmingPlanId: 'p',
    context: 'Surveillance' as const,
    matrixKindCode: 'A01DH',
    stage: 'MISE_SUR_LE_MARCHE' as const,
  };

  it('finds the line of the plan, context, kind and stage', () => {
    expect(matchPrescription(lines, sample)?.id).toBe('market');
    expect(matchPrescription(lines, { ...sample, stage: 'ABATTAGE' })).toBeNull();
    expect(matchPrescription(lines, { ...sample, context: 'Control' })).toBeNull();
    expect(matchPrescription(lines, { ...sample, programmingPlanId: null })).toBeNull();
  });
});
