import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import {
  ExistingResults,
  ExistingResultsLabels,
  ImportEncodingLabels,
  ImportEncoding as ImportEncodingSchema,
  ImportLineOutcome,
  ImportLineOutcomeLabels,
  type ImportSummary,
} from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Ref, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiClientError, api } from '../../../api/client';
import { Loading } from '../../../app/Loading';
import { ImportLines, OutcomeSeverity } from './ImportLines';
import { countOf, formatDateTime, importFileUrl } from './importFile';
import { analysisImportQuery, analysisImportsKey } from './queries';

const commitModal = createModal({ id: 'analysis-import-commit-modal', isOpenedByDefault: false });

/** Where a laboratory finds the analyses it just transmitted. */
export const SUBMITTED_ANALYSES_PATH = '/analyses?statut=InReview';

const DelimiterLabels: Record<string, string> = {
  ';': 'point-virgule',
  ',': 'virgule',
  '\t': 'tabulation',
};

function fileDetails(summary: ImportSummary): string {
  const encoding = ImportEncodingSchema.safeParse(summary.encoding);
  const parts = [
    summary.delimiter === null
      ? 'Excel'
      : `CSV, séparateur ${DelimiterLabels[summary.delimiter] ?? `« ${summary.delimiter} »`}`,
    summary.delimiter === null
      ? null
      : `encodage ${encoding.success ? ImportEncodingLabels[encoding.data] : summary.encoding}`,
  ];
  return parts.filter(Boolean).join(', ');
}

interface ImportPreviewProps {
  importId: string;
  /** The title of the preview, focused once a file is checked. */
  titleRef: Ref<HTMLHeadingElement>;
  /** Brings the user back to the file input, to send a corrected file. */
  onCorrect: () => void;
}

/**
 * The check of an uploaded file: its counts, what happens on writing (or why nothing can be
 * written), and its lines. Nothing is written before the user confirms.
 */
export function ImportPreview({ importId, titleRef, onCorrect }: ImportPreviewProps) {
  const summary = useQuery(analysisImportQuery(importId));

  if (summary.isPending) return <Loading label="Chargement du contrôle du fichier…" />;
  if (summary.isError)
    return (
      <Alert
        className="fr-mt-4w"
        severity="error"
        title={
          summary.error instanceof ApiClientError && summary.error.status === 404
            ? 'Import introuvable'
            : 'Le contrôle du fichier n’a pas pu être chargé'
        }
        description={
          <>
            <p>{summary.error.message}</p>
            <Button
              className="fr-mt-2w"
              priority="secondary"
              onClick={() => void summary.refetch()}
            >
              Réessayer
            </Button>
          </>
        }
      />
    );
  return <ImportPreviewOf summary={summary.data} titleRef={titleRef} onCorrect={onCorrect} />;
}

