import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useLayoutEffect, useRef } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { api, onUnauthenticated } from '../api/client';
import { ErrorPage } from '../pages/errors/ErrorPage';
import { AppFooter } from './AppFooter';
import { AppHeader } from './AppHeader';
import { ErrorBoundary } from './ErrorBoundary';
import { ImpersonationBanner } from './ImpersonationBanner';
import { Loading } from './Loading';
import { RouteChangedContext } from './pageTitle';
import { clearSession, markLoggedOut, sessionKey, useSession } from './session';

/** The frame of every page: skip links, header, main content, footer. */
export function AppLayout() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const user = session.data?.user ?? null;

  // A page change (not the first load) moves the focus to the new page's title, and checks
  // the session again: a disabled account goes back to the login page at its next move.
  const routeChanged = useRef(false);
  const previousPath = useRef(location.pathname);
  useLayoutEffect(() => {
    if (previousPath.current === location.pathname) return;
    previousPath.current = location.pathname;
    routeChanged.current = true;
    if (queryClient.getQueryData(sessionKey))
      void queryClient.invalidateQueries({ queryKey: sessionKey });
  }, [location.pathname, queryClient]);

  // Any 401 means the session is gone (logout elsewhere, expiry, disabled account).
  useEffect(() => {
    const unsubscribe = onUnauthenticated(() => {
      if (queryClient.getQueryData(sessionKey)) clearSession(queryClient);
    });
    return () => {
      unsubscribe();
    };
  }, [queryClient]);

  const logout = useMutation({
    mutationFn: () => api.logout(),
    onSettled: () => {
      markLoggedOut();
      clearSession(queryClient);
      void navigate('/connexion', { replace: true });
    },
  });

  return (
    <RouteChangedContext value={routeChanged}>
      <div className="maestro-app">
        <SkipLinks
          links={[
            { label: 'Contenu', anchor: '#contenu' },
            ...(user ? [{ label: 'Menu', anchor: '#fr-header-main-navigation' }] : []),
            { label: 'Pied de page', anchor: '#pied-de-page' },
          ]}
        />
        <AppHeader user={user} onLogout={() => logout.mutate()} loggingOut={logout.isPending} />
        {session.data?.impersonatedBy && <ImpersonationBanner session={session.data} />}
        <main id="contenu" className="maestro-main" tabIndex={-1}>
          {session.isPending ? (
            <div className="fr-container">
              <Loading />
            </div>
          ) : session.isError ? (
            <div className="fr-container fr-my-6w">
              <Alert
                severity="error"
                title="Le service est momentanément indisponible"
                description={
                  <>
                    <p>{session.error.message}</p>
                    <Button
                      className="fr-mt-2w"
                      priority="secondary"
                      onClick={() => void session.refetch()}
                    >
                      Réessayer
                    </Button>
                  </>
                }
              />
            </div>
          ) : (
            <Suspense
              fallback={
                <div className="fr-container">
                  <Loading />
                </div>
              }
            >
              <ErrorBoundary
                resetKey={location.pathname}
                fallback={(error) => <ErrorPage error={error} />}
              >
                <Outlet />
              </ErrorBoundary>
            </Suspense>
          )}
        </main>
        <AppFooter />
      </div>
    </RouteChangedContext>
  );
}
