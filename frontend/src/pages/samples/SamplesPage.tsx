import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { SegmentedControl } from '@codegouvfr/react-dsfr/SegmentedControl';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import type { FindSampleLocationsQuery } from '@maestro/shared/contract';
import { hasPermission } from '@maestro/shared/domain';
import {
  DepartmentList,
  Departments,
  Matrices,
  MatrixKindList,
  MatrixKinds,
  matricesOfKind,
  RegionList,
  Regions,
} from '@maestro/shared/referential';
import {
  type AuthUser,
  type FindSamplesQuery,
  RoleScope,
  type SampleListItem,
  SampleSort,
  SampleStatus,
  SampleStatusLabels,
  SampleStatusList,
} from '@maestro/shared/schema';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiClientError, api, apiUrl } from '../../api/client';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { ComplianceBadge } from '../analyses/ComplianceBadge';
import { planTitle } from '../programming/labels';
import { plansQuery } from '../programming/queries';
import { LocalSamplesSection } from './LocalSamplesSection';
import { formatSampleDate, formatSampleDateTime, SampleStatusSeverity } from './status';

// The map is a heavy part, loaded only when asked for.
const SamplesMap = lazy(() => import('./SamplesMap'));

export const SAMPLES_PER_PAGE = 20;

export const samplesKey = ['samples'] as const;

export const samplesQuery = (query: FindSamplesQuery) =>
  queryOptions({
    queryKey: [...samplesKey, 'list', query],
    queryFn: () => api.findSamples({ query }),
    placeholderData: (previous) => previous,
  });

export const SampleSortLabels: Record<SampleSort, string> = {
  '-updatedAt': 'Dernière modification, la plus récente d’abord',
  updatedAt: 'Dernière modification, la plus ancienne d’abord',
  '-sampledAt': 'Date de prélèvement, la plus récente d’abord',
  sampledAt: 'Date de prélèvement, la plus ancienne d’abord',
  reference: 'Référence, de A à Z',
  '-reference': 'Référence, de Z à A',
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const text = (params: URLSearchParams, name: string) => params.get(name)?.trim() || undefined;
const id = (params: URLSearchParams, name: string) => {
  const value = params.get(name);
  return value && uuidPattern.test(value) ? value : undefined;
};
const date = (params: URLSearchParams, name: string) => {
  const value = params.get(name);
  return value && datePattern.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
};

/**
 * The filters of the list, read from the address (so that they survive a reload or a shared
 * link). Unknown or malformed values are ignored.
 */
export function samplesFiltersOf(params: URLSearchParams): FindSamplesQuery {
  const statuses = params
    .getAll('statut')
    .filter((value): value is SampleStatus => SampleStatus.safeParse(value).success);
  const sort = SampleSort.safeParse(params.get('tri'));
  const regionCode = params.get('region');
  const departmentCode = params.get('departement');
  const matrixKindCode = params.get('categorie');
  const matrixCode = params.get('matrice');
  const compliance = params.get('conformite');
  const page = Number(params.get('page'));
  const query: FindSamplesQuery = {
    programmingPlanId: id(params, 'plan'),
    status: statuses.length > 0 ? [...new Set(statuses)] : undefined,
    regionCode: regionCode && Regions[regionCode] ? regionCode : undefined,
    departmentCode:
      departmentCode && Departments[departmentCode]
        ? (departmentCode as FindSamplesQuery['departmentCode'])
        : undefined,
    matrixKindCode: matrixKindCode && MatrixKinds[matrixKindCode] ? matrixKindCode : undefined,
    matrixCode: matrixCode && Matrices[matrixCode] ? matrixCode : undefined,
    samplerId: id(params, 'preleveur'),
    laboratoryId: id(params, 'laboratoire'),
    sampledFrom: date(params, 'du'),
    sampledTo: date(params, 'au'),
    company: text(params, 'entreprise'),
    reference: text(params, 'reference'),
    q: text(params, 'q'),
    compliant: compliance === 'conforme' ? true : compliance === 'non-conforme' ? false : undefined,
    sort: sort.success ? sort.data : '-updatedAt',
    page: Number.isInteger(page) && page > 0 && page <= 100_000 ? page : 1,
    perPage: SAMPLES_PER_PAGE,
  };
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined),
  ) as FindSamplesQuery;
}

