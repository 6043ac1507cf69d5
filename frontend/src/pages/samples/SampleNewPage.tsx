import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { emptySampleContent, newSampleItem } from '@maestro/shared/domain';
import {
  type DepartmentCode,
  OutOfProgrammeContextList,
  type SampleContext,
  SampleContextLabels,
} from '@maestro/shared/referential';
import { ProgrammedContextList } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { apiUrl } from '../../api/client';
import { Loading } from '../../app/Loading';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { localSaveErrorMessage, sampleStore } from '../../samples/offline';
import { fieldState } from './SampleFormFields';
import { departmentOptions } from './sampleForm';
import { validatedPlansQuery } from './sampleFormQueries';
import { planLabel } from './steps/ContextStep';
import './samples-form.css';

type Frame = 'programme' | 'outOfProgramme';

export interface NewSampleValues {
  frame: Frame | null;
  programmingPlanId: string;
  context: SampleContext | null;
  reason: string;
  departmentCode: string;
}

type NewSampleField = 'frame' | 'programmingPlanId' | 'context' | 'reason' | 'departmentCode';
export type NewSampleErrors = Partial<Record<NewSampleField, string>>;

export const newSampleFieldId = (field: NewSampleField) => `new-sample-${field}`;

/** What keeps the new sample from starting, field by field. */
export function newSampleErrors(values: NewSampleValues): NewSampleErrors {
  const errors: NewSampleErrors = {};
  if (values.frame === null)
    errors.frame = 'Indiquez si le prélèvement est programmé ou hors programme.';
  if (values.frame === 'programme') {
    if (values.programmingPlanId === '')
      errors.programmingPlanId = 'Choisissez le plan de programmation.';
    if (
      values.context === null ||
      !ProgrammedContextList.includes(values.context as 'Surveillance')
    )
      errors.context = 'Choisissez le contexte du prélèvement.';
  }
  if (values.frame === 'outOfProgramme') {
    if (values.context === null || !OutOfProgrammeContextList.includes(values.context))
      errors.context = 'Choisissez le contexte du prélèvement.';
    if (values.reason.trim() === '')
      errors.reason = 'Indiquez le motif du prélèvement hors programme.';
  }
  if (values.departmentCode === '')
    errors.departmentCode = 'Choisissez le département du prélèvement.';
  return errors;
}

const fieldOrder: NewSampleField[] = [
  'frame',
  'programmingPlanId',
  'context',
  'reason',
  'departmentCode',
];

/**
 * The start of a sample: within a validated plan (and its context) or outside the programme
 * with a reason, in a department. The sample is created in the browser: it works offline.
 */
