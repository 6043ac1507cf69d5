import { type Db, executor } from '@maestro/database';
import {
  applicableMrl,
  copyReference as formatCopyReference,
  itemLetter,
  parseSampleReference,
  residueVerdict,
} from '@maestro/shared/domain';
import type { AnalysisMethod } from '@maestro/shared/referential';
import {
  type AnalysisStatus,
  type ConcentrationUnit,
  type ImportLine,
  type ImportLineOutcome,
  MAX_RESIDUES,
  ResidueInput,
  type ResultKind,
  type ResultsContent,
} from '@maestro/shared/schema';
import type { RawFields, RawLine } from './parser';

/** A line as kept with the import: what the preview shows, and the text it was read from. */
export interface StoredLine extends ImportLine {
  /** The cells of the line, re-checked when the import is written. */
  fields: RawFields;
}

/** An analysis a line may feed, as the database has it now. */
export interface AnalysisTarget {
  id: string;
  /** `ARA-26-00042-A-1` */
  copyReference: string;
  laboratoryId: string;
  status: AnalysisStatus;
  /** Results exist already (submitted, or a draft saved): keep or replace applies. */
  hasResults: boolean;
  matrixCode: string | null;
}

export interface ValidationContext {
  laboratoryId: string;
  /** By copy reference. */
  analyses: ReadonlyMap<string, AnalysisTarget>;
  /** The method of each known substance, by code. */
  substances: ReadonlyMap<string, AnalysisMethod>;
  /** The referential's MRLs, by `substance|matrix`. */
  mrls: ReadonlyMap<string, { value: number; source: string }>;
  /** AAAA-MM-JJ: an analysis date cannot be later. */
  today: string;
}

export interface ImportEntry {
  analysisId: string;
  content: ResultsContent;
  /** The analysis holds results already (keep or replace applies). */
  existing: boolean;
}

export interface ValidationResult {
  lines: StoredLine[];
  /** One per analysis the file feeds, in the order of their first line. */
  entries: ImportEntry[];
  counts: Record<ImportLineOutcome, number>;
  /** Analyses (among `entries`) that hold results already. */
  existingCount: number;
}

// ————— Reading the cells —————

const stripAccents = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');

/** `ARA-26-00042-A-1` (sample, item letter, copy) or `ARA-26-00042` (item A, copy 1). */
export function parseCopyReference(
  text: string,
): { sampleReference: string; itemNumber: number; copyNumber: number } | null {
  const match = /^([A-Z]{3}-\d{2}-\d{5,})(?:-([A-Z])-(\d{1,2}))?$/.exec(
    text.trim().toUpperCase().replace(/\s+/g, ''),
  );
  if (!match) return null;
  const sampleReference = match[1] as string;
  if (!parseSampleReference(sampleReference)) return null;
  const itemNumber = match[2] ? match[2].charCodeAt(0) - 'A'.charCodeAt(0) + 1 : 1;
  const copyNumber = match[3] ? Number(match[3]) : 1;
  if (copyNumber < 1) return null;
  return { sampleReference, itemNumber, copyNumber };
}

/** ND, NQ or Q, and the French words laboratories use for them. */
export function parseResultKind(text: string): ResultKind | null {
  const compact = stripAccents(text)
    .toLowerCase()
    .replace(/[\s.]+/g, '');
  if (['nd', 'nondetecte'].includes(compact)) return 'ND';
  if (
    ['nq', '<lq', 'nonquantifie', 'detectenonquantifie', 'detecte<lq', 'traces'].includes(compact)
  )
    return 'NQ';
  if (['q', 'quantifie'].includes(compact)) return 'Q';
  return null;
}

/** mg/kg (also by default) or µg/kg (`ug/kg` accepted). */
export function parseUnit(text: string): ConcentrationUnit | null {
  const compact = text.toLowerCase().replace(/\s+/g, '').replace(/[µμ]/g, 'u');
  if (compact === '' || compact === 'mg/kg') return 'mg/kg';
  if (compact === 'ug/kg') return 'µg/kg';
  return null;
}

/** A decimal number, with a point or a French comma; null when empty; NaN when invalid. */
export function parseDecimal(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]+/g, '');
  if (compact === '') return null;
  const normalized = compact.replace(',', '.');
  if (!/^\+?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(normalized)) return Number.NaN;
  return Number(normalized);
}

