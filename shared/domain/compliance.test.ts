import { describe, expect, it } from 'vitest';
import { DEFAULT_MRL, DEFAULT_MRL_SOURCE } from '../referential/mrls';
import type { ConcentrationUnit, ResultKind } from '../schema/analysis/analysis';
import {
  analysisVerdict,
  applicableMrl,
  DEFAULT_UNCERTAINTY_PERCENT,
  residueVerdict,
  sampleCompliance,
  toMgPerKg,
} from './compliance';

const referential = { value: 0.5, source: 'Règlement (UE) 2023/0001' };

const residue = (
  kind: ResultKind,
  value: number | null,
  overrides: { unit?: ConcentrationUnit; uncertaintyPercent?: number | null } = {},
) => ({
  kind,
  value,
  unit: overrides.unit ?? ('mg/kg' as const),
  uncertaintyPercent: overrides.uncertaintyPercent ?? null,
});

describe('toMgPerKg', () => {
  it('keeps mg/kg and divides µg/kg by 1000', () => {
    expect(toMgPerKg(0.25, 'mg/kg')).toBe(0.25);
    expect(toMgPerKg(250, 'µg/kg')).toBe(0.25);
    expect(toMgPerKg(0, 'µg/kg')).toBe(0);
  });
});

describe('applicableMrl', () => {
  it('takes the MRL the laboratory entered first', () => {
    expect(applicableMrl(0.2, referential)).toEqual({
      value: 0.2,
      source: 'LMR indiquée par le laboratoire',
      isDefault: false,
    });
    expect(applicableMrl(0, referential).value).toBe(0);
  });

  it('then the referential’s MRL for the substance × matrix', () => {
    expect(applicableMrl(null, referential)).toEqual({
      value: 0.5,
      source: 'Règlement (UE) 2023/0001',
      isDefault: false,
    });
  });

  it('else the default MRL of 0.01 mg/kg', () => {
    expect(applicableMrl(null, null)).toEqual({
      value: 0.01,
      source: DEFAULT_MRL_SOURCE,
      isDefault: true,
    });
    expect(DEFAULT_MRL).toBe(0.01);
  });
});

describe('residueVerdict', () => {
  const mrl = applicableMrl(null, referential); // 0.5 mg/kg

  it.each([
    // kind, value, unit, U %, compliant, warning, rule, value mg/kg, lower bound, margin
    ['ND', null, 'mg/kg', null, true, false, 'NotDetected', null, null, null],
    ['NQ', null, 'mg/kg', null, true, false, 'NotQuantified', null, null, null],
    ['Q', 0.3, 'mg/kg', null, true, false, 'BelowMrl', 0.3, 0.15, -0.35],
    ['Q', 0.5, 'mg/kg', null, true, false, 'BelowMrl', 0.5, 0.25, -0.25],
    // above the MRL, within the default 50 %: 0.8 × 0.5 = 0.4 ≤ 0.5
    ['Q', 0.8, 'mg/kg', null, true, true, 'WithinUncertainty', 0.8, 0.4, -0.1],
    // exactly twice the MRL: value − U equals the MRL, still compliant
    ['Q', 1, 'mg/kg', null, true, true, 'WithinUncertainty', 1, 0.5, 0],
    // beyond the uncertainty: 1.5 × 0.5 = 0.75 > 0.5
    ['Q', 1.5, 'mg/kg', null, false, false, 'AboveMrl', 1.5, 0.75, 0.25],
    // the laboratory's own uncertainty of 20 %: 0.8 × 0.8 = 0.64 > 0.5
    ['Q', 0.8, 'mg/kg', 20, false, false, 'AboveMrl', 0.8, 0.64, 0.14],
    // 20 %: 0.6 × 0.8 = 0.48 ≤ 0.5
    ['Q', 0.6, 'mg/kg', 20, true, true, 'WithinUncertainty', 0.6, 0.48, -0.02],
    // µg/kg: 800 µg/kg = 0.8 mg/kg
    ['Q', 800, 'µg/kg', null, true, true, 'WithinUncertainty', 0.8, 0.4, -0.1],
    ['Q', 1500, 'µg/kg', null, false, false, 'AboveMrl', 1.5, 0.75, 0.25],
    ['Q', 300, 'µg/kg', null, true, false, 'BelowMrl', 0.3, 0.15, -0.35],
  ] as const)(
    '%s %s %s (U %s %%) → compliant %s, warning %s, %s',
    (kind, value, unit, u, compliant, warning, rule, valueMgKg, lowerBound, margin) => {
      const verdict = residueVerdict(residue(kind, value, { unit, uncertaintyPercent: u }), mrl);
      expect(verdict.compliant).toBe(compliant);
      expect(verdict.warning).toBe(warning);
      expect(verdict.rule).toBe(rule);
      expect(verdict.valueMgKg).toBe(valueMgKg);
      expect(verdict.lowerBoundMgKg).toBe(lowerBound);
      expect(verdict.marginMgKg).toBe(margin);
      expect(verdict.uncertaintyPercent).toBe(u ?? DEFAULT_UNCERTAINTY_PERCENT);
      expect(verdict.mrl).toBe(0.5);
      expect(verdict.mrlSource).toBe(referential.source);
      expect(verdict.mrlIsDefault).toBe(false);
    },
  );

  it('keeps the MRL that applied and its source with the verdict', () => {
    const verdict = residueVerdict(residue('Q', 0.05), applicableMrl(null, null));
    expect(verdict).toMatchObject({
      mrl: 0.01,
      mrlSource: DEFAULT_MRL_SOURCE,
      mrlIsDefault: true,
      compliant: false,
      rule: 'AboveMrl',
    });
    // 0.05 × 0.5 = 0.025 > 0.01
    expect(verdict.marginMgKg).toBe(0.015);
    const entered = residueVerdict(residue('Q', 0.05), applicableMrl(0.05, referential));
    expect(entered).toMatchObject({
      mrl: 0.05,
      mrlSource: 'LMR indiquée par le laboratoire',
      compliant: true,
      rule: 'BelowMrl',
    });
  });

  it('removes binary noise before comparing (0.1 × 3 is 0.3)', () => {
    const verdict = residueVerdict(residue('Q', 0.1 * 3), applicableMrl(0.15, null));
    // 0.3 × 0.5 = 0.15: exactly the MRL, not above it
    expect(verdict.lowerBoundMgKg).toBe(0.15);
    expect(verdict.compliant).toBe(true);
    expect(verdict.rule).toBe('WithinUncertainty');
  });

  it('treats a quantified result without a value as not quantified', () => {
    expect(residueVerdict(residue('Q', null), mrl).rule).toBe('NotQuantified');
  });

  it('explains a non-compliant result with the value, U, the MRL and the margin', () => {
    const verdict = residueVerdict(residue('Q', 1.5, { uncertaintyPercent: 20 }), mrl);
    // 1.5 × 0.8 = 1.2, 0.7 above the MRL
    expect(verdict.explanation).toContain('1,5 mg/kg');
    expect(verdict.explanation).toContain('20 %');
    expect(verdict.explanation).toContain('1,2 mg/kg');
    expect(verdict.explanation).toContain('LMR 0,5 mg/kg');
    expect(verdict.explanation).toContain(referential.source);
    expect(verdict.explanation).toContain('0,7 mg/kg');
    expect(verdict.explanation).toContain('non conforme');
  });

  it('explains a non-significant exceedance with its margin', () => {
    const verdict = residueVerdict(residue('Q', 0.8), mrl);
    expect(verdict.explanation).toContain('0,8 mg/kg');
    expect(verdict.explanation).toContain('50 %');
    expect(verdict.explanation).toContain('0,4 mg/kg');
    expect(verdict.explanation).toContain('LMR 0,5 mg/kg');
    expect(verdict.explanation).toMatch(/marge [−-]0,1 mg\/kg/);
    expect(verdict.explanation).toContain('dépassement non significatif');
  });

  it('explains ND and NQ with the MRL', () => {
    expect(residueVerdict(residue('ND', null), mrl).explanation).toMatch(
      /^Non détecté : conforme\. LMR 0,5 mg\/kg/,
    );
    expect(residueVerdict(residue('NQ', null), mrl).explanation).toMatch(
      /limite de quantification : conforme/,
    );
  });
});

