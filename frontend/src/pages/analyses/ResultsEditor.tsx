import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import {
  type AnalysisMethod,
  AnalysisMethodLabels,
  AnalysisMethodList,
} from '@maestro/shared/referential';
import { type Analysis, CorrectionInput, type ResultsContent } from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useUnsavedChangesWarning } from '../programming/unsaved';
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
import { substanceName } from './labels';
import { mrlsQuery } from './queries';
import { REPORT_INPUT_ID } from './ReportSection';
import { ResidueRowsTable } from './ResidueRowsTable';
import {
  addRequestedSubstances,
  emptyResidueRow,
  formVerdict,
  mrlsBySubstance,
  type ResidueRow,
  type ResultsFormValues,
  resultsFieldId,
  resultsFieldLabel,
  resultsFormOf,
  rowVerdict,
  toResultsContent,
} from './resultsForm';
import { SubstanceAdder } from './SubstanceAdder';
import { TextAreaField } from './TextAreaField';

/** The fields of a residue hidden under « Informations complémentaires ». */
const ADVANCED_FIELDS = ['arfdExceeded', 'authorisedForUse', 'contaminationSources', 'analytes'];

/** The element a message of the summary leads to (none for what has no field here). */
function resultsFieldTarget(path: string): string | null {
  if (path === 'report') return REPORT_INPUT_ID;
  if (/^residues\.\d+$/.test(path)) return resultsFieldId(`${path}.substanceCode`);
  const head = path.split('.')[0] ?? '';
  return ['analysedAt', 'methods', 'notes', 'reason', 'residues'].includes(head)
    ? resultsFieldId(path)
    : null;
}

const snapshot = (values: ResultsFormValues): string =>
  JSON.stringify(toResultsContent(values).content);

interface ResultsEditorProps {
  analysis: Analysis;
  /** `draft`: results being entered (save, submit); `correction`: a new version of submitted ones. */
  mode: 'draft' | 'correction';
  /** The analysis as the server answered a save (the page keeps it). */
  onSaved: (analysis: Analysis) => void;
  /** Submitted or corrected: the page shows the message and the new state. */
  onDone: (analysis: Analysis, message: string) => void;
  /** Fetches the analysis again (after a version conflict). */
  onReload: () => void;
  onCancel?: () => void;
}

/**
 * The results of an analysis as the laboratory enters them: one row per residue, its verdict
 * computed live as the server will compute it (value − uncertainty compared with the MRL).
 */
