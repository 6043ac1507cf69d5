import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import type { Session } from '@maestro/shared/contract';
import { type AuthUser, type Laboratory, type Role, RoleScope } from '@maestro/shared/schema';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Link, MemoryRouter } from 'react-router';
import { preventInlineColorSchemeStyle } from '../app/csp';
import { laboratoriesQuery } from '../app/laboratories';
import { sessionKey } from '../app/session';

// jsdom has no matchMedia, which the DSFR's script reads.
if (typeof window.matchMedia !== 'function') {
  window.matchMedia = (media: string): MediaQueryList => ({
    matches: false,
    media,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  });
}

// As in main.tsx: DSFR components render react-router links.
preventInlineColorSchemeStyle();
startReactDsfr({ defaultColorScheme: 'light', Link, nonce: 'maestro' });

export const testLaboratory: Laboratory = {
  id: '6f1e1a52-2d1c-4d8e-9b7a-0c1f2e3d4a5b',
  shortName: 'LDA 69',
  name: 'Laboratoire départemental d’analyses du Rhône',
  address: '1 avenue Tony Garnier',
  postalCode: '69007',
  city: 'Lyon',
  emails: ['contact@lda69.test'],
  regionCode: '84',
  methods: ['Mono', 'Multi'],
};

/** A signed-in user of a role, with the scope that role needs (Auvergne-Rhône-Alpes, Rhône). */
export function testUser(role: Role): AuthUser {
  const kind = RoleScope[role];
  return {
    id: '0b8f3a2e-1c4d-4e5f-8a9b-1c2d3e4f5a6b',
    email: 'camille.martin@maestro.test',
    firstName: 'Camille',
    lastName: 'Martin',
    role,
    regionCode: kind === 'Region' || kind === 'Department' ? '84' : null,
    departmentCode: kind === 'Department' ? '69' : null,
    laboratoryId: kind === 'Laboratory' ? testLaboratory.id : null,
  };
}

/** A query client already holding the session and the laboratories: no request is made. */
export function testQueryClient(user: AuthUser | null): QueryClient {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } },
  });
  const session: Session | null = user ? { user, impersonatedBy: null } : null;
  client.setQueryData(sessionKey, session);
  client.setQueryData(laboratoriesQuery.queryKey, [testLaboratory]);
  return client;
}

export function renderWithProviders(
  ui: ReactNode,
  { user = null, path = '/' }: { user?: AuthUser | null; path?: string } = {},
) {
  const queryClient = testQueryClient(user);
  return {
    queryClient,
    ...render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}
