import { z } from 'zod';

/** Family of analytical method able to find a residue. */
export const AnalysisMethod = z.enum(['Mono', 'Multi']);
export type AnalysisMethod = z.infer<typeof AnalysisMethod>;
export const AnalysisMethodList = AnalysisMethod.options;

export const AnalysisMethodLabels: Record<AnalysisMethod, string> = {
  Mono: 'Mono-résidu',
  Multi: 'Multi-résidus',
};
