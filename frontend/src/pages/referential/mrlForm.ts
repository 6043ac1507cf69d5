import { Matrices, Substances } from '@maestro/shared/referential';
import { MrlToCreate, MrlToUpdate } from '@maestro/shared/schema';
import { parseDecimal } from '../analyses/resultsForm';

/** A value of the table in French notation (« 0,05 », « 1 000 »). */
export const formatMrlValue = (value: number): string =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 6 }).format(value);

/** A value as the form shows it for editing (« 0,05 », no thousands separator). */
export const mrlValueText = (value: number): string =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 6, useGrouping: false }).format(value);

export const substanceLabel = (code: string): string => Substances[code]?.label ?? code;
export const matrixLabel = (code: string): string => Matrices[code]?.label ?? code;

export type MrlField = 'substanceCode' | 'matrixCode' | 'value' | 'source';
export type MrlFormErrors = Partial<Record<MrlField, string>>;

export interface MrlFormValues {
  value: string;
  source: string;
}

/** The value typed with a French comma (or a point); the text itself when it is no number. */
const typedValue = (text: string): number | string => parseDecimal(text) ?? text;

function errorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const errors: MrlFormErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '') as MrlField;
    if (['substanceCode', 'matrixCode', 'value', 'source'].includes(field))
      errors[field] ??= issue.message;
  }
  return errors;
}

/** A correction ready to send, or the messages of its fields (the server's own rules). */
export function toMrlUpdate(
  values: MrlFormValues,
  version: number,
): { body: MrlToUpdate; errors: null } | { body: null; errors: MrlFormErrors } {
  const parsed = MrlToUpdate.safeParse({
    value: typedValue(values.value),
    source: values.source,
    version,
  });
  return parsed.success
    ? { body: parsed.data, errors: null }
    : { body: null, errors: errorsOf(parsed.error.issues) };
}

/** A new MRL ready to send, or the messages of its fields. */
export function toMrlCreate(
  values: MrlFormValues & { substanceCode: string; matrixCode: string },
): { body: MrlToCreate; errors: null } | { body: null; errors: MrlFormErrors } {
  const parsed = MrlToCreate.safeParse({
    substanceCode: values.substanceCode,
    matrixCode: values.matrixCode,
    value: typedValue(values.value),
    source: values.source,
  });
  return parsed.success
    ? { body: parsed.data, errors: null }
    : { body: null, errors: errorsOf(parsed.error.issues) };
}

/** The reminder every change ends with: past verdicts stand until re-evaluated. */
export const PAST_VERDICTS_REMINDER =
  'Les analyses déjà jugées gardent leur verdict : elles affichent « LMR modifiée » jusqu’à ce qu’un coordinateur les réévalue.';
