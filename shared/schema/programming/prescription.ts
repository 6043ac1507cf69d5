import { z } from 'zod';
import { AnalysisMethod } from '../../referential/methods';
import { Stage } from '../../referential/stages';
import { Id, Version } from '../common/common';

/** The contexts a prescription belongs to (programmed samples only). */
export const ProgrammedContext = z.enum(['Surveillance', 'Control']);
export type ProgrammedContext = z.infer<typeof ProgrammedContext>;
export const ProgrammedContextList = ProgrammedContext.options;
export const ProgrammedContextLabels: Record<ProgrammedContext, string> = {
  Surveillance: 'Plan de surveillance',
  Control: 'Plan de contrôle',
};

/** Who chooses the analysing laboratory of a prescription's regional lines. */
export const LaboratoryChoice = z.enum(['National', 'Regional']);
export type LaboratoryChoice = z.infer<typeof LaboratoryChoice>;
export const LaboratoryChoiceList = LaboratoryChoice.options;
export const LaboratoryChoiceLabels: Record<LaboratoryChoice, string> = {
  National: 'Choisi au niveau national',
  Regional: 'Délégué aux régions',
};

export const SampleCount = z
  .number()
  .int({ message: 'Le nombre de prélèvements doit être un nombre entier.' })
  .min(0, { message: 'Le nombre de prélèvements ne peut pas être négatif.' })
  .max(100_000, { message: 'Le nombre de prélèvements est limité à 100 000.' });

export const PrescriptionSubstance = z.object({
  substanceCode: z.string().min(1).max(40),
  method: AnalysisMethod,
});
export type PrescriptionSubstance = z.infer<typeof PrescriptionSubstance>;

export const RegionalPrescription = z.object({
  prescriptionId: Id,
  regionCode: z.string(),
  sampleCount: SampleCount,
  laboratoryId: Id.nullable(),
  version: Version,
});
export type RegionalPrescription = z.infer<typeof RegionalPrescription>;

export const DepartmentalPrescription = z.object({
  prescriptionId: Id,
  regionCode: z.string(),
  departmentCode: z.string(),
  sampleCount: SampleCount,
});
export type DepartmentalPrescription = z.infer<typeof DepartmentalPrescription>;

export const Prescription = z.object({
  id: Id,
  planId: Id,
  context: ProgrammedContext,
  matrixKindCode: z.string(),
  stages: z.array(Stage),
  sampleCount: SampleCount,
  laboratoryChoice: LaboratoryChoice,
  substances: z.array(PrescriptionSubstance),
  instructions: z.string(),
  version: Version,
  /** The regional lines the user may see (all for national roles, their region otherwise). */
  regions: z.array(RegionalPrescription),
  /** The departmental lines the user may see. */
  departments: z.array(DepartmentalPrescription),
  /** Comments per region the user may see. */
  commentCounts: z.array(z.object({ regionCode: z.string(), count: z.number().int() })),
});
export type Prescription = z.infer<typeof Prescription>;

export const PrescriptionToSave = z
  .object({
    context: ProgrammedContext,
    matrixKindCode: z.string().min(1, { message: 'Choisissez une catégorie de matrice.' }),
    stages: z.array(Stage).min(1, { message: 'Choisissez au moins un stade de prélèvement.' }),
    sampleCount: SampleCount.min(1, { message: 'Programmez au moins un prélèvement.' }),
    laboratoryChoice: LaboratoryChoice,
    substances: z.array(PrescriptionSubstance).max(1000),
    instructions: z.string().trim().max(5000, { message: '5 000 caractères au plus.' }),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.substances.forEach((s, index) => {
      if (seen.has(s.substanceCode)) {
        ctx.addIssue({
          code: 'custom',
          path: ['substances', index, 'substanceCode'],
          message: 'Cette substance figure déjà dans la prescription.',
        });
      }
      seen.add(s.substanceCode);
    });
    if (new Set(value.stages).size !== value.stages.length) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'Un stade figure deux fois.' });
    }
  });
export type PrescriptionToSave = z.infer<typeof PrescriptionToSave>;

export const PrescriptionToUpdate = PrescriptionToSave.and(z.object({ version: Version }));
export type PrescriptionToUpdate = z.infer<typeof PrescriptionToUpdate>;

/** One region's column of the national grid: count and laboratory per prescription. */
export const RegionalColumnToSave = z.object({
  lines: z
    .array(
      z.object({
        prescriptionId: Id,
        sampleCount: SampleCount,
        laboratoryId: Id.nullable(),
        /** The version of the regional line read before editing; null when it did not exist. */
        version: Version.nullable(),
      }),
    )
    .max(5000),
});
export type RegionalColumnToSave = z.infer<typeof RegionalColumnToSave>;

/** A region's split of its counts between its departments, and its laboratory choices where delegated. */
export const DepartmentalSplitToSave = z.object({
  lines: z
    .array(
      z.object({
        prescriptionId: Id,
        laboratoryId: Id.nullable(),
        version: Version,
        departments: z
          .array(z.object({ departmentCode: z.string().min(2).max(3), sampleCount: SampleCount }))
          .max(20),
      }),
    )
    .max(5000),
});
export type DepartmentalSplitToSave = z.infer<typeof DepartmentalSplitToSave>;

export const PrescriptionComment = z.object({
  id: Id,
  prescriptionId: Id,
  regionCode: z.string(),
  authorId: Id,
  authorName: z.string(),
  authorRole: z.string(),
  body: z.string(),
  createdAt: z.coerce.date(),
});
export type PrescriptionComment = z.infer<typeof PrescriptionComment>;

export const CommentToCreate = z.object({
  body: z
    .string()
    .trim()
    .min(1, { message: 'Le commentaire est vide.' })
    .max(2000, { message: '2 000 caractères au plus.' }),
});
export type CommentToCreate = z.infer<typeof CommentToCreate>;
