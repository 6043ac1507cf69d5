import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Db, transaction } from '@maestro/database';
import { canReadImport } from '@maestro/shared/domain';
import {
  type AuthUser,
  type ExistingResults,
  IMPORT_MAX_BYTES,
  type ImportCommitInput,
  type ImportLinePage,
  type ImportLinesQuery,
  type ImportSummary,
  type ImportUploadQuery,
  type ResultsContent,
} from '@maestro/shared/schema';
import type { Logger } from 'pino';
import type { FileStorage } from '../../adapters/storage';
import { recordAudit } from '../../audit/repository';
import { actingLabTokenId, actingUserId } from '../../http/context';
import { ConflictError, ForbiddenError, NotFoundError } from '../../http/errors';
import { fileTooLarge, readLimited } from '../../http/upload';
import { parseResultFile } from './parser';
import { createImportRepository, type ImportRow, toImportSummary } from './repository';
import { importTemplate, XLSX_TYPE } from './template';
import { loadValidationContext, type StoredLine, validateImportLines } from './validation';

/**
 * Writes the results of an import, inside the caller's (ambient) transaction: the analyses
 * service's `applyImportedResults`. With `Keep`, analyses that hold results already are left
 * as they are; with `Replace`, they get a new version of their results.
 */
export type ApplyImportedResults = (
  user: AuthUser,
  entries: { analysisId: string; content: ResultsContent }[],
  options: { existing: ExistingResults; importId: string; fileName: string },
) => Promise<{ writtenResidues: number; analysisIds: string[] }>;

export interface ImportServiceDependencies {
  db: Db;
  storage: FileStorage;
  applyResults: ApplyImportedResults;
  logger?: Logger;
  now?: () => Date;
}

const importNotFound = () => new NotFoundError('Cet import est introuvable.');

const tooLarge = () => fileTooLarge(IMPORT_MAX_BYTES);

/** Up to 20 lines in error, for a 409 (the preview lists them all). */
const lineIssues = (lines: readonly StoredLine[]) =>
  lines.slice(0, 20).map((line) => ({
    path: `lines.${line.line}`,
    message: `Ligne ${line.line} : ${line.messages.join(' ')}`,
  }));

const lineNumbers = (lines: readonly StoredLine[]) =>
  lines.length > 10
    ? `${lines
        .slice(0, 10)
        .map((l) => l.line)
        .join(', ')}…`
    : lines.map((l) => l.line).join(', ');

const isLaboratory = (user: AuthUser) => user.role === 'LaboratoryUser' && !!user.laboratoryId;

/**
 * Result imports (a CSV or XLSX file from a laboratory): the preview checks every line and
 * writes nothing but the import itself and its original file; the commit re-checks the lines
 * against the database as it is then and writes all of them or nothing.
 */
