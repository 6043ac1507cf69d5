import { IMPORT_MAX_LINES, ImportColumns, type ImportEncoding } from '@maestro/shared/schema';
import { CsvError, parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { HttpError } from '../../http/errors';
import { checkZipSize, XLSX_MAX_UNZIPPED_BYTES } from './zipGuard';

export type ImportColumn = (typeof ImportColumns)[number];

/** One line of the file as text, by column (absent columns are empty). */
export type RawFields = Record<ImportColumn, string>;

export interface RawLine {
  /** Line number in the file (CSV) or row number (XLSX); the header is line 1. */
  line: number;
  fields: RawFields;
}

export interface ParsedFile {
  format: 'csv' | 'xlsx';
  /** The encoding the text was read with (`xlsx` for a workbook). */
  encoding: 'utf-8' | 'windows-1252' | 'xlsx';
  /** `;`, `,` or a tab; null for a workbook. */
  delimiter: string | null;
  lines: RawLine[];
}

/** Columns without which no line can be read. */
export const RequiredColumns: readonly ImportColumn[] = [
  'reference_echantillon',
  'code_substance',
  'resultat',
];

/** Headers laboratories write for our columns, once normalised (see `normalizeHeader`). */
const HeaderAliases: Record<ImportColumn, readonly string[]> = {
  reference_echantillon: [
    'reference',
    'ref_echantillon',
    'reference_de_l_echantillon',
    'reference_exemplaire',
    'echantillon',
  ],
  code_substance: ['substance', 'code_parametre', 'parametre'],
  resultat: ['type_resultat', 'type_de_resultat'],
  valeur: ['valeur_mesuree', 'concentration'],
  unite: ['unites'],
  lq: ['limite_de_quantification', 'loq'],
  lmr: ['lmr_mg_kg', 'mrl'],
  incertitude: ['incertitude_pct', 'incertitude_elargie'],
  date_analyse: ['date_d_analyse', 'date_de_l_analyse', 'date'],
  commentaire: ['commentaires', 'remarque', 'notes'],
};

/** Lower case, no accent, anything else than letters and digits as one `_`. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const columnOfHeader = new Map<string, ImportColumn>(
  ImportColumns.flatMap((column) => [
    [column, column] as const,
    ...HeaderAliases[column].map((alias) => [alias, column] as const),
  ]),
);

const badFile = (message: string) =>
  new HttpError(400, 'ValidationError', message, [{ path: 'file', message }]);

const tooManyLines = () =>
  badFile(
    `Le fichier compte plus de ${IMPORT_MAX_LINES.toLocaleString('fr-FR')} lignes : découpez-le en plusieurs fichiers.`,
  );

/** A ZIP archive (XLSX is one), whatever type the client declared. */
export const isZip = (content: Buffer): boolean =>
  content.length >= 4 &&
  content[0] === 0x50 &&
  content[1] === 0x4b &&
  content[2] === 0x03 &&
  content[3] === 0x04;

/** The old binary Excel format (OLE compound file). */
const isOle = (content: Buffer): boolean =>
  content.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));

/**
 * The text of a CSV file. `auto`: UTF-8 when the bytes decode without an invalid sequence,
 * windows-1252 (French Excel's « CSV (séparateur : point-virgule) ») otherwise. A BOM is dropped.
 */
export function decodeText(
  content: Buffer,
  encoding: ImportEncoding,
): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  if (encoding === 'windows-1252')
    return { text: new TextDecoder('windows-1252').decode(content), encoding };
  if (encoding === 'utf-8') return { text: new TextDecoder('utf-8').decode(content), encoding };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(content), encoding: 'windows-1252' };
  }
}

/** The separator of the header line: the most frequent of `;`, `,` and tab (`;` on a tie). */
export function detectDelimiter(text: string): ';' | ',' | '\t' {
  const end = text.search(/\r|\n/);
  const header = end === -1 ? text : text.slice(0, end);
  const count = (c: string) => header.split(c).length - 1;
  const candidates = [';', ',', '\t'] as const;
  let best: ';' | ',' | '\t' = ';';
  for (const candidate of candidates) if (count(candidate) > count(best)) best = candidate;
  return best;
}

