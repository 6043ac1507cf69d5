import { Header } from '@codegouvfr/react-dsfr/Header';
import type { AuthUser } from '@maestro/shared/schema';
import { RoleLabels } from '@maestro/shared/schema';
import { useLocation } from 'react-router';
import { useLaboratories } from './laboratories';
import { isCurrentSection, navigationLinks } from './navigation';
import { scopeLabel } from './scope';

export const brandTop = (
  <>
    Ministère
    <br />
    de l’Agriculture
    <br />
    et de la Souveraineté
    <br />
    alimentaire
  </>
);

export const homeLinkProps = {
  to: '/',
  title: 'Accueil — Maestro (Ministère de l’Agriculture et de la Souveraineté alimentaire)',
};

function CurrentUser({ user, id }: { user: AuthUser; id?: string }) {
  const laboratories = useLaboratories();
  return (
    <p className="maestro-user" id={id} data-testid="current-user">
      <span className="fr-icon-account-circle-line" aria-hidden="true" />
      <span className="maestro-user__details">
        <span className="maestro-user__name">
          {user.firstName} {user.lastName}
        </span>
        <span className="maestro-user__role">
          {RoleLabels[user.role]} · {scopeLabel(user, laboratories.data)}
        </span>
      </span>
    </p>
  );
}

interface AppHeaderProps {
  user: AuthUser | null;
  onLogout: () => void;
  loggingOut?: boolean;
}

/** The DSFR header: the Marianne block, the service, the user, and the role's navigation. */
export function AppHeader({ user, onLogout, loggingOut = false }: AppHeaderProps) {
  const { pathname } = useLocation();
  return (
    <Header
      brandTop={brandTop}
      serviceTitle="Maestro"
      serviceTagline="Plans de surveillance et de contrôle de la chaîne alimentaire"
      homeLinkProps={homeLinkProps}
      quickAccessItems={
        user
          ? [
              <CurrentUser key="user" user={user} />,
              {
                iconId: 'fr-icon-logout-box-r-line',
                text: 'Se déconnecter',
                buttonProps: { onClick: onLogout, disabled: loggingOut, type: 'button' },
              },
            ]
          : []
      }
      navigation={
        user
          ? navigationLinks(user.role).map((link) => ({
              text: link.label,
              linkProps: { to: link.path },
              isActive: isCurrentSection(link.path, pathname),
            }))
          : undefined
      }
    />
  );
}
