import { type RegionalLine, regionalDistributionProblems } from '@maestro/shared/domain';
import type { Prescription, RegionalColumnToSave } from '@maestro/shared/schema';

/** A cell of the national grid as typed: the count as text, and the laboratory. */
export interface CellDraft {
  count: string;
  laboratoryId: string | null;
}

/** The edited cells only: prescription id → region code → cell. */
export type GridDraft = Readonly<Record<string, Readonly<Record<string, CellDraft>>>>;

/** A typed count: '' is 0; anything but a whole number from 0 to 100 000 is invalid (null). */
export function parseCount(value: string): number | null {
  const text = value.trim();
  if (text === '') return 0;
  if (!/^\d+$/.test(text)) return null;
  const count = Number(text);
  return count <= 100_000 ? count : null;
}

/** The saved regional line of a prescription for a region, if any. */
export const savedLine = (prescription: Prescription, regionCode: string) =>
  prescription.regions.find((line) => line.regionCode === regionCode);

/** What a cell shows: the edit if any, else the saved line ('' when there is none). */
export function cellValue(
  prescription: Prescription,
  regionCode: string,
  draft: GridDraft,
): CellDraft {
  const edited = draft[prescription.id]?.[regionCode];
  if (edited) return edited;
  const line = savedLine(prescription, regionCode);
  return line
    ? { count: String(line.sampleCount), laboratoryId: line.laboratoryId }
    : { count: '', laboratoryId: null };
}

/** The count of a cell as a number (0 while the typed text is invalid). */
export const cellCount = (prescription: Prescription, regionCode: string, draft: GridDraft) =>
  parseCount(cellValue(prescription, regionCode, draft).count) ?? 0;

export const rowTotal = (
  prescription: Prescription,
  regionCodes: readonly string[],
  draft: GridDraft,
): number => regionCodes.reduce((total, code) => total + cellCount(prescription, code, draft), 0);

export const columnTotal = (
  prescriptions: readonly Prescription[],
  regionCode: string,
  draft: GridDraft,
): number => prescriptions.reduce((total, p) => total + cellCount(p, regionCode, draft), 0);

/** Writes one cell into the draft, dropping it when it is back to the saved value. */
export function editCell(
  draft: GridDraft,
  prescription: Prescription,
  regionCode: string,
  change: Partial<CellDraft>,
): GridDraft {
  const next = { ...cellValue(prescription, regionCode, draft), ...change };
  const row = { ...(draft[prescription.id] ?? {}) };
  if (isSaved(prescription, regionCode, next)) delete row[regionCode];
  else row[regionCode] = next;
  const result = { ...draft };
  if (Object.keys(row).length === 0) delete result[prescription.id];
  else result[prescription.id] = row;
  return result;
}

function isSaved(prescription: Prescription, regionCode: string, cell: CellDraft): boolean {
  const line = savedLine(prescription, regionCode);
  const count = parseCount(cell.count);
  if (!line) return count === 0 && cell.laboratoryId === null && cell.count.trim() === '';
  return (
    count === line.sampleCount &&
    cell.count.trim() === String(line.sampleCount) &&
    cell.laboratoryId === line.laboratoryId
  );
}

export interface CellChange {
  prescriptionId: string;
  regionCode: string;
  sampleCount: number;
  laboratoryId: string | null;
  version: number | null;
  previousCount: number;
}

/** The cells whose count or laboratory differs from what is saved (invalid counts excluded). */
export function changedCells(
  prescriptions: readonly Prescription[],
  draft: GridDraft,
): CellChange[] {
  const changes: CellChange[] = [];
  for (const prescription of prescriptions) {
    const row = draft[prescription.id];
    if (!row) continue;
    for (const [regionCode, cell] of Object.entries(row)) {
      const count = parseCount(cell.count);
      if (count === null) continue;
      const line = savedLine(prescription, regionCode);
      if (line && line.sampleCount === count && line.laboratoryId === cell.laboratoryId) continue;
      if (!line && count === 0 && cell.laboratoryId === null) continue;
      changes.push({
        prescriptionId: prescription.id,
        regionCode,
        sampleCount: count,
        laboratoryId: cell.laboratoryId,
        version: line?.version ?? null,
        previousCount: line?.sampleCount ?? 0,
      });
    }
  }
  return changes;
}

