import { DEFAULT_MRL, DEFAULT_MRL_SOURCE } from '../referential/mrls';
import type { ConcentrationUnit, ResidueVerdict, ResultKind } from '../schema/analysis/analysis';

/**
 * Compliance of residue results (EU guidance SANTE/11312/2021 on analytical quality control):
 * a residue is non-compliant when the measured value minus its expanded measurement
 * uncertainty still exceeds the maximum residue limit (MRL).
 */

/** Expanded measurement uncertainty used when the laboratory gives none. */
export const DEFAULT_UNCERTAINTY_PERCENT = 50;

export const toMgPerKg = (value: number, unit: ConcentrationUnit): number =>
  unit === 'µg/kg' ? value / 1000 : value;

/** The MRL that applies to a residue: the one entered, else the referential's, else the default. */
export interface ApplicableMrl {
  value: number;
  source: string;
  isDefault: boolean;
}

export interface ResidueForVerdict {
  kind: ResultKind;
  /** In `unit`. */
  value: number | null;
  unit: ConcentrationUnit;
  /** The laboratory's own expanded uncertainty in %, or null for the default. */
  uncertaintyPercent: number | null;
}

// One formatter per precision, built once: `toLocaleString` builds one per call (~0.4 ms).
const formatters = new Map<number, Intl.NumberFormat>();
const number = (value: number, digits = 3) => {
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat('fr-FR', {
      minimumFractionDigits: 0,
      maximumFractionDigits: digits,
    });
    formatters.set(digits, formatter);
  }
  return formatter.format(value);
};

const mgkg = (value: number) => `${number(value, 4)} mg/kg`;

/** Rounds away binary noise (0.1 × 3) before comparing, to 1e-9 mg/kg. */
const clean = (value: number) => Math.round(value * 1e9) / 1e9;

/**
 * The verdict of one residue, with the values it used and a French explanation of the rule:
 * ND and NQ are compliant; a quantified value is compared with the MRL after removing the
 * expanded uncertainty (value × (1 − U)): above → non-compliant; above the MRL but not beyond
 * the uncertainty → compliant with a warning (« dépassement non significatif »).
 */
export function residueVerdict(residue: ResidueForVerdict, mrl: ApplicableMrl): ResidueVerdict {
  const uncertaintyPercent = residue.uncertaintyPercent ?? DEFAULT_UNCERTAINTY_PERCENT;
  const base = {
    uncertaintyPercent,
    mrl: mrl.value,
    mrlSource: mrl.source,
    mrlIsDefault: mrl.isDefault,
  };
  const mrlText = `LMR ${mgkg(mrl.value)} (${mrl.source})`;
  if (residue.kind === 'ND')
    return {
      ...base,
      compliant: true,
      warning: false,
      rule: 'NotDetected',
      valueMgKg: null,
      lowerBoundMgKg: null,
      marginMgKg: null,
      explanation: `Non détecté : conforme. ${mrlText}.`,
    };
  if (residue.kind === 'NQ' || residue.value === null)
    return {
      ...base,
      compliant: true,
      warning: false,
      rule: 'NotQuantified',
      valueMgKg: null,
      lowerBoundMgKg: null,
      marginMgKg: null,
      explanation: `Détecté sous la limite de quantification : conforme. ${mrlText}.`,
    };
  const valueMgKg = clean(toMgPerKg(residue.value, residue.unit));
  const lowerBoundMgKg = clean(valueMgKg * (1 - uncertaintyPercent / 100));
  const marginMgKg = clean(lowerBoundMgKg - mrl.value);
  const measured = `Valeur mesurée ${mgkg(valueMgKg)}, incertitude élargie ${number(uncertaintyPercent, 1)} % : valeur − U = ${mgkg(lowerBoundMgKg)}, comparée à la ${mrlText} (marge ${mgkg(marginMgKg)})`;
  if (valueMgKg <= mrl.value)
    return {
      ...base,
      compliant: true,
      warning: false,
      rule: 'BelowMrl',
      valueMgKg,
      lowerBoundMgKg,
      marginMgKg,
      explanation: `${measured}. La valeur ne dépasse pas la LMR : conforme.`,
    };
  if (lowerBoundMgKg <= mrl.value)
    return {
      ...base,
      compliant: true,
      warning: true,
      rule: 'WithinUncertainty',
      valueMgKg,
      lowerBoundMgKg,
      marginMgKg,
      explanation: `${measured}. La valeur dépasse la LMR mais pas au-delà de l’incertitude : conforme, dépassement non significatif.`,
    };
  return {
    ...base,
    compliant: false,
    warning: false,
    rule: 'AboveMrl',
    valueMgKg,
    lowerBoundMgKg,
    marginMgKg,
    explanation: `${measured}. Même après déduction de l’incertitude, la LMR est dépassée de ${mgkg(marginMgKg)} : non conforme.`,
  };
}

/**
 * The MRL that applies: the value the laboratory entered, else the referential's for the
 * substance × matrix, else the default MRL (0.01 mg/kg, art. 18 of Regulation 396/2005).
 */
export function applicableMrl(
  entered: number | null,
  referential: { value: number; source: string } | null,
): ApplicableMrl {
  if (entered !== null)
    return { value: entered, source: 'LMR indiquée par le laboratoire', isDefault: false };
  if (referential)
    return { value: referential.value, source: referential.source, isDefault: false };
  return { value: DEFAULT_MRL, source: DEFAULT_MRL_SOURCE, isDefault: true };
}

export interface AnalysisVerdict {
  /** null when there is no residue to judge. */
  compliant: boolean | null;
  nonCompliantCount: number;
  warningCount: number;
  /** Every residue is ND: the analysis completes on its own. */
  allNotDetected: boolean;
  explanation: string;
}

/** The verdict of an analysis (or a sample) from its residues: non-compliant when any is. */
export function analysisVerdict(
  residues: readonly { kind: ResultKind; verdict: Pick<ResidueVerdict, 'compliant' | 'warning'> }[],
): AnalysisVerdict {
  if (residues.length === 0)
    return {
      compliant: null,
      nonCompliantCount: 0,
      warningCount: 0,
      allNotDetected: false,
      explanation: 'Aucun résultat saisi.',
    };
  const nonCompliantCount = residues.filter((r) => !r.verdict.compliant).length;
  const warningCount = residues.filter((r) => r.verdict.warning).length;
  const allNotDetected = residues.every((r) => r.kind === 'ND');
  const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
  let explanation: string;
  if (allNotDetected) explanation = 'Aucun résidu détecté : conforme.';
  else if (nonCompliantCount > 0)
    explanation = `${plural(nonCompliantCount, 'résidu')} au-delà de la LMR après incertitude : non conforme.`;
  else if (warningCount > 0)
    explanation = `Conforme, avec ${plural(warningCount, 'dépassement')} non significatif${warningCount > 1 ? 's' : ''} (dans l’incertitude de mesure).`;
  else explanation = 'Tous les résidus sont sous leur LMR : conforme.';
  return {
    compliant: nonCompliantCount === 0,
    nonCompliantCount,
    warningCount,
    allNotDetected,
    explanation,
  };
}

/** The verdict of a sample from the verdicts that stand for its analyses (null: not all known). */
export function sampleCompliance(
  analyses: readonly { compliant: boolean | null }[],
): boolean | null {
  if (analyses.length === 0 || analyses.some((a) => a.compliant === null)) return null;
  return analyses.every((a) => a.compliant === true);
}
