import {
  type AnalysisVerdict,
  analysisVerdict,
  applicableMrl,
  residueVerdict,
} from '@maestro/shared/domain';
import { type AnalysisMethod, AnalysisMethodList, Substances } from '@maestro/shared/referential';
import {
  type Analysis,
  type ConcentrationUnit,
  type Residue,
  type ResidueVerdict,
  type ResultKind,
  type ResultsContent,
  ResultsContent as ResultsContentSchema,
} from '@maestro/shared/schema';
import { errorsOfZod, type FieldErrors } from './formErrors';
import { substanceName } from './labels';
import type { MrlValue } from './queries';

/** A yes / no answer that may stay unanswered. */
export type TriState = '' | 'true' | 'false';

export interface AnalyteRow {
  key: string;
  label: string;
  value: string;
}

/** One residue as typed in the table (numbers as text, in French notation). */
export interface ResidueRow {
  key: string;
  substanceCode: string;
  kind: ResultKind;
  value: string;
  unit: ConcentrationUnit;
  loq: string;
  /** mg/kg; empty: the referential's MRL applies. */
  mrl: string;
  uncertaintyPercent: string;
  notes: string;
  arfdExceeded: TriState;
  authorisedForUse: TriState;
  contaminationSources: string;
  analytes: AnalyteRow[];
}

export interface ResultsFormValues {
  analysedAt: string;
  methods: AnalysisMethod[];
  notes: string;
  residues: ResidueRow[];
}

let lastKey = 0;
/** A key for React lists, stable while the row lives. */
export const newRowKey = (): string => {
  lastKey += 1;
  return `row-${lastKey}`;
};

const numberText = (value: number | null): string =>
  value === null ? '' : String(value).replace('.', ',');
const triState = (value: boolean | null): TriState =>
  value === null ? '' : value ? 'true' : 'false';
const booleanOf = (value: TriState): boolean | null => (value === '' ? null : value === 'true');

/** A new row: « non détecté » until the laboratory says otherwise. */
export const emptyResidueRow = (substanceCode: string): ResidueRow => ({
  key: newRowKey(),
  substanceCode,
  kind: 'ND',
  value: '',
  unit: 'mg/kg',
  loq: '',
  mrl: '',
  uncertaintyPercent: '',
  notes: '',
  arfdExceeded: '',
  authorisedForUse: '',
  contaminationSources: '',
  analytes: [],
});

export const residueRowOf = (residue: Residue): ResidueRow => ({
  key: newRowKey(),
  substanceCode: residue.substanceCode,
  kind: residue.kind,
  value: numberText(residue.value),
  unit: residue.unit,
  loq: numberText(residue.loq),
  mrl: numberText(residue.mrl),
  uncertaintyPercent: numberText(residue.uncertaintyPercent),
  notes: residue.notes,
  arfdExceeded: triState(residue.arfdExceeded),
  authorisedForUse: triState(residue.authorisedForUse),
  contaminationSources: residue.contaminationSources,
  analytes: residue.analytes.map((analyte) => ({
    key: newRowKey(),
    label: analyte.label,
    value: numberText(analyte.value),
  })),
});

/** The methods the requested substances need, when the laboratory has not said yet. */
export const requestedMethods = (analysis: Pick<Analysis, 'sample'>): AnalysisMethod[] =>
  AnalysisMethodList.filter((method) =>
    analysis.sample.substances.some((substance) => substance.method === method),
  );

/** The form as the analysis holds it (its last saved results). */
export const resultsFormOf = (analysis: Analysis): ResultsFormValues => ({
  analysedAt: analysis.analysedAt ?? '',
  methods: analysis.methods.length > 0 ? [...analysis.methods] : requestedMethods(analysis),
  notes: analysis.notes,
  residues: analysis.residues.map(residueRowOf),
});

/** The requested substances not in the table yet, as « non détecté » rows (in their order). */
export function addRequestedSubstances(
  rows: readonly ResidueRow[],
  analysis: Pick<Analysis, 'sample'>,
): ResidueRow[] {
  const present = new Set(rows.map((row) => row.substanceCode));
  return [
    ...rows,
    ...analysis.sample.substances
      .filter((substance) => !present.has(substance.substanceCode))
      .map((substance) => emptyResidueRow(substance.substanceCode)),
  ];
}

/**
 * A decimal number as typed in French (`0,05` or `0.05`, `1e-3`); null for an empty field,
 * undefined when it is not a number.
 */
