import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { availablePlanActions } from '@maestro/shared/domain';
import {
  type AuthUser,
  type PlanAction,
  PlanActionLabels,
  PlanActionList,
  type ProgrammingPlan,
} from '@maestro/shared/schema';
import { useMutation } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiClientError, api } from '../../api/client';
import { regionLabel } from './labels';

const actionModals = Object.fromEntries(
  PlanActionList.map((action) => [
    action,
    createModal({ id: `plan-action-${action}-modal`, isOpenedByDefault: false }),
  ]),
) as Record<PlanAction, ReturnType<typeof createModal>>;

const ActionIcons = {
  submitToRegions: 'fr-icon-send-plane-line',
  approve: 'fr-icon-check-line',
  submitToDepartments: 'fr-icon-send-plane-line',
  validate: 'fr-icon-check-line',
  close: 'fr-icon-lock-line',
} as const satisfies Record<PlanAction, string>;

function confirmation(action: PlanAction, user: AuthUser): string {
  const region = user.regionCode ? regionLabel(user.regionCode) : 'votre région';
  switch (action) {
    case 'submitToRegions':
      return 'La programmation sera envoyée aux régions qui ont des prélèvements ; leurs coordinateurs seront notifiés. Les prescriptions et la répartition nationale ne pourront plus être modifiées.';
    case 'approve':
      return `Vous approuvez la programmation de ${region}, avec sa répartition et ses laboratoires. Elle ne pourra plus être modifiée ; le niveau national sera notifié.`;
    case 'submitToDepartments':
      return `La répartition de ${region} sera envoyée à ses départements, qui seront notifiés. Elle ne pourra plus être modifiée.`;
    case 'validate':
      return 'La programmation sera validée et la campagne de prélèvements ouverte ; les régions, les départements et les préleveurs concernés seront notifiés.';
    case 'close':
      return 'La campagne sera clôturée : les commentaires seront fermés. Les prélèvements déjà réalisés restent consultables.';
  }
}

const SuccessMessages: Record<PlanAction, string> = {
  submitToRegions: 'La programmation est envoyée aux régions.',
  approve: 'La programmation de votre région est approuvée.',
  submitToDepartments: 'La programmation de votre région est envoyée à vos départements.',
  validate: 'La programmation est validée : la campagne est ouverte.',
  close: 'La campagne est clôturée.',
};

interface PlanActionsProps {
  plan: ProgrammingPlan;
  user: AuthUser;
  /** Unsaved changes of a grid: the confirmation warns that they will not be part of it. */
  unsavedChanges?: boolean;
  onChanged: (plan: ProgrammingPlan) => Promise<unknown>;
  onReload: () => Promise<unknown>;
}

/** The status changes the user may take now, each confirmed in a modal. */
export function PlanActions({ plan, user, unsavedChanges, onChanged, onReload }: PlanActionsProps) {
  const actions = availablePlanActions(plan, user);
  const resultRef = useRef<HTMLDivElement>(null);

  const transition = useMutation({
    mutationFn: (action: PlanAction) =>
      api.transitionProgrammingPlan({
        params: { planId: plan.id },
        body: { action, version: plan.version },
      }),
    onSuccess: (updated) => onChanged(updated),
    onSettled: () => {
      setTimeout(() => resultRef.current?.focus(), 0);
    },
  });

  const error = transition.error;
  const conflict =
    error instanceof ApiClientError &&
    error.status === 409 &&
    error.body.error === 'VersionConflict';

  return (
    <>
      {actions.length > 0 && (
        <ul
          className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left"
          data-testid="plan-actions"
        >
          {actions.map((action) => (
            <li key={action}>
              <Button
                iconId={ActionIcons[action]}
                disabled={transition.isPending}
                onClick={() => transition.reset()}
                nativeButtonProps={{
                  'aria-controls': actionModals[action].id,
                  'data-fr-opened': false,
                }}
              >
                {PlanActionLabels[action]}
              </Button>
            </li>
          ))}
        </ul>
      )}

      <div
        ref={resultRef}
        tabIndex={-1}
        className="maestro-focus-target"
        data-testid="plan-action-result"
      >
        {transition.isSuccess && (
          <Alert
            className="fr-mb-3w"
            severity="success"
            small
            role="status"
            description={SuccessMessages[transition.variables]}
          />
        )}
        {conflict ? (
          <Alert
            className="fr-mb-3w"
            severity="warning"
            role="alert"
            title="Ce plan a été modifié entre-temps"
            description={
              <>
                <p>
                  Quelqu’un d’autre a changé l’état de ce plan depuis que vous l’avez ouvert : votre
                  action n’a pas été prise en compte. Rechargez le plan pour voir son état actuel.
                </p>
                <Button
                  className="fr-mt-2w"
                  iconId="fr-icon-refresh-line"
                  onClick={() => {
                    transition.reset();
                    void onReload();
                  }}
                >
                  Recharger le plan
                </Button>
              </>
            }
          />
        ) : (
          error && (
            <Alert
              className="fr-mb-3w"
              severity="error"
              role="alert"
              title={
                transition.variables
                  ? `« ${PlanActionLabels[transition.variables]} » a été refusé`
                  : 'L’action a été refusée'
              }
              description={
                error instanceof ApiClientError && error.body.issues.length > 0 ? (
                  <>
                    <p>
                      {error.body.issues.length > 1 ? 'Points à corriger :' : 'Point à corriger :'}
                    </p>
                    <ul className="fr-mb-0" data-testid="plan-action-issues">
                      {error.body.issues.map((issue) => (
                        <li key={`${issue.path}-${issue.message}`}>{issue.message}</li>
                      ))}
                    </ul>
                  </>
                ) : (
                  error.message
                )
              }
            />
          )
        )}
      </div>

      {actions.map((action) => {
        const modal = actionModals[action];
        return (
          <modal.Component
            key={action}
            title={PlanActionLabels[action]}
            buttons={[
              { children: 'Annuler', priority: 'secondary' },
              {
                children: 'Confirmer',
                iconId: ActionIcons[action],
                onClick: () => transition.mutate(action),
              },
            ]}
          >
            <p>{confirmation(action, user)}</p>
            {unsavedChanges && (
              <Alert
                severity="warning"
                small
                description="Des modifications de la répartition ne sont pas enregistrées : elles ne seront pas prises en compte. Annulez, puis enregistrez-les d’abord."
              />
            )}
          </modal.Component>
        );
      })}
    </>
  );
}