/** AAAA-MM-JJ or JJ/MM/AAAA (a real day); null when empty; undefined when invalid. */
export function parseDate(text: string): string | null | undefined {
  const value = text.trim();
  if (value === '') return null;
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (french) [day, month, year] = [Number(french[1]), Number(french[2]), Number(french[3])];
  else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** One formatter for every message: `toLocaleString` builds one per call (≈ 0.1 ms). */
const frenchNumberFormat = new Intl.NumberFormat('fr-FR', {
  maximumFractionDigits: 4,
  useGrouping: false,
});
const frenchNumber = (value: number) => frenchNumberFormat.format(value);

// ————— Checking the lines —————

const Messages = {
  referenceMissing: 'Référence d’échantillon manquante.',
  referenceInvalid:
    'Référence invalide : attendue sous la forme ARA-26-00042-A-1 (ou ARA-26-00042 pour l’exemplaire A-1).',
  referenceUnknown: 'Échantillon inconnu ou non adressé à votre laboratoire.',
  notAdmissible: 'Échantillon déclaré non recevable : aucun résultat ne peut y être importé.',
  substanceMissing: 'Code de substance manquant.',
  substanceUnknown: (code: string) => `Substance inconnue : « ${code} » (code SSD2 attendu).`,
  kindInvalid: (text: string) =>
    text === ''
      ? 'Résultat manquant : ND, NQ ou Q.'
      : `Résultat invalide : « ${text} » (ND, NQ ou Q attendu).`,
  unitInvalid: (text: string) => `Unité invalide : « ${text} » (mg/kg ou µg/kg).`,
  numberInvalid: (column: string, text: string) =>
    `${column} invalide : « ${text} » (nombre attendu, par exemple 0,05).`,
  valueMissing: 'Indiquez la valeur mesurée d’un résultat quantifié (Q).',
  valueIgnored: 'Valeur ignorée : seul un résultat quantifié (Q) porte une valeur.',
  belowLoq: 'La valeur est inférieure à la limite de quantification : indiquez NQ (< LQ).',
  uncertaintyInvalid: 'Incertitude invalide : un pourcentage entre 0 et 100 est attendu.',
  dateInvalid: (text: string) =>
    `Date d’analyse invalide : « ${text} » (AAAA-MM-JJ ou JJ/MM/AAAA attendu).`,
  dateFuture: 'La date d’analyse est dans le futur.',
  duplicate: (line: number) =>
    `Substance déjà indiquée ligne ${line} pour cet échantillon : une seule ligne par échantillon et substance.`,
  tooMany: `${MAX_RESIDUES} substances au plus par échantillon.`,
  notReceived:
    'Échantillon pas encore réceptionné : la réception sera enregistrée à la date de l’import.',
  existing:
    'Des résultats sont déjà présents pour cet échantillon : ils seront conservés ou remplacés selon votre choix.',
  nonCompliant: (lowerBound: number, mrl: number, source: string) =>
    `Non conforme au vu de la LMR : valeur − incertitude = ${frenchNumber(lowerBound)} mg/kg, au-delà de la LMR de ${frenchNumber(mrl)} mg/kg (${source}).`,
};

const mrlKey = (substanceCode: string, matrixCode: string) => `${substanceCode}|${matrixCode}`;

/**
 * Checks every line against the database as the context has it: each line will be written,
 * written with a warning, or is in error (then nothing of the file may be written). Lines of
 * one copy form that analysis's results, in file order.
 */
export function validateImportLines(
  rows: readonly RawLine[],
  context: ValidationContext,
): ValidationResult {
  const lines: StoredLine[] = [];
  const groups = new Map<
    string,
    { target: AnalysisTarget; residues: ResidueInput[]; dates: string[]; methods: AnalysisMethod[] }
  >();
  /** First line of each copy × substance. */
  const seen = new Map<string, number>();
  const residueCount = new Map<string, number>();

  for (const { line, fields } of rows) {
    const errors: string[] = [];
    const warnings: string[] = [];
    let existing = false;

    // The analysis
    const reference = parseCopyReference(fields.reference_echantillon);
    const copyReference = reference
      ? formatCopyReference(reference.sampleReference, reference.itemNumber, reference.copyNumber)
      : fields.reference_echantillon;
    let target: AnalysisTarget | undefined;
    if (fields.reference_echantillon === '') errors.push(Messages.referenceMissing);
    else if (!reference || reference.itemNumber > 26) errors.push(Messages.referenceInvalid);
    else {
      target = context.analyses.get(copyReference);
      if (!target || target.laboratoryId !== context.laboratoryId) {
        target = undefined;
        errors.push(Messages.referenceUnknown);
      } else if (target.status === 'NotAdmissible') {
        errors.push(Messages.notAdmissible);
        target = undefined;
      }
    }

    // The substance
    const substanceCode = fields.code_substance.toUpperCase().replace(/\s+/g, '');
    const method = context.substances.get(substanceCode);
    if (substanceCode === '') errors.push(Messages.substanceMissing);
    else if (!method) errors.push(Messages.substanceUnknown(fields.code_substance));

    // The result
    const kind = parseResultKind(fields.resultat);
    if (!kind) errors.push(Messages.kindInvalid(fields.resultat));
    const unit = parseUnit(fields.unite);
    if (!unit) errors.push(Messages.unitInvalid(fields.unite));
    const number = (column: string, text: string) => {
      const value = parseDecimal(text);
      if (value !== null && Number.isNaN(value)) {
        errors.push(Messages.numberInvalid(column, text));
        return null;
      }
      return value;
    };
    let value = number('Valeur', fields.valeur);
    const loq = number('LQ', fields.lq);
    const mrl = number('LMR', fields.lmr);
    const uncertaintyPercent = number('Incertitude', fields.incertitude);
    if (uncertaintyPercent !== null && uncertaintyPercent > 100)
      errors.push(Messages.uncertaintyInvalid);
    if (kind === 'Q' && value === null && fields.valeur === '') errors.push(Messages.valueMissing);
    if (kind && kind !== 'Q' && value !== null) {
      warnings.push(Messages.valueIgnored);
      value = null;
    }
    if (kind === 'Q' && value !== null && loq !== null && value < loq)
      errors.push(Messages.belowLoq);
    const analysedAt = parseDate(fields.date_analyse);
    if (analysedAt === undefined) errors.push(Messages.dateInvalid(fields.date_analyse));
    else if (analysedAt !== null && analysedAt > context.today) errors.push(Messages.dateFuture);

    // Whatever the checks above missed, the schema of a residue catches.
    const residue = {
      substanceCode,
      kind: kind ?? 'ND',
      value: kind === 'Q' ? value : null,
      unit: unit ?? 'mg/kg',
      loq,
      mrl,
      uncertaintyPercent,
      analytes: [],
      notes: fields.commentaire,
      arfdExceeded: null,
      authorisedForUse: null,
      contaminationSources: '',
    };
    if (errors.length === 0) {
      const parsed = ResidueInput.safeParse(residue);
      if (!parsed.success)
        for (const issue of parsed.error.issues)
          if (!errors.includes(issue.message)) errors.push(issue.message);
    }

    // Within the file
    if (target && method) {
      const key = `${target.id}|${substanceCode}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push(Messages.duplicate(first));
      else {
        seen.set(key, line);
        const count = (residueCount.get(target.id) ?? 0) + 1;
        residueCount.set(target.id, count);
        if (count > MAX_RESIDUES) errors.push(Messages.tooMany);
      }
    }

    // What the write will do
    if (target) {
      if (target.status === 'Sent') warnings.push(Messages.notReceived);
      if (target.hasResults) {
        existing = true;
        warnings.push(Messages.existing);
      }
    }
    if (errors.length === 0 && kind === 'Q' && value !== null && unit) {
      const referential = target?.matrixCode
        ? (context.mrls.get(mrlKey(substanceCode, target.matrixCode)) ?? null)
        : null;
      const verdict = residueVerdict(
        { kind, value, unit, uncertaintyPercent },
        applicableMrl(mrl, referential),
      );
      if (!verdict.compliant)
        warnings.push(
          Messages.nonCompliant(verdict.lowerBoundMgKg ?? 0, verdict.mrl, verdict.mrlSource),
        );
    }

    const outcome: ImportLineOutcome =
      errors.length > 0 ? 'Error' : warnings.length > 0 ? 'Warning' : 'Write';
    lines.push({
      line,
      copyReference,
      substanceCode: substanceCode || fields.code_substance,
      kind: kind ?? fields.resultat,
      value: fields.valeur,
      outcome,
      messages: [...errors, ...warnings],
      existing,
      fields,
    });

    if (outcome !== 'Error' && target && method) {
      let group = groups.get(target.id);
      if (!group) {
        group = { target, residues: [], dates: [], methods: [] };
        groups.set(target.id, group);
      }
      group.residues.push(residue as ResidueInput);
      if (analysedAt) group.dates.push(analysedAt);
      if (!group.methods.includes(method)) group.methods.push(method);
    }
  }

  const counts: Record<ImportLineOutcome, number> = { Write: 0, Warning: 0, Error: 0 };
  for (const line of lines) counts[line.outcome]++;
  const entries = [...groups.values()].map(({ target, residues, dates, methods }) => ({
    analysisId: target.id,
    content: {
      analysedAt: dates[0] ?? null,
      methods: [...methods].sort(),
      residues,
      notes: '',
    },
    existing: target.hasResults,
  }));
  const existingCount = entries.filter((entry) => entry.existing).length;
  return { lines, entries, counts, existingCount };
}

// ————— The database's side —————

/**
 * What the lines refer to, read in three queries: the analyses of the samples they name
 * (locked with `lock`, in a stable order, when the import is being written), the substances
 * and the referential's MRLs.
 */
export async function loadValidationContext(
  db: Db,
  laboratoryId: string,
  rows: readonly RawLine[],
  options: { lock?: boolean; today: string },
): Promise<ValidationContext> {
  const sampleReferences = new Set<string>();
  const substanceCodes = new Set<string>();
  for (const { fields } of rows) {
    const reference = parseCopyReference(fields.reference_echantillon);
    if (reference) sampleReferences.add(reference.sampleReference);
    const code = fields.code_substance.toUpperCase().replace(/\s+/g, '');
    if (code) substanceCodes.add(code);
  }
  const query = executor(db)('analyses as a')
    .join('samples as s', 's.id', 'a.sampleId')
    .whereRaw('s.reference = any(?::text[])', [[...sampleReferences]])
    .select(
      'a.id',
      'a.itemNumber',
      'a.copyNumber',
      'a.laboratoryId',
      'a.status',
      'a.resultVersion',
      's.reference',
      's.matrixCode',
    )
    .orderBy('a.id');
  if (options.lock) query.forUpdate('a');
  const analyses = (await query) as {
    id: string;
    itemNumber: number;
    copyNumber: number;
    laboratoryId: string;
    status: AnalysisStatus;
    resultVersion: number;
    reference: string;
    matrixCode: string | null;
  }[];
  const substances = (await executor(db)('substances')
    .whereRaw('code = any(?::text[])', [[...substanceCodes]])
    .select('code', 'method')) as { code: string; method: AnalysisMethod }[];
  const matrixCodes = [
    ...new Set(analyses.map((a) => a.matrixCode).filter((code): code is string => !!code)),
  ];
  const mrls = (await executor(db)('mrls')
    .whereRaw('substance_code = any(?::text[])', [[...substanceCodes]])
    .whereRaw('matrix_code = any(?::text[])', [matrixCodes])
    .select('substanceCode', 'matrixCode', 'value', 'source')) as {
    substanceCode: string;
    matrixCode: string;
    value: number;
    source: string;
  }[];
  return {
    laboratoryId,
    analyses: new Map(
      analyses.map((a) => {
        const copyReference = `${a.reference}-${itemLetter(a.itemNumber)}-${a.copyNumber}`;
        return [
          copyReference,
          {
            id: a.id,
            copyReference,
            laboratoryId: a.laboratoryId,
            status: a.status,
            hasResults: hasResults(a.status, a.resultVersion),
            matrixCode: a.matrixCode,
          },
        ];
      }),
    ),
    substances: new Map(substances.map((s) => [s.code, s.method])),
    mrls: new Map(
      mrls.map((m) => [
        mrlKey(m.substanceCode, m.matrixCode),
        { value: m.value, source: m.source },
      ]),
    ),
    today: options.today,
  };
}

/** Results already present: submitted (in review, completed), or a draft saved in analysis. */
export const hasResults = (status: AnalysisStatus, resultVersion: number): boolean =>
  status === 'InReview' || status === 'Completed' || (status === 'Analysis' && resultVersion > 0);
