import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import { type Analysis, AnalysisStatusLabels } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { DsfrTable } from '../../app/DsfrTable';
import { useLaboratories } from '../../app/laboratories';
import { ComplianceBadge } from './ComplianceBadge';
import { AnalysisStatusSeverity } from './labels';
import { sampleAnalysesQuery } from './queries';

/**
 * The analyses in the order a reader follows them: by item and copy, each counter-analysis
 * right after the first analyses of its item.
 */
export function orderAnalyses(analyses: readonly Analysis[]): Analysis[] {
  return [...analyses].sort(
    (a, b) =>
      a.itemNumber - b.itemNumber ||
      Number(a.counterAnalysis) - Number(b.counterAnalysis) ||
      a.copyNumber - b.copyNumber ||
      a.createdAt.localeCompare(b.createdAt),
  );
}

/** The analyses of a sent sample: copy, laboratory, state and verdict of each. */
export function SampleAnalysesSection({ sampleId }: { sampleId: string }) {
  const analyses = useQuery(sampleAnalysesQuery(sampleId));
  const laboratories = useLaboratories();
  const labName = (id: string) =>
    laboratories.data?.find((laboratory) => laboratory.id === id)?.shortName ?? '—';

  return (
    <section
      aria-labelledby="sample-analyses-title"
      className="fr-mb-4w"
      data-testid="sample-analyses"
    >
      <h3 className="fr-h5" id="sample-analyses-title">
        Analyses
      </h3>
      {analyses.isPending ? (
        <p className="fr-text--sm" role="status">
          Chargement des analyses…
        </p>
      ) : analyses.isError ? (
        <p className="fr-text--sm">Les analyses n’ont pas pu être chargées.</p>
      ) : analyses.data.length === 0 ? (
        <p className="fr-text--sm">Aucune analyse pour l’instant.</p>
      ) : (
        <DsfrTable>
          <caption>Analyses du prélèvement</caption>
          <thead>
            <tr>
              <th scope="col">Exemplaire</th>
              <th scope="col">Laboratoire</th>
              <th scope="col">Statut</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {orderAnalyses(analyses.data).map((analysis) => (
              <tr key={analysis.id} data-testid={`sample-analysis-${analysis.copyReference}`}>
                <th scope="row">
                  <Link to={`/analyses/${analysis.id}`}>{analysis.copyReference}</Link>
                  {analysis.counterAnalysis && (
                    <div className="fr-mt-1w">
                      <Tag small>Contre-analyse</Tag>
                    </div>
                  )}
                </th>
                <td>{labName(analysis.laboratoryId)}</td>
                <td>
                  <Badge small noIcon severity={AnalysisStatusSeverity[analysis.status]}>
                    {AnalysisStatusLabels[analysis.status]}
                  </Badge>
                </td>
                <td>
                  {analysis.compliant === null ? (
                    <span className="fr-text--sm">—</span>
                  ) : (
                    <ComplianceBadge
                      small
                      compliant={analysis.compliant}
                      overridden={analysis.complianceOverridden}
                    />
                  )}
                  {analysis.mrlChanged && (
                    <div className="fr-mt-1w">
                      <Tag small iconId="fr-icon-warning-line">
                        LMR modifiée
                      </Tag>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </DsfrTable>
      )}
    </section>
  );
}
