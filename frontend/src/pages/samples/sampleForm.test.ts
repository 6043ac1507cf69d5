import { emptySampleContent, newSampleItem, sampleProblems } from '@maestro/shared/domain';
import type { Company, Prescription } from '@maestro/shared/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  companyDraftOf,
  companyFromDirectory,
  departmentOptions,
  emptyCompanyDraft,
  formatCoordinates,
  formatDateTime,
  isImprecise,
  isoToLocalInput,
  localInputToIso,
  nextStep,
  parseCompanyDraft,
  parseCoordinates,
  parseDecimal,
  prescriptionPatch,
  previousStep,
  problemsByPath,
  programmedLaboratoryId,
  renumberItems,
  sampleFieldId,
  sampleRegionCode,
  setKeeper,
  stepOfPath,
  toIsoWithOffset,
  updateCopy,
} from './sampleForm';

const previousTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});
afterAll(() => {
  process.env.TZ = previousTz;
});

describe('date and time of the sampling', () => {
  it('turns a datetime-local value into an instant with the local offset', () => {
    expect(localInputToIso('2026-03-05T14:30')).toBe('2026-03-05T14:30:00+01:00');
    // Summer time in Paris.
    expect(localInputToIso('2026-07-14T08:05')).toBe('2026-07-14T08:05:00+02:00');
    expect(localInputToIso('2026-07-14T08:05:42')).toBe('2026-07-14T08:05:42+02:00');
  });

  it('refuses an empty, malformed or impossible value', () => {
    for (const value of ['', '2026-03-05', '05/03/2026 14:30', '2026-02-31T10:00', 'abc']) {
      expect(localInputToIso(value), value).toBeNull();
    }
  });

  it('shows an instant in the browser’s time zone, whatever offset it was stored with', () => {
    expect(isoToLocalInput('2026-03-05T14:30:00+01:00')).toBe('2026-03-05T14:30');
    expect(isoToLocalInput('2026-03-05T13:30:00Z')).toBe('2026-03-05T14:30');
    expect(isoToLocalInput('2026-03-05T08:30:00-05:00')).toBe('2026-03-05T14:30');
    expect(isoToLocalInput(null)).toBe('');
    expect(isoToLocalInput('not a date')).toBe('');
  });

  it('goes back and forth without drifting', () => {
    for (const value of ['2026-01-01T00:00', '2026-03-29T03:15', '2026-10-25T23:59']) {
      const iso = localInputToIso(value);
      expect(iso).not.toBeNull();
      expect(isoToLocalInput(iso)).toBe(value);
    }
  });

  it('writes an instant with its offset, as the schema wants it', () => {
    expect(toIsoWithOffset(new Date('2026-03-05T13:30:15Z'))).toBe('2026-03-05T14:30:15+01:00');
  });

  it('formats a date for a French reader', () => {
    expect(formatDateTime('2026-03-05T14:30:00+01:00')).toBe('5 mars 2026 à 14:30');
    expect(formatDateTime(null)).toBe('');
  });
});

describe('numbers and coordinates typed in French', () => {
  it('reads a decimal comma or point; empty is null; anything else is not a number', () => {
    expect(parseDecimal('12,5')).toBe(12.5);
    expect(parseDecimal(' 3.25 ')).toBe(3.25);
    expect(parseDecimal('-0,5')).toBe(-0.5);
    expect(parseDecimal('1 000')).toBe(1000);
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('12,5 kg')).toBeUndefined();
    expect(parseDecimal('1,2,3')).toBeUndefined();
  });

  it('accepts coordinates within their ranges, with a French message otherwise', () => {
    expect(parseCoordinates('45,76404', '4,83566')).toEqual({
      ok: true,
      latitude: 45.76404,
      longitude: 4.83566,
    });
    expect(parseCoordinates('91', '4')).toEqual({
      ok: false,
      latitude: 'Latitude en degrés décimaux, entre -90 et 90 (ex. 45,764).',
    });
    expect(parseCoordinates('45', '')).toEqual({ ok: false, longitude: 'Indiquez la longitude.' });
  });

  it('shows coordinates with their hemispheres', () => {
    expect(formatCoordinates({ latitude: 45.76404, longitude: 4.83566 })).toBe(
      '45,76404 N, 4,83566 E',
    );
    expect(formatCoordinates({ latitude: -21.1151, longitude: 55.5364 })).toBe(
      '21,11510 S, 55,53640 E',
    );
  });

  it('warns above 100 m of accuracy, never for a point placed by hand', () => {
    expect(isImprecise(100)).toBe(false);
    expect(isImprecise(101)).toBe(true);
    expect(isImprecise(null)).toBe(false);
  });
});

