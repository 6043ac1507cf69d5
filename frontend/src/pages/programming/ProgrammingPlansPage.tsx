import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { hasPermission } from '@maestro/shared/domain';
import {
  type AuthUser,
  PlanKindLabels,
  PlanStatus,
  PlanStatusLabels,
  PlanStatusList,
  type ProgrammingPlan,
  RegionalPlanStatusLabels,
  RoleScope,
} from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { DistributionKindShortLabels, PlanStatusSeverity, RegionalStatusSeverity } from './labels';
import { plansQuery } from './queries';

/** The filters of the list, read from the address. */
export function plansFiltersOf(params: URLSearchParams) {
  const year = Number(params.get('annee'));
  const status = PlanStatus.safeParse(params.get('statut'));
  return {
    year: Number.isInteger(year) && year >= 2020 && year <= 2100 ? year : undefined,
    status: status.success ? status.data : undefined,
  };
}

function regionsProgress(plan: ProgrammingPlan): string {
  if (plan.regionalStatuses.length === 0) return '—';
  const done = plan.regionalStatuses.filter((r) => r.status !== 'Pending').length;
  return `${done} sur ${plan.regionalStatuses.length} ${plan.distributionKind === 'REGIONAL' ? 'ont approuvé' : 'ont réparti'}`;
}

function OwnRegionStatus({ plan, user }: { plan: ProgrammingPlan; user: AuthUser }) {
  const own = plan.regionalStatuses.find((r) => r.regionCode === user.regionCode);
  if (!own) return <>—</>;
  return (
    <Badge small severity={RegionalStatusSeverity[own.status]} noIcon>
      {RegionalPlanStatusLabels[own.status]}
    </Badge>
  );
}

/** The programming plans the user may see, by year. */
export default function ProgrammingPlansPage() {
  const heading = usePageTitle('Programmation');
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filters = plansFiltersOf(params);
  const all = useQuery(plansQuery({}));
  const plans = useQuery(plansQuery(filters));
  const national = RoleScope[user.role] === 'National';
  const regional = RoleScope[user.role] === 'Region';
  const filtered = filters.year !== undefined || filters.status !== undefined;
  const years = [...new Set((all.data ?? []).map((plan) => plan.year))].sort((a, b) => b - a);
  if (filters.year !== undefined && !years.includes(filters.year)) years.unshift(filters.year);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setParams(next);
  };

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Programmation
          </h1>
        </div>
        {hasPermission(user, 'programmingPlan.manage') && (
          <div className="fr-col-auto">
            <Button iconId="fr-icon-add-line" linkProps={{ to: '/programmation/nouveau' }}>
              Nouveau plan
            </Button>
          </div>
        )}
      </div>

      <search aria-label="Filtrer les plans" className="fr-mb-3w">
        <div className="fr-grid-row fr-grid-row--gutters maestro-filters">
          <div className="fr-col-12 fr-col-md-4">
            <Select
              label="Année"
              className="fr-mb-0"
              nativeSelectProps={{
                id: 'plans-year',
                value: filters.year === undefined ? '' : String(filters.year),
                onChange: (event) => setFilter('annee', event.target.value),
              }}
            >
              <option value="">Toutes les années</option>
              {years.map((year) => (
                <option key={year} value={year}>
                  {year}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Select
              label="Statut"
              className="fr-mb-0"
              nativeSelectProps={{
                id: 'plans-status',
                value: filters.status ?? '',
                onChange: (event) => setFilter('statut', event.target.value),
              }}
            >
              <option value="">Tous les statuts</option>
              {PlanStatusList.map((status) => (
                <option key={status} value={status}>
                  {PlanStatusLabels[status]}
                </option>
              ))}
            </Select>
          </div>
          {filtered && (
            <div className="fr-col-12 fr-col-md-4">
              <Button
                priority="tertiary"
                iconId="fr-icon-close-circle-line"
                onClick={() => setParams(new URLSearchParams())}
              >
                Effacer les filtres
              </Button>
            </div>
          )}
        </div>
      </search>

      {plans.isPending ? (
        <Loading label="Chargement des plans…" />
      ) : plans.isError ? (
        <Alert
          severity="error"
          title="La liste des plans n’a pas pu être chargée"
          description={
            <>
              <p>{plans.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void plans.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : (
        <>
          <p role="status" data-testid="plans-count">
            {plans.data.length === 0
              ? filtered
                ? 'Aucun plan ne correspond à ces critères.'
                : national
                  ? 'Aucun plan de programmation pour l’instant.'
                  : 'Aucun plan de programmation ne vous concerne pour l’instant : un plan apparaît ici quand le niveau national l’envoie à votre région ou quand la campagne est ouverte.'
              : plans.data.length === 1
                ? '1 plan'
                : `${plans.data.length} plans`}
          </p>
          {plans.data.length > 0 && (
            <DsfrTable busy={plans.isFetching}>
              <caption>Plans de programmation</caption>
              <thead>
                <tr>
                  <th scope="col">Année</th>
                  <th scope="col">Type de plan</th>
                  <th scope="col">Répartition</th>
                  <th scope="col">Statut</th>
                  {national && <th scope="col">Régions</th>}
                  {regional && <th scope="col">Ma région</th>}
                </tr>
              </thead>
              <tbody>
                {plans.data.map((plan) => (
                  <tr key={plan.id} data-testid={`plan-${plan.year}-${plan.kind}`}>
                    <td>{plan.year}</td>
                    <th scope="row">
                      <Link to={`/programmation/${plan.id}`}>
                        {PlanKindLabels[plan.kind]} {plan.year}
                      </Link>
                    </th>
                    <td>{DistributionKindShortLabels[plan.distributionKind]}</td>
                    <td>
                      <Badge small severity={PlanStatusSeverity[plan.status]} noIcon>
                        {PlanStatusLabels[plan.status]}
                      </Badge>
                    </td>
                    {national && <td>{regionsProgress(plan)}</td>}
                    {regional && (
                      <td>
                        <OwnRegionStatus plan={plan} user={user} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </DsfrTable>
          )}
        </>
      )}
    </div>
  );
}
