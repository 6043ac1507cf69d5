import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import { hasPermission } from '@maestro/shared/domain';
import {
  type AnalysisListItem,
  AnalysisStatus,
  AnalysisStatusLabels,
  AnalysisStatusList,
  type AuthUser,
  type FindAnalysesQuery,
  RoleScope,
} from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiUrl } from '../../api/client';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { formatSampleDate } from '../samples/status';
import { ComplianceBadge } from './ComplianceBadge';
import { AnalysisStatusSeverity, matrixName } from './labels';
import { analysesQuery } from './queries';
import './analyses.css';

export const ANALYSES_PER_PAGE = 20;

/** The value of `statut` that shows every state (a reviewer's list is « À valider » otherwise). */
export const ALL_STATUSES = 'tous';

/** A reviewer (coordinator) opens the list on what waits for them: « À valider ». */
export const reviewsByDefault = (user: Pick<AuthUser, 'role'>): boolean =>
  hasPermission(user, 'analysis.review') && RoleScope[user.role] !== 'Laboratory';

/**
 * The filters of the list, read from the address (so that they survive a reload or a shared
 * link). Unknown or malformed values are ignored.
 */
export function analysesFiltersOf(
  params: URLSearchParams,
  defaultStatus: AnalysisStatus | null = null,
): FindAnalysesQuery {
  const statusParam = params.get('statut');
  const status = AnalysisStatus.safeParse(statusParam);
  const reference = params.get('reference')?.trim().slice(0, 40) || undefined;
  const compliance = params.get('conformite');
  const page = Number(params.get('page'));
  const query: FindAnalysesQuery = {
    status: status.success
      ? [status.data]
      : statusParam === null && defaultStatus
        ? [defaultStatus]
        : undefined,
    compliant: compliance === 'conforme' ? true : compliance === 'non-conforme' ? false : undefined,
    reference,
    page: Number.isInteger(page) && page > 0 && page <= 100_000 ? page : 1,
    perPage: ANALYSES_PER_PAGE,
  };
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined),
  ) as FindAnalysesQuery;
}

const countOf = (count: number, singular: string, plural: string) =>
  `${count.toLocaleString('fr-FR')} ${count > 1 ? plural : singular}`;

const dateOrDash = (value: string | null) => (value ? formatSampleDate(value) : '—');

/**
 * The analyses the user may see: for a laboratory, the copies addressed to it; for the
 * services, those of their scope (a coordinator starts from the ones to validate).
 */