export default function SampleNewPage() {
  const user = useCurrentUser();
  const navigate = useNavigate();
  const heading = usePageTitle('Nouveau prélèvement');
  const plans = useQuery(validatedPlansQuery(user.id));
  const departments = departmentOptions(user);
  const [values, setValues] = useState<NewSampleValues>(() => ({
    frame: null,
    programmingPlanId: '',
    context: null,
    reason: '',
    departmentCode:
      user.departmentCode ?? (departments.length === 1 ? (departments[0]?.code ?? '') : ''),
  }));
  const [showErrors, setShowErrors] = useState(false);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const errors = showErrors ? newSampleErrors(values) : {};

  const set = <K extends keyof NewSampleValues>(field: K, value: NewSampleValues[K]) =>
    setValues((current) => ({ ...current, [field]: value }));

  // A single campaign open: it is the one (also when the plans arrive after the choice).
  const onlyPlanId = plans.data?.length === 1 ? (plans.data[0]?.id ?? null) : null;
  const frame = values.frame;
  useEffect(() => {
    if (onlyPlanId === null || frame !== 'programme') return;
    setValues((current) =>
      current.programmingPlanId === '' ? { ...current, programmingPlanId: onlyPlanId } : current,
    );
  }, [onlyPlanId, frame]);
  const chooseFrame = (frame: Frame) =>
    setValues((current) => ({
      ...current,
      frame,
      context: null,
      programmingPlanId: frame === 'programme' ? current.programmingPlanId : '',
    }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreateError(null);
    const found = newSampleErrors(values);
    if (Object.keys(found).length > 0) {
      setShowErrors(true);
      const first = fieldOrder.find((field) => found[field]);
      if (first) {
        setTimeout(() => {
          const element = document.getElementById(newSampleFieldId(first));
          const target = element?.matches('input, select, textarea')
            ? element
            : element?.querySelector<HTMLElement>('input, select, textarea');
          target?.focus();
        }, 0);
      }
      return;
    }
    setCreating(true);
    try {
      const local = await sampleStore.create(
        user.id,
        emptySampleContent({
          programmingPlanId: values.frame === 'programme' ? values.programmingPlanId : null,
          context: values.context,
          outOfProgrammeReason: values.frame === 'outOfProgramme' ? values.reason : null,
          departmentCode: values.departmentCode as DepartmentCode,
          items: [newSampleItem(1)],
        }),
      );
      navigate(`/prelevements/${local.id}`);
    } catch (error) {
      setCreateError(localSaveErrorMessage(error));
      setCreating(false);
    }
  };

  const contexts: SampleContext[] =
    values.frame === 'programme'
      ? [...ProgrammedContextList]
      : values.frame === 'outOfProgramme'
        ? OutOfProgrammeContextList
        : [];

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Prélèvements', linkProps: { to: '/prelevements' } }]}
        currentPageLabel="Nouveau prélèvement"
      />
      <h1 ref={heading} tabIndex={-1}>
        Nouveau prélèvement
      </h1>
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-8">
          <p>
            Le prélèvement est enregistré dans ce navigateur dès sa création : vous pouvez le saisir
            sans réseau, il sera envoyé au serveur à la prochaine connexion.
          </p>
          <p className="fr-text--sm">Sauf mention contraire, tous les champs sont obligatoires.</p>

          <form onSubmit={(event) => void submit(event)} noValidate data-testid="new-sample-form">
            <RadioButtons
              id={newSampleFieldId('frame')}
              name="frame"
              legend="Cadre du prélèvement"
              {...fieldState(errors.frame)}
              options={[
                {
                  label: 'Dans le cadre d’un plan de programmation',
                  hintText: 'Plan de surveillance ou de contrôle dont la campagne est en cours.',
                  nativeInputProps: {
                    value: 'programme',
                    checked: values.frame === 'programme',
                    onChange: () => chooseFrame('programme'),
                  },
                },
                {
                  label: 'Hors programme',
                  hintText: 'Plan local, enquête ou appui au contrôle : un motif est demandé.',
                  nativeInputProps: {
                    value: 'outOfProgramme',
                    checked: values.frame === 'outOfProgramme',
                    onChange: () => chooseFrame('outOfProgramme'),
                  },
                },
              ]}
            />

            {values.frame === 'programme' &&
              (plans.isPending ? (
                <Loading label="Chargement des plans…" />
              ) : plans.isError ? (
                <Alert
                  small
                  severity="warning"
                  className="fr-mb-3w"
                  description="Les plans de programmation n’ont pas pu être chargés. Réessayez une fois en ligne, ou commencez un prélèvement hors programme."
                />
              ) : plans.data.length === 0 ? (
                <Alert
                  small
                  severity="info"
                  className="fr-mb-3w"
                  description="Aucune campagne de prélèvements n’est ouverte : seuls les prélèvements hors programme sont possibles."
                />
              ) : (
                <Select
                  label="Plan de programmation"
                  {...fieldState(errors.programmingPlanId)}
                  nativeSelectProps={{
                    id: newSampleFieldId('programmingPlanId'),
                    name: 'programmingPlanId',
                    value: values.programmingPlanId,
                    onChange: (event) => set('programmingPlanId', event.target.value),
                  }}
                >
                  <option value="">Sélectionner un plan</option>
                  {plans.data.map((plan) => (
                    <option key={plan.id} value={plan.id}>
                      {planLabel(plan)}
                    </option>
                  ))}
                </Select>
              ))}

            {contexts.length > 0 && (
              <RadioButtons
                id={newSampleFieldId('context')}
                name="context"
                legend="Contexte du prélèvement"
                {...fieldState(errors.context)}
                options={contexts.map((context) => ({
                  label: SampleContextLabels[context],
                  nativeInputProps: {
                    value: context,
                    checked: values.context === context,
                    onChange: () => set('context', context),
                  },
                }))}
              />
            )}

            {values.frame === 'outOfProgramme' && (
              <Input
                label="Motif du prélèvement hors programme"
                hintText="Pourquoi ce prélèvement est réalisé hors du programme national. 1 000 caractères au plus."
                textArea
                {...fieldState(errors.reason)}
                nativeTextAreaProps={{
                  id: newSampleFieldId('reason'),
                  name: 'reason',
                  rows: 3,
                  maxLength: 1000,
                  value: values.reason,
                  onChange: (event) => set('reason', event.target.value),
                }}
              />
            )}

            <Select
              label="Département du prélèvement"
              hint={user.departmentCode ? 'Votre département, pré-rempli.' : undefined}
              {...fieldState(errors.departmentCode)}
              nativeSelectProps={{
                id: newSampleFieldId('departmentCode'),
                name: 'departmentCode',
                value: values.departmentCode,
                onChange: (event) => set('departmentCode', event.target.value),
              }}
            >
              <option value="">Sélectionner un département</option>
              {departments.map((department) => (
                <option key={department.code} value={department.code}>
                  {department.code} — {department.name}
                </option>
              ))}
            </Select>

            {createError && (
              <Alert
                small
                severity="error"
                className="fr-mb-3w"
                role="alert"
                description={createError}
              />
            )}

            <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-right">
              <li>
                <Button
                  type="submit"
                  iconId="fr-icon-arrow-right-line"
                  iconPosition="right"
                  disabled={creating}
                >
                  {creating ? 'Création…' : 'Commencer le prélèvement'}
                </Button>
              </li>
              <li>
                <Button priority="secondary" linkProps={{ to: '/prelevements' }}>
                  Annuler
                </Button>
              </li>
            </ul>
          </form>
        </div>

        <div className="fr-col-12 fr-col-md-4">
          <div className="fr-callout fr-mt-3w fr-mt-md-0">
            <h2 className="fr-callout__title fr-h6">Prélèvement sur papier</h2>
            <p className="fr-callout__text fr-text--sm">
              Sans appareil, imprimez un formulaire vierge pré-rempli pour votre département, puis
              saisissez-le ici ensuite.
            </p>
            <a
              className="fr-link fr-link--download"
              href={apiUrl('getBlankSampleForm', {
                query: values.departmentCode
                  ? { departmentCode: values.departmentCode as DepartmentCode }
                  : {},
              })}
              download
            >
              Télécharger un formulaire vierge <span className="fr-link__detail">PDF</span>
            </a>
          </div>
        </div>
      </div>
    </div>
  );
}