export function parseDecimal(text: string): number | null | undefined {
  const value = text.trim().replace(/\s/g, '').replace(',', '.');
  if (value === '') return null;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

const NOT_A_NUMBER = 'Valeur numérique attendue (par exemple 0,05).';

/**
 * The results to send, or the messages of what cannot be read as a number. The shared schema
 * then checks the rest (the same rules as the server: a value only for « quantifié »…).
 */
export function toResultsContent(values: ResultsFormValues): {
  content: ResultsContent;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const number = (path: string, text: string): number | null => {
    const parsed = parseDecimal(text);
    if (parsed === undefined) {
      errors[path] = NOT_A_NUMBER;
      return null;
    }
    return parsed;
  };
  const content: ResultsContent = {
    analysedAt: values.analysedAt.trim() === '' ? null : values.analysedAt.trim(),
    methods: values.methods,
    notes: values.notes,
    residues: values.residues.map((row, i) => ({
      substanceCode: row.substanceCode,
      kind: row.kind,
      value: row.kind === 'Q' ? number(`residues.${i}.value`, row.value) : null,
      unit: row.unit,
      loq: number(`residues.${i}.loq`, row.loq),
      mrl: number(`residues.${i}.mrl`, row.mrl),
      uncertaintyPercent: number(`residues.${i}.uncertaintyPercent`, row.uncertaintyPercent),
      analytes: row.analytes.map((analyte, j) => ({
        label: analyte.label,
        value: number(`residues.${i}.analytes.${j}.value`, analyte.value),
      })),
      notes: row.notes,
      arfdExceeded: booleanOf(row.arfdExceeded),
      authorisedForUse: booleanOf(row.authorisedForUse),
      contaminationSources: row.contaminationSources,
    })),
  };
  const parsed = ResultsContentSchema.safeParse(content);
  const schemaErrors = parsed.success ? {} : errorsOfZod(parsed.error);
  return {
    content: parsed.success ? parsed.data : content,
    errors: { ...schemaErrors, ...errors },
  };
}

/** The referential's MRLs of the sample's matrix, by substance. */
export const mrlsBySubstance = (mrls: readonly MrlValue[] | undefined): Map<string, MrlValue> =>
  new Map((mrls ?? []).map((mrl) => [mrl.substanceCode, mrl]));

/**
 * The verdict of a row as typed, computed as the server will: null while it cannot be computed
 * (no substance, a quantified residue without a readable value, a number that is not one).
 */
export function rowVerdict(
  row: ResidueRow,
  referential: ReadonlyMap<string, MrlValue>,
): ResidueVerdict | null {
  if (row.substanceCode === '') return null;
  const value = row.kind === 'Q' ? parseDecimal(row.value) : null;
  const uncertainty = parseDecimal(row.uncertaintyPercent);
  const mrl = parseDecimal(row.mrl);
  if (value === undefined || uncertainty === undefined || mrl === undefined) return null;
  if (row.kind === 'Q' && value === null) return null;
  if (uncertainty !== null && (uncertainty < 0 || uncertainty > 100)) return null;
  const fromReferential = referential.get(row.substanceCode);
  return residueVerdict(
    { kind: row.kind, value, unit: row.unit, uncertaintyPercent: uncertainty },
    applicableMrl(
      mrl,
      fromReferential ? { value: fromReferential.value, source: fromReferential.source } : null,
    ),
  );
}

/** What a row's verdict says in a few words. */
export const verdictLabel = (verdict: Pick<ResidueVerdict, 'compliant' | 'warning'>): string =>
  !verdict.compliant
    ? 'Non conforme'
    : verdict.warning
      ? 'Conforme (dépassement non significatif)'
      : 'Conforme';

/** The verdict of the rows that can be judged, and how many cannot yet. */
export function formVerdict(
  rows: readonly ResidueRow[],
  verdicts: readonly (ResidueVerdict | null)[],
): { verdict: AnalysisVerdict; incomplete: number } {
  const judged = rows.flatMap((row, i) => {
    const verdict = verdicts[i];
    return verdict ? [{ kind: row.kind, verdict }] : [];
  });
  return { verdict: analysisVerdict(judged), incomplete: rows.length - judged.length };
}

/** The id of the input of a field path (`residues.0.value` → `analysis-residues-0-value`). */
export const resultsFieldId = (path: string): string => `analysis-${path.replace(/\./g, '-')}`;

const ResidueFieldLabels: Record<string, string> = {
  substanceCode: 'substance',
  kind: 'résultat',
  value: 'valeur',
  unit: 'unité',
  loq: 'limite de quantification',
  mrl: 'LMR',
  uncertaintyPercent: 'incertitude',
  notes: 'notes',
  arfdExceeded: 'ARfD dépassée',
  authorisedForUse: 'usage autorisé',
  contaminationSources: 'sources de contamination',
  analytes: 'analytes',
};

const FormFieldLabels: Record<string, string> = {
  analysedAt: 'Date d’analyse',
  methods: 'Méthodes d’analyse',
  notes: 'Commentaire',
  reason: 'Motif de la correction',
  residues: 'Résidus',
  report: 'Rapport d’analyse',
};

/** The name of a field of the form, to prefix its message in the summary. */
export function resultsFieldLabel(path: string, rows: readonly ResidueRow[]): string | null {
  const [head, index, field, analyteIndex] = path.split('.');
  if (head === 'residues' && index !== undefined && /^\d+$/.test(index)) {
    const row = rows[Number(index)];
    const residue = `Résidu ${Number(index) + 1}${row?.substanceCode ? ` (${substanceName(row.substanceCode)})` : ''}`;
    if (field === 'analytes' && analyteIndex !== undefined)
      return `${residue}, analyte ${Number(analyteIndex) + 1}`;
    return field ? `${residue}, ${ResidueFieldLabels[field] ?? field}` : residue;
  }
  return head ? (FormFieldLabels[head] ?? null) : null;
}

/** Whether the substance is among those the sample asked for. */
export const isRequested = (analysis: Pick<Analysis, 'sample'>, code: string): boolean =>
  analysis.sample.substances.some((substance) => substance.substanceCode === code);

/** Whether the substance is approved in the EU (from the referential), when known. */
export const approvedInEu = (code: string): boolean | null =>
  Substances[code]?.approvedInEu ?? null;
