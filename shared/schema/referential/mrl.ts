import { z } from 'zod';
import { Version } from '../common/common';

/** The largest MRL an administrator may enter, in mg/kg. */
export const MRL_MAX_VALUE = 100_000;
/** The table keeps 6 decimals (numeric(12, 6)): a finer value would be rounded silently. */
export const MRL_DECIMALS = 6;
/** The column is a varchar(255). */
export const MRL_SOURCE_MAX_LENGTH = 255;

const hasAtMostDecimals = (value: number) => Number(value.toFixed(MRL_DECIMALS)) === value;

/** An MRL as an administrator enters it, in mg/kg. */
export const MrlValueInput = z
  .number({ message: 'Indiquez la LMR en mg/kg (valeur numérique, par exemple 0,05).' })
  .gt(0, { message: 'La LMR doit être strictement positive.' })
  .max(MRL_MAX_VALUE, { message: 'La LMR ne peut pas dépasser 100 000 mg/kg.' })
  .refine(hasAtMostDecimals, { message: 'La LMR s’écrit avec 6 décimales au plus.' });

/** Where the value comes from (regulation, date of the correction…). */
export const MrlSourceInput = z
  .string({ message: 'Indiquez la source de la LMR.' })
  .trim()
  .min(1, { message: 'Indiquez la source de la LMR (règlement, date de publication…).' })
  .max(MRL_SOURCE_MAX_LENGTH, {
    message: `La source ne peut pas dépasser ${MRL_SOURCE_MAX_LENGTH} caractères.`,
  });

const SubstanceCodeField = z
  .string({ message: 'Choisissez la substance.' })
  .trim()
  .min(1, { message: 'Choisissez la substance.' })
  .max(40, { message: 'Code de substance invalide.' });
const MatrixCodeField = z
  .string({ message: 'Choisissez la matrice.' })
  .trim()
  .min(1, { message: 'Choisissez la matrice.' })
  .max(40, { message: 'Code de matrice invalide.' });

/** One line of the MRL table (substance × matrix), as an administrator manages it. */
export const MrlRow = z.object({
  substanceCode: z.string(),
  matrixCode: z.string(),
  /** mg/kg */
  value: z.number(),
  source: z.string(),
  version: Version,
  updatedAt: z.coerce.date(),
  /** Set by an administrator (corrected or added): the referential load never overwrites it. */
  corrected: z.boolean(),
});
export type MrlRow = z.infer<typeof MrlRow>;

export const FindMrlTableQuery = z.object({
  matrixCode: MatrixCodeField.optional(),
  substanceCode: SubstanceCodeField.optional(),
  /** Part of a substance's name or code. */
  q: z.string().trim().max(100).optional(),
  page: z.number().int().min(1).default(1),
  perPage: z.number().int().min(1).max(100).default(20),
});
export type FindMrlTableQuery = z.infer<typeof FindMrlTableQuery>;

export const MrlKey = z.object({
  substanceCode: SubstanceCodeField,
  matrixCode: MatrixCodeField,
});
export type MrlKey = z.infer<typeof MrlKey>;

/** A correction: the new value and its source, with the version the administrator read. */
export const MrlToUpdate = z.object({
  value: MrlValueInput,
  source: MrlSourceInput,
  version: Version,
});
export type MrlToUpdate = z.infer<typeof MrlToUpdate>;

/** An MRL missing from the table (otherwise the default 0.01 mg/kg applies). */
export const MrlToCreate = z.object({
  substanceCode: SubstanceCodeField,
  matrixCode: MatrixCodeField,
  value: MrlValueInput,
  source: MrlSourceInput,
});
export type MrlToCreate = z.infer<typeof MrlToCreate>;
