import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { type Analysis, ReviewInput } from '@maestro/shared/schema';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { formatDateTime } from '../samples/sampleForm';
import { ComplianceBadge } from './ComplianceBadge';
import { ConfirmDialog } from './ConfirmDialog';
import {
  ConflictAlert,
  ErrorSummary,
  errorMessage,
  errorsOfApi,
  errorsOfZod,
  type FieldErrors,
  isVersionConflict,
} from './formErrors';
import { TextAreaField } from './TextAreaField';

const verdictWord = (compliant: boolean | null) =>
  compliant === null ? 'sans verdict' : compliant ? 'conforme' : 'non conforme';

const fieldId = (path: string) => `review-${path}`;
const FieldLabels: Record<string, string> = {
  compliant: 'Conformité retenue',
  comment: 'Commentaire',
};

/** The verdict that stands, who validated it, and whether the reviewer corrected it. */
export function VerdictFacts({ analysis }: { analysis: Analysis }) {
  if (analysis.computedCompliant === null && analysis.compliant === null) return null;
  return (
    <dl className="maestro-facts" data-testid="verdict-facts">
      <dt>Verdict calculé</dt>
      <dd>{verdictWord(analysis.computedCompliant)}</dd>
      <dt>Verdict retenu</dt>
      <dd>
        <ComplianceBadge
          as="span"
          small
          compliant={analysis.compliant}
          overridden={analysis.complianceOverridden}
        />
        {analysis.compliant === null && 'en attente'}
      </dd>
      {analysis.reviewedAt && (
        <>
          <dt>Validé</dt>
          <dd>
            {`le ${formatDateTime(analysis.reviewedAt)}`}
            {analysis.reviewerName ? ` par ${analysis.reviewerName}` : ''}
          </dd>
        </>
      )}
      {analysis.reviewComment && (
        <>
          <dt>Commentaire du coordinateur</dt>
          <dd className="maestro-pre-line">{analysis.reviewComment}</dd>
        </>
      )}
    </dl>
  );
}

interface ReviewProps {
  analysis: Analysis;
  onDone: (analysis: Analysis, message: string) => void;
  onReload: () => void;
}

/** The MRL table changed since the verdict: a banner, and « Réévaluer » for the reviewer. */
export function MrlChangedBanner({
  analysis,
  canReevaluate,
  onDone,
  onReload,
}: ReviewProps & { canReevaluate: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!analysis.mrlChanged) return null;
  const reevaluate = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.reevaluateAnalysis({
        params: { analysisId: analysis.id },
        body: { version: analysis.version },
      });
      onDone(
        updated,
        `Le verdict est réévalué avec la table des LMR en vigueur : ${verdictWord(updated.computedCompliant)}.`,
      );
    } catch (failure) {
      setError(
        isVersionConflict(failure)
          ? 'Cette analyse a été modifiée entre-temps : rechargez-la avant de la réévaluer.'
          : errorMessage(failure, 'La réévaluation a échoué.'),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      severity="warning"
      className="fr-mb-3w"
      title="La table des LMR a changé depuis ce verdict"
      description={
        <>
          <p>
            Le verdict a été calculé avec les LMR en vigueur à ce moment-là, qui restent
            enregistrées avec lui.{' '}
            {canReevaluate
              ? 'Réévaluez-le pour appliquer la table actuelle (une nouvelle version des résultats est créée).'
              : 'Un coordinateur peut le réévaluer avec la table actuelle.'}
          </p>
          {error && (
            <p className="fr-message fr-message--error" role="alert">
              {error}
            </p>
          )}
          {canReevaluate && (
            <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-2w fr-mb-0">
              <li>
                <Button
                  type="button"
                  iconId="fr-icon-refresh-line"
                  disabled={busy}
                  onClick={() => void reevaluate()}
                >
                  Réévaluer
                </Button>
              </li>
              {error && (
                <li>
                  <Button type="button" priority="secondary" onClick={onReload}>
                    Recharger l’analyse
                  </Button>
                </li>
              )}
            </ul>
          )}
        </>
      }
    />
  );
}

/**
 * The coordinator validates the verdict computed from the results: confirms it, or corrects it
 * with a mandatory comment (kept in the history).
 */
