import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import {
  ImportLineOutcome,
  ImportLineOutcomeLabels,
  type ImportSummary,
} from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { DsfrTable } from '../../../app/DsfrTable';
import { Loading } from '../../../app/Loading';
import { countOf, substanceName } from './importFile';
import { analysisImportLinesQuery } from './queries';

export const IMPORT_LINES_PER_PAGE = 50;

export const OutcomeSeverity = {
  Write: 'success',
  Warning: 'warning',
  Error: 'error',
} as const satisfies Record<ImportLineOutcome, string>;

/** The filter and page of the lines, read from the address. */
export function importLinesFiltersOf(params: URLSearchParams) {
  const outcome = ImportLineOutcome.safeParse(params.get('issue'));
  const page = Number(params.get('page'));
  return {
    outcome: outcome.success ? outcome.data : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** The lines of an import, filtered by outcome and paginated, each with its messages. */
export function ImportLines({ summary }: { summary: ImportSummary }) {
  const uid = useId();
  const [params, setParams] = useSearchParams();
  const filters = importLinesFiltersOf(params);
  const lines = useQuery(
    analysisImportLinesQuery(summary.id, {
      outcome: filters.outcome,
      page: filters.page,
      perPage: IMPORT_LINES_PER_PAGE,
    }),
  );

  const setOutcome = (value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete('issue');
    else next.set('issue', value);
    next.delete('page');
    setParams(next, { preventScrollReset: true });
  };

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    if (page === 1) next.delete('page');
    else next.set('page', String(page));
    return { to: `?${next.toString()}`, preventScrollReset: true };
  };

  const total = lines.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / IMPORT_LINES_PER_PAGE));

  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mt-4w">
      <h3 id={`${uid}-title`}>Lignes du fichier</h3>
      <Select
        label="Afficher"
        className="maestro-import-filter"
        nativeSelectProps={{
          id: `${uid}-outcome`,
          value: filters.outcome ?? '',
          onChange: (event) => setOutcome(event.target.value),
        }}
      >
        <option value="">Toutes les lignes ({summary.lineCount.toLocaleString('fr-FR')})</option>
        {ImportLineOutcome.options.map((outcome) => (
          <option key={outcome} value={outcome}>
            {ImportLineOutcomeLabels[outcome]} ({summary.counts[outcome].toLocaleString('fr-FR')})
          </option>
        ))}
      </Select>

      {lines.isPending ? (
        <Loading label="Chargement des lignes…" />
      ) : lines.isError ? (
        <Alert
          severity="error"
          title="Les lignes n’ont pas pu être chargées"
          description={
            <>
              <p>{lines.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void lines.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : total === 0 ? (
        <p role="status" data-testid="import-lines-count">
          {filters.outcome
            ? `Aucune ligne « ${ImportLineOutcomeLabels[filters.outcome]} ».`
            : 'Le fichier ne contient aucune ligne de résultat.'}
        </p>
      ) : (
        <>
          <p role="status" className="fr-mb-0" data-testid="import-lines-count">
            {countOf(total, 'ligne', 'lignes')}
            {filters.outcome ? ` « ${ImportLineOutcomeLabels[filters.outcome]} »` : ''}
          </p>
          <DsfrTable className="fr-table--multiline fr-mt-2w" busy={lines.isFetching}>
            <caption>
              Lignes du fichier « {summary.fileName} »
              {filters.outcome ? `, ${ImportLineOutcomeLabels[filters.outcome]}` : ''}
              {pageCount > 1 ? `, page ${lines.data.page} sur ${pageCount}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Ligne</th>
                <th scope="col">Exemplaire</th>
                <th scope="col">Substance</th>
                <th scope="col">Résultat</th>
                <th scope="col">Valeur</th>
                <th scope="col">Issue</th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {lines.data.items.map((line) => (
                <tr key={line.line} data-testid={`import-line-${line.line}`}>
                  <th scope="row">{line.line}</th>
                  <td>{line.copyReference}</td>
                  <td>
                    {substanceName(line.substanceCode) !== line.substanceCode && (
                      <>
                        {substanceName(line.substanceCode)}
                        <br />
                      </>
                    )}
                    <span className="fr-text--xs">{line.substanceCode}</span>
                  </td>
                  <td>{line.kind}</td>
                  <td>{line.value}</td>
                  <td>
                    <Badge severity={OutcomeSeverity[line.outcome]} small noIcon>
                      {ImportLineOutcomeLabels[line.outcome]}
                    </Badge>
                    {line.existing && (
                      <p className="fr-text--xs fr-mb-0 fr-mt-1v">Résultats déjà présents</p>
                    )}
                  </td>
                  <td>
                    {line.messages.length === 1 ? (
                      line.messages[0]
                    ) : line.messages.length > 1 ? (
                      <ul className="fr-mb-0">
                        {line.messages.map((message) => (
                          <li key={message}>{message}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </DsfrTable>
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
    </section>
  );
}
