import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import {
  type AnalysisAction,
  canActAsLaboratory,
  canReviewAnalysis,
  decideAnalysisAction,
  hasPermission,
} from '@maestro/shared/domain';
import {
  AnalysisMethodLabels,
  AnalysisMethodList,
  type Stage,
  StageLabels,
} from '@maestro/shared/referential';
import { type Analysis, AnalysisStatusLabels, type AuthUser, Id } from '@maestro/shared/schema';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiClientError } from '../../api/client';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { useCurrentUser } from '../../app/session';
import { formatDateTime } from '../samples/sampleForm';
import { sampleRecordKey } from '../samples/sampleFormQueries';
import { ComplianceBadge } from './ComplianceBadge';
import { CounterAnalysisSection } from './CounterAnalysisSection';
import {
  AnalysisStatusSeverity,
  analysisTitle,
  copyName,
  matrixName,
  substanceName,
} from './labels';
import { analysesKey, analysisQuery } from './queries';
import { ReceptionFacts, ReceptionForm } from './ReceptionSection';
import { ReportSection } from './ReportSection';
import { ResiduesTable } from './ResiduesTable';
import { ResultsEditor } from './ResultsEditor';
import { MrlChangedBanner, ReviewForm, VerdictFacts } from './ReviewSection';
import { VersionsSection } from './VersionsSection';
import './analyses.css';

/** What the user may do on this analysis now: the shared rules of role, scope and state. */
export function analysisAbilities(user: AuthUser, analysis: Analysis) {
  const allowed = (action: AnalysisAction) => decideAnalysisAction(analysis.status, action).allowed;
  const scope = {
    laboratoryId: analysis.laboratoryId,
    regionCode: analysis.sample.regionCode,
    departmentCode: analysis.sample.departmentCode,
  };
  const receives = canActAsLaboratory(user, analysis, 'receive');
  const enters = canActAsLaboratory(user, analysis, 'results');
  const reviews = canReviewAnalysis(user, scope);
  return {
    receive: receives && allowed('receive'),
    saveResults: enters && allowed('saveResults'),
    correctResults: enters && allowed('correctResults'),
    uploadReport: enters && allowed('uploadReport'),
    review: reviews && allowed('review'),
    reevaluate: reviews && allowed('reevaluate'),
    counterAnalysis: reviews && !['Draft', 'Submitted'].includes(analysis.sample.status),
  };
}

/**
 * One analysed copy: the sample as the laboratory needs it, the reception, the results with
 * their verdict explained, the report, the review, the versions and the counter-analysis — each
 * part editable only by whom the rules allow, when they allow it.
 */
