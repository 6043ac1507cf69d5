import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { RootErrorPage } from '../pages/errors/ErrorPage';
import { AppLayout } from './AppLayout';
import { ErrorBoundary } from './ErrorBoundary';
import { RequireAuth, RequirePermission } from './guards';

const LoginPage = lazy(() => import('../pages/login/LoginPage'));
const HomePage = lazy(() => import('../pages/home/HomePage'));
const UsersPage = lazy(() => import('../pages/users/UsersPage'));
const UserCreatePage = lazy(() => import('../pages/users/UserCreatePage'));
const UserEditPage = lazy(() => import('../pages/users/UserEditPage'));
const ProgrammingPlansPage = lazy(() => import('../pages/programming/ProgrammingPlansPage'));
const PlanCreatePage = lazy(() => import('../pages/programming/PlanCreatePage'));
const PlanPage = lazy(() => import('../pages/programming/PlanPage'));
const SamplesPage = lazy(() => import('../pages/samples/SamplesPage'));
const SampleNewPage = lazy(() => import('../pages/samples/SampleNewPage'));
const SampleRecordPage = lazy(() => import('../pages/samples/SampleRecordPage'));
const AnalysisImportPage = lazy(() => import('../pages/analyses/import/AnalysisImportPage'));
const LaboratoriesPage = lazy(() => import('../pages/laboratories/LaboratoriesPage'));
const LaboratoryPage = lazy(() => import('../pages/laboratories/LaboratoryPage'));
const MrlPage = lazy(() => import('../pages/referential/MrlPage'));
const AnalysesPage = lazy(() => import('../pages/analyses/AnalysesPage'));
const AnalysisPage = lazy(() => import('../pages/analyses/AnalysisPage'));
const NotificationsPage = lazy(() => import('../pages/notifications/NotificationsPage'));
const AccessibilityPage = lazy(() => import('../pages/accessibility/AccessibilityPage'));
const NotFoundPage = lazy(() => import('../pages/not-found/NotFoundPage'));

/** The pages of the web app, each lazy-loaded. */
export function AppRoutes() {
  return (
    <ErrorBoundary fallback={(error) => <RootErrorPage error={error} />}>
      <Routes>
        <Route element={<AppLayout />}>
          <Route path="/connexion" element={<LoginPage />} />
          <Route path="/accessibilite" element={<AccessibilityPage />} />
          <Route element={<RequireAuth />}>
            <Route path="/" element={<HomePage />} />
            <Route path="/utilisateurs" element={<RequirePermission permission="user.manage" />}>
              <Route index element={<UsersPage />} />
              <Route path="nouveau" element={<UserCreatePage />} />
              <Route path=":userId" element={<UserEditPage />} />
            </Route>
            <Route
              path="/programmation"
              element={<RequirePermission permission="programmingPlan.read" />}
            >
              <Route index element={<ProgrammingPlansPage />} />
              <Route
                path="nouveau"
                element={<RequirePermission permission="programmingPlan.manage" />}
              >
                <Route index element={<PlanCreatePage />} />
              </Route>
              <Route path=":planId" element={<PlanPage />} />
            </Route>
            <Route path="/prelevements" element={<RequirePermission permission="sample.read" />}>
              <Route index element={<SamplesPage />} />
            </Route>
            <Route
              path="/prelevements/nouveau"
              element={<RequirePermission permission="sample.create" />}
            >
              <Route index element={<SampleNewPage />} />
            </Route>
            <Route
              path="/prelevements/:sampleId"
              element={<RequirePermission permission="sample.read" />}
            >
              <Route index element={<SampleRecordPage />} />
            </Route>
            <Route
              path="/analyses/import"
              element={<RequirePermission permission="analysis.submitResults" />}
            >
              <Route index element={<AnalysisImportPage />} />
            </Route>
            <Route
              path="/laboratoires"
              element={<RequirePermission permission="labToken.manage" />}
            >
              <Route index element={<LaboratoriesPage />} />
              <Route path=":laboratoryId" element={<LaboratoryPage />} />
            </Route>
            <Route
              path="/referentiel/lmr"
              element={<RequirePermission permission="referential.manage" />}
            >
              <Route index element={<MrlPage />} />
            </Route>
            <Route path="/analyses" element={<RequirePermission permission="analysis.read" />}>
              <Route index element={<AnalysesPage />} />
              <Route path=":analysisId" element={<AnalysisPage />} />
            </Route>
            <Route path="/notifications" element={<NotificationsPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </ErrorBoundary>
  );
}
