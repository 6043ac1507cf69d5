import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { RegionList, Regions } from '@maestro/shared/referential';
import { Role, RoleLabels, RoleList } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { scopeLabel } from '../../app/scope';
import { countOf, formatDate } from './format';
import { usersQuery } from './queries';

export const USERS_PER_PAGE = 20;

type AccountState = 'actifs' | 'desactives';

/** The filters of the list, read from the address (so that they survive a reload or a link). */
export function usersFiltersOf(params: URLSearchParams) {
  const role = Role.safeParse(params.get('role'));
  const regionCode = params.get('region');
  const state = params.get('etat');
  const page = Number(params.get('page'));
  return {
    q: params.get('q')?.trim() ?? '',
    role: role.success ? role.data : undefined,
    regionCode: regionCode && Regions[regionCode] ? regionCode : undefined,
    state: state === 'actifs' || state === 'desactives' ? (state as AccountState) : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export default function UsersPage() {
  const heading = usePageTitle('Utilisateurs');
  const [params, setParams] = useSearchParams();
  const filters = usersFiltersOf(params);
  const [search, setSearch] = useState(filters.q);
  useEffect(() => setSearch(filters.q), [filters.q]);
  const laboratories = useLaboratories();
  const users = useQuery(
    usersQuery({
      q: filters.q || undefined,
      role: filters.role,
      regionCode: filters.regionCode,
      disabled: filters.state === undefined ? undefined : filters.state === 'desactives',
      page: filters.page,
      perPage: USERS_PER_PAGE,
    }),
  );
  const filtered =
    filters.q !== '' ||
    filters.role !== undefined ||
    filters.regionCode !== undefined ||
    filters.state !== undefined;

  /** A new filter value starts again from the first page. */
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    next.delete('page');
    setParams(next);
  };

  const submitSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilter('q', search.trim());
  };

  const clearFilters = () => {
    setSearch('');
    setParams(new URLSearchParams());
  };

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    if (page === 1) next.delete('page');
    else next.set('page', String(page));
    const query = next.toString();
    return { to: query ? `?${query}` : '?' };
  };

  const total = users.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / USERS_PER_PAGE));

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Utilisateurs
          </h1>
        </div>
        <div className="fr-col-auto">
          <Button iconId="fr-icon-user-add-line" linkProps={{ to: '/utilisateurs/nouveau' }}>
            Nouvel utilisateur
          </Button>
        </div>
      </div>

      <search aria-label="Filtrer les utilisateurs" className="fr-mb-3w">
        <form onSubmit={submitSearch}>
          <div className="fr-grid-row fr-grid-row--gutters maestro-filters">
            <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
              <Input
                label="Rechercher"
                hintText="Nom, prénom ou adresse e-mail"
                className="fr-mb-0"
                nativeInputProps={{
                  id: 'users-search',
                  type: 'search',
                  name: 'q',
                  value: search,
                  onChange: (event) => setSearch(event.target.value),
                }}
              />
            </div>
            <div className="fr-col-12 fr-col-md-4 fr-col-lg-2">
              <Button type="submit" iconId="fr-icon-search-line">
                Rechercher
              </Button>
            </div>
          </div>
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-12 fr-col-md-4">
              <Select
                label="Rôle"
                className="fr-mb-0"
                nativeSelectProps={{
                  id: 'users-role',
                  value: filters.role ?? '',
                  onChange: (event) => setFilter('role', event.target.value),
                }}
              >
                <option value="">Tous les rôles</option>
                {RoleList.map((role) => (
                  <option key={role} value={role}>
                    {RoleLabels[role]}
                  </option>
                ))}
              </Select>
            </div>
            <div className="fr-col-12 fr-col-md-4">
              <Select
                label="Région"
                className="fr-mb-0"
                nativeSelectProps={{
                  id: 'users-region',
                  value: filters.regionCode ?? '',
                  onChange: (event) => setFilter('region', event.target.value),
                }}
              >
                <option value="">Toutes les régions</option>
                {RegionList.map((region) => (
                  <option key={region.code} value={region.code}>
                    {region.name}
                  </option>
                ))}
              </Select>
            </div>
            <div className="fr-col-12 fr-col-md-4">
              <Select
                label="État du compte"
                className="fr-mb-0"
                nativeSelectProps={{
                  id: 'users-state',
                  value: filters.state ?? '',
                  onChange: (event) => setFilter('etat', event.target.value),
                }}
              >
                <option value="">Tous</option>
                <option value="actifs">Actifs</option>
                <option value="desactives">Désactivés</option>
              </Select>
            </div>
          </div>
        </form>
      </search>

      {users.isPending ? (
        <Loading label="Chargement des utilisateurs…" />
      ) : users.isError ? (
        <Alert
          severity="error"
          title="La liste des utilisateurs n’a pas pu être chargée"
          description={
            <>
              <p>{users.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void users.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : (
        <>
          <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
            <p className="fr-col fr-mb-0" role="status" data-testid="users-count">
              {total === 0
                ? filtered
                  ? 'Aucun utilisateur ne correspond à ces critères.'
                  : 'Aucun utilisateur pour l’instant.'
                : filtered
                  ? `${countOf(total, 'utilisateur correspond', 'utilisateurs correspondent')} à ces critères.`
                  : countOf(total, 'utilisateur', 'utilisateurs')}
            </p>
            {filtered && (
              <div className="fr-col-auto">
                <Button
                  priority="tertiary"
                  size="small"
                  iconId="fr-icon-close-circle-line"
                  onClick={clearFilters}
                >
                  Effacer les filtres
                </Button>
              </div>
            )}
          </div>

          {total > 0 && (
            <DsfrTable className="fr-mt-2w" busy={users.isFetching}>
              <caption>
                Utilisateurs
                {pageCount > 1 ? `, page ${users.data.page} sur ${pageCount}` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Adresse e-mail</th>
                  <th scope="col">Rôle</th>
                  <th scope="col">Périmètre</th>
                  <th scope="col">État</th>
                  <th scope="col">Dernière connexion</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => (
                  <tr key={user.id}>
                    <th scope="row">
                      <Link to={`/utilisateurs/${user.id}`}>
                        {user.lastName} {user.firstName}
                      </Link>
                    </th>
                    <td>{user.email}</td>
                    <td>{RoleLabels[user.role]}</td>
                    <td>{scopeLabel(user, laboratories.data)}</td>
                    <td>
                      {user.disabled ? (
                        <Badge severity="error" small>
                          Désactivé
                        </Badge>
                      ) : (
                        <Badge severity="success" small>
                          Actif
                        </Badge>
                      )}
                    </td>
                    <td>{user.lastLoginAt ? formatDate(user.lastLoginAt) : 'Jamais'}</td>
                  </tr>
                ))}
              </tbody>
            </DsfrTable>
          )}

          {pageCount > 1 && (
            <Pagination
              className="fr-mt-3w"
              count={pageCount}
              defaultPage={Math.min(filters.page, pageCount)}
              getPageLinkProps={pageLink}
            />
          )}
        </>
      )}
    </div>
  );
}