export function ReviewForm({ analysis, onDone, onReload }: ReviewProps) {
  const [mode, setMode] = useState<'choose' | 'override'>('choose');
  const [confirming, setConfirming] = useState(false);
  const [compliant, setCompliant] = useState<'' | 'true' | 'false'>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [apiMessage, setApiMessage] = useState<string | undefined>();
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [focus, setFocus] = useState<'summary' | 'legend' | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focus === 'summary') summaryRef.current?.focus();
    if (focus === 'legend') document.getElementById('review-override-title')?.focus();
    if (focus) setFocus(null);
  }, [focus]);

  const send = async (body: ReviewInput, message: string) => {
    setBusy(true);
    setConflict(false);
    try {
      const updated = await api.reviewAnalysis({ params: { analysisId: analysis.id }, body });
      onDone(updated, message);
    } catch (error) {
      if (isVersionConflict(error)) {
        setConflict(true);
        setErrors({});
        setApiMessage(undefined);
      } else {
        setErrors(errorsOfApi(error));
        setApiMessage(errorMessage(error, 'La validation a échoué.'));
      }
      setFocus('summary');
    } finally {
      setBusy(false);
    }
  };

  const confirm = () =>
    void send(
      { version: analysis.version, decision: 'Confirm', compliant: null, comment: '' },
      `Le verdict est confirmé : ${verdictWord(analysis.computedCompliant)}. L’analyse est terminée.`,
    );

  const override = () => {
    const parsed = ReviewInput.safeParse({
      version: analysis.version,
      decision: 'Override',
      compliant: compliant === '' ? null : compliant === 'true',
      comment,
    });
    if (!parsed.success) {
      setErrors(errorsOfZod(parsed.error));
      setApiMessage(undefined);
      setFocus('summary');
      return;
    }
    void send(
      parsed.data,
      `Le verdict est corrigé : ${verdictWord(parsed.data.compliant)}. L’analyse est terminée.`,
    );
  };

  const clear = (path: string) => {
    if (!(path in errors)) return;
    const { [path]: _, ...rest } = errors;
    setErrors(rest);
  };

  return (
    <div data-testid="review-form">
      <h3 className="fr-h5">Validation du verdict</h3>
      <div
        ref={summaryRef}
        tabIndex={-1}
        className="maestro-focus-target"
        data-testid="review-errors"
      >
        <ErrorSummary
          errors={errors}
          message={apiMessage}
          fieldIdOf={(path) => (path in FieldLabels ? fieldId(path) : null)}
          labelOf={(path) => FieldLabels[path] ?? null}
        />
        {conflict && (
          <ConflictAlert
            explanation="Les résultats ont peut-être été corrigés par le laboratoire : rechargez l’analyse avant de valider son verdict."
            onReload={onReload}
          />
        )}
      </div>
      <p>
        Verdict calculé à partir des résultats :{' '}
        <strong>{verdictWord(analysis.computedCompliant)}</strong>. Vérifiez l’explication de chaque
        résidu ci-dessus, puis confirmez ce verdict ou corrigez-le.
      </p>
      {mode === 'choose' ? (
        <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button
              type="button"
              iconId="fr-icon-check-line"
              disabled={busy}
              onClick={() => setConfirming(true)}
            >
              Confirmer le verdict
            </Button>
          </li>
          <li>
            <Button
              type="button"
              priority="secondary"
              iconId="fr-icon-edit-line"
              disabled={busy}
              onClick={() => {
                setMode('override');
                setCompliant(
                  analysis.computedCompliant === null
                    ? ''
                    : analysis.computedCompliant
                      ? 'false'
                      : 'true',
                );
                setFocus('legend');
              }}
            >
              Corriger le verdict
            </Button>
          </li>
        </ul>
      ) : (
        <form
          noValidate
          aria-labelledby="review-override-title"
          onSubmit={(event) => {
            event.preventDefault();
            override();
          }}
        >
          <h4 className="fr-h6" id="review-override-title" tabIndex={-1}>
            Corriger le verdict
          </h4>
          <RadioButtons
            id={fieldId('compliant')}
            legend="Conformité retenue"
            orientation="horizontal"
            name="reviewCompliant"
            options={(['true', 'false'] as const).map((value) => ({
              label: value === 'true' ? 'Conforme' : 'Non conforme',
              nativeInputProps: {
                value,
                checked: compliant === value,
                onChange: () => {
                  setCompliant(value);
                  clear('compliant');
                },
              },
            }))}
            {...(errors.compliant
              ? { state: 'error' as const, stateRelatedMessage: errors.compliant }
              : { state: 'default' as const })}
          />
          <TextAreaField
            id={fieldId('comment')}
            label="Commentaire"
            hint="Obligatoire : pourquoi le verdict calculé est corrigé. Il reste dans l’historique."
            required
            rows={4}
            value={comment}
            error={errors.comment}
            onChange={(text) => {
              setComment(text);
              clear('comment');
            }}
          />
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button type="submit" iconId="fr-icon-check-line" disabled={busy}>
                Enregistrer le verdict corrigé
              </Button>
            </li>
            <li>
              <Button
                type="button"
                priority="secondary"
                disabled={busy}
                onClick={() => {
                  setMode('choose');
                  setErrors({});
                  setApiMessage(undefined);
                }}
              >
                Annuler
              </Button>
            </li>
          </ul>
        </form>
      )}
      <ConfirmDialog
        open={confirming}
        title="Confirmer le verdict ?"
        confirmLabel="Confirmer"
        confirmIcon="fr-icon-check-line"
        onConfirm={() => {
          setConfirming(false);
          confirm();
        }}
        onCancel={() => setConfirming(false)}
        testId="confirm-review-dialog"
      >
        <p>
          Le verdict calculé, <strong>{verdictWord(analysis.computedCompliant)}</strong>, sera
          retenu et l’analyse terminée.
          {analysis.computedCompliant === false ? ' Le prélèvement sera signalé non conforme.' : ''}
        </p>
      </ConfirmDialog>
    </div>
  );
}