export function createImportService({
  db,
  storage,
  applyResults,
  logger,
  now = () => new Date(),
}: ImportServiceDependencies) {
  const imports = createImportRepository(db);
  const today = () => now().toISOString().slice(0, 10);

  /** The laboratory of a user who may import (a laboratory user or a token); 403 otherwise. */
  function laboratoryOf(user: AuthUser): string {
    if (!isLaboratory(user) || !user.laboratoryId)
      throw new ForbiddenError('Seul un laboratoire importe des résultats.');
    return user.laboratoryId;
  }

  /** The import, when the user may see it: its laboratory, national roles; 404 otherwise. */
  async function readable(user: AuthUser, id: string): Promise<ImportRow> {
    const row = await imports.find(id);
    if (!row) throw importNotFound();
    if (!canReadImport(user, row.laboratoryId)) throw importNotFound();
    return row;
  }

  return {
    template: importTemplate,

    /**
     * Reads and checks a file (nothing of the results is written): stores the original file and
     * the import with each line's outcome.
     */
    async preview(
      user: AuthUser,
      query: ImportUploadQuery,
      declaredLength: number | null,
      body: Readable,
    ): Promise<ImportSummary> {
      const laboratoryId = laboratoryOf(user);
      if (declaredLength !== null && declaredLength > IMPORT_MAX_BYTES) {
        body.resume();
        throw tooLarge();
      }
      const content = await readLimited(body, IMPORT_MAX_BYTES);
      const parsed = await parseResultFile(content, query.encoding);
      const context = await loadValidationContext(db, laboratoryId, parsed.lines, {
        today: today(),
      });
      const result = validateImportLines(parsed.lines, context);
      const id = randomUUID();
      const storageKey = `imports/${id}/${randomUUID()}`;
      await storage.put(storageKey, content, {
        contentType: parsed.format === 'xlsx' ? XLSX_TYPE : 'text/csv',
        size: content.length,
      });
      try {
        const row = await transaction(db, async () => {
          const inserted = await imports.insert({
            id,
            laboratoryId,
            fileName: query.fileName,
            size: content.length,
            sha256: createHash('sha256').update(content).digest('hex'),
            storageKey,
            encoding: parsed.encoding,
            delimiter: parsed.delimiter,
            lineCount: result.lines.length,
            counts: result.counts,
            lines: result.lines,
            analysisIds: result.entries.map((entry) => entry.analysisId),
            existingCount: result.existingCount,
            createdBy: actingUserId(),
            labTokenId: actingLabTokenId(),
          });
          const summary = toImportSummary(inserted);
          await recordAudit(db, {
            entity: 'analysisImport',
            entityId: id,
            action: 'preview',
            after: summary,
          });
          return inserted;
        });
        logger?.info(
          { importId: id, lines: row.lineCount, counts: row.counts },
          'result import previewed',
        );
        return toImportSummary(row);
      } catch (error) {
        await storage.delete(storageKey).catch(() => {});
        throw error;
      }
    },

    async get(user: AuthUser, id: string): Promise<ImportSummary> {
      return toImportSummary(await readable(user, id));
    },

    async lines(user: AuthUser, id: string, query: ImportLinesQuery): Promise<ImportLinePage> {
      const row = await readable(user, id);
      const items = await imports.linePage(id, query);
      const total = query.outcome ? (row.counts[query.outcome] ?? 0) : row.lineCount;
      return { items, total, page: query.page, perPage: query.perPage };
    },

    /**
     * Writes an import, all or nothing, in one transaction: the import is locked, its lines are
     * checked again against the database as it is now, then the analyses service writes them.
     */
    async commit(user: AuthUser, id: string, input: ImportCommitInput): Promise<ImportSummary> {
      const laboratoryId = laboratoryOf(user);
      const committed = await transaction(db, async () => {
        const row = await imports.find(id, { forUpdate: true });
        if (!row || row.laboratoryId !== laboratoryId) throw importNotFound();
        if (row.status === 'Committed') throw new ConflictError('Cet import a déjà été écrit.');
        const stored = await imports.storedLines(id);
        const inError = stored.filter((line) => line.outcome === 'Error');
        if (inError.length > 0)
          throw new ConflictError(
            `Corrigez les lignes en erreur (${inError.length === 1 ? 'ligne' : 'lignes'} ${lineNumbers(inError)}) puis déposez de nouveau le fichier : rien n’a été écrit.`,
            lineIssues(inError),
          );
        const rows = stored.map(({ line, fields }) => ({ line, fields }));
        const context = await loadValidationContext(db, laboratoryId, rows, {
          lock: true,
          today: today(),
        });
        const result = validateImportLines(rows, context);
        const nowInError = result.lines.filter((line) => line.outcome === 'Error');
        if (nowInError.length > 0)
          throw new ConflictError(
            `Les données ont changé depuis l’aperçu : ${nowInError.length === 1 ? 'la ligne' : 'les lignes'} ${lineNumbers(nowInError)} ${nowInError.length === 1 ? 'est' : 'sont'} maintenant en erreur. Rien n’a été écrit : déposez de nouveau le fichier.`,
            lineIssues(nowInError),
          );
        // Keep: results already present (submitted, or a draft in progress) stay as they are.
        const toWrite = result.entries
          .filter((entry) => input.existing === 'Replace' || !entry.existing)
          .map(({ analysisId, content }) => ({ analysisId, content }));
        const applied = await applyResults(user, toWrite, {
          existing: input.existing,
          importId: id,
          fileName: row.fileName,
        });
        const updated = await imports.markCommitted(id, {
          counts: result.counts,
          lines: result.lines,
          analysisIds: result.entries.map((entry) => entry.analysisId),
          existingCount: result.existingCount,
          existingChoice: input.existing,
          writtenResidues: applied.writtenResidues,
        });
        await recordAudit(db, {
          entity: 'analysisImport',
          entityId: id,
          action: 'commit',
          before: toImportSummary(row),
          after: {
            ...toImportSummary(updated),
            existingChoice: input.existing,
            writtenAnalysisIds: applied.analysisIds,
          },
        });
        return updated;
      });
      logger?.info(
        { importId: id, writtenResidues: committed.writtenResidues },
        'result import committed',
      );
      return toImportSummary(committed);
    },

    /** The original file of an import, for its laboratory and the national roles. */
    async file(user: AuthUser, id: string) {
      const row = await readable(user, id);
      const stored = await storage.get(row.storageKey);
      if (!stored) throw new NotFoundError('Le fichier de cet import est introuvable.');
      return { fileName: row.fileName, stored };
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
