import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Tabs } from '@codegouvfr/react-dsfr/Tabs';
import type { ExportFormat, FindPrescriptionsQuery } from '@maestro/shared/contract';
import { canEditNationalProgramming, canEditRegionalProgramming } from '@maestro/shared/domain';
import {
  MatrixKindList,
  MatrixKinds,
  RegionCodeList,
  RegionList,
} from '@maestro/shared/referential';
import {
  type AuthUser,
  DistributionKindLabels,
  PlanStatusLabels,
  type Prescription,
  ProgrammedContext,
  ProgrammedContextLabels,
  ProgrammedContextList,
  type ProgrammingPlan,
  RegionalPlanStatusLabels,
  RoleScope,
} from '@maestro/shared/schema';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useLocation, useParams, useSearchParams } from 'react-router';
import { ApiClientError, apiUrl } from '../../api/client';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { CommentsSection, ThreadLink, type ThreadRef } from './CommentsSection';
import {
  PlanStatusSeverity,
  planTitle,
  prescriptionLabels,
  RegionalStatusSeverity,
  regionLabel,
} from './labels';
import { NationalGrid } from './NationalGrid';
import { PlanActions } from './PlanActions';
import { type CountScope, PrescriptionsSection } from './PrescriptionsSection';
import { planQuery, prescriptionsKey, prescriptionsQuery, programmingKey } from './queries';
import { RegionalSplit } from './RegionalSplit';
import './programming.css';

type TabId = 'prescriptions' | 'repartition' | 'region' | 'commentaires';

const isNational = (user: AuthUser) => RoleScope[user.role] === 'National';
const isRegional = (user: AuthUser) => RoleScope[user.role] === 'Region';

/** The sections of the plan a user may open, in order. */
export function planTabs(user: AuthUser, plan: ProgrammingPlan): { tabId: TabId; label: string }[] {
  const sent = plan.status !== 'InProgress';
  if (isNational(user)) {
    return [
      { tabId: 'prescriptions', label: 'Prescriptions' },
      { tabId: 'repartition', label: 'Répartition nationale' },
      ...(sent
        ? [
            { tabId: 'region' as const, label: 'Répartition régionale' },
            { tabId: 'commentaires' as const, label: 'Commentaires' },
          ]
        : []),
    ];
  }
  if (isRegional(user)) {
    return [
      { tabId: 'prescriptions', label: 'Prescriptions' },
      { tabId: 'repartition', label: 'Répartition nationale' },
      { tabId: 'region', label: 'Ma région' },
      { tabId: 'commentaires', label: 'Commentaires' },
    ];
  }
  return [];
}

export default function PlanPage() {
  const { planId = '' } = useParams();
  const user = useCurrentUser();
  const plan = useQuery(planQuery(planId));
  const title = plan.data ? planTitle(plan.data) : 'Plan de programmation';
  const heading = usePageTitle(plan.data ? `${title} — Programmation` : 'Plan de programmation');

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Programmation', linkProps: { to: '/programmation' } }]}
        currentPageLabel={title}
      />
      <h1 ref={heading} tabIndex={-1} className="fr-mb-2w">
        {title}
      </h1>
      {plan.isPending ? (
        <Loading label="Chargement du plan…" />
      ) : plan.isError ? (
        <Alert
          severity="error"
          title={
            plan.error instanceof ApiClientError &&
            (plan.error.status === 404 || plan.error.status === 400)
              ? 'Plan introuvable'
              : 'Le plan n’a pas pu être chargé'
          }
          description={
            <>
              <p>{plan.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                linkProps={{ to: '/programmation' }}
              >
                Retour à la liste des plans
              </Button>
            </>
          }
        />
      ) : (
        <PlanContent plan={plan.data} user={user} onReloadPlan={() => plan.refetch()} />
      )}
    </div>
  );
}

interface PlanContentProps {
  plan: ProgrammingPlan;
  user: AuthUser;
  onReloadPlan: () => Promise<unknown>;
}