describe('company typed by hand', () => {
  it('is null while every field is empty', () => {
    expect(parseCompanyDraft(emptyCompanyDraft)).toEqual({ ok: true, company: null });
  });

  it('needs a name, and well-formed identifiers', () => {
    const result = parseCompanyDraft({
      ...emptyCompanyDraft,
      siret: '1234',
      postalCode: '6900',
      nafCode: '0113Z',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        siret: 'Le SIRET doit comporter 14 chiffres.',
        name: 'Indiquez la raison sociale.',
        postalCode: 'Le code postal doit comporter 5 chiffres.',
        nafCode: 'Code NAF invalide (ex. 01.13Z).',
      },
    });
  });

  it('keeps a well-formed company, spaces of the SIRET removed and the NAF code upper-cased', () => {
    const result = parseCompanyDraft({
      siret: '812 345 676 00017',
      name: 'Vergers du Lyonnais',
      address: '',
      postalCode: '69100',
      city: 'Villeurbanne',
      nafCode: '01.24z',
    });
    expect(result).toEqual({
      ok: true,
      company: {
        siret: '81234567600017',
        name: 'Vergers du Lyonnais',
        address: null,
        postalCode: '69100',
        city: 'Villeurbanne',
        nafCode: '01.24Z',
      },
    });
    if (result.ok) expect(parseCompanyDraft(companyDraftOf(result.company))).toEqual(result);
  });

  it('takes a directory company, dropping values the record would refuse', () => {
    const company: Company = {
      siret: '81234567600017',
      siren: '812345676',
      name: 'Vergers du Lyonnais',
      address: '12 chemin des Pommiers',
      postalCode: 'CEDEX',
      city: 'Villeurbanne',
      departmentCode: '69',
      nafCode: '0124Z',
      latitude: null,
      longitude: null,
    };
    expect(companyFromDirectory(company)).toEqual({
      siret: '81234567600017',
      name: 'Vergers du Lyonnais',
      address: '12 chemin des Pommiers',
      postalCode: null,
      city: 'Villeurbanne',
      nafCode: '01.24Z',
    });
  });
});

const planId = '5d3b9a3c-7f0e-4d6f-9c55-1c1d2e3f4a5b';
const labId = '6f1e1a52-2d1c-4d8e-9b7a-0c1f2e3d4a5b';

const prescription = (overrides: Partial<Prescription> = {}): Prescription => ({
  id: '7a2c1b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  planId,
  context: 'Surveillance',
  matrixKindCode: 'A01DH',
  stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
  sampleCount: 10,
  laboratoryChoice: 'National',
  substances: [{ substanceCode: 'RF-1020-001-PPP', method: 'Mono' }],
  instructions: '',
  version: 1,
  regions: [
    { prescriptionId: 'x', regionCode: '84', sampleCount: 3, laboratoryId: labId, version: 1 },
  ],
  departments: [],
  commentCounts: [],
  ...overrides,
});