/** Whether any filter (the sort and the page apart) is set. */
const isFiltered = (query: FindSamplesQuery) =>
  Object.keys(query).some((key) => !['sort', 'page', 'perPage'].includes(key));

const matrixLabel = (sample: SampleListItem) =>
  (sample.matrixCode && Matrices[sample.matrixCode]?.label) ||
  sample.matrixFreeText ||
  (sample.matrixKindCode && MatrixKinds[sample.matrixKindCode]?.label) ||
  '—';

const departmentLabel = (code: string | null) =>
  code ? `${code} – ${Departments[code]?.name ?? ''}` : '—';

const countOf = (count: number, singular: string, plural: string) =>
  `${count.toLocaleString('fr-FR')} ${count > 1 ? plural : singular}`;

/** The states a user may meet: a laboratory never sees samples before they are sent. */
const visibleStatuses = (user: AuthUser) =>
  RoleScope[user.role] === 'Laboratory'
    ? SampleStatusList.filter((status) => status !== 'Draft' && status !== 'Submitted')
    : SampleStatusList;

/** The samples the user may see: filters, counts per state, list or map, exports. */
export default function SamplesPage() {
  const heading = usePageTitle('Prélèvements');
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const query = samplesFiltersOf(params);
  const view = params.get('vue') === 'carte' ? 'map' : 'list';
  const samples = useQuery({ ...samplesQuery(query), enabled: view === 'list' });
  const filtered = isFiltered(query);
  const scope = RoleScope[user.role];
  const canCreate = hasPermission(user, 'sample.create');
  // Offline (the query waits for the network, or the API could not be reached): the list of
  // the server is out of reach, the samples of this device stay listed above.
  const offline =
    (samples.isPending && samples.fetchStatus === 'paused') ||
    (samples.error instanceof ApiClientError && samples.error.status === 0);

  /** Sets (or clears) one parameter of the address; a new filter starts from the first page. */
  const update = (changes: Record<string, string | string[] | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      next.delete(name);
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item) next.append(name, item);
      }
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };

  const toggleStatus = (status: SampleStatus | null) => {
    const current = query.status ?? [];
    update({
      statut:
        status === null
          ? null
          : current.includes(status)
            ? current.filter((s) => s !== status)
            : [...current, status],
    });
  };

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    if (page === 1) next.delete('page');
    else next.set('page', String(page));
    const search = next.toString();
    return { to: search ? `?${search}` : '?' };
  };

  const { page: _page, perPage: _perPage, ...exportFilters } = query;
  const exportUrl = (format: 'csv' | 'xlsx') =>
    apiUrl('exportSamples', { query: { ...exportFilters, format } });
  const { sort: _sort, ...locationFilters } = exportFilters;

  const total = samples.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / SAMPLES_PER_PAGE));
  const counts = samples.data?.statusCounts;
  /** What the sampler filter shows: « Mes prélèvements » or « Prélèvements de Léa Fontaine ». */
  const samplerFilterLabel = (() => {
    if (query.samplerId === user.id) return 'Mes prélèvements';
    const sampler = samples.data?.items.find((s) => s.sampler.id === query.samplerId)?.sampler;
    return sampler
      ? `Prélèvements de ${sampler.firstName} ${sampler.lastName}`
      : 'Prélèvements du préleveur choisi';
  })();

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Prélèvements
          </h1>
        </div>
        {canCreate && (
          <div className="fr-col-auto">
            <Button iconId="fr-icon-add-line" linkProps={{ to: '/prelevements/nouveau' }}>
              Nouveau prélèvement
            </Button>
          </div>
        )}
      </div>

      {canCreate && (
        <>
          <LocalSamplesSection user={user} />
          <h2 className="fr-h4 fr-mb-2w">Liste des prélèvements</h2>
        </>
      )}

      <SampleFilters user={user} query={query} scope={scope} onChange={update} />

      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mt-1w">
        <div className="fr-col-12 fr-col-md">
          <SegmentedControl
            small
            legend="Affichage"
            inlineLegend
            segments={[
              {
                label: 'Liste',
                iconId: 'fr-icon-list-unordered',
                nativeInputProps: {
                  checked: view === 'list',
                  onChange: () => update({ vue: null, page: params.get('page') }),
                },
              },
              {
                label: 'Carte',
                iconId: 'fr-icon-map-pin-2-line',
                nativeInputProps: {
                  checked: view === 'map',
                  onChange: () => update({ vue: 'carte', page: params.get('page') }),
                },
              },
            ]}
          />
        </div>
        <div className="fr-col-12 fr-col-md-auto">
          <ul
            className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left"
            aria-label="Exporter les prélèvements filtrés"
          >
            <li>
              <a
                className="fr-btn fr-btn--secondary fr-icon-download-line"
                href={exportUrl('csv')}
                download
                data-testid="export-csv"
              >
                Exporter en CSV
              </a>
            </li>
            <li>
              <a
                className="fr-btn fr-btn--secondary fr-icon-download-line"
                href={exportUrl('xlsx')}
                download
                data-testid="export-xlsx"
              >
                Exporter en XLSX
              </a>
            </li>
          </ul>
        </div>
      </div>

      {view === 'map' ? (
        <Suspense fallback={<Loading label="Chargement de la carte…" />}>
          <SamplesMap filters={locationFilters as FindSampleLocationsQuery} />
        </Suspense>
      ) : samples.isPending && !offline ? (
        <Loading label="Chargement des prélèvements…" />
      ) : samples.isError || samples.isPending ? (
        <Alert
          severity={offline ? 'warning' : 'error'}
          title={
            offline
              ? 'Hors ligne : la liste des prélèvements du serveur n’est pas disponible'
              : 'La liste des prélèvements n’a pas pu être chargée'
          }
          description={
            <>
              <p>
                {offline
                  ? `Le serveur est injoignable.${canCreate ? ' Les prélèvements enregistrés sur cet appareil restent disponibles ci-dessus.' : ''} Réessayez une fois la connexion revenue.`
                  : samples.error?.message}
              </p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void samples.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : (
        <>
          {counts && (
            <section aria-labelledby="status-counts-title" className="fr-mt-2w">
              <h2 id="status-counts-title" className="fr-text--md fr-mb-1w">
                Par statut <span className="fr-hint-text fr-text--sm">(cliquez pour filtrer)</span>
              </h2>
              <ul className="fr-tags-group" data-testid="status-counts">
                <li>
                  <Tag
                    small
                    pressed={!query.status}
                    nativeButtonProps={{ onClick: () => toggleStatus(null) }}
                  >
                    Tous les statuts
                  </Tag>
                </li>
                {visibleStatuses(user).map((status) => (
                  <li key={status}>
                    <Tag
                      small
                      pressed={query.status?.includes(status) ?? false}
                      nativeButtonProps={{
                        onClick: () => toggleStatus(status),
                        'data-testid': `status-count-${status}`,
                      }}
                    >
                      {SampleStatusLabels[status]} : {counts[status].toLocaleString('fr-FR')}
                    </Tag>
                  </li>
                ))}
              </ul>
            </section>
          )}

          <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
            <p className="fr-col fr-mb-0" role="status" data-testid="samples-count">
              {total === 0
                ? filtered
                  ? 'Aucun prélèvement ne correspond à ces critères.'
                  : 'Aucun prélèvement pour l’instant.'
                : filtered
                  ? `${countOf(total, 'prélèvement correspond', 'prélèvements correspondent')} à ces critères.`
                  : countOf(total, 'prélèvement', 'prélèvements')}
            </p>
            {filtered && (
              <div className="fr-col-auto">
                <Button
                  priority="tertiary"
                  size="small"
                  iconId="fr-icon-close-circle-line"
                  onClick={() => setParams(new URLSearchParams())}
                >
                  Effacer les filtres
                </Button>
              </div>
            )}
          </div>
          {query.samplerId && (
            <p className="fr-mt-1w">
              <Tag
                small
                dismissible
                nativeButtonProps={{
                  onClick: () => update({ preleveur: null }),
                  'aria-label': `Retirer le filtre « ${samplerFilterLabel} »`,
                }}
              >
                {samplerFilterLabel}
              </Tag>
            </p>
          )}

          {total === 0 && !filtered && hasPermission(user, 'sample.create') && (
            <p>Créez votre premier prélèvement avec le bouton « Nouveau prélèvement ».</p>
          )}

          {samples.data.items.length > 0 && (
            <DsfrTable className="fr-mt-2w" busy={samples.isFetching}>
              <caption>
                Prélèvements
                {pageCount > 1 ? `, page ${samples.data.page} sur ${pageCount}` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Référence</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Date de prélèvement</th>
                  <th scope="col">Entreprise ou lieu</th>
                  <th scope="col">Matrice</th>
                  <th scope="col">Département</th>
                  <th scope="col">Préleveur</th>
                  <th scope="col">Dernière modification</th>
                </tr>
              </thead>
              <tbody>
                {samples.data.items.map((sample) => (
                  <tr key={sample.id} data-testid={`sample-${sample.reference}`}>
                    <th scope="row">
                      <Link to={`/prelevements/${sample.id}`}>{sample.reference}</Link>
                    </th>
                    <td>
                      <Badge small noIcon severity={SampleStatusSeverity[sample.status]}>
                        {SampleStatusLabels[sample.status]}
                      </Badge>
                      <ComplianceBadge small compliant={sample.compliant} className="fr-mt-1v" />
                    </td>
                    <td>{sample.sampledAt ? formatSampleDateTime(sample.sampledAt) : '—'}</td>
                    <td>
                      {sample.companyName ?? '—'}
                      {sample.companySiret && (
                        <span className="fr-hint-text">SIRET {sample.companySiret}</span>
                      )}
                    </td>
                    <td>{matrixLabel(sample)}</td>
                    <td>{departmentLabel(sample.departmentCode)}</td>
                    <td>
                      {query.samplerId === sample.sampler.id ? (
                        `${sample.sampler.firstName} ${sample.sampler.lastName}`
                      ) : (
                        <Link
                          to={`?${new URLSearchParams([
                            ...[...params].filter(([k]) => k !== 'page' && k !== 'preleveur'),
                            ['preleveur', sample.sampler.id],
                          ])}`}
                          title={`Voir les prélèvements de ${sample.sampler.firstName} ${sample.sampler.lastName}`}
                        >
                          {sample.sampler.firstName} {sample.sampler.lastName}
                        </Link>
                      )}
                    </td>
                    <td>{formatSampleDate(sample.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </DsfrTable>
          )}

          {pageCount > 1 && (
            <Pagination
              className="fr-mt-3w"
              count={pageCount}
              defaultPage={Math.min(query.page, pageCount)}
              getPageLinkProps={pageLink}
            />
          )}
        </>
      )}
    </div>
  );
}

interface SampleFiltersProps {
  user: AuthUser;
  query: FindSamplesQuery;
  scope: (typeof RoleScope)[keyof typeof RoleScope];
  onChange: (changes: Record<string, string | null>) => void;
}

/** The filters: a free search and the text filters (submitted), the lists (applied at once). */
function SampleFilters({ user, query, scope, onChange }: SampleFiltersProps) {
  const [search, setSearch] = useState({
    q: query.q ?? '',
    entreprise: query.company ?? '',
    reference: query.reference ?? '',
  });
  useEffect(
    () =>
      setSearch({
        q: query.q ?? '',
        entreprise: query.company ?? '',
        reference: query.reference ?? '',
      }),
    [query.q, query.company, query.reference],
  );
  const plans = useQuery({
    ...plansQuery({}),
    enabled: hasPermission(user, 'programmingPlan.read'),
  });
  const laboratories = useLaboratories();
  const regionChoice = scope === 'National' || scope === 'Laboratory';
  const departments =
    scope === 'Region'
      ? DepartmentList.filter((d) => d.regionCode === user.regionCode)
      : regionChoice
        ? DepartmentList.filter((d) => !query.regionCode || d.regionCode === query.regionCode)
        : [];
  const matrices = query.matrixKindCode ? matricesOfKind(query.matrixKindCode) : [];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onChange({
      q: search.q.trim() || null,
      entreprise: search.entreprise.trim() || null,
      reference: search.reference.trim() || null,
    });
  };

  const select = (
    name: string,
    label: string,
    value: string | undefined,
    options: { value: string; label: string }[],
    all: string,
    extra: Record<string, string | null> = {},
  ) => (
    <div className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
      <Select
        label={label}
        className="fr-mb-0"
        nativeSelectProps={{
          id: `samples-${name}`,
          value: value ?? '',
          onChange: (event) => onChange({ [name]: event.target.value || null, ...extra }),
        }}
      >
        <option value="">{all}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </Select>
    </div>
  );

  return (
    <search aria-label="Filtrer les prélèvements" className="fr-mb-2w">
      <form onSubmit={submit}>
        <div className="fr-grid-row fr-grid-row--gutters maestro-filters">
          <div className="fr-col-12 fr-col-md-6 fr-col-lg-4">
            <Input
              label="Rechercher"
              hintText="Référence, entreprise ou SIRET"
              className="fr-mb-0"
              nativeInputProps={{
                id: 'samples-search',
                type: 'search',
                name: 'q',
                value: search.q,
                onChange: (event) => setSearch({ ...search, q: event.target.value }),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
            <Input
              label="Entreprise"
              hintText="Nom ou SIRET"
              className="fr-mb-0"
              nativeInputProps={{
                id: 'samples-company',
                name: 'entreprise',
                value: search.entreprise,
                onChange: (event) => setSearch({ ...search, entreprise: event.target.value }),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
            <Input
              label="Référence"
              hintText="Par exemple ARA-26-00042"
              className="fr-mb-0"
              nativeInputProps={{
                id: 'samples-reference',
                name: 'reference',
                value: search.reference,
                onChange: (event) => setSearch({ ...search, reference: event.target.value }),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-lg-2">
            <Button type="submit" iconId="fr-icon-search-line">
              Rechercher
            </Button>
          </div>
        </div>
      </form>
      <div className="fr-grid-row fr-grid-row--gutters maestro-filters">
        {hasPermission(user, 'programmingPlan.read') &&
          select(
            'plan',
            'Plan de programmation',
            query.programmingPlanId,
            (plans.data ?? []).map((plan) => ({ value: plan.id, label: planTitle(plan) })),
            'Tous les plans',
          )}
        {regionChoice &&
          select(
            'region',
            'Région',
            query.regionCode,
            RegionList.map((region) => ({ value: region.code, label: region.name })),
            'Toutes les régions',
            { departement: null },
          )}
        {departments.length > 0 &&
          select(
            'departement',
            'Département',
            query.departmentCode,
            departments.map((d) => ({ value: d.code, label: `${d.code} – ${d.name}` })),
            'Tous les départements',
          )}
        {select(
          'categorie',
          'Catégorie de matrice',
          query.matrixKindCode,
          MatrixKindList.map((kind) => ({ value: kind.code, label: kind.label })),
          'Toutes les catégories',
          { matrice: null },
        )}
        {matrices.length > 0 &&
          select(
            'matrice',
            'Matrice',
            query.matrixCode,
            matrices.map((matrix) => ({ value: matrix.code, label: matrix.label })),
            'Toutes les matrices',
          )}
        {select(
          'conformite',
          'Conformité',
          query.compliant === undefined ? undefined : query.compliant ? 'conforme' : 'non-conforme',
          [
            { value: 'conforme', label: 'Conformes' },
            { value: 'non-conforme', label: 'Non conformes' },
          ],
          'Toutes',
        )}
        {scope !== 'Laboratory' &&
          select(
            'laboratoire',
            'Laboratoire',
            query.laboratoryId,
            (laboratories.data ?? []).map((lab) => ({ value: lab.id, label: lab.shortName })),
            'Tous les laboratoires',
          )}
        <div className="fr-col-6 fr-col-lg-3">
          <Input
            label="Prélevé à partir du"
            className="fr-mb-0"
            nativeInputProps={{
              id: 'samples-from',
              type: 'date',
              value: query.sampledFrom ?? '',
              max: query.sampledTo,
              onChange: (event) => onChange({ du: event.target.value || null }),
            }}
          />
        </div>
        <div className="fr-col-6 fr-col-lg-3">
          <Input
            label="Prélevé jusqu’au"
            className="fr-mb-0"
            nativeInputProps={{
              id: 'samples-to',
              type: 'date',
              value: query.sampledTo ?? '',
              min: query.sampledFrom,
              onChange: (event) => onChange({ au: event.target.value || null }),
            }}
          />
        </div>
        {select(
          'tri',
          'Trier par',
          query.sort === '-updatedAt' ? undefined : query.sort,
          SampleSort.options
            .filter((sort) => sort !== '-updatedAt')
            .map((sort) => ({ value: sort, label: SampleSortLabels[sort] })),
          SampleSortLabels['-updatedAt'],
        )}
        {hasPermission(user, 'sample.create') && (
          <div className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
            <div className="fr-checkbox-group">
              <input
                type="checkbox"
                id="samples-mine"
                checked={query.samplerId === user.id}
                onChange={(event) => onChange({ preleveur: event.target.checked ? user.id : null })}
              />
              <label className="fr-label" htmlFor="samples-mine">
                Uniquement mes prélèvements
              </label>
            </div>
          </div>
        )}
      </div>
    </search>
  );
}