function PlanContent({ plan, user, onReloadPlan }: PlanContentProps) {
  const queryClient = useQueryClient();
  const laboratories = useLaboratories();
  const [params, setParams] = useSearchParams();
  const filters = prescriptionFiltersOf(params);
  const prescriptions = useQuery(prescriptionsQuery(plan.id, filters));
  const location = useLocation();
  const locationState: unknown = location.state;
  const created =
    typeof locationState === 'object' &&
    locationState !== null &&
    'notice' in locationState &&
    locationState.notice === 'created';
  const [dirty, setDirty] = useState(false);
  const onDirtyChange = useCallback((value: boolean) => setDirty(value), []);

  const tabs = planTabs(user, plan);
  const threadPrescription = params.get('prescription');
  const threadRegion = params.get('region');
  const thread: ThreadRef | null =
    threadPrescription &&
    threadRegion &&
    (RegionCodeList as readonly string[]).includes(threadRegion)
      ? { prescriptionId: threadPrescription, regionCode: threadRegion }
      : null;
  const wanted = params.get('onglet') ?? (thread ? 'commentaires' : null);
  const selected: TabId =
    tabs.find((tab) => tab.tabId === wanted)?.tabId ?? tabs[0]?.tabId ?? 'prescriptions';

  const labels = useMemo(() => prescriptionLabels(prescriptions.data ?? []), [prescriptions.data]);

  /** The address with these parameters, keeping the filters. */
  const search = (values: Record<string, string>) => {
    const next = new URLSearchParams();
    for (const name of ['contexte', 'matrice']) {
      const value = params.get(name);
      if (value) next.set(name, value);
    }
    for (const [name, value] of Object.entries(values)) next.set(name, value);
    return next;
  };
  const selectTab = (tabId: string) =>
    setParams(search(tabId === tabs[0]?.tabId ? {} : { onglet: tabId }), { replace: true });
  const threadSearch = (ref: ThreadRef) =>
    `?${search({ onglet: 'commentaires', prescription: ref.prescriptionId, region: ref.regionCode })}`;
  const closeThread = () => setParams(search({ onglet: 'commentaires' }));
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setParams(next, { replace: true });
  };

  const reloadPrescriptions = () => prescriptions.refetch();
  const onChanged = async (updated: ProgrammingPlan) => {
    queryClient.setQueryData(planQuery(plan.id).queryKey, updated);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: [...programmingKey, 'plans'] }),
      queryClient.invalidateQueries({ queryKey: prescriptionsKey(plan.id) }),
    ]);
  };

  const commentsOpen = tabs.some((tab) => tab.tabId === 'commentaires');
  const commentLink = commentsOpen
    ? (prescription: Prescription, regionCode: string) => (
        <ThreadLink
          prescription={prescription}
          regionCode={regionCode}
          label={labels.get(prescription.id) ?? ''}
          to={threadSearch({ prescriptionId: prescription.id, regionCode })}
        />
      )
    : undefined;

  const section = (): ReactNode => {
    if (prescriptions.isPending) return <Loading label="Chargement des prescriptions…" />;
    if (prescriptions.isError)
      return (
        <Alert
          severity="error"
          title="Les prescriptions n’ont pas pu être chargées"
          description={
            <>
              <p>{prescriptions.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void prescriptions.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      );
    const data = prescriptions.data;
    switch (selected) {
      case 'prescriptions':
        return (
          <PrescriptionsSection
            plan={plan}
            prescriptions={data}
            labels={labels}
            editable={canEditNationalProgramming(user, plan)}
            scope={countScope(user)}
            laboratories={laboratories.data}
            onReload={reloadPrescriptions}
          />
        );
      case 'repartition':
        return (
          <NationalGrid
            plan={plan}
            prescriptions={isNational(user) ? data : data.filter((p) => p.regions.length > 0)}
            labels={labels}
            regionCodes={isNational(user) ? RegionList.map((r) => r.code) : [user.regionCode ?? '']}
            editable={canEditNationalProgramming(user, plan)}
            laboratories={laboratories.data}
            onReload={reloadPrescriptions}
            onDirtyChange={onDirtyChange}
          />
        );
      case 'region':
        return isNational(user) ? (
          <RegionsOverview
            plan={plan}
            prescriptions={data}
            labels={labels}
            laboratories={laboratories.data}
            onReload={reloadPrescriptions}
            commentLink={commentLink}
          />
        ) : (
          <RegionalSplit
            plan={plan}
            prescriptions={data}
            labels={labels}
            regionCode={user.regionCode ?? ''}
            editable={canEditRegionalProgramming(user, plan, user.regionCode ?? '')}
            laboratories={laboratories.data}
            onReload={reloadPrescriptions}
            onDirtyChange={onDirtyChange}
            commentLink={commentLink}
          />
        );
      case 'commentaires':
        return (
          <CommentsSection
            plan={plan}
            prescriptions={data}
            labels={labels}
            user={user}
            thread={thread}
            threadSearch={threadSearch}
            onCloseThread={closeThread}
          />
        );
    }
  };

  return (
    <>
      <PlanSummary plan={plan} user={user} />
      {created && plan.status === 'InProgress' && (
        <Alert
          className="fr-mb-3w"
          severity="success"
          small
          role="status"
          description="Le plan est créé. Ajoutez ses prescriptions, puis répartissez-les entre les régions."
        />
      )}
      <PlanActions
        plan={plan}
        user={user}
        unsavedChanges={dirty}
        onChanged={onChanged}
        onReload={() => Promise.all([onReloadPlan(), prescriptions.refetch()])}
      />
      <PrescriptionFilters planId={plan.id} filters={filters} onChange={setFilter} />
      {tabs.length > 0 ? (
        <Tabs
          className="fr-mt-2w maestro-plan-tabs"
          label="Sections du plan"
          tabs={tabs}
          selectedTabId={selected}
          onTabChange={selectTab}
        >
          {section()}
        </Tabs>
      ) : (
        <section aria-labelledby="own-programming-title" className="fr-mt-4w">
          <h2 id="own-programming-title">Ma programmation</h2>
          {section()}
        </section>
      )}
    </>
  );
}

/** The filters of the prescriptions, read from the address (the export uses the same). */
export function prescriptionFiltersOf(params: URLSearchParams): FindPrescriptionsQuery {
  const context = ProgrammedContext.safeParse(params.get('contexte'));
  const matrixKindCode = params.get('matrice');
  return {
    ...(context.success ? { context: context.data } : {}),
    ...(matrixKindCode && MatrixKinds[matrixKindCode] ? { matrixKindCode } : {}),
  };
}

function PrescriptionFilters({
  planId,
  filters,
  onChange,
}: {
  planId: string;
  filters: FindPrescriptionsQuery;
  onChange: (name: string, value: string) => void;
}) {
  const exportUrl = (format: ExportFormat) =>
    apiUrl('exportPrescriptions', { params: { planId }, query: { ...filters, format } });
  return (
    <div className="fr-grid-row fr-grid-row--gutters maestro-filters fr-mb-1w">
      <search aria-label="Filtrer les prescriptions" className="fr-col-12 fr-col-lg-8">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-6">
            <Select
              label="Contexte"
              className="fr-mb-0"
              nativeSelectProps={{
                id: 'filter-context',
                value: filters.context ?? '',
                onChange: (event) => onChange('contexte', event.target.value),
              }}
            >
              <option value="">Tous les contextes</option>
              {ProgrammedContextList.map((context) => (
                <option key={context} value={context}>
                  {ProgrammedContextLabels[context]}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-6">
            <Select
              label="Catégorie de matrice"
              className="fr-mb-0"
              nativeSelectProps={{
                id: 'filter-matrix-kind',
                value: filters.matrixKindCode ?? '',
                onChange: (event) => onChange('matrice', event.target.value),
              }}
            >
              <option value="">Toutes les catégories</option>
              {MatrixKindList.map((kind) => (
                <option key={kind.code} value={kind.code}>
                  {kind.label}
                </option>
              ))}
            </Select>
          </div>
        </div>
      </search>
      <div className="fr-col-12 fr-col-lg-4">
        <p className="fr-text--sm fr-mb-1v" id="exports-title">
          Exporter la programmation affichée
        </p>
        <ul
          className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left"
          aria-labelledby="exports-title"
        >
          <li>
            <a
              className="fr-btn fr-btn--secondary fr-icon-download-line"
              href={exportUrl('csv')}
              download
            >
              Exporter en CSV
            </a>
          </li>
          <li>
            <a
              className="fr-btn fr-btn--secondary fr-icon-download-line"
              href={exportUrl('xlsx')}
              download
            >
              Exporter en XLSX
            </a>
          </li>
        </ul>
      </div>
    </div>
  );
}

function countScope(user: AuthUser): CountScope {
  if (isNational(user)) return { kind: 'national' };
  if (isRegional(user)) return { kind: 'region', regionCode: user.regionCode ?? '' };
  return {
    kind: 'department',
    regionCode: user.regionCode ?? '',
    departmentCode: user.departmentCode ?? '',
  };
}

/** Status, distribution kind and, once sent, where each region stands. */
function PlanSummary({ plan, user }: { plan: ProgrammingPlan; user: AuthUser }) {
  const own = plan.regionalStatuses.find((r) => r.regionCode === user.regionCode);
  const done = plan.regionalStatuses.filter((r) => r.status !== 'Pending').length;
  return (
    <div className="fr-mb-3w">
      <ul className="fr-badges-group" aria-label="État du plan">
        <li data-testid="plan-status">
          <Badge severity={PlanStatusSeverity[plan.status]} noIcon>
            {PlanStatusLabels[plan.status]}
          </Badge>
        </li>
        <li>
          <Badge noIcon>{DistributionKindLabels[plan.distributionKind]}</Badge>
        </li>
        {isRegional(user) && own && (
          <li data-testid="region-status">
            <Badge severity={RegionalStatusSeverity[own.status]} noIcon>
              {regionLabel(own.regionCode)} : {RegionalPlanStatusLabels[own.status]}
            </Badge>
          </li>
        )}
      </ul>
      {isNational(user) && plan.regionalStatuses.length > 0 && (
        <details className="fr-mt-1w" data-testid="regions-progress">
          <summary>
            Avancement des régions : {done} sur {plan.regionalStatuses.length}{' '}
            {plan.distributionKind === 'REGIONAL' ? 'ont approuvé' : 'ont réparti'}
          </summary>
          <ul className="fr-mt-1w">
            {plan.regionalStatuses.map((region) => (
              <li key={region.regionCode}>
                {regionLabel(region.regionCode)} :{' '}
                <Badge small severity={RegionalStatusSeverity[region.status]} noIcon>
                  {RegionalPlanStatusLabels[region.status]}
                </Badge>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

interface RegionsOverviewProps {
  plan: ProgrammingPlan;
  prescriptions: readonly Prescription[];
  labels: ReadonlyMap<string, string>;
  laboratories: Parameters<typeof RegionalSplit>[0]['laboratories'];
  onReload: () => Promise<unknown>;
  commentLink: Parameters<typeof RegionalSplit>[0]['commentLink'];
}

/** The national view of one region's split between its departments (read-only). */
function RegionsOverview({
  plan,
  prescriptions,
  labels,
  laboratories,
  onReload,
  commentLink,
}: RegionsOverviewProps) {
  const regions = RegionList.filter((region) =>
    prescriptions.some((p) =>
      p.regions.some((r) => r.regionCode === region.code && r.sampleCount > 0),
    ),
  );
  const [regionCode, setRegionCode] = useState(regions[0]?.code ?? '');
  if (regions.length === 0) return <p>Aucune région n’a de prélèvements dans ce plan.</p>;
  return (
    <>
      <Select
        className="maestro-narrow-field"
        label="Région"
        nativeSelectProps={{
          id: 'overview-region',
          value: regionCode,
          onChange: (event) => setRegionCode(event.target.value),
        }}
      >
        {regions.map((region) => (
          <option key={region.code} value={region.code}>
            {region.name}
          </option>
        ))}
      </Select>
      <RegionalSplit
        key={regionCode}
        plan={plan}
        prescriptions={prescriptions}
        labels={labels}
        regionCode={regionCode}
        editable={false}
        laboratories={laboratories}
        onReload={onReload}
        commentLink={commentLink}
      />
    </>
  );
}
