import { describe, expect, it } from 'vitest';
import {
  addRequestedSubstances,
  emptyResidueRow,
  formVerdict,
  mrlsBySubstance,
  parseDecimal,
  type ResidueRow,
  resultsFieldLabel,
  resultsFormOf,
  rowVerdict,
  toResultsContent,
} from './resultsForm';
import { ACETAMIPRID, ACETAMIPRID_MRL, GLYPHOSATE, inReview, testAnalysis } from './testData';

const referential = mrlsBySubstance([
  { substanceCode: ACETAMIPRID, matrixCode: 'A01DJ', ...ACETAMIPRID_MRL },
]);
const row = (overrides: Partial<ResidueRow>): ResidueRow => ({
  ...emptyResidueRow(ACETAMIPRID),
  ...overrides,
});

describe('the numbers as typed', () => {
  it('reads French and English decimals, and refuses what is not a number', () => {
    expect(parseDecimal(' 0,05 ')).toBe(0.05);
    expect(parseDecimal('1.5e-2')).toBe(0.015);
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('0,0,5')).toBeUndefined();
    expect(parseDecimal('abc')).toBeUndefined();
  });
});

describe('the results to send', () => {
  it('converts the rows, keeping a value only for a quantified residue', () => {
    const { content, errors } = toResultsContent({
      analysedAt: '2026-03-12',
      methods: ['Multi'],
      notes: ' Lot homogène ',
      residues: [
        row({
          kind: 'Q',
          value: '1,2',
          loq: '0,01',
          uncertaintyPercent: '30',
          arfdExceeded: 'false',
        }),
        { ...emptyResidueRow(GLYPHOSATE), value: '5' },
      ],
    });
    expect(errors).toEqual({});
    expect(content).toEqual({
      analysedAt: '2026-03-12',
      methods: ['Multi'],
      notes: 'Lot homogène',
      residues: [
        {
          substanceCode: ACETAMIPRID,
          kind: 'Q',
          value: 1.2,
          unit: 'mg/kg',
          loq: 0.01,
          mrl: null,
          uncertaintyPercent: 30,
          analytes: [],
          notes: '',
          arfdExceeded: false,
          authorisedForUse: null,
          contaminationSources: '',
        },
        expect.objectContaining({ substanceCode: GLYPHOSATE, kind: 'ND', value: null }),
      ],
    });
  });

  it('names what cannot be sent, by the path the server uses', () => {
    const { errors } = toResultsContent({
      analysedAt: '',
      methods: [],
      notes: '',
      residues: [
        row({ kind: 'Q', value: '' }),
        row({ kind: 'NQ', mrl: 'beaucoup' }),
        row({ kind: 'Q', value: '0,001', loq: '0,01' }),
      ],
    });
    expect(errors).toEqual({
      'residues.0.value': 'Indiquez la valeur mesurée d’un résidu quantifié.',
      'residues.1.mrl': 'Valeur numérique attendue (par exemple 0,05).',
      'residues.1.substanceCode': 'Cette substance est déjà saisie dans l’analyse.',
      'residues.2.substanceCode': 'Cette substance est déjà saisie dans l’analyse.',
      'residues.2.value':
        'La valeur est inférieure à la limite de quantification : choisissez « < LQ ».',
    });
    expect(resultsFieldLabel('residues.1.mrl', [row({}), row({})])).toBe(
      'Résidu 2 (Acétamipride), LMR',
    );
    expect(resultsFieldLabel('analysedAt', [])).toBe('Date d’analyse');
  });
});

describe('the live verdict', () => {
  it('applies the referential MRL, the uncertainty, and the MRL the laboratory enters', () => {
    // 3 × the MRL: 1.2 × (1 − 0.5) = 0.6 > 0.4
    const above = rowVerdict(row({ kind: 'Q', value: '1,2' }), referential);
    expect(above).toMatchObject({ compliant: false, rule: 'AboveMrl', mrl: 0.4 });
    expect(above?.explanation).toContain('non conforme');
    // 0.6 > 0.4 but 0.3 ≤ 0.4
    const within = rowVerdict(row({ kind: 'Q', value: '600', unit: 'µg/kg' }), referential);
    expect(within).toMatchObject({ compliant: true, warning: true, rule: 'WithinUncertainty' });
    expect(within?.explanation).toContain('dépassement non significatif');
    // the laboratory's own uncertainty (10 %): 0.54 > 0.4
    expect(
      rowVerdict(row({ kind: 'Q', value: '0,6', uncertaintyPercent: '10' }), referential)
        ?.compliant,
    ).toBe(false);
    // an MRL typed by the laboratory wins over the referential
    expect(rowVerdict(row({ kind: 'Q', value: '1,2', mrl: '1' }), referential)).toMatchObject({
      compliant: true,
      mrlSource: 'LMR indiquée par le laboratoire',
    });
    // no MRL in the referential: the default 0.01 mg/kg
    expect(
      rowVerdict({ ...emptyResidueRow(GLYPHOSATE), kind: 'Q', value: '0,05' }, referential),
    ).toMatchObject({ compliant: false, mrl: 0.01, mrlIsDefault: true });
    // nothing to judge yet
    expect(rowVerdict(row({ kind: 'Q', value: '' }), referential)).toBeNull();
    expect(rowVerdict(row({ kind: 'Q', value: 'x' }), referential)).toBeNull();
  });

  it('judges the analysis from the rows that can be judged', () => {
    const rows = [row({ kind: 'Q', value: '1,2' }), row({ kind: 'Q', value: '' })];
    const { verdict, incomplete } = formVerdict(
      rows,
      rows.map((r) => rowVerdict(r, referential)),
    );
    expect(verdict.compliant).toBe(false);
    expect(incomplete).toBe(1);
    const nd = [emptyResidueRow(GLYPHOSATE)];
    expect(
      formVerdict(
        nd,
        nd.map((r) => rowVerdict(r, referential)),
      ).verdict.allNotDetected,
    ).toBe(true);
  });
});

describe('the form of an analysis', () => {
  it('starts from the saved results, and proposes the methods of the requested substances', () => {
    expect(resultsFormOf(testAnalysis()).methods).toEqual(['Mono', 'Multi']);
    const form = resultsFormOf(inReview());
    expect(form.methods).toEqual(['Multi']);
    expect(form.residues[0]).toMatchObject({
      substanceCode: ACETAMIPRID,
      kind: 'Q',
      value: '1,2',
      loq: '0,01',
      mrl: '',
    });
  });

  it('adds the requested substances not in the table yet, as « non détecté »', () => {
    const rows = addRequestedSubstances([row({ kind: 'Q', value: '1' })], testAnalysis());
    expect(rows.map((r) => [r.substanceCode, r.kind])).toEqual([
      [ACETAMIPRID, 'Q'],
      [GLYPHOSATE, 'ND'],
    ]);
  });
});