export default function AnalysisPage() {
  const { analysisId = '' } = useParams();
  const user = useCurrentUser();
  const validId = Id.safeParse(analysisId).success;
  const queryClient = useQueryClient();
  const analysis = useQuery({ ...analysisQuery(analysisId), enabled: validId });
  const title = analysisTitle(analysis.data?.copyReference);
  const heading = usePageTitle(title);
  const [notice, setNotice] = useState<string | null>(null);
  const [noticeShown, setNoticeShown] = useState(0);
  const [correcting, setCorrecting] = useState(false);
  const [generation, setGeneration] = useState(0);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (noticeShown > 0) noticeRef.current?.focus();
  }, [noticeShown]);

  /** Keeps the server's answer, and refreshes what depends on it (lists, the sample). */
  const remember = (updated: Analysis) => {
    queryClient.setQueryData(analysisQuery(updated.id).queryKey, updated);
    for (const queryKey of [
      [...analysesKey, 'list'],
      [...analysesKey, 'versions', updated.id],
      [...analysesKey, 'sample', updated.sample.id],
      [...sampleRecordKey, updated.sample.id],
      ['samples'],
    ])
      void queryClient.invalidateQueries({ queryKey });
  };
  const done = (updated: Analysis, message: string) => {
    remember(updated);
    setCorrecting(false);
    setNotice(message);
    setNoticeShown((n) => n + 1);
  };
  const reload = () => {
    setNotice(null);
    setCorrecting(false);
    void analysis.refetch().then(() => setGeneration((n) => n + 1));
  };

  let body: ReactNode;
  if (!validId || (analysis.error instanceof ApiClientError && analysis.error.status === 404)) {
    body = <NotFound />;
  } else if (analysis.isPending) {
    body = <Loading label="Chargement de l’analyse…" />;
  } else if (analysis.isError) {
    body = (
      <Alert
        as="h2"
        severity="error"
        title="L’analyse n’a pas pu être chargée"
        description={
          <>
            <p>{analysis.error.message}</p>
            <Button type="button" className="fr-mt-2w" priority="secondary" onClick={reload}>
              Réessayer
            </Button>
          </>
        }
      />
    );
  } else {
    const current = analysis.data;
    const can = analysisAbilities(user, current);
    body = (
      <>
        <MrlChangedBanner
          analysis={current}
          canReevaluate={can.reevaluate}
          onDone={done}
          onReload={reload}
        />
        <SampleSummary analysis={current} user={user} />

        <section aria-labelledby="analysis-reception-title" className="fr-mb-6w">
          <h2 className="fr-h4" id="analysis-reception-title">
            Réception au laboratoire
          </h2>
          <ReceptionFacts analysis={current} />
          {can.receive ? (
            <ReceptionForm
              key={`reception-${generation}`}
              analysis={current}
              onDone={done}
              onReload={reload}
            />
          ) : (
            current.status === 'Sent' && (
              <p className="fr-text--sm">L’échantillon n’est pas encore réceptionné.</p>
            )
          )}
        </section>

        {current.status !== 'NotAdmissible' && (
          <section aria-labelledby="analysis-results-title" className="fr-mb-6w">
            <h2 className="fr-h4" id="analysis-results-title">
              Résultats
            </h2>
            {can.saveResults ? (
              <ResultsEditor
                key={`draft-${generation}`}
                analysis={current}
                mode="draft"
                onSaved={remember}
                onDone={done}
                onReload={reload}
              />
            ) : correcting && can.correctResults ? (
              <ResultsEditor
                key={`correction-${generation}`}
                analysis={current}
                mode="correction"
                onSaved={remember}
                onDone={done}
                onReload={reload}
                onCancel={() => setCorrecting(false)}
              />
            ) : (
              <SavedResults
                analysis={current}
                canCorrect={can.correctResults}
                onCorrect={() => setCorrecting(true)}
              />
            )}
            {can.review && !correcting && (
              <ReviewForm
                key={`review-${generation}`}
                analysis={current}
                onDone={done}
                onReload={reload}
              />
            )}
          </section>
        )}

        <ReportSection analysis={current} canUpload={can.uploadReport} onUploaded={done} />
        <VersionsSection analysis={current} />
        {can.counterAnalysis && <CounterAnalysisSection analysis={current} />}
      </>
    );
  }

  const current = analysis.data;
  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Analyses', linkProps: { to: '/analyses' } }]}
        currentPageLabel={current?.copyReference ?? 'Analyse'}
      />
      <div className="maestro-analysis-header">
        <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
          {title}
        </h1>
        {current && (
          <>
            <Badge severity={AnalysisStatusSeverity[current.status]} noIcon>
              {AnalysisStatusLabels[current.status]}
            </Badge>
            <ComplianceBadge
              compliant={current.compliant}
              overridden={current.complianceOverridden}
            />
            {current.counterAnalysis && <Tag>Contre-analyse</Tag>}
          </>
        )}
      </div>
      <div
        ref={noticeRef}
        tabIndex={-1}
        className="maestro-focus-target"
        data-testid="analysis-notice"
      >
        {notice && (
          <Alert
            severity="success"
            small
            className="fr-mb-3w"
            description={notice}
            closable
            onClose={() => setNotice(null)}
          />
        )}
      </div>
      {body}
    </div>
  );
}

