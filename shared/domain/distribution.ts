import { Departments } from '../referential/geo';

export interface RegionalLine {
  /** How the line is named in messages, e.g. "Fruits à pépins — Surveillance". */
  label: string;
  /** The national count of the prescription. */
  sampleCount: number;
  regions: readonly { regionCode: string; sampleCount: number }[];
}

export interface DepartmentalLine {
  label: string;
  /** The region's count of the prescription. */
  regionalCount: number;
  departments: readonly { departmentCode: string; sampleCount: number }[];
}

/**
 * `editing`: what must hold at every save (never more than the count above);
 * `complete`: what must hold before the plan moves on (exactly the count above);
 * `ifStarted` (departments of a REGIONAL plan): complete for lines that were split at all.
 */
export type DistributionMode = 'editing' | 'complete' | 'ifStarted';

const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
const sum = (values: readonly { sampleCount: number }[]) =>
  values.reduce((total, v) => total + v.sampleCount, 0);

/** The problems of the national split of each prescription between regions, in French. */
export function regionalDistributionProblems(
  lines: readonly RegionalLine[],
  mode: DistributionMode,
): string[] {
  const problems: string[] = [];
  if (mode === 'complete' && lines.length === 0) {
    problems.push(
      'Ajoutez au moins une prescription avant d’envoyer la programmation aux régions.',
    );
  }
  for (const line of lines) {
    const total = sum(line.regions);
    if (total > line.sampleCount) {
      problems.push(
        `« ${line.label} » : ${plural(total, 'prélèvement')} réparti${total > 1 ? 's' : ''} entre les régions pour ${line.sampleCount} programmé${line.sampleCount > 1 ? 's' : ''} au niveau national.`,
      );
    } else if (mode !== 'editing' && total < line.sampleCount) {
      problems.push(
        `« ${line.label} » : ${plural(line.sampleCount - total, 'prélèvement')} reste${line.sampleCount - total > 1 ? 'nt' : ''} à répartir entre les régions.`,
      );
    }
  }
  return problems;
}

/** The problems of a region's split of its counts between its departments, in French. */
export function departmentalDistributionProblems(
  regionCode: string,
  lines: readonly DepartmentalLine[],
  mode: DistributionMode,
): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    for (const { departmentCode } of line.departments) {
      if (Departments[departmentCode]?.regionCode !== regionCode) {
        problems.push(
          `« ${line.label} » : le département ${departmentCode} n’appartient pas à la région.`,
        );
      }
    }
    const total = sum(line.departments);
    if (total > line.regionalCount) {
      problems.push(
        `« ${line.label} » : ${plural(total, 'prélèvement')} réparti${total > 1 ? 's' : ''} entre les départements pour ${line.regionalCount} attribué${line.regionalCount > 1 ? 's' : ''} à la région.`,
      );
    } else if (
      total < line.regionalCount &&
      (mode === 'complete' || (mode === 'ifStarted' && total > 0))
    ) {
      problems.push(
        `« ${line.label} » : ${plural(line.regionalCount - total, 'prélèvement')} reste${line.regionalCount - total > 1 ? 'nt' : ''} à répartir entre les départements.`,
      );
    }
  }
  return problems;
}

/** The regions that have at least one sample programmed: they are the ones that must act. */
export function regionsWithSamples(
  regionalLines: readonly { regionCode: string; sampleCount: number }[],
): string[] {
  const totals = new Map<string, number>();
  for (const line of regionalLines) {
    totals.set(line.regionCode, (totals.get(line.regionCode) ?? 0) + line.sampleCount);
  }
  return [...totals]
    .filter(([, total]) => total > 0)
    .map(([code]) => code)
    .sort();
}