describe('analysisVerdict', () => {
  const mrl = applicableMrl(null, referential);
  const judged = (kind: ResultKind, value: number | null) => ({
    kind,
    verdict: residueVerdict(residue(kind, value), mrl),
  });

  it('has no verdict without residues', () => {
    expect(analysisVerdict([])).toMatchObject({
      compliant: null,
      allNotDetected: false,
      nonCompliantCount: 0,
    });
  });

  it('completes on its own when every residue is ND', () => {
    expect(analysisVerdict([judged('ND', null), judged('ND', null)])).toMatchObject({
      compliant: true,
      allNotDetected: true,
      explanation: 'Aucun résidu détecté : conforme.',
    });
  });

  it('is compliant when every residue is, counting warnings', () => {
    const verdict = analysisVerdict([judged('ND', null), judged('NQ', null), judged('Q', 0.8)]);
    expect(verdict).toMatchObject({
      compliant: true,
      allNotDetected: false,
      warningCount: 1,
      nonCompliantCount: 0,
    });
    expect(verdict.explanation).toContain('1 dépassement non significatif');
    expect(analysisVerdict([judged('Q', 0.1)]).explanation).toBe(
      'Tous les résidus sont sous leur LMR : conforme.',
    );
  });

  it('is non-compliant as soon as one residue is', () => {
    const verdict = analysisVerdict([
      judged('ND', null),
      judged('Q', 0.1),
      judged('Q', 1.5),
      judged('Q', 3),
    ]);
    expect(verdict).toMatchObject({ compliant: false, nonCompliantCount: 2 });
    expect(verdict.explanation).toBe(
      '2 résidus au-delà de la LMR après incertitude : non conforme.',
    );
  });
});

describe('sampleCompliance', () => {
  it.each([
    [[], null],
    [[{ compliant: true }], true],
    [[{ compliant: true }, { compliant: true }], true],
    [[{ compliant: true }, { compliant: false }], false],
    [[{ compliant: true }, { compliant: null }], null],
    [[{ compliant: false }, { compliant: null }], null],
  ] as const)('%j → %s', (analyses, expected) => {
    expect(sampleCompliance(analyses)).toBe(expected);
  });
});
