import { Header } from '@codegouvfr/react-dsfr/Header';
import { hasPermission } from '@maestro/shared/domain';
import type { AuthUser } from '@maestro/shared/schema';
import { RoleLabels } from '@maestro/shared/schema';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { unreadNotificationsQuery } from '../pages/notifications/queries';
import { useLogoutGuard } from '../samples/offline/LogoutGuard';
import { SyncBadge } from '../samples/offline/SyncBadge';
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

/**
 * The number of unread notifications of the signed-in user: fetched every minute, and again
 * at each change of page.
 */
function useUnreadNotifications(signedIn: boolean): number | undefined {
  const queryClient = useQueryClient();
  const { pathname } = useLocation();
  const unread = useQuery({ ...unreadNotificationsQuery, enabled: signedIn });
  const firstPath = useRef(pathname);
  useEffect(() => {
    if (!signedIn || firstPath.current === pathname) return;
    firstPath.current = '';
    void queryClient.invalidateQueries({ queryKey: unreadNotificationsQuery.queryKey });
  }, [pathname, signedIn, queryClient]);
  return unread.data;
}

/** The bell: an icon and the unread count, named « Notifications » for screen readers. */
function NotificationsText({ unread }: { unread: number | undefined }) {
  return (
    <>
      <span className="fr-sr-only">
        Notifications
        {unread ? `, ${unread} non lue${unread > 1 ? 's' : ''}` : ''}
      </span>
      {unread ? (
        <span className="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </>
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
  const unread = useUnreadNotifications(user !== null);
  // Logging out with unsynced samples warns and offers an export first.
  const logoutGuard = useLogoutGuard(user?.id ?? null, onLogout);
  return (
    <>
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
                  iconId: 'fr-icon-notification-3-line',
                  text: <NotificationsText unread={unread} />,
                  linkProps: { to: '/notifications', title: 'Notifications' },
                },
                {
                  iconId: 'fr-icon-logout-box-r-line',
                  text: 'Se déconnecter',
                  buttonProps: {
                    onClick: logoutGuard.requestLogout,
                    disabled: loggingOut,
                    type: 'button',
                  },
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
      {user && hasPermission(user, 'sample.create') && <SyncBadge userId={user.id} />}
      {logoutGuard.dialog}
    </>
  );
}
