import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Stepper } from '@codegouvfr/react-dsfr/Stepper';
import { type SampleProblem, stepProblems } from '@maestro/shared/domain';
import {
  type AuthUser,
  type SampleContent,
  type SampleStep,
  SampleStepLabels,
  SampleStepList,
} from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type LocalSample, useSyncStatus } from '../../samples/offline';
import { SampleActions, SampleDeleteButton } from './SampleActions';
import { SampleDocuments, SampleHistory } from './SampleDocuments';
import { StepFields } from './SampleFormFields';
import {
  isProgrammed,
  nextStep,
  prescriptionPatch,
  previousStep,
  problemsByPath,
  programmedLaboratoryId,
  sampleFieldId,
  sampleRegionCode,
  stepNumber,
  stepOfPath,
} from './sampleForm';
import { planPrescriptionsQuery, usePlanName } from './sampleFormQueries';
import { ContextStep } from './steps/ContextStep';
import { ItemsStep } from './steps/ItemsStep';
import { MatrixStep } from './steps/MatrixStep';
import { SummaryStep } from './steps/SummaryStep';
import type { PlanPrescriptions } from './steps/types';
import { useSampleDraft } from './useSampleDraft';

type FocusRequest =
  | { kind: 'step' }
  | { kind: 'field'; path: string }
  | { kind: 'errors' }
  | { kind: 'completeness' };

const FOCUSABLE =
  'input:not([type="hidden"]):not([disabled]), select, textarea, button:not([disabled]), a[href], [tabindex]';

/**
 * Moves the focus to a field of the record by its path; a path without an element of its own
 * (`items.0.itemNumber`) falls back to its closest parent that has one.
 */
export function focusField(path: string): boolean {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length -= 1) {
    const element = document.getElementById(sampleFieldId(parts.slice(0, length).join('.')));
    if (!element) continue;
    const target = element.matches(FOCUSABLE)
      ? element
      : (element.querySelector<HTMLElement>(FOCUSABLE) ?? element);
    if (target === element && !element.matches(FOCUSABLE)) element.setAttribute('tabindex', '-1');
    target.focus();
    target.scrollIntoView?.({ block: 'center' });
    return true;
  }
  return false;
}

/** The stepper's title (the step's name) takes the focus when a step opens. */
function focusStepTitle(stepper: HTMLElement | null) {
  const title = stepper?.querySelector<HTMLElement>('h2');
  if (!title) return;
  title.setAttribute('tabindex', '-1');
  title.focus();
  title.scrollIntoView?.({ block: 'start' });
}

/** The plan's prescriptions and the one the record counts against. */
function usePlanPrescriptions(content: SampleContent, userId: string): PlanPrescriptions {
  const planId = isProgrammed(content) ? content.programmingPlanId : null;
  const query = useQuery({
    ...planPrescriptionsQuery(userId, planId ?? ''),
    enabled: planId !== null,
  });
  return useMemo(() => {
    if (planId === null) return { status: 'none', prescriptions: [], matched: null };
    const prescriptions = query.data ?? [];
    const matched = prescriptions.find((p) => p.id === content.prescriptionId) ?? null;
    return { status: query.status, prescriptions, matched };
  }, [planId, query.data, query.status, content.prescriptionId]);
}

interface SampleFormProps {
  local: LocalSample;
  user: AuthUser;
}

/**
 * The record of a draft, step by step: every change is kept in the browser at once, « Suivant »
 * checks the step and shows what is missing beside the fields, the summary finalises and sends.
 */
