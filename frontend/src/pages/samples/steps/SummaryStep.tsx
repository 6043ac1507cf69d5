import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { type SampleProblem, sampleProblems } from '@maestro/shared/domain';
import {
  SampleContent,
  type SampleStep,
  SampleStepLabels,
  SampleStepList,
} from '@maestro/shared/schema';
import { forwardRef, type ReactNode } from 'react';
import { FormattedField, fieldState, TextField } from '../SampleFormFields';
import { SampleRecap } from '../SampleRecap';
import { SampleFieldLabels, sampleFieldId } from '../sampleForm';
import type { StepProps } from './types';

/** The owner's e-mail as the record's schema accepts it. */
const isEmail = (text: string) => SampleContent.shape.ownerEmail.safeParse(text).success;

interface SummaryStepProps extends StepProps {
  planName: string | null;
  reference: string | null;
  onEdit: (step: SampleStep) => void;
  onGoToProblem: (problem: SampleProblem) => void;
  /** « Finaliser », « Envoyer au laboratoire »… */
  actions: ReactNode;
  /** The documents, once the sample is finalised. */
  documents?: ReactNode;
}

/** What is still missing, each a link to its field. */
export const CompletenessList = forwardRef<
  HTMLElement,
  { problems: readonly SampleProblem[]; onGoTo: (problem: SampleProblem) => void }
>(function CompletenessList({ problems, onGoTo }, ref) {
  return (
    <section
      ref={ref}
      tabIndex={-1}
      className="maestro-focus-target fr-mb-3w"
      data-testid="sample-completeness"
      aria-labelledby="sample-completeness-title"
    >
      <h3 className="fr-h5" id="sample-completeness-title">
        {problems.length === 0
          ? 'Le prélèvement est complet'
          : `À compléter avant de finaliser (${problems.length})`}
      </h3>
      {problems.length === 0 ? (
        <p>Vous pouvez finaliser le prélèvement.</p>
      ) : (
        SampleStepList.filter((step) => problems.some((p) => p.step === step)).map((step) => (
          <div key={step}>
            <p className="fr-text--bold fr-mb-1w">{SampleStepLabels[step]}</p>
            <ul>
              {problems
                .filter((p) => p.step === step)
                .map((problem) => (
                  <li key={`${problem.path}-${problem.message}`}>
                    <a
                      className="fr-link"
                      href={`#${sampleFieldId(problem.path)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        onGoTo(problem);
                      }}
                    >
                      {problem.message}
                    </a>
                  </li>
                ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
});

/** The last step: the recap, the owner's consent, what is missing, and the actions. */
export const SummaryStep = forwardRef<HTMLElement, SummaryStepProps>(function SummaryStep(
  { content, patch, errors, user, planName, reference, onEdit, onGoToProblem, actions, documents },
  completenessRef,
) {
  const problems = sampleProblems(content, new Date());
  return (
    <>
      <SampleRecap
        content={content}
        planName={planName}
        reference={reference}
        samplerName={`${user.firstName} ${user.lastName}`}
        onEdit={onEdit}
      />

      <section aria-labelledby="sample-owner-title" className="fr-mb-4w">
        <h3 className="fr-h5" id="sample-owner-title">
          Détenteur
        </h3>
        <RadioButtons
          id={sampleFieldId('ownerConsent')}
          name="ownerConsent"
          legend={SampleFieldLabels.ownerConsent}
          hintText="Le détenteur accepte-t-il le procès-verbal de prélèvement ?"
          orientation="horizontal"
          {...fieldState(errors.ownerConsent)}
          options={[true, false].map((consent) => ({
            label: consent ? 'Oui' : 'Non',
            nativeInputProps: {
              value: String(consent),
              checked: content.ownerConsent === consent,
              onChange: () => patch({ ownerConsent: consent }),
            },
          }))}
        />
        <TextField
          path="ownerStatement"
          label={`${SampleFieldLabels.ownerStatement} (facultatif)`}
          hint="Ce que le détenteur souhaite voir figurer au procès-verbal. 4 000 caractères au plus."
          textArea
          rows={4}
          maxLength={4000}
          value={content.ownerStatement}
          onChange={(ownerStatement) => patch({ ownerStatement })}
        />
        <TextField
          path="ownerName"
          label={`${SampleFieldLabels.ownerName} (facultatif)`}
          maxLength={200}
          autoComplete="off"
          value={content.ownerName}
          onChange={(ownerName) => patch({ ownerName })}
        />
        <FormattedField
          path="ownerEmail"
          label={`${SampleFieldLabels.ownerEmail} (facultatif)`}
          hint="Le détenteur y reçoit le procès-verbal. Format attendu : nom@domaine.fr"
          type="email"
          inputMode="email"
          maxLength={320}
          value={content.ownerEmail}
          format={(value) => value ?? ''}
          parse={(text) =>
            text.trim() === ''
              ? { ok: true, value: null }
              : isEmail(text.trim())
                ? { ok: true, value: text.trim() }
                : {
                    ok: false,
                    message: 'Adresse e-mail du détenteur invalide (ex. nom@domaine.fr).',
                  }
          }
          onChange={(ownerEmail) => patch({ ownerEmail })}
          error={errors.ownerEmail}
        />
      </section>

      <CompletenessList ref={completenessRef} problems={problems} onGoTo={onGoToProblem} />
      {documents}
      {actions}
    </>
  );
});
