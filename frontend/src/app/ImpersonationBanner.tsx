import { Button } from '@codegouvfr/react-dsfr/Button';
import type { Session } from '@maestro/shared/contract';
import { RoleLabels } from '@maestro/shared/schema';
import { useMutation } from '@tanstack/react-query';
import { api } from '../api/client';

/** After a change of identity the browser loads the page again: nothing of the other account stays. */
export const pageLoad = {
  at: (path: string) => window.location.assign(path),
};

/**
 * Shown on every page of a support session: whom the administrator acts as, that their own name
 * is recorded with every action, and the way back to their account.
 */
export function ImpersonationBanner({ session }: { session: Session }) {
  const stop = useMutation({
    mutationFn: () => api.stopImpersonation(),
    onSuccess: () => pageLoad.at('/utilisateurs'),
  });
  const administrator = session.impersonatedBy;
  if (!administrator) return null;
  const { user } = session;
  return (
    <section className="fr-notice fr-notice--warning" aria-labelledby="impersonation-title">
      <div className="fr-container">
        <div className="fr-notice__body">
          <p className="fr-notice__title" id="impersonation-title">
            Assistance : vous agissez en tant que {user.firstName} {user.lastName} (
            {RoleLabels[user.role]}).
          </p>
          <p className="fr-notice__desc fr-mb-1w">
            Chaque action est enregistrée sous son nom et sous le vôtre ({administrator.firstName}{' '}
            {administrator.lastName}).
          </p>
          <Button
            size="small"
            priority="secondary"
            iconId="fr-icon-arrow-go-back-line"
            disabled={stop.isPending}
            onClick={() => stop.mutate()}
          >
            Revenir à mon compte
          </Button>
          {stop.error && (
            <p className="fr-error-text" role="alert">
              {stop.error.message}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