function ImportPreviewOf({
  summary,
  titleRef,
  onCorrect,
}: {
  summary: ImportSummary;
  titleRef: Ref<HTMLHeadingElement>;
  onCorrect: () => void;
}) {
  const uid = useId();
  const queryClient = useQueryClient();
  const [existing, setExisting] = useState<ExistingResults>('Keep');
  const resultRef = useRef<HTMLDivElement>(null);

  const commit = useMutation({
    mutationFn: (choice: ExistingResults) =>
      api.commitAnalysisImport({ params: { importId: summary.id }, body: { existing: choice } }),
    onSuccess: (committed) => {
      queryClient.setQueryData(analysisImportQuery(summary.id).queryKey, committed);
      // The analyses changed: their lists are stale.
      void queryClient.invalidateQueries({ queryKey: ['analyses'] });
    },
    onError: () => {
      // Refused (already written, lines now in error…): show the import as it is now.
      void queryClient.invalidateQueries({ queryKey: [...analysisImportsKey, summary.id] });
    },
    onSettled: () => {
      setTimeout(() => resultRef.current?.focus(), 0);
    },
  });

  const errors = summary.counts.Error;
  const committed = summary.status === 'Committed';

  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mt-6w" data-testid="import-preview">
      <h2 id={`${uid}-title`} ref={titleRef} tabIndex={-1}>
        Contrôle du fichier « {summary.fileName} »
      </h2>
      <p className="fr-text--sm">
        Déposé le {formatDateTime(summary.createdAt)} ({fileDetails(summary)}).
      </p>

      <ul className="fr-raw-list fr-mb-3w" data-testid="import-counts">
        <li>
          <strong>{countOf(summary.lineCount, 'ligne contrôlée', 'lignes contrôlées')}</strong>
        </li>
        {ImportLineOutcome.options.map((outcome) => (
          <li key={outcome} className="fr-mt-1v" data-testid={`import-count-${outcome}`}>
            <Badge as="span" severity={OutcomeSeverity[outcome]} small noIcon>
              {ImportLineOutcomeLabels[outcome]}
            </Badge>{' '}
            : {summary.counts[outcome].toLocaleString('fr-FR')}
          </li>
        ))}
        <li className="fr-mt-1v" data-testid="import-analyses">
          {countOf(summary.analysisCount, 'analyse concernée', 'analyses concernées')}
          {summary.existingCount > 0
            ? `, dont ${countOf(summary.existingCount, 'a', 'ont')} déjà des résultats`
            : ', sans résultat déjà présent'}
        </li>
      </ul>

      <div ref={resultRef} tabIndex={-1} className="maestro-focus-target">
        {commit.isError && (
          <Alert
            className="fr-mb-3w"
            severity="error"
            role="alert"
            title={
              commit.error instanceof ApiClientError && commit.error.status === 409
                ? 'L’écriture a été refusée : rien n’a été écrit'
                : 'L’écriture a échoué'
            }
            description={
              <>
                <p className="fr-mb-0">{commit.error.message}</p>
                {commit.error instanceof ApiClientError && commit.error.body.issues.length > 0 && (
                  <ul className="fr-mb-0">
                    {commit.error.body.issues.map((issue) => (
                      <li key={`${issue.path}-${issue.message}`}>{issue.message}</li>
                    ))}
                  </ul>
                )}
              </>
            }
          />
        )}
        {committed && <CommittedNotice summary={summary} />}
      </div>

      {!committed &&
        (errors > 0 ? (
          <Alert
            severity="error"
            className="fr-mb-3w"
            id="analysis-import-errors"
            title={`Corrigez le fichier : ${countOf(errors, 'ligne', 'lignes')} en erreur. Rien n’a été écrit.`}
            description={
              <>
                <p>
                  Chaque ligne en erreur est listée ci-dessous avec son motif. Corrigez-les dans
                  votre fichier, puis déposez-le à nouveau : aucun résultat ne peut être écrit tant
                  qu’une ligne est en erreur.
                </p>
                <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mb-0">
                  <li>
                    <Button size="small" iconId="fr-icon-upload-line" onClick={onCorrect}>
                      Déposer le fichier corrigé
                    </Button>
                  </li>
                  <li>
                    <Button
                      size="small"
                      priority="secondary"
                      linkProps={{
                        to: `?import=${summary.id}&issue=Error`,
                        preventScrollReset: true,
                      }}
                    >
                      Afficher les lignes en erreur
                    </Button>
                  </li>
                </ul>
              </>
            }
          />
        ) : (
          <CommitForm
            summary={summary}
            existing={existing}
            onExistingChange={setExisting}
            pending={commit.isPending}
            onConfirm={() => commit.mutate(existing)}
          />
        ))}

      <ImportLines summary={summary} />
    </section>
  );
}