export function ResultsEditor({
  analysis,
  mode,
  onSaved,
  onDone,
  onReload,
  onCancel,
}: ResultsEditorProps) {
  const [initial] = useState(() => resultsFormOf(analysis));
  const [values, setValues] = useState<ResultsFormValues>(initial);
  const [baseline, setBaseline] = useState(() => snapshot(initial));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [apiMessage, setApiMessage] = useState<string | undefined>();
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [focusRequest, setFocusRequest] = useState<{ id: string } | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const matrixCode = analysis.sample.matrixCode;
  const mrls = useQuery({ ...mrlsQuery(matrixCode ?? ''), enabled: matrixCode !== null });
  const referential = useMemo(() => mrlsBySubstance(mrls.data), [mrls.data]);
  const verdicts = values.residues.map((row) => rowVerdict(row, referential));
  const summary = formVerdict(values.residues, verdicts);
  const dirty = snapshot(values) !== baseline;
  useUnsavedChangesWarning(dirty || (mode === 'correction' && reason.trim() !== ''));

  useEffect(() => {
    if (!focusRequest) return;
    const element =
      focusRequest.id === 'summary'
        ? summaryRef.current
        : focusRequest.id === 'search'
          ? searchRef.current
          : document.getElementById(focusRequest.id);
    element?.focus();
  }, [focusRequest]);

  const present = useMemo(
    () => new Set(values.residues.map((row) => row.substanceCode)),
    [values.residues],
  );

  const clearError = (path: string) => {
    if (!(path in errors)) return;
    const { [path]: _, ...rest } = errors;
    setErrors(rest);
  };
  const setRow = (index: number, patch: Partial<ResidueRow>) => {
    setValues((current) => ({
      ...current,
      residues: current.residues.map((row, i) => (i === index ? { ...row, ...patch } : row)),
    }));
    for (const field of Object.keys(patch)) clearError(`residues.${index}.${field}`);
    setStatus('');
  };

  const addSubstance = (code: string) => {
    const index = values.residues.length;
    setValues({ ...values, residues: [...values.residues, emptyResidueRow(code)] });
    setStatus(`${substanceName(code)} est ajoutée au tableau, en « non détecté ».`);
    clearError('residues');
    setFocusRequest({ id: resultsFieldId(`residues.${index}.kind`) });
  };
  const addRequested = () => {
    const residues = addRequestedSubstances(values.residues, analysis);
    const added = residues.length - values.residues.length;
    setValues({ ...values, residues });
    clearError('residues');
    setStatus(
      added > 1
        ? `${added} substances recherchées sont ajoutées au tableau, en « non détecté ».`
        : '1 substance recherchée est ajoutée au tableau, en « non détecté ».',
    );
  };
  const removeRow = (index: number) => {
    const row = values.residues[index];
    if (!row) return;
    setValues({ ...values, residues: values.residues.filter((_, i) => i !== index) });
    // The messages point at rows by position: they no longer match.
    setErrors({});
    setStatus(`${substanceName(row.substanceCode)} est retirée du tableau.`);
    setFocusRequest({ id: 'search' });
  };
  const toggleAdvanced = (key: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  /** Shows messages beside their fields and in the summary, which gets the focus. */
  const showErrors = (next: FieldErrors, message?: string) => {
    setErrors(next);
    setApiMessage(message);
    const withAdvanced = values.residues.filter((_row, i) =>
      Object.keys(next).some((path) =>
        ADVANCED_FIELDS.some((field) => path.startsWith(`residues.${i}.${field}`)),
      ),
    );
    if (withAdvanced.length > 0)
      setExpanded((current) => new Set([...current, ...withAdvanced.map((row) => row.key)]));
    setFocusRequest({ id: 'summary' });
  };

  /** The results to send, or null after showing what to correct. */
  const validate = (forSubmission: boolean): ResultsContent | null => {
    setConflict(false);
    const { content, errors: found } = toResultsContent(values);
    const all: FieldErrors = { ...found };
    if (mode === 'correction') {
      const parsed = CorrectionInput.shape.reason.safeParse(reason);
      if (!parsed.success) Object.assign(all, { reason: errorsOfZod(parsed.error)[''] ?? '' });
    }
    if (forSubmission) {
      // What the server requires of a submission, checked before the confirmation.
      if (values.residues.length === 0)
        all.residues =
          'Saisissez au moins un résidu (les substances recherchées non détectées comprises) avant de transmettre.';
      if (content.analysedAt === null) all.analysedAt ??= 'Indiquez la date d’analyse.';
      if (analysis.report === null) all.report = 'Joignez le rapport d’analyse signé (PDF).';
    }
    if (Object.keys(all).length > 0) {
      showErrors(all);
      return null;
    }
    return content;
  };

  const handleError = (error: unknown) => {
    if (isVersionConflict(error)) {
      setConflict(true);
      setErrors({});
      setApiMessage(undefined);
      setFocusRequest({ id: 'summary' });
      return;
    }
    const fieldErrors = errorsOfApi(error);
    showErrors(fieldErrors, errorMessage(error, 'L’enregistrement a échoué.'));
  };

  const params = { analysisId: analysis.id };

  /** Saves the draft (or the correction); the updated analysis, or null on failure. */
  const save = async (content: ResultsContent): Promise<Analysis | null> => {
    try {
      const updated =
        mode === 'draft'
          ? await api.saveAnalysisResults({
              params,
              body: { ...content, version: analysis.version },
            })
          : await api.correctAnalysisResults({
              params,
              body: { ...content, version: analysis.version, reason: reason.trim() },
            });
      setBaseline(JSON.stringify(content));
      setErrors({});
      setApiMessage(undefined);
      return updated;
    } catch (error) {
      handleError(error);
      return null;
    }
  };

  const saveDraft = async () => {
    const content = validate(false);
    if (!content) return;
    setBusy('save');
    const updated = await save(content);
    setBusy(null);
    if (!updated) return;
    if (mode === 'draft') {
      onSaved(updated);
      setStatus(
        `Brouillon enregistré à ${new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short' }).format(new Date())}.`,
      );
    } else {
      onDone(
        updated,
        `La correction est enregistrée (version ${updated.resultVersion} des résultats) : l’analyse repasse en validation.`,
      );
    }
  };

  const askSubmission = () => {
    if (validate(true)) setConfirming(true);
  };

  const submit = async () => {
    const content = validate(true);
    if (!content) return;
    setBusy('submit');
    let current: Analysis | null = analysis;
    if (dirty) {
      current = await save(content);
      if (current) onSaved(current);
    }
    if (current) {
      try {
        const submitted = await api.submitAnalysisResults({
          params,
          body: { version: current.version },
        });
        onDone(
          submitted,
          submitted.status === 'Completed'
            ? 'Les résultats sont transmis. Aucun résidu détecté : l’analyse est terminée, conforme.'
            : 'Les résultats sont transmis : ils attendent la validation du coordinateur.',
        );
      } catch (error) {
        handleError(error);
      }
    }
    setBusy(null);
  };

  const fieldError = (path: string) => errors[path];

  const methodsError = fieldError('methods');
  const reasonError = fieldError('reason');
  const analysedAtError = fieldError('analysedAt');

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void saveDraft();
      }}
      data-testid={mode === 'draft' ? 'results-form' : 'correction-form'}
    >
      <div
        ref={summaryRef}
        tabIndex={-1}
        className="maestro-focus-target"
        data-testid="results-errors"
      >
        <ErrorSummary
          errors={errors}
          message={apiMessage}
          fieldIdOf={resultsFieldTarget}
          labelOf={(path) => resultsFieldLabel(path, values.residues)}
        />
        {conflict && (
          <ConflictAlert
            title="Ces résultats ont été modifiés entre-temps"
            explanation="Quelqu’un d’autre a modifié cette analyse depuis que vous l’avez ouverte : vos changements n’ont pas été enregistrés. Rechargez l’analyse pour repartir de son état actuel (notez d’abord ce que vous voulez garder)."
            onReload={onReload}
          />
        )}
      </div>

      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <Input
            label="Date d’analyse"
            hintText="Obligatoire pour transmettre les résultats"
            state={analysedAtError ? 'error' : 'default'}
            stateRelatedMessage={analysedAtError}
            nativeInputProps={{
              id: resultsFieldId('analysedAt'),
              type: 'date',
              value: values.analysedAt,
              onChange: (event) => {
                setValues({ ...values, analysedAt: event.target.value });
                clearError('analysedAt');
              },
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-8">
          <fieldset
            id={resultsFieldId('methods')}
            className={`fr-fieldset${methodsError ? ' fr-fieldset--error' : ''}`}
            aria-labelledby="analysis-methods-legend"
          >
            <legend className="fr-fieldset__legend fr-text--regular" id="analysis-methods-legend">
              Méthodes d’analyse
            </legend>
            {AnalysisMethodList.map((method: AnalysisMethod) => (
              <div key={method} className="fr-fieldset__element fr-fieldset__element--inline">
                <div className="fr-checkbox-group">
                  <input
                    type="checkbox"
                    id={`analysis-method-${method}`}
                    checked={values.methods.includes(method)}
                    onChange={(event) => {
                      setValues({
                        ...values,
                        methods: event.target.checked
                          ? AnalysisMethodList.filter(
                              (m) => m === method || values.methods.includes(m),
                            )
                          : values.methods.filter((m) => m !== method),
                      });
                      clearError('methods');
                    }}
                  />
                  <label className="fr-label" htmlFor={`analysis-method-${method}`}>
                    {AnalysisMethodLabels[method]}
                  </label>
                </div>
              </div>
            ))}
            {methodsError && (
              <div className="fr-messages-group">
                <p className="fr-message fr-message--error">{methodsError}</p>
              </div>
            )}
          </fieldset>
        </div>
      </div>

      <h3 className="fr-h5 fr-mt-4w">Résidus</h3>
      <p className="fr-text--sm">
        Valeur et limite de quantification (LQ) dans l’unité choisie ; LMR en mg/kg, laissée vide
        pour appliquer celle du référentiel (ou la LMR par défaut de 0,01 mg/kg) ; incertitude
        élargie en %, laissée vide pour appliquer 50 %. Le verdict de chaque résidu est calculé au
        fil de la saisie, comme il le sera à l’enregistrement.
      </p>
      <SubstanceAdder
        ref={searchRef}
        id={resultsFieldId('residues')}
        analysis={analysis}
        present={present}
        onAdd={addSubstance}
        onAddRequested={addRequested}
        error={fieldError('residues')}
      />

      {values.residues.length > 0 && (
        <ResidueRowsTable
          analysis={analysis}
          rows={values.residues}
          verdicts={verdicts}
          referential={referential}
          referentialLoaded={matrixCode !== null && mrls.isSuccess}
          errors={errors}
          expanded={expanded}
          onChange={setRow}
          onRemove={removeRow}
          onToggle={toggleAdvanced}
        />
      )}

      <div
        className={`fr-callout fr-mt-2w${summary.verdict.compliant === false ? ' fr-callout--pink-tuile' : ''}`}
        aria-live="polite"
        data-testid="analysis-live-verdict"
      >
        <p className="fr-callout__title fr-h6">
          {summary.verdict.compliant === null
            ? 'Verdict : aucun résultat'
            : summary.verdict.compliant
              ? 'Verdict calculé : conforme'
              : 'Verdict calculé : non conforme'}
        </p>
        <p className="fr-callout__text fr-text--md">
          {summary.verdict.explanation}
          {summary.incomplete > 0 &&
            ` ${summary.incomplete > 1 ? `${summary.incomplete} résidus sont` : '1 résidu est'} à compléter.`}
        </p>
      </div>

      <TextAreaField
        id={resultsFieldId('notes')}
        label="Commentaire sur l’analyse (facultatif)"
        value={values.notes}
        error={fieldError('notes')}
        onChange={(text) => {
          setValues({ ...values, notes: text });
          clearError('notes');
        }}
      />

      {mode === 'correction' && (
        <TextAreaField
          id={resultsFieldId('reason')}
          label="Motif de la correction"
          hint="Obligatoire : il reste visible avec la nouvelle version des résultats."
          required
          value={reason}
          error={reasonError}
          onChange={(text) => {
            setReason(text);
            clearError('reason');
          }}
        />
      )}

      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        {mode === 'draft' ? (
          <>
            <li>
              <Button
                type="submit"
                priority="secondary"
                iconId="fr-icon-save-line"
                disabled={busy !== null}
              >
                {busy === 'save' ? 'Enregistrement…' : 'Enregistrer le brouillon'}
              </Button>
            </li>
            <li>
              <Button
                type="button"
                iconId="fr-icon-send-plane-line"
                disabled={busy !== null}
                onClick={askSubmission}
              >
                {busy === 'submit' ? 'Transmission…' : 'Transmettre les résultats'}
              </Button>
            </li>
          </>
        ) : (
          <>
            <li>
              <Button type="submit" iconId="fr-icon-save-line" disabled={busy !== null}>
                {busy === 'save' ? 'Enregistrement…' : 'Enregistrer la correction'}
              </Button>
            </li>
            <li>
              <Button
                type="button"
                priority="secondary"
                disabled={busy !== null}
                onClick={onCancel}
              >
                Annuler
              </Button>
            </li>
          </>
        )}
      </ul>
      <p className="fr-text--sm" role="status" data-testid="results-status">
        {status}
      </p>

      <ConfirmDialog
        open={confirming}
        title="Transmettre les résultats ?"
        confirmLabel="Transmettre"
        confirmIcon="fr-icon-send-plane-line"
        onConfirm={() => {
          setConfirming(false);
          void submit();
        }}
        onCancel={() => setConfirming(false)}
        testId="submit-dialog"
      >
        <p>
          <strong>{summary.verdict.explanation}</strong>
        </p>
        {summary.verdict.allNotDetected ? (
          <p>
            Aucun résidu n’est détecté : l’analyse sera terminée automatiquement comme conforme,
            sans validation du coordinateur.
          </p>
        ) : (
          <>
            {summary.verdict.nonCompliantCount > 0 && (
              <ul>
                {values.residues.map((row, i) =>
                  verdicts[i]?.compliant === false ? (
                    <li key={row.key}>{`${substanceName(row.substanceCode)} : non conforme`}</li>
                  ) : null,
                )}
              </ul>
            )}
            <p>
              Les résultats seront transmis au coordinateur, qui confirmera ou corrigera le verdict.
            </p>
          </>
        )}
        <p className="fr-text--sm">
          Une fois transmis, les résultats ne se modifient plus que par une correction motivée
          (nouvelle version).
          {dirty ? ' Vos dernières modifications seront d’abord enregistrées.' : ''}
        </p>
      </ConfirmDialog>
    </form>
  );
}
