import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import {
  isProgrammeContext,
  LegalContext,
  LegalContextLabels,
  LegalContextList,
  SampleContext,
  SampleContextLabels,
} from '@maestro/shared/referential';
import { PlanKindLabels, type ProgrammingPlan } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { fieldState, TextField } from '../SampleFormFields';
import {
  departmentLabel,
  departmentOptions,
  SampleFieldLabels,
  sampleFieldId,
} from '../sampleForm';
import { validatedPlansQuery } from '../sampleFormQueries';
import { CompanyFields } from './CompanyFields';
import { GeolocationFields } from './GeolocationFields';
import type { StepProps } from './types';

/**
 * The contexts the agent may choose: the programmed ones that have prescriptions, then the
 * out-of-programme ones. « Exploratoire » has no prescription to count against: it is only
 * shown for a record that already has it.
 */
export const ContextChoices: SampleContext[] = [
  'Surveillance',
  'Control',
  'LocalPlan',
  'Investigation',
  'ControlSupport',
];

export const planLabel = (plan: Pick<ProgrammingPlan, 'kind' | 'year'>) =>
  `${PlanKindLabels[plan.kind]} ${plan.year}`;

/** The first step: why, under which legal framework, where and by whom. */
export function ContextStep({ content, patch, errors, user, online }: StepProps) {
  const plans = useQuery(validatedPlansQuery(user.id));
  const programmed = content.context !== null && isProgrammeContext(content.context);
  const choices =
    content.context && !ContextChoices.includes(content.context)
      ? [...ContextChoices, content.context]
      : ContextChoices;
  const departments = departmentOptions(user);
  const planMissing =
    content.programmingPlanId !== null &&
    plans.data !== undefined &&
    !plans.data.some((plan) => plan.id === content.programmingPlanId);

  return (
    <>
      <h3 className="fr-h5">Cadre du prélèvement</h3>
      <RadioButtons
        id={sampleFieldId('context')}
        name="context"
        legend={SampleFieldLabels.context}
        {...fieldState(errors.context)}
        options={choices.map((context) => ({
          label: SampleContextLabels[context],
          hintText: isProgrammeContext(context) ? 'Programme national' : 'Hors programme',
          nativeInputProps: {
            value: context,
            checked: content.context === context,
            onChange: () => {
              const next = SampleContext.parse(context);
              patch(
                isProgrammeContext(next)
                  ? { context: next, outOfProgrammeReason: null }
                  : { context: next, programmingPlanId: null },
              );
            },
          },
        }))}
      />

      {programmed && (
        <Select
          label={SampleFieldLabels.programmingPlanId}
          hint={
            plans.isError
              ? 'Les plans n’ont pas pu être chargés : réessayez une fois en ligne.'
              : 'Seuls les plans dont la campagne est en cours sont proposés.'
          }
          {...fieldState(errors.programmingPlanId)}
          nativeSelectProps={{
            id: sampleFieldId('programmingPlanId'),
            name: 'programmingPlanId',
            value: content.programmingPlanId ?? '',
            onChange: (event) =>
              patch({
                programmingPlanId: event.target.value === '' ? null : event.target.value,
              }),
          }}
        >
          <option value="">Sélectionner un plan</option>
          {plans.data?.map((plan) => (
            <option key={plan.id} value={plan.id}>
              {planLabel(plan)}
            </option>
          ))}
          {(planMissing || (content.programmingPlanId && !plans.data)) && (
            <option value={content.programmingPlanId ?? ''}>Plan choisi précédemment</option>
          )}
        </Select>
      )}

      {content.context !== null && !programmed && (
        <TextField
          path="outOfProgrammeReason"
          label={SampleFieldLabels.outOfProgrammeReason}
          hint="Pourquoi ce prélèvement est réalisé hors du programme national. 1 000 caractères au plus."
          textArea
          maxLength={1000}
          value={content.outOfProgrammeReason}
          onChange={(outOfProgrammeReason) => patch({ outOfProgrammeReason })}
          error={errors.outOfProgrammeReason}
        />
      )}

      <RadioButtons
        id={sampleFieldId('legalContext')}
        name="legalContext"
        legend={SampleFieldLabels.legalContext}
        orientation="horizontal"
        {...fieldState(errors.legalContext)}
        options={LegalContextList.map((legal) => ({
          label: `${legal} — ${LegalContextLabels[legal]}`,
          nativeInputProps: {
            value: legal,
            checked: content.legalContext === legal,
            onChange: () => patch({ legalContext: LegalContext.parse(legal) }),
          },
        }))}
      />

      <h3 className="fr-h5">Lieu du prélèvement</h3>
      <CompanyFields
        value={content.company}
        onChange={(company) => patch({ company })}
        error={errors.company}
        departmentCode={content.departmentCode}
        online={online}
        ownerId={user.id}
      />

      <TextField
        path="parcel"
        label={`${SampleFieldLabels.parcel} (facultatif si l’entreprise est renseignée)`}
        maxLength={200}
        value={content.parcel}
        onChange={(parcel) => patch({ parcel })}
      />

      <GeolocationFields
        value={content.geolocation}
        onChange={(geolocation) => patch({ geolocation })}
        error={errors.geolocation}
      />

      <Select
        label={SampleFieldLabels.departmentCode}
        hint={
          departments.length === 1
            ? 'Vous prélevez dans votre département.'
            : 'Le département où le prélèvement est réalisé.'
        }
        {...fieldState(errors.departmentCode)}
        nativeSelectProps={{
          id: sampleFieldId('departmentCode'),
          name: 'departmentCode',
          value: content.departmentCode ?? '',
          onChange: (event) =>
            patch({
              departmentCode:
                event.target.value === ''
                  ? null
                  : (event.target.value as NonNullable<typeof content.departmentCode>),
            }),
        }}
      >
        <option value="">Sélectionner un département</option>
        {departments.map((department) => (
          <option key={department.code} value={department.code}>
            {department.code} — {department.name}
          </option>
        ))}
        {content.departmentCode &&
          !departments.some((department) => department.code === content.departmentCode) && (
            <option value={content.departmentCode}>
              {departmentLabel(content.departmentCode)}
            </option>
          )}
      </Select>

      <h3 className="fr-h5">Préleveurs et inspection</h3>
      <p className="fr-text--sm">
        Préleveur : {user.firstName} {user.lastName}
      </p>
      <TextField
        path="secondSamplerName"
        label={`${SampleFieldLabels.secondSamplerName} (facultatif)`}
        hint="Prénom et nom de l’agent qui vous accompagne."
        maxLength={200}
        value={content.secondSamplerName}
        onChange={(secondSamplerName) => patch({ secondSamplerName })}
      />
      <TextField
        path="inspectionId"
        label={`${SampleFieldLabels.inspectionId} (facultatif)`}
        hint="L’identifiant de l’inspection dans votre outil métier, s’il y en a une."
        maxLength={60}
        value={content.inspectionId}
        onChange={(inspectionId) => patch({ inspectionId })}
      />
      <TextField
        path="contextNotes"
        label={`${SampleFieldLabels.contextNotes} (facultatif)`}
        hint="2 000 caractères au plus."
        textArea
        maxLength={2000}
        value={content.contextNotes}
        onChange={(contextNotes) => patch({ contextNotes })}
      />
    </>
  );
}