/** The sample as the laboratory needs to know it, and the substances to look for. */
function SampleSummary({ analysis, user }: { analysis: Analysis; user: AuthUser }) {
  const laboratories = useLaboratories();
  const laboratory = laboratories.data?.find((lab) => lab.id === analysis.laboratoryId);
  const { sample } = analysis;
  const stage = sample.stage ? (StageLabels[sample.stage as Stage] ?? sample.stage) : '—';
  return (
    <section aria-labelledby="analysis-sample-title" className="fr-mb-6w">
      <h2 className="fr-h4" id="analysis-sample-title">
        Échantillon
      </h2>
      <dl className="maestro-facts" data-testid="analysis-sample">
        <dt>Prélèvement</dt>
        <dd>
          {hasPermission(user, 'sample.read') ? (
            <Link to={`/prelevements/${sample.id}`}>{sample.reference}</Link>
          ) : (
            sample.reference
          )}
          {sample.compliant !== null && (
            <>
              {' '}
              <ComplianceBadge as="span" small compliant={sample.compliant} />
            </>
          )}
        </dd>
        <dt>Exemplaire analysé</dt>
        <dd>{copyName(analysis.itemNumber, analysis.copyNumber)}</dd>
        <dt>Matrice</dt>
        <dd>{matrixName(sample.matrixCode, sample.matrixFreeText)}</dd>
        <dt>Stade de prélèvement</dt>
        <dd>{stage}</dd>
        <dt>Prélevé le</dt>
        <dd>{sample.sampledAt ? formatDateTime(sample.sampledAt) : '—'}</dd>
        <dt>Envoyé le</dt>
        <dd>{sample.sentAt ? formatDateTime(sample.sentAt) : '—'}</dd>
        <dt>Laboratoire</dt>
        <dd>{laboratory ? `${laboratory.shortName} — ${laboratory.name}` : '—'}</dd>
        {analysis.counterAnalysis && (
          <>
            <dt>Motif de la contre-analyse</dt>
            <dd className="maestro-pre-line">{analysis.counterAnalysisReason ?? '—'}</dd>
          </>
        )}
      </dl>
      <h3 className="fr-h6">Substances recherchées</h3>
      {sample.substances.length === 0 ? (
        <p className="fr-text--sm">Aucune substance n’est précisée sur la demande d’analyse.</p>
      ) : (
        <div className="fr-grid-row fr-grid-row--gutters" data-testid="requested-substances">
          {AnalysisMethodList.map((method) => {
            const codes = sample.substances
              .filter((substance) => substance.method === method)
              .map((substance) => substance.substanceCode);
            if (codes.length === 0) return null;
            return (
              <div key={method} className="fr-col-12 fr-col-md-6">
                <h4 className="fr-text--md fr-text--bold fr-mb-1w" id={`requested-${method}`}>
                  {`${AnalysisMethodLabels[method]} (${codes.length})`}
                </h4>
                <ul aria-labelledby={`requested-${method}`}>
                  {codes.map((code) => (
                    <li key={code}>
                      {substanceName(code)} <span className="fr-text--xs">({code})</span>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

/** Saved results, read-only, with « Corriger les résultats » for the laboratory once submitted. */
function SavedResults({
  analysis,
  canCorrect,
  onCorrect,
}: {
  analysis: Analysis;
  canCorrect: boolean;
  onCorrect: () => void;
}) {
  if (analysis.resultVersion === 0 && analysis.residues.length === 0)
    return (
      <p className="fr-text--sm">
        {analysis.status === 'Sent'
          ? 'Les résultats seront saisis par le laboratoire après la réception.'
          : 'Aucun résultat enregistré pour l’instant.'}
      </p>
    );
  return (
    <>
      <VerdictFacts analysis={analysis} />
      <dl className="maestro-facts">
        <dt>Date d’analyse</dt>
        <dd>
          {analysis.analysedAt
            ? new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(
                new Date(analysis.analysedAt),
              )
            : '—'}
        </dd>
        <dt>Méthodes</dt>
        <dd>
          {analysis.methods.length > 0
            ? analysis.methods.map((method) => AnalysisMethodLabels[method]).join(', ')
            : '—'}
        </dd>
        {analysis.submittedAt && (
          <>
            <dt>Transmis le</dt>
            <dd>{formatDateTime(analysis.submittedAt)}</dd>
          </>
        )}
        {analysis.notes && (
          <>
            <dt>Commentaire</dt>
            <dd className="maestro-pre-line">{analysis.notes}</dd>
          </>
        )}
      </dl>
      <ResiduesTable
        residues={analysis.residues}
        caption="Résidus et verdict de chacun"
        testId="saved-residues"
      />
      {canCorrect && (
        <div className="fr-mt-2w">
          <p className="fr-text--sm">
            Une correction crée une nouvelle version des résultats, avec son motif ; l’ancienne
            reste visible, et l’analyse repasse en validation.
          </p>
          <Button type="button" priority="secondary" iconId="fr-icon-edit-line" onClick={onCorrect}>
            Corriger les résultats
          </Button>
        </div>
      )}
    </>
  );
}

function NotFound() {
  return (
    <Alert
      as="h2"
      severity="error"
      title="Analyse introuvable"
      description={
        <>
          <p>Cette analyse n’existe pas, ou n’est pas dans votre périmètre.</p>
          <Button className="fr-mt-2w" priority="secondary" linkProps={{ to: '/analyses' }}>
            Retour aux analyses
          </Button>
        </>
      }
    />
  );
}
