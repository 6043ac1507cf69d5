import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { MatrixKindList, StageLabels, StageList } from '@maestro/shared/referential';
import {
  LaboratoryChoice,
  LaboratoryChoiceLabels,
  LaboratoryChoiceList,
  ProgrammedContext,
  ProgrammedContextLabels,
  ProgrammedContextList,
} from '@maestro/shared/schema';
import type { FormEvent, ReactNode } from 'react';
import {
  type PrescriptionFormErrors,
  type PrescriptionFormValues,
  prescriptionFieldId,
} from './prescriptionForm';
import { SubstancePicker } from './SubstancePicker';

interface PrescriptionFormProps {
  values: PrescriptionFormValues;
  onChange: (values: PrescriptionFormValues) => void;
  errors: PrescriptionFormErrors;
  onSubmit: () => void;
  onCancel: () => void;
  submitting: boolean;
  submitLabel: string;
  banner?: ReactNode;
}

const fieldState = (message: string | undefined) =>
  message
    ? ({ state: 'error', stateRelatedMessage: message } as const)
    : ({ state: 'default' } as const);

/** A prescription: context, matrix kind, stages, count, laboratory choice, substances, instructions. */
export function PrescriptionForm({
  values,
  onChange,
  errors,
  onSubmit,
  onCancel,
  submitting,
  submitLabel,
  banner,
}: PrescriptionFormProps) {
  const set = <K extends keyof PrescriptionFormValues>(
    field: K,
    value: PrescriptionFormValues[K],
  ) => onChange({ ...values, [field]: value });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <form onSubmit={submit} noValidate data-testid="prescription-form">
      {banner}
      <p className="fr-text--sm">Sauf mention contraire, tous les champs sont obligatoires.</p>

      <RadioButtons
        id={prescriptionFieldId('context')}
        legend="Contexte"
        orientation="horizontal"
        {...fieldState(errors.context)}
        options={ProgrammedContextList.map((context) => ({
          label: ProgrammedContextLabels[context],
          nativeInputProps: {
            name: 'context',
            value: context,
            checked: values.context === context,
            onChange: () => set('context', ProgrammedContext.parse(context)),
          },
        }))}
      />

      <Select
        label="Catégorie de matrice"
        {...fieldState(errors.matrixKindCode)}
        nativeSelectProps={{
          id: prescriptionFieldId('matrixKindCode'),
          name: 'matrixKindCode',
          value: values.matrixKindCode,
          onChange: (event) => set('matrixKindCode', event.target.value),
        }}
      >
        <option value="">Sélectionner une catégorie</option>
        {MatrixKindList.map((kind) => (
          <option key={kind.code} value={kind.code}>
            {kind.label}
          </option>
        ))}
      </Select>

      <Checkbox
        id={prescriptionFieldId('stages')}
        legend="Stades de prélèvement"
        orientation="horizontal"
        small
        {...fieldState(errors.stages)}
        options={StageList.map((stage) => ({
          label: StageLabels[stage],
          nativeInputProps: {
            name: 'stages',
            value: stage,
            checked: values.stages.includes(stage),
            onChange: (event) =>
              set(
                'stages',
                event.target.checked
                  ? StageList.filter((s) => s === stage || values.stages.includes(s))
                  : values.stages.filter((s) => s !== stage),
              ),
          },
        }))}
      />

      <Input
        label="Nombre de prélèvements programmés"
        hintText="Le total national, à répartir ensuite entre les régions."
        {...fieldState(errors.sampleCount)}
        nativeInputProps={{
          id: prescriptionFieldId('sampleCount'),
          name: 'sampleCount',
          inputMode: 'numeric',
          autoComplete: 'off',
          value: values.sampleCount,
          onChange: (event) => set('sampleCount', event.target.value),
        }}
      />

      <RadioButtons
        id={prescriptionFieldId('laboratoryChoice')}
        legend="Choix du laboratoire d’analyse"
        {...fieldState(errors.laboratoryChoice)}
        options={LaboratoryChoiceList.map((choice) => ({
          label: LaboratoryChoiceLabels[choice],
          hintText:
            choice === 'National'
              ? 'Vous choisissez le laboratoire de chaque région dans la répartition nationale.'
              : 'Chaque région choisit son laboratoire en répartissant ses prélèvements.',
          nativeInputProps: {
            name: 'laboratoryChoice',
            value: choice,
            checked: values.laboratoryChoice === choice,
            onChange: () => set('laboratoryChoice', LaboratoryChoice.parse(choice)),
          },
        }))}
      />

      <SubstancePicker
        id={prescriptionFieldId('substances')}
        value={values.substances}
        onChange={(substances) => set('substances', substances)}
        error={errors.substances}
      />

      <Input
        label="Instructions de programmation (facultatif)"
        hintText="Consignes pour les préleveurs : période, lieux, précautions… 5 000 caractères au plus."
        textArea
        {...fieldState(errors.instructions)}
        nativeTextAreaProps={{
          id: prescriptionFieldId('instructions'),
          name: 'instructions',
          rows: 4,
          value: values.instructions,
          onChange: (event) => set('instructions', event.target.value),
        }}
      />

      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <Button type="submit" disabled={submitting}>
            {submitting ? 'Enregistrement…' : submitLabel}
          </Button>
        </li>
        <li>
          <Button priority="secondary" type="button" onClick={onCancel}>
            Annuler
          </Button>
        </li>
      </ul>
    </form>
  );
}