/** Maps the header row to our columns; 400 naming the required columns that are missing. */
function columnIndexes(header: readonly string[]): Map<ImportColumn, number> {
  const indexes = new Map<ImportColumn, number>();
  header.forEach((title, i) => {
    const column = columnOfHeader.get(normalizeHeader(title));
    if (column && !indexes.has(column)) indexes.set(column, i);
  });
  const missing = RequiredColumns.filter((column) => !indexes.has(column));
  if (missing.length > 0) {
    const message =
      missing.length === 1
        ? `Colonne obligatoire absente : ${missing[0]}.`
        : `Colonnes obligatoires absentes : ${missing.join(', ')}.`;
    throw new HttpError(
      400,
      'ValidationError',
      `${message} Colonnes attendues : ${ImportColumns.join(', ')} (voir le modèle).`,
      missing.map((column) => ({
        path: `file.columns.${column}`,
        message: `Colonne obligatoire absente : ${column}.`,
      })),
    );
  }
  return indexes;
}

function toLines(
  header: readonly string[],
  records: readonly { line: number; cells: readonly string[] }[],
): RawLine[] {
  const indexes = columnIndexes(header);
  const lines: RawLine[] = [];
  for (const { line, cells } of records) {
    if (cells.every((cell) => cell.trim() === '')) continue;
    const fields = {} as RawFields;
    for (const column of ImportColumns) {
      const index = indexes.get(column);
      fields[column] = index === undefined ? '' : (cells[index] ?? '').trim();
    }
    lines.push({ line, fields });
  }
  if (lines.length > IMPORT_MAX_LINES) throw tooManyLines();
  if (lines.length === 0) throw badFile('Le fichier ne contient aucune ligne de résultat.');
  return lines;
}

function parseCsv(content: Buffer, encoding: ImportEncoding): ParsedFile {
  const decoded = decodeText(content, encoding);
  const text = decoded.text.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // The header and one record more than the limit are enough to refuse a longer file.
      to: IMPORT_MAX_LINES + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) throw badFile(`Le fichier CSV est mal formé : ${error.message}`);
    throw error;
  }
  const [header, ...rest] = records;
  if (!header) throw badFile('Le fichier est vide.');
  return {
    format: 'csv',
    encoding: decoded.encoding,
    delimiter,
    lines: toLines(
      header.record,
      rest.map(({ record, info }) => ({
        // `info.lines` is where the record ends: a quoted field may span several lines.
        line: info.lines - record.reduce((n, cell) => n + (cell.split('\n').length - 1), 0),
        cells: record,
      })),
    ),
  };
}

/** The text a cell shows (numbers in JavaScript notation, dates as AAAA-MM-JJ). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'VRAI' : 'FAUX';
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
  return '';
}

async function parseXlsx(content: Buffer): Promise<ParsedFile> {
  const size = checkZipSize(content);
  if (!size.ok && size.reason === 'tooLarge')
    throw new HttpError(
      413,
      'PayloadTooLarge',
      `Ce classeur décompressé dépasse ${XLSX_MAX_UNZIPPED_BYTES / 1024 / 1024} Mo : enregistrez-le au format CSV ou découpez-le en plusieurs fichiers.`,
    );
  if (!size.ok)
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      'Ce fichier n’est pas un classeur XLSX lisible : enregistrez-le au format XLSX ou CSV.',
    );
  // Loaded on first use: exceljs is large.
  const { default: ExcelJSModule } = await import('exceljs');
  const workbook = new ExcelJSModule.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      'Ce fichier n’est pas un classeur XLSX lisible : enregistrez-le au format XLSX ou CSV.',
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badFile('Le classeur ne contient aucune feuille.');
  if (sheet.actualRowCount > IMPORT_MAX_LINES + 1) throw tooManyLines();
  const rows: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[];
    // row.values is 1-based
    rows.push({ line: rowNumber, cells: values.slice(1).map((value) => cellText(value ?? null)) });
  });
  const [header, ...rest] = rows;
  if (!header) throw badFile('Le fichier est vide.');
  return { format: 'xlsx', encoding: 'xlsx', delimiter: null, lines: toLines(header.cells, rest) };
}

/**
 * Reads a result file: an XLSX workbook (its first sheet) when the bytes are a ZIP archive,
 * whatever type was declared; CSV otherwise. 400 when a required column is missing, the file
 * has no line or more than IMPORT_MAX_LINES; 415 for a workbook that cannot be read.
 */
export async function parseResultFile(
  content: Buffer,
  encoding: ImportEncoding,
): Promise<ParsedFile> {
  if (content.length === 0) throw badFile('Le fichier est vide.');
  if (isZip(content)) return parseXlsx(content);
  if (isOle(content))
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      'Le format Excel 97-2003 (.xls) n’est pas accepté : enregistrez le fichier au format XLSX ou CSV.',
    );
  return parseCsv(content, encoding);
}