describe('following the programming', () => {
  const programmed = emptySampleContent({
    programmingPlanId: planId,
    context: 'Surveillance',
    matrixKindCode: 'A01DH',
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
  });

  it('takes the matched line and its substances', () => {
    expect(prescriptionPatch(programmed, [prescription()])).toEqual({
      prescriptionId: prescription().id,
      substances: [{ substanceCode: 'RF-1020-001-PPP', method: 'Mono' }],
    });
  });

  it('changes nothing once in line', () => {
    const aligned = { ...programmed, ...prescriptionPatch(programmed, [prescription()]) };
    expect(prescriptionPatch(aligned, [prescription()])).toBeNull();
  });

  it('forgets the line and its substances when nothing matches any more', () => {
    const aligned = { ...programmed, ...prescriptionPatch(programmed, [prescription()]) };
    expect(prescriptionPatch({ ...aligned, stage: 'TRANSFORMATION' }, [prescription()])).toEqual({
      prescriptionId: null,
      substances: [],
    });
  });

  it('keeps the substances chosen out of programme', () => {
    const out = emptySampleContent({
      context: 'Investigation',
      substances: [{ substanceCode: 'RF-1020-001-PPP', method: 'Mono' }],
    });
    expect(prescriptionPatch(out, [prescription()])).toBeNull();
    expect(prescriptionPatch({ ...out, prescriptionId: prescription().id }, [])).toEqual({
      prescriptionId: null,
    });
  });

  it('pre-fills the laboratory of the sample’s region', () => {
    expect(programmedLaboratoryId(prescription(), '84')).toBe(labId);
    expect(programmedLaboratoryId(prescription(), '11')).toBeNull();
    expect(programmedLaboratoryId(null, '84')).toBeNull();
    expect(sampleRegionCode({ departmentCode: '75' }, { regionCode: '84' })).toBe('11');
    expect(sampleRegionCode({ departmentCode: null }, { regionCode: '84' })).toBe('84');
  });
});

describe('items and copies', () => {
  it('renumbers the items after a removal', () => {
    const items = [newSampleItem(1), newSampleItem(2), newSampleItem(3)];
    const kept = renumberItems(items.filter((_, index) => index !== 0));
    expect(kept.map((item) => item.itemNumber)).toEqual([1, 2]);
    const content = emptySampleContent({ items: kept });
    expect(sampleProblems(content, new Date()).some((p) => p.path.endsWith('itemNumber'))).toBe(
      false,
    );
  });

  it('changes one copy only', () => {
    const items = [newSampleItem(1), newSampleItem(2)];
    const changed = updateCopy(items, 1, 2, { sealNumber: 'S-42' });
    expect(changed[1]?.copies[2]?.sealNumber).toBe('S-42');
    expect(changed[0]).toBe(items[0]);
    expect(items[1]?.copies[2]?.sealNumber).toBeNull();
  });

  it('gives the other kept copy to the other keeper', () => {
    const items = [newSampleItem(1)];
    const swapped = setKeeper(items, 0, 1, 'Owner');
    expect(swapped[0]?.copies.map((copy) => copy.recipient)).toEqual([
      'Laboratory',
      'Owner',
      'Sampler',
    ]);
  });
});

describe('fields, steps and problems', () => {
  it('names the DOM id of a field from its path', () => {
    expect(sampleFieldId('items.0.copies.1.sealNumber')).toBe('sample-items-0-copies-1-sealNumber');
    expect(sampleFieldId('context')).toBe('sample-context');
  });

  it('knows the step of each field', () => {
    expect(stepOfPath('company.siret')).toBe('Context');
    expect(stepOfPath('substances')).toBe('Matrix');
    expect(stepOfPath('items.2.copies.0.quantity')).toBe('Items');
    expect(stepOfPath('ownerEmail')).toBe('Summary');
  });

  it('walks the steps in order', () => {
    expect(nextStep('Context')).toBe('Matrix');
    expect(nextStep('Summary')).toBeNull();
    expect(previousStep('Context')).toBeNull();
    expect(previousStep('Summary')).toBe('Items');
  });

  it('keeps the first message of each field', () => {
    expect(
      problemsByPath([
        { step: 'Items', path: 'sampledAt', message: 'premier' },
        { step: 'Items', path: 'sampledAt', message: 'second' },
        { step: 'Items', path: 'laboratoryId', message: 'labo' },
      ]),
    ).toEqual({ sampledAt: 'premier', laboratoryId: 'labo' });
  });

  it('offers a sampler their own department only', () => {
    expect(
      departmentOptions({ regionCode: '84', departmentCode: '69' }).map((d) => d.code),
    ).toEqual(['69']);
    expect(departmentOptions({ regionCode: '84', departmentCode: null }).length).toBe(12);
  });
});