function CommittedNotice({ summary }: { summary: ImportSummary }) {
  const written = summary.writtenResidues ?? 0;
  return (
    <Alert
      className="fr-mb-3w"
      severity="success"
      id="analysis-import-committed"
      title="Les résultats sont écrits"
      description={
        <>
          <p>
            {written === 0
              ? 'Aucun résultat écrit : les analyses du fichier avaient déjà des résultats, qui ont été conservés.'
              : `${countOf(written, 'résultat écrit', 'résultats écrits')}`}
            {summary.committedAt ? ` le ${formatDateTime(summary.committedAt)}` : ''}
            {written > 0 ? ', transmis pour validation.' : ''}
          </p>
          <ul className="fr-mb-0">
            <li>
              <Link to={SUBMITTED_ANALYSES_PATH}>Voir les analyses à valider</Link>
            </li>
            <li>
              <a
                className="fr-link fr-link--download"
                href={importFileUrl(summary.id)}
                download={summary.fileName}
              >
                Télécharger le fichier d’origine{' '}
                <span className="fr-link__detail">{summary.fileName}</span>
              </a>
            </li>
          </ul>
        </>
      }
    />
  );
}

interface CommitFormProps {
  summary: ImportSummary;
  existing: ExistingResults;
  onExistingChange: (value: ExistingResults) => void;
  pending: boolean;
  onConfirm: () => void;
}

/** The choice about results already present, then the writing, confirmed in a modal. */
function CommitForm({ summary, existing, onExistingChange, pending, onConfirm }: CommitFormProps) {
  const uid = useId();
  const toWrite = summary.counts.Write + summary.counts.Warning;
  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mb-3w" data-testid="import-commit">
      <h3 id={`${uid}-title`}>Écrire les résultats</h3>
      <p>
        Aucune ligne en erreur : {countOf(toWrite, 'ligne peut', 'lignes peuvent')} être écrite
        {toWrite > 1 ? 's' : ''}.
        {summary.counts.Warning > 0
          ? ` Vérifiez les ${countOf(summary.counts.Warning, 'avertissement', 'avertissements')} ci-dessous avant d’écrire.`
          : ''}
      </p>
      {summary.existingCount > 0 && (
        <RadioButtons
          legend="Résultats déjà présents"
          hintText={`${countOf(summary.existingCount, 'analyse du fichier a', 'analyses du fichier ont')} déjà des résultats.`}
          name={`${uid}-existing`}
          options={ExistingResults.options.map((value) => ({
            label: ExistingResultsLabels[value],
            nativeInputProps: {
              value,
              checked: existing === value,
              onChange: () => onExistingChange(value),
            },
          }))}
        />
      )}
      <Button
        iconId="fr-icon-save-line"
        disabled={pending}
        nativeButtonProps={commitModal.buttonProps}
      >
        {pending ? 'Écriture des résultats…' : 'Écrire les résultats'}
      </Button>
      <p role="status" className="fr-text--sm fr-mt-2w fr-mb-0">
        {pending ? 'Écriture des résultats en cours : tout est écrit, ou rien.' : ''}
      </p>

      <commitModal.Component
        title="Écrire les résultats"
        buttons={[
          { children: 'Annuler', priority: 'secondary' },
          { children: 'Confirmer l’écriture', iconId: 'fr-icon-save-line', onClick: onConfirm },
        ]}
      >
        <p>
          Les résultats de {countOf(toWrite, 'ligne', 'lignes')} seront écrits pour{' '}
          {countOf(summary.analysisCount, 'analyse', 'analyses')}, puis transmis pour validation.
        </p>
        {summary.existingCount > 0 && (
          <p>
            Résultats déjà présents :{' '}
            {existing === 'Keep'
              ? 'conservés (les lignes de ces analyses sont ignorées).'
              : 'remplacés par une nouvelle version (les précédentes restent consultables).'}
          </p>
        )}
        <p>
          Tout est écrit, ou rien : si une analyse a changé depuis le contrôle, l’écriture est
          refusée.
        </p>
      </commitModal.Component>
    </section>
  );
}
