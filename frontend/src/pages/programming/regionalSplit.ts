import {
  type DepartmentalLine,
  type DistributionMode,
  departmentalDistributionProblems,
} from '@maestro/shared/domain';
import type { DepartmentalSplitToSave, Prescription } from '@maestro/shared/schema';
import { parseCount } from './nationalGrid';

/** A region's line as edited: the count of each department as typed, and the laboratory. */
export interface SplitLineDraft {
  departments: Readonly<Record<string, string>>;
  laboratoryId: string | null;
}

/** The edited lines only: prescription id → line. */
export type SplitDraft = Readonly<Record<string, SplitLineDraft>>;

/** The prescriptions that give the region samples to split. */
export const regionLines = (prescriptions: readonly Prescription[], regionCode: string) =>
  prescriptions.flatMap((prescription) => {
    const line = prescription.regions.find((r) => r.regionCode === regionCode);
    return line && line.sampleCount > 0 ? [{ prescription, line }] : [];
  });

export type RegionLine = ReturnType<typeof regionLines>[number];

/** The line as saved, in the shape of the draft. */
export function savedSplit({ prescription, line }: RegionLine): SplitLineDraft {
  const departments: Record<string, string> = {};
  for (const d of prescription.departments) {
    if (d.regionCode === line.regionCode && d.sampleCount > 0)
      departments[d.departmentCode] = String(d.sampleCount);
  }
  return { departments, laboratoryId: line.laboratoryId };
}

export const splitValue = (regionLine: RegionLine, draft: SplitDraft): SplitLineDraft =>
  draft[regionLine.prescription.id] ?? savedSplit(regionLine);

export const departmentCount = (value: SplitLineDraft, departmentCode: string): number =>
  parseCount(value.departments[departmentCode] ?? '') ?? 0;

export const splitTotal = (value: SplitLineDraft, departmentCodes: readonly string[]): number =>
  departmentCodes.reduce((total, code) => total + departmentCount(value, code), 0);

const sameSplit = (a: SplitLineDraft, b: SplitLineDraft, departmentCodes: readonly string[]) =>
  a.laboratoryId === b.laboratoryId &&
  departmentCodes.every(
    (code) =>
      parseCount(a.departments[code] ?? '') === parseCount(b.departments[code] ?? '') &&
      (a.departments[code] ?? '').trim() === (b.departments[code] ?? '').trim(),
  );

/** Writes one change into the draft, dropping the line when it is back to what is saved. */
export function editSplit(
  draft: SplitDraft,
  regionLine: RegionLine,
  departmentCodes: readonly string[],
  change: { departmentCode: string; count: string } | { laboratoryId: string | null },
): SplitDraft {
  const current = splitValue(regionLine, draft);
  const next: SplitLineDraft =
    'departmentCode' in change
      ? {
          ...current,
          departments: { ...current.departments, [change.departmentCode]: change.count },
        }
      : { ...current, laboratoryId: change.laboratoryId };
  const result = { ...draft };
  if (sameSplit(next, savedSplit(regionLine), departmentCodes))
    delete result[regionLine.prescription.id];
  else result[regionLine.prescription.id] = next;
  return result;
}

const countsDiffer = (a: SplitLineDraft, b: SplitLineDraft, departmentCodes: readonly string[]) =>
  departmentCodes.some(
    (code) =>
      (parseCount(a.departments[code] ?? '') ?? -1) !==
      (parseCount(b.departments[code] ?? '') ?? -1),
  );

/** The lines whose split or laboratory differs from what is saved. */
export function changedSplits(
  lines: readonly RegionLine[],
  draft: SplitDraft,
  departmentCodes: readonly string[],
): RegionLine[] {
  return lines.filter((regionLine) => {
    const edited = draft[regionLine.prescription.id];
    if (!edited) return false;
    const saved = savedSplit(regionLine);
    return (
      edited.laboratoryId !== saved.laboratoryId || countsDiffer(edited, saved, departmentCodes)
    );
  });
}

/** The departments whose typed count is not a whole number. */
export const invalidDepartments = (
  lines: readonly RegionLine[],
  draft: SplitDraft,
): { prescriptionId: string; departmentCode: string }[] =>
  lines.flatMap(({ prescription }) =>
    Object.entries(draft[prescription.id]?.departments ?? {})
      .filter(([, value]) => parseCount(value) === null)
      .map(([departmentCode]) => ({ prescriptionId: prescription.id, departmentCode })),
  );

/** The lines of the shared distribution rules, as the table shows them now. */
export function splitLines(
  lines: readonly RegionLine[],
  draft: SplitDraft,
  departmentCodes: readonly string[],
  labels: ReadonlyMap<string, string>,
): DepartmentalLine[] {
  return lines.map((regionLine) => {
    const value = splitValue(regionLine, draft);
    return {
      label: labels.get(regionLine.prescription.id) ?? regionLine.prescription.id,
      regionalCount: regionLine.line.sampleCount,
      departments: departmentCodes
        .map((departmentCode) => ({
          departmentCode,
          sampleCount: departmentCount(value, departmentCode),
        }))
        .filter((d) => d.sampleCount > 0),
    };
  });
}

export const splitProblems = (
  regionCode: string,
  lines: readonly DepartmentalLine[],
  mode: DistributionMode,
): string[] => departmentalDistributionProblems(regionCode, lines, mode);

/** The request that saves the changed lines, each with the version of the regional line. */
export function splitToSave(
  changed: readonly RegionLine[],
  draft: SplitDraft,
  departmentCodes: readonly string[],
): DepartmentalSplitToSave {
  return {
    lines: changed.map((regionLine) => {
      const value = splitValue(regionLine, draft);
      return {
        prescriptionId: regionLine.prescription.id,
        laboratoryId:
          regionLine.prescription.laboratoryChoice === 'National'
            ? regionLine.line.laboratoryId
            : value.laboratoryId,
        version: regionLine.line.version,
        departments: departmentCodes
          .map((departmentCode) => ({
            departmentCode,
            sampleCount: departmentCount(value, departmentCode),
          }))
          .filter((d) => d.sampleCount > 0),
      };
    }),
  };
}