/** The cells whose typed count is not a whole number between 0 and 100 000. */
export function invalidCells(
  prescriptions: readonly Prescription[],
  draft: GridDraft,
): { prescriptionId: string; regionCode: string }[] {
  return prescriptions.flatMap((prescription) =>
    Object.entries(draft[prescription.id] ?? {})
      .filter(([, cell]) => parseCount(cell.count) === null)
      .map(([regionCode]) => ({ prescriptionId: prescription.id, regionCode })),
  );
}

export interface ColumnSave {
  regionCode: string;
  body: RegionalColumnToSave;
}

/**
 * The requests that save the changed cells, one per region column, in two passes: first the
 * columns' decreases (and laboratory changes), then their increases. The API checks after
 * each column that no prescription exceeds its national count; moving samples from one region
 * to another is then never refused half-way.
 */
export function columnSaves(changes: readonly CellChange[]): ColumnSave[] {
  const passes = [
    changes.filter((change) => change.sampleCount <= change.previousCount),
    changes.filter((change) => change.sampleCount > change.previousCount),
  ];
  return passes.flatMap((pass) => {
    const byRegion = new Map<string, CellChange[]>();
    for (const change of pass) {
      byRegion.set(change.regionCode, [...(byRegion.get(change.regionCode) ?? []), change]);
    }
    return [...byRegion].map(([regionCode, lines]) => ({
      regionCode,
      body: {
        lines: lines.map(({ prescriptionId, sampleCount, laboratoryId, version }) => ({
          prescriptionId,
          sampleCount,
          laboratoryId,
          version,
        })),
      },
    }));
  });
}

/** The lines of the shared distribution rules, as the grid shows them now. */
export function gridLines(
  prescriptions: readonly Prescription[],
  regionCodes: readonly string[],
  draft: GridDraft,
  labels: ReadonlyMap<string, string>,
): RegionalLine[] {
  return prescriptions.map((p) => ({
    label: labels.get(p.id) ?? p.id,
    sampleCount: p.sampleCount,
    regions: regionCodes.map((regionCode) => ({
      regionCode,
      sampleCount: cellCount(p, regionCode, draft),
    })),
  }));
}

/** What blocks saving: a prescription split beyond its national count. */
export const editingProblems = (lines: readonly RegionalLine[]): string[] =>
  regionalDistributionProblems(lines, 'editing');

/**
 * What remains to do before sending the plan to the regions (not blocking a save): counts left
 * to split, and the laboratories to choose where the national level chooses them.
 */
export function remainingProblems(
  prescriptions: readonly Prescription[],
  regionCodes: readonly string[],
  draft: GridDraft,
  labels: ReadonlyMap<string, string>,
  regionName: (code: string) => string,
): string[] {
  const lines = gridLines(prescriptions, regionCodes, draft, labels);
  const editing = new Set(editingProblems(lines));
  const problems = regionalDistributionProblems(lines, 'complete').filter(
    (problem) => !editing.has(problem),
  );
  for (const p of prescriptions) {
    if (p.laboratoryChoice !== 'National') continue;
    for (const regionCode of regionCodes) {
      const cell = cellValue(p, regionCode, draft);
      if ((parseCount(cell.count) ?? 0) > 0 && cell.laboratoryId === null) {
        problems.push(
          `« ${labels.get(p.id) ?? p.id} » : choisissez le laboratoire de la région ${regionName(regionCode)}.`,
        );
      }
    }
  }
  return problems;
}
