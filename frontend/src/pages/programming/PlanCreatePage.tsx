import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import {
  DistributionKind,
  DistributionKindLabels,
  DistributionKindList,
  PlanKind,
  PlanKindLabels,
  PlanKindList,
  PlanStatusLabels,
  ProgrammingPlanToCreate,
} from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { usePageTitle } from '../../app/pageTitle';
import { planTitle } from './labels';
import { planQuery, plansQuery, programmingKey } from './queries';

interface PlanFormValues {
  year: string;
  kind: PlanKind;
  distributionKind: DistributionKind;
  copyFromPlanId: string;
}
type PlanFormErrors = Partial<Record<keyof PlanFormValues, string>>;

const fieldId = (field: keyof PlanFormValues) => `plan-${field}`;
const fieldOrder: (keyof PlanFormValues)[] = ['year', 'kind', 'distributionKind', 'copyFromPlanId'];

function focusFirstError(errors: PlanFormErrors) {
  const field = fieldOrder.find((candidate) => errors[candidate]);
  if (!field) return;
  const element = document.getElementById(fieldId(field));
  (element instanceof HTMLFieldSetElement ? element.querySelector('input') : element)?.focus();
}

function errorsOf(issues: readonly { path: readonly PropertyKey[] | string; message: string }[]) {
  const errors: PlanFormErrors = {};
  for (const issue of issues) {
    const parts = typeof issue.path === 'string' ? issue.path.split('.') : issue.path.map(String);
    const field = (parts[0] === 'body' ? parts[1] : parts[0]) as keyof PlanFormValues;
    if (fieldOrder.includes(field) && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

const state = (message: string | undefined) =>
  message
    ? ({ state: 'error', stateRelatedMessage: message } as const)
    : ({ state: 'default' } as const);

/** A new plan of a year, empty or as a copy of an existing plan. */
export default function PlanCreatePage() {
  const heading = usePageTitle('Nouveau plan — Programmation');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const plans = useQuery(plansQuery({}));
  const [values, setValues] = useState<PlanFormValues>({
    year: String(new Date().getFullYear() + 1),
    kind: 'PPV',
    distributionKind: 'REGIONAL',
    copyFromPlanId: '',
  });
  const [errors, setErrors] = useState<PlanFormErrors>({});
  const set = <K extends keyof PlanFormValues>(field: K, value: PlanFormValues[K]) =>
    setValues((current) => ({ ...current, [field]: value }));

  const create = useMutation({
    mutationFn: (body: ProgrammingPlanToCreate) => api.createProgrammingPlan({ body }),
    onSuccess: (plan) => {
      queryClient.setQueryData(planQuery(plan.id).queryKey, plan);
      void queryClient.invalidateQueries({ queryKey: [...programmingKey, 'plans'] });
      void navigate(`/programmation/${plan.id}`, { state: { notice: 'created' } });
    },
    onError: (error) => {
      if (!(error instanceof ApiClientError)) return;
      const fieldErrors = errorsOf(error.body.issues);
      setErrors(fieldErrors);
      focusFirstError(fieldErrors);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const year = values.year.trim();
    const parsed = ProgrammingPlanToCreate.safeParse({
      year: /^\d+$/.test(year) ? Number(year) : Number.NaN,
      kind: values.kind,
      distributionKind: values.distributionKind,
      copyFromPlanId: values.copyFromPlanId || null,
    });
    if (!parsed.success) {
      const fieldErrors = errorsOf(parsed.error.issues);
      if (!/^\d+$/.test(year)) fieldErrors.year = 'Indiquez l’année du plan, par exemple 2027.';
      setErrors(fieldErrors);
      create.reset();
      focusFirstError(fieldErrors);
      return;
    }
    setErrors({});
    create.mutate(parsed.data);
  };

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Programmation', linkProps: { to: '/programmation' } }]}
        currentPageLabel="Nouveau plan"
      />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1 ref={heading} tabIndex={-1}>
            Nouveau plan
          </h1>
          <form onSubmit={submit} noValidate data-testid="plan-form">
            {create.error && (
              <Alert
                className="fr-mb-3w"
                severity="error"
                role="alert"
                title="Le plan n’a pas été créé"
                description={create.error.message}
              />
            )}
            <p className="fr-text--sm">
              Sauf mention contraire, tous les champs sont obligatoires.
            </p>
            <Input
              label="Année"
              hintText="L’année de la campagne de prélèvements, par exemple 2027."
              {...state(errors.year)}
              nativeInputProps={{
                id: fieldId('year'),
                name: 'year',
                inputMode: 'numeric',
                autoComplete: 'off',
                value: values.year,
                onChange: (event) => set('year', event.target.value),
              }}
            />
            <Select
              label="Type de plan"
              {...state(errors.kind)}
              nativeSelectProps={{
                id: fieldId('kind'),
                name: 'kind',
                value: values.kind,
                onChange: (event) => set('kind', PlanKind.parse(event.target.value)),
              }}
            >
              {PlanKindList.map((kind) => (
                <option key={kind} value={kind}>
                  {PlanKindLabels[kind]}
                </option>
              ))}
            </Select>
            <RadioButtons
              id={fieldId('distributionKind')}
              legend="Répartition"
              {...state(errors.distributionKind)}
              options={DistributionKindList.map((kind) => ({
                label: DistributionKindLabels[kind],
                hintText:
                  kind === 'REGIONAL'
                    ? 'Le niveau national répartit entre les régions ; chaque région approuve sa part.'
                    : 'Chaque région répartit sa part entre ses départements et la leur envoie.',
                nativeInputProps: {
                  name: 'distributionKind',
                  value: kind,
                  checked: values.distributionKind === kind,
                  onChange: () => set('distributionKind', DistributionKind.parse(kind)),
                },
              }))}
            />
            <Select
              label="Copier la programmation de (facultatif)"
              hint="Les prescriptions, leurs substances et la répartition du plan choisi sont recopiées dans le nouveau plan."
              {...state(errors.copyFromPlanId)}
              nativeSelectProps={{
                id: fieldId('copyFromPlanId'),
                name: 'copyFromPlanId',
                value: values.copyFromPlanId,
                onChange: (event) => set('copyFromPlanId', event.target.value),
              }}
            >
              <option value="">Aucun : plan vide</option>
              {(plans.data ?? []).map((plan) => (
                <option key={plan.id} value={plan.id}>
                  {planTitle(plan)} ({PlanStatusLabels[plan.status]})
                </option>
              ))}
            </Select>
            <ul className="fr-btns-group fr-btns-group--inline-md">
              <li>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? 'Création…' : 'Créer le plan'}
                </Button>
              </li>
              <li>
                <Button priority="secondary" linkProps={{ to: '/programmation' }}>
                  Annuler
                </Button>
              </li>
            </ul>
          </form>
        </div>
      </div>
    </div>
  );
}
