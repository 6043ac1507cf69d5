import { z } from 'zod';

/** Why a sample is taken: within a programme (first three) or outside any programme. */
export const SampleContext = z.enum([
  'Surveillance',
  'Control',
  'Exploratory',
  'LocalPlan',
  'Investigation',
  'ControlSupport',
]);
export type SampleContext = z.infer<typeof SampleContext>;
export const SampleContextList = SampleContext.options;

export const SampleContextLabels: Record<SampleContext, string> = {
  Surveillance: 'Plan de surveillance',
  Control: 'Plan de contrôle',
  Exploratory: 'Exploratoire',
  LocalPlan: 'Plan local',
  Investigation: 'Enquête',
  ControlSupport: 'Appui au contrôle',
};

/** Contexts of the national programme. */
export const ProgrammeContextList: SampleContext[] = ['Surveillance', 'Control', 'Exploratory'];

/** Contexts of samples taken outside the national programme. */
export const OutOfProgrammeContextList: SampleContext[] = [
  'LocalPlan',
  'Investigation',
  'ControlSupport',
];

export const isProgrammeContext = (context: SampleContext): boolean =>
  ProgrammeContextList.includes(context);

/** Legal framework of the sampling. */
export const LegalContext = z.enum(['A', 'B']);
export type LegalContext = z.infer<typeof LegalContext>;
export const LegalContextList = LegalContext.options;

export const LegalContextLabels: Record<LegalContext, string> = {
  A: 'Police administrative',
  B: 'Police judiciaire',
};