export default function AnalysesPage() {
  const heading = usePageTitle('Analyses');
  const user = useCurrentUser();
  const laboratories = useLaboratories();
  const [params, setParams] = useSearchParams();
  const defaultStatus = reviewsByDefault(user) ? 'InReview' : null;
  const query = analysesFiltersOf(params, defaultStatus);
  const analyses = useQuery(analysesQuery(query));
  const isLaboratory = RoleScope[user.role] === 'Laboratory';
  const canImport = isLaboratory && hasPermission(user, 'analysis.submitResults');
  const filtered = query.reference !== undefined || query.compliant !== undefined;
  const currentStatus = query.status?.[0] ?? null;

  const [reference, setReference] = useState(query.reference ?? '');
  useEffect(() => setReference(query.reference ?? ''), [query.reference]);

  /** Sets (or clears) parameters of the address; a new filter starts from the first page. */
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };

  const chooseStatus = (status: AnalysisStatus | null) =>
    update({ statut: status ?? (defaultStatus ? ALL_STATUSES : null) });

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update({ reference: reference.trim() || null });
  };

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    if (page === 1) next.delete('page');
    else next.set('page', String(page));
    const text = next.toString();
    return { to: text ? `?${text}` : '?' };
  };

  const { page: _page, perPage: _perPage, ...exportFilters } = query;
  const exportUrl = (format: 'csv' | 'xlsx') =>
    apiUrl('exportAnalyses', { query: { ...exportFilters, format } });

  const labName = (id: string) =>
    laboratories.data?.find((laboratory) => laboratory.id === id)?.shortName ?? '—';
  const total = analyses.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / ANALYSES_PER_PAGE));
  const counts = analyses.data?.statusCounts;
  const allCount = counts
    ? AnalysisStatusList.reduce((sum, status) => sum + (counts[status] ?? 0), 0)
    : 0;

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Analyses
          </h1>
        </div>
        {canImport && (
          <div className="fr-col-auto">
            <Button
              iconId="fr-icon-upload-line"
              priority="secondary"
              linkProps={{ to: '/analyses/import' }}
            >
              Importer des résultats
            </Button>
          </div>
        )}
      </div>
      <p className="fr-text--sm">
        {isLaboratory
          ? 'Les exemplaires adressés à votre laboratoire : réceptionnez-les, puis saisissez et transmettez leurs résultats.'
          : defaultStatus
            ? 'Les analyses des prélèvements de votre périmètre. La liste s’ouvre sur les résultats transmis qui attendent votre validation.'
            : 'Les analyses des prélèvements de votre périmètre.'}
      </p>

      <search aria-label="Filtrer les analyses" className="fr-mb-2w">
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom maestro-filters">
          <form onSubmit={search} className="fr-col-12 fr-col-md-6">
            <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
              <div className="fr-col">
                <Input
                  label="Référence"
                  hintText="Du prélèvement ou de l’exemplaire, par exemple ARA-26-00042"
                  className="fr-mb-0"
                  nativeInputProps={{
                    id: 'analyses-reference',
                    type: 'search',
                    name: 'reference',
                    value: reference,
                    onChange: (event) => setReference(event.target.value),
                  }}
                />
              </div>
              <div className="fr-col-auto">
                <Button type="submit" iconId="fr-icon-search-line">
                  Rechercher
                </Button>
              </div>
            </div>
          </form>
          <div className="fr-col-12 fr-col-sm-6 fr-col-md-3">
            <Select
              label="Conformité"
              className="fr-mb-0"
              nativeSelectProps={{
                id: 'analyses-compliance',
                value:
                  query.compliant === undefined
                    ? ''
                    : query.compliant
                      ? 'conforme'
                      : 'non-conforme',
                onChange: (event) => update({ conformite: event.target.value || null }),
              }}
            >
              <option value="">Toutes</option>
              <option value="conforme">Conformes</option>
              <option value="non-conforme">Non conformes</option>
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-auto">
            <ul
              className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left"
              aria-label="Exporter les résultats des analyses filtrées"
            >
              <li>
                <a
                  className="fr-btn fr-btn--secondary fr-icon-download-line"
                  href={exportUrl('csv')}
                  download
                  data-testid="analyses-export-csv"
                >
                  Exporter (CSV)
                </a>
              </li>
              <li>
                <a
                  className="fr-btn fr-btn--secondary fr-icon-download-line"
                  href={exportUrl('xlsx')}
                  download
                  data-testid="analyses-export-xlsx"
                >
                  Exporter (XLSX)
                </a>
              </li>
            </ul>
          </div>
        </div>
      </search>

      {analyses.isPending ? (
        <Loading label="Chargement des analyses…" />
      ) : analyses.isError ? (
        <Alert
          severity="error"
          title="La liste des analyses n’a pas pu être chargée"
          description={
            <>
              <p>{analyses.error.message}</p>
              <Button
                type="button"
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void analyses.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : (
        <>
          {counts && (
            <section aria-labelledby="analysis-status-title" className="fr-mt-2w">
              <h2 id="analysis-status-title" className="fr-text--md fr-mb-1w">
                Par statut <span className="fr-hint-text fr-text--sm">(cliquez pour filtrer)</span>
              </h2>
              <ul className="fr-tags-group" data-testid="analysis-status-counts">
                <li>
                  <Tag
                    small
                    pressed={currentStatus === null}
                    nativeButtonProps={{
                      onClick: () => chooseStatus(null),
                      'data-testid': 'analysis-status-all',
                    }}
                  >
                    {`Tous les statuts : ${allCount.toLocaleString('fr-FR')}`}
                  </Tag>
                </li>
                {AnalysisStatusList.map((status) => (
                  <li key={status}>
                    <Tag
                      small
                      pressed={currentStatus === status}
                      nativeButtonProps={{
                        onClick: () => chooseStatus(status),
                        'data-testid': `analysis-status-${status}`,
                      }}
                    >
                      {`${AnalysisStatusLabels[status]} : ${(counts[status] ?? 0).toLocaleString('fr-FR')}`}
                    </Tag>
                  </li>
                ))}
              </ul>
            </section>
          )}

          <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
            <p className="fr-col fr-mb-0" role="status" data-testid="analyses-count">
              {total === 0
                ? filtered || currentStatus
                  ? 'Aucune analyse ne correspond à ces critères.'
                  : isLaboratory
                    ? 'Aucune analyse pour l’instant : les prélèvements envoyés à votre laboratoire apparaîtront ici.'
                    : 'Aucune analyse pour l’instant.'
                : currentStatus || filtered
                  ? `${countOf(total, 'analyse correspond', 'analyses correspondent')} à ces critères.`
                  : countOf(total, 'analyse', 'analyses')}
            </p>
            {(filtered || params.has('statut')) && (
              <div className="fr-col-auto">
                <Button
                  type="button"
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

          {analyses.data.items.length > 0 && (
            <DsfrTable className="fr-mt-2w" busy={analyses.isFetching}>
              <caption>
                Analyses
                {pageCount > 1 ? `, page ${analyses.data.page} sur ${pageCount}` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Exemplaire</th>
                  <th scope="col">Matrice</th>
                  <th scope="col">Prélevé le</th>
                  <th scope="col">Envoyé le</th>
                  <th scope="col">Reçu le</th>
                  {!isLaboratory && <th scope="col">Laboratoire</th>}
                  <th scope="col">Statut</th>
                  <th scope="col">Conformité</th>
                </tr>
              </thead>
              <tbody>
                {analyses.data.items.map((analysis) => (
                  <AnalysisRow
                    key={analysis.id}
                    analysis={analysis}
                    laboratory={isLaboratory ? null : labName(analysis.laboratoryId)}
                  />
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

function AnalysisRow({
  analysis,
  laboratory,
}: {
  analysis: AnalysisListItem;
  laboratory: string | null;
}) {
  return (
    <tr data-testid={`analysis-${analysis.copyReference}`}>
      <th scope="row">
        <Link to={`/analyses/${analysis.id}`}>{analysis.copyReference}</Link>
        {(analysis.counterAnalysis || analysis.mrlChanged) && (
          <ul className="fr-tags-group fr-mt-1w fr-mb-0">
            {analysis.counterAnalysis && (
              <li>
                <Tag small>Contre-analyse</Tag>
              </li>
            )}
            {analysis.mrlChanged && (
              <li>
                <Tag small iconId="fr-icon-warning-line">
                  LMR modifiée
                </Tag>
              </li>
            )}
          </ul>
        )}
      </th>
      <td>{matrixName(analysis.matrixCode, analysis.matrixFreeText)}</td>
      <td>{dateOrDash(analysis.sampledAt)}</td>
      <td>{dateOrDash(analysis.sentAt)}</td>
      <td>{dateOrDash(analysis.receivedAt)}</td>
      {laboratory !== null && <td>{laboratory}</td>}
      <td>
        <Badge small noIcon severity={AnalysisStatusSeverity[analysis.status]}>
          {AnalysisStatusLabels[analysis.status]}
        </Badge>
      </td>
      <td>
        {analysis.compliant === null ? (
          <span className="fr-text--sm">—</span>
        ) : (
          <ComplianceBadge small compliant={analysis.compliant} />
        )}
      </td>
    </tr>
  );
}
