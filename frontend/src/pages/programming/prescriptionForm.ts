import type { Stage } from '@maestro/shared/referential';
import {
  type LaboratoryChoice,
  type Prescription,
  type PrescriptionSubstance,
  PrescriptionToSave,
  type ProgrammedContext,
} from '@maestro/shared/schema';

/** The fields of the prescription form, as typed. */
export interface PrescriptionFormValues {
  context: ProgrammedContext;
  matrixKindCode: string;
  stages: Stage[];
  sampleCount: string;
  laboratoryChoice: LaboratoryChoice;
  substances: PrescriptionSubstance[];
  instructions: string;
}

export type PrescriptionFormField = keyof PrescriptionFormValues;
export type PrescriptionFormErrors = Partial<Record<PrescriptionFormField, string>>;

export const emptyPrescriptionForm: PrescriptionFormValues = {
  context: 'Surveillance',
  matrixKindCode: '',
  stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
  sampleCount: '',
  laboratoryChoice: 'National',
  substances: [],
  instructions: '',
};

export const prescriptionFormValuesOf = (p: Prescription): PrescriptionFormValues => ({
  context: p.context,
  matrixKindCode: p.matrixKindCode,
  stages: [...p.stages],
  sampleCount: String(p.sampleCount),
  laboratoryChoice: p.laboratoryChoice,
  substances: p.substances.map((s) => ({ ...s })),
  instructions: p.instructions,
});

const fields = new Set<string>(Object.keys(emptyPrescriptionForm));

/** The field of an issue path: `substances.2.substanceCode` or `body.substances…` → substances. */
function fieldOf(path: readonly PropertyKey[] | string): PrescriptionFormField | null {
  const parts = typeof path === 'string' ? path.split('.') : path.map(String);
  const [first, second] = parts;
  const field = first === 'body' ? second : first;
  return field && fields.has(field) ? (field as PrescriptionFormField) : null;
}

function errorsOf(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
): PrescriptionFormErrors {
  const errors: PrescriptionFormErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

type Parsed =
  | { ok: true; value: PrescriptionToSave }
  | { ok: false; errors: PrescriptionFormErrors };

/** The body sent to the API, checked with the API's own schema. */
export function toPrescriptionToSave(values: PrescriptionFormValues): Parsed {
  const count = values.sampleCount.trim();
  const errors: PrescriptionFormErrors = {};
  if (count === '') errors.sampleCount = 'Indiquez le nombre de prélèvements programmés.';
  else if (!/^\d+$/.test(count))
    errors.sampleCount = 'Le nombre de prélèvements doit être un nombre entier.';
  const parsed = PrescriptionToSave.safeParse({
    context: values.context,
    matrixKindCode: values.matrixKindCode,
    stages: values.stages,
    sampleCount: /^\d+$/.test(count) ? Number(count) : 1,
    laboratoryChoice: values.laboratoryChoice,
    substances: values.substances,
    instructions: values.instructions,
  });
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, value: parsed.data };
  return {
    ok: false,
    errors: { ...(parsed.success ? {} : errorsOf(parsed.error.issues)), ...errors },
  };
}

/** The field messages of an API refusal (`body.sampleCount` → sampleCount). */
export const apiPrescriptionErrors = (
  issues: readonly { path: string; message: string }[],
): PrescriptionFormErrors => errorsOf(issues);

const fieldOrder: PrescriptionFormField[] = [
  'context',
  'matrixKindCode',
  'stages',
  'sampleCount',
  'laboratoryChoice',
  'substances',
  'instructions',
];

export const prescriptionFieldId = (field: PrescriptionFormField) => `prescription-${field}`;

/** Moves the focus to the first field in error. */
export function focusFirstPrescriptionError(errors: PrescriptionFormErrors): void {
  const field = fieldOrder.find((candidate) => errors[candidate]);
  if (!field) return;
  const element = document.getElementById(prescriptionFieldId(field));
  const target = element instanceof HTMLFieldSetElement ? element.querySelector('input') : element;
  target?.focus();
}
