import type { Permission } from '@maestro/shared/domain';
import { hasPermission } from '@maestro/shared/domain';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ForbiddenPage } from '../pages/errors/ForbiddenPage';
import { consumeLoggedOut, loginPath, useSession } from './session';

/**
 * The pages of signed-in users. An anonymous visitor (or one whose session just ended) goes
 * to the login page, which brings them back here afterwards.
 */
export function RequireAuth() {
  const { data } = useSession();
  const location = useLocation();
  if (!data) {
    const target = consumeLoggedOut()
      ? '/connexion'
      : loginPath(location.pathname + location.search);
    return <Navigate to={target} replace />;
  }
  return <Outlet />;
}

/** The pages of one permission; others see « Accès refusé ». */
export function RequirePermission({ permission }: { permission: Permission }) {
  const { data } = useSession();
  return hasPermission(data?.user, permission) ? <Outlet /> : <ForbiddenPage />;
}
