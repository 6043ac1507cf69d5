import { type Db, executor } from '@maestro/database';
import type {
  ExistingResults,
  ImportLine,
  ImportLineOutcome,
  ImportStatus,
  ImportSummary,
} from '@maestro/shared/schema';
import type { StoredLine } from './validation';

/** An import without its lines (they can weigh megabytes). */
export interface ImportRow {
  id: string;
  laboratoryId: string;
  fileName: string;
  size: number;
  sha256: string;
  storageKey: string;
  encoding: string;
  delimiter: string | null;
  status: ImportStatus;
  lineCount: number;
  counts: Record<ImportLineOutcome, number>;
  analysisIds: string[];
  existingCount: number;
  existingChoice: ExistingResults | null;
  writtenResidues: number | null;
  createdBy: string | null;
  labTokenId: string | null;
  createdAt: Date;
  committedAt: Date | null;
}

const columns = [
  'id',
  'laboratoryId',
  'fileName',
  'size',
  'sha256',
  'storageKey',
  'encoding',
  'delimiter',
  'status',
  'lineCount',
  'counts',
  'analysisIds',
  'existingCount',
  'existingChoice',
  'writtenResidues',
  'createdBy',
  'labTokenId',
  'createdAt',
  'committedAt',
];

export const toImportSummary = (row: ImportRow): ImportSummary => ({
  id: row.id,
  laboratoryId: row.laboratoryId,
  fileName: row.fileName,
  encoding: row.encoding,
  delimiter: row.delimiter,
  status: row.status,
  lineCount: row.lineCount,
  counts: row.counts,
  analysisCount: row.analysisIds.length,
  existingCount: row.existingCount,
  createdAt: new Date(row.createdAt).toISOString(),
  committedAt: row.committedAt ? new Date(row.committedAt).toISOString() : null,
  writtenResidues: row.writtenResidues,
});

export function createImportRepository(db: Db) {
  const q = () => executor(db)('analysisImports');
  return {
    async find(id: string, options: { forUpdate?: boolean } = {}): Promise<ImportRow | null> {
      const query = q().where({ id }).first(columns);
      if (options.forUpdate) query.forUpdate();
      return ((await query) as ImportRow | undefined) ?? null;
    },

    async insert(values: {
      id: string;
      laboratoryId: string;
      fileName: string;
      size: number;
      sha256: string;
      storageKey: string;
      encoding: string;
      delimiter: string | null;
      lineCount: number;
      counts: Record<ImportLineOutcome, number>;
      lines: StoredLine[];
      analysisIds: string[];
      existingCount: number;
      createdBy: string | null;
      labTokenId: string | null;
    }): Promise<ImportRow> {
      const [row] = await q()
        .insert({
          ...values,
          status: 'Previewed',
          counts: JSON.stringify(values.counts),
          lines: JSON.stringify(values.lines),
        })
        .returning(columns);
      return row as ImportRow;
    },

    /** Every line as stored (with its cells), in file order. */
    async storedLines(id: string): Promise<StoredLine[]> {
      const row = await q().where({ id }).first('lines');
      return ((row as { lines: StoredLine[] } | undefined)?.lines ?? []) as StoredLine[];
    },

    /** One page of the lines, filtered by outcome, paginated by the database. */
    async linePage(
      id: string,
      query: { outcome?: ImportLineOutcome; page: number; perPage: number },
    ): Promise<ImportLine[]> {
      const { rows } = (await executor(db).raw(
        `select l.elem - 'fields' as line
           from analysis_imports i
           cross join lateral jsonb_array_elements(i.lines) with ordinality as l(elem, n)
          where i.id = ? and (?::text is null or l.elem->>'outcome' = ?::text)
          order by l.n
          limit ? offset ?`,
        [
          id,
          query.outcome ?? null,
          query.outcome ?? null,
          query.perPage,
          (query.page - 1) * query.perPage,
        ],
      )) as { rows: { line: ImportLine }[] };
      return rows.map((row) => row.line);
    },

    async markCommitted(
      id: string,
      values: {
        counts: Record<ImportLineOutcome, number>;
        lines: StoredLine[];
        analysisIds: string[];
        existingCount: number;
        existingChoice: ExistingResults;
        writtenResidues: number;
      },
    ): Promise<ImportRow> {
      const [row] = await q()
        .where({ id })
        .update({
          ...values,
          status: 'Committed',
          committedAt: db.fn.now(),
          counts: JSON.stringify(values.counts),
          lines: JSON.stringify(values.lines),
        })
        .returning(columns);
      return row as ImportRow;
    },
  };
}

export type ImportRepository = ReturnType<typeof createImportRepository>;