export function SampleForm({ local, user }: SampleFormProps) {
  const draft = useSampleDraft(local);
  const { content, patch, flush } = draft;
  const sync = useSyncStatus();
  const step = content.step;
  const [shownSteps, setShownSteps] = useState<ReadonlySet<SampleStep>>(() => new Set());
  const [formatErrors, setFormatErrors] = useState<Record<string, string>>({});
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);
  const stepperRef = useRef<HTMLDivElement>(null);
  const errorsRef = useRef<HTMLDivElement>(null);
  const completenessRef = useRef<HTMLElement>(null);
  const planName = usePlanName(user, content.programmingPlanId);
  const programming = usePlanPrescriptions(content, user.id);

  const reportFormatError = useCallback((path: string, message: string | null) => {
    setFormatErrors((current) => {
      if ((current[path] ?? null) === message) return current;
      const next = { ...current };
      if (message === null) delete next[path];
      else next[path] = message;
      return next;
    });
  }, []);

  // The record follows the programming: matched line, its substances, the region's laboratory.
  const { status: programmingStatus, prescriptions } = programming;
  useEffect(() => {
    if (programmingStatus !== 'success' && programmingStatus !== 'none') return;
    const change = prescriptionPatch(content, prescriptions);
    const next = change ? { ...content, ...change } : content;
    const matched = prescriptions.find((p) => p.id === next.prescriptionId);
    const laboratoryId =
      next.laboratoryId === null
        ? programmedLaboratoryId(matched, sampleRegionCode(next, user))
        : null;
    if (change || laboratoryId) patch({ ...change, ...(laboratoryId ? { laboratoryId } : {}) });
  }, [content, prescriptions, programmingStatus, patch, user]);

  useEffect(() => {
    if (!focusRequest) return;
    switch (focusRequest.kind) {
      case 'field':
        if (!focusField(focusRequest.path)) focusStepTitle(stepperRef.current);
        break;
      case 'errors':
        errorsRef.current?.focus();
        break;
      case 'completeness':
        completenessRef.current?.focus();
        break;
      case 'step':
        focusStepTitle(stepperRef.current);
        break;
    }
    setFocusRequest(null);
  }, [focusRequest]);

  const goTo = (target: SampleStep, path?: string) => {
    if (target !== step) patch({ step: target });
    void flush();
    setFocusRequest(path ? { kind: 'field', path } : { kind: 'step' });
  };

  const showStep = (...steps: SampleStep[]) =>
    setShownSteps((current) => new Set([...current, ...steps]));

  const now = new Date();
  const problems = stepProblems(content, step, now);
  const showErrors = shownSteps.has(step);
  const stepFormatErrors = Object.entries(formatErrors)
    .filter(([path]) => stepOfPath(path) === step)
    .map(([path, message]) => ({ step, path, message }));
  const listed: SampleProblem[] = showErrors
    ? [...stepFormatErrors, ...problems.filter((p) => !(p.path in formatErrors))]
    : [];
  const errors = showErrors ? problemsByPath(problems) : {};

  const next = () => {
    showStep(step);
    if (problems.length + stepFormatErrors.length > 0) {
      setFocusRequest({ kind: 'errors' });
      return;
    }
    const target = nextStep(step);
    if (target) goTo(target);
  };

  const goToProblem = (problem: SampleProblem) => {
    showStep(problem.step);
    goTo(problem.step, problem.path);
  };

  const previous = previousStep(step);
  const following = nextStep(step);
  const status = local.server?.status ?? 'Draft';
  const common = {
    sampleId: local.id,
    content,
    patch,
    errors,
    user,
    online: sync.online,
  };

  return (
    <StepFields.Provider value={{ showErrors, reportFormatError }}>
      <div ref={stepperRef}>
        <Stepper
          currentStep={stepNumber(step)}
          stepCount={SampleStepList.length}
          title={SampleStepLabels[step]}
          nextTitle={following ? SampleStepLabels[following] : undefined}
        />
      </div>

      <div ref={errorsRef} tabIndex={-1} className="maestro-focus-target" data-testid="step-errors">
        {listed.length > 0 && (
          <Alert
            severity="error"
            className="fr-mb-3w"
            title={
              listed.length > 1
                ? `${listed.length} points à corriger dans cette étape`
                : '1 point à corriger dans cette étape'
            }
            description={
              <ul className="fr-mb-0">
                {listed.map((problem) => (
                  <li key={`${problem.path}-${problem.message}`}>
                    <a
                      className="fr-link"
                      href={`#${sampleFieldId(problem.path)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        focusField(problem.path);
                      }}
                    >
                      {problem.message}
                    </a>
                  </li>
                ))}
              </ul>
            }
          />
        )}
      </div>

      <p className="fr-text--sm">Sauf mention contraire, tous les champs sont obligatoires.</p>

      <div className="maestro-sample-step" data-testid={`step-${step}`}>
        {step === 'Context' && <ContextStep {...common} />}
        {step === 'Matrix' && (
          <MatrixStep {...common} programming={programming} synced={local.server !== null} />
        )}
        {step === 'Items' && <ItemsStep {...common} />}
        {step === 'Summary' && (
          <SummaryStep
            {...common}
            ref={completenessRef}
            planName={planName}
            reference={local.server?.reference ?? null}
            onEdit={(target) => goTo(target)}
            onGoToProblem={goToProblem}
            documents={
              status === 'Submitted' && !local.dirty ? (
                <SampleDocuments sampleId={local.id} sent={false} />
              ) : null
            }
            actions={
              <SampleActions
                local={local}
                content={content}
                user={user}
                flush={flush}
                onIncomplete={() => {
                  showStep(...SampleStepList);
                  setFocusRequest({ kind: 'completeness' });
                }}
              />
            }
          />
        )}
      </div>

      <div className="maestro-step-nav">
        <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--icon-left">
          {previous && (
            <li>
              <Button
                priority="secondary"
                iconId="fr-icon-arrow-left-line"
                onClick={() => goTo(previous)}
              >
                Précédent
              </Button>
            </li>
          )}
          {following && (
            <li>
              <Button iconId="fr-icon-arrow-right-line" iconPosition="right" onClick={next}>
                Suivant
              </Button>
            </li>
          )}
        </ul>
        <p className="fr-text--xs fr-mb-0 maestro-save-state" data-testid="save-state">
          {draft.saving
            ? 'Enregistrement dans le navigateur…'
            : draft.savedAt
              ? `Enregistré dans ce navigateur à ${draft.savedAt.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' })}.`
              : 'Chaque saisie est enregistrée dans ce navigateur, même hors ligne.'}
        </p>
      </div>
      {draft.saveError && (
        <Alert
          small
          severity="error"
          className="fr-mt-2w"
          role="alert"
          description={draft.saveError}
        />
      )}

      {step === 'Summary' && local.server && <SampleHistory sampleId={local.id} />}

      <hr className="fr-mt-4w" />
      <SampleDeleteButton local={local} />
    </StepFields.Provider>
  );
}
