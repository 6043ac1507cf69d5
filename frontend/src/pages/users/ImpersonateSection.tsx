import { Button } from '@codegouvfr/react-dsfr/Button';
import { impersonationRefusal } from '@maestro/shared/domain';
import type { AuthUser, User } from '@maestro/shared/schema';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';
import { pageLoad } from '../../app/ImpersonationBanner';

/** Whether `administrator` may act as `user`: the server's own rule. */
export const canImpersonate = (administrator: AuthUser, user: User) =>
  impersonationRefusal(administrator, user) === null;

/** Support: the administrator opens the application as this user, every action traced. */
export function ImpersonateSection({ user }: { user: User }) {
  const start = useMutation({
    mutationFn: () => api.startImpersonation({ body: { userId: user.id } }),
    onSuccess: () => pageLoad.at('/'),
  });
  const name = `${user.firstName} ${user.lastName}`;
  return (
    <section className="fr-mt-6w fr-p-3w maestro-danger-zone" aria-labelledby="impersonate-title">
      <h2 id="impersonate-title" className="fr-h5">
        Assistance
      </h2>
      <p>
        Pour aider {name}, vous pouvez ouvrir l’application telle qu’il ou elle la voit et agir en
        son nom. Chaque action est enregistrée sous son nom et sous le vôtre ; un bandeau vous
        permet de revenir à votre compte à tout moment.
      </p>
      <Button
        priority="secondary"
        iconId="fr-icon-user-line"
        disabled={start.isPending}
        onClick={() => start.mutate()}
      >
        Agir en tant que {name}
      </Button>
      {start.error && (
        <p className="fr-error-text" role="alert">
          {start.error.message}
        </p>
      )}
    </section>
  );
}
