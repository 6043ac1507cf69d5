import type { Laboratory, LabToken, LabTokenCreated } from '@maestro/shared/schema';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { laboratoriesQuery } from '../../app/laboratories';
import { AppRoutes } from '../../app/routes';
import { renderWithProviders, testLaboratory, testUser } from '../../test/render';
import LaboratoriesPage from './LaboratoriesPage';
import LaboratoryPage from './LaboratoryPage';

const otherLaboratory: Laboratory = {
  id: '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  shortName: 'GIRPA',
  name: 'Groupement interrégional de recherche sur les produits agropharmaceutiques',
  address: '9 avenue du Bois l’Abbé',
  postalCode: '49070',
  city: 'Beaucouzé',
  emails: ['analyses@girpa.test'],
  regionCode: '52',
  methods: ['Multi'],
};

const plainToken = `mlab_${'A1b2C3d4E5f6'.repeat(3)}A1b2C3d`;

const token = (overrides: Partial<LabToken>): LabToken => ({
  id: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b',
  laboratoryId: testLaboratory.id,
  name: 'LIMS production',
  prefix: 'mlab_Zx9Yw8V',
  createdAt: '2026-01-05T09:00:00.000Z',
  createdByName: 'Alex Dupont',
  lastUsedAt: '2026-03-11T08:30:00.000Z',
  revokedAt: null,
  ...overrides,
});

const revokedToken = token({
  id: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
  name: 'Ancien LIMS',
  prefix: 'mlab_Old0123',
  lastUsedAt: null,
  revokedAt: '2026-02-01T10:00:00.000Z',
});

const createdToken: LabTokenCreated = {
  ...token({
    id: '3b4c5d6e-7f8a-4b9c-8d1e-2f3a4b5c6d7e',
    name: 'LIMS recette',
    prefix: plainToken.slice(0, 12),
    createdAt: '2026-03-12T10:00:00.000Z',
    lastUsedAt: null,
  }),
  token: plainToken,
};

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

const tokensPath = `/api/laboratories/${testLaboratory.id}/tokens`;
let tokens: LabToken[];
let revokeAnswer: () => Response;
const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = String(input);
  const method = init?.method ?? 'GET';
  if (url === tokensPath && method === 'GET') return json(tokens);
  if (url === tokensPath && method === 'POST') {
    const { token: _, ...listed } = createdToken;
    tokens = [listed, ...tokens];
    return json(createdToken, 201);
  }
  if (url.startsWith(`${tokensPath}/`) && method === 'DELETE') return revokeAnswer();
  return Promise.reject(new Error(`Requête inattendue : ${method} ${url}`));
});
vi.stubGlobal('fetch', fetchMock);
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  fetchMock.mockClear();
  tokens = [token({}), revokedToken];
  revokeAnswer = () => new Response(null, { status: 204 });
});
afterEach(cleanup);

const calls = (method: string) =>
  fetchMock.mock.calls.filter(([, init]) => (init?.method ?? 'GET') === method);

function renderLaboratory(laboratoryId = testLaboratory.id) {
  return renderWithProviders(
    <Routes>
      <Route path="/laboratoires/:laboratoryId" element={<LaboratoryPage />} />
    </Routes>,
    { user: testUser('Administrator'), path: `/laboratoires/${laboratoryId}` },
  );
}

describe('the laboratories page', () => {
  it('lists the laboratories with their city and region, each linking to its tokens', () => {
    const { queryClient } = renderWithProviders(<LaboratoriesPage />, {
      user: testUser('Administrator'),
      path: '/laboratoires',
    });
    queryClient.setQueryData(laboratoriesQuery.queryKey, [testLaboratory, otherLaboratory]);
    return waitFor(() => {
      const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
      expect(rows.map((row) => row.textContent)).toEqual([
        `GIRPA${otherLaboratory.name}BeaucouzéPays de la Loire`,
        `LDA 69${testLaboratory.name}LyonAuvergne-Rhône-Alpes`,
      ]);
      expect(screen.getByRole('link', { name: 'LDA 69' }).getAttribute('href')).toBe(
        `/laboratoires/${testLaboratory.id}`,
      );
    });
  });

  it('is the administrator’s, and lazy-loaded by its routes', async () => {
    renderWithProviders(<AppRoutes />, { user: testUser('LaboratoryUser'), path: '/laboratoires' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Accès refusé' })).toBeDefined();
    cleanup();
    renderWithProviders(<AppRoutes />, {
      user: testUser('NationalCoordinator'),
      path: `/laboratoires/${testLaboratory.id}`,
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Accès refusé' })).toBeDefined();
    cleanup();
    renderWithProviders(<AppRoutes />, { user: testUser('Administrator'), path: '/laboratoires' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Laboratoires' })).toBeDefined();
    cleanup();
    renderWithProviders(<AppRoutes />, {
      user: testUser('Administrator'),
      path: `/laboratoires/${testLaboratory.id}`,
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'LDA 69' })).toBeDefined();
    expect(await screen.findByText('LIMS production')).toBeDefined();
  });
});

describe('the API tokens of a laboratory', () => {
  it('lists the tokens by name and prefix, with their use and state, and explains them', async () => {
    renderLaboratory();
    const active = await screen.findByTestId(`lab-token-${token({}).id}`);
    expect(active.textContent).toContain('LIMS production');
    expect(active.textContent).toContain('mlab_Zx9Yw8V…');
    expect(active.textContent).toContain('par Alex Dupont');
    expect(active.textContent).toContain('Actif');
    expect(within(active).getByRole('button', { name: 'Révoquer le jeton « LIMS production »' }));
    const revoked = screen.getByTestId(`lab-token-${revokedToken.id}`);
    expect(revoked.textContent).toContain('Jamais');
    expect(revoked.textContent).toContain('Révoqué');
    expect(within(revoked).queryByRole('button')).toBeNull();

    const help = screen.getByTestId('lab-token-help');
    expect(help.textContent).toContain('Authorization: Bearer <jeton>');
    expect(
      within(help).getByRole('link', { name: 'documentation de l’API' }).getAttribute('href'),
    ).toBe('/api/docs');
  });

  it('says when the laboratory is unknown', async () => {
    renderLaboratory('9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a');
    expect(await screen.findByText('Laboratoire introuvable')).toBeDefined();
    expect(calls('GET')).toHaveLength(0);
  });

  it('creates a token and shows its value once, never in the list', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderLaboratory();
    await screen.findByTestId(`lab-token-${token({}).id}`);

    // a name is required
    fireEvent.click(screen.getByRole('button', { name: 'Créer un jeton' }));
    expect(document.body.textContent).toContain('Nommez le jeton');
    expect(calls('POST')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText(/^Nom du jeton/), {
      target: { value: '  LIMS recette ' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Créer un jeton' }));
    const shown = await screen.findByTestId('lab-token-created');
    const [[url, init]] = calls('POST') as [[string, RequestInit]];
    expect(url).toBe(tokensPath);
    expect(JSON.parse(String(init.body))).toEqual({ name: 'LIMS recette' });

    expect(document.body.textContent).toContain(
      'Copiez ce jeton maintenant : il ne sera plus affiché.',
    );
    const field = within(shown).getByLabelText('Jeton d’API') as HTMLInputElement;
    expect(field.value).toBe(plainToken);
    expect(field.readOnly).toBe(true);
    fireEvent.click(within(shown).getByRole('button', { name: 'Copier le jeton' }));
    expect(writeText).toHaveBeenCalledWith(plainToken);
    expect(
      await within(shown).findByText('Le jeton est copié dans le presse-papiers.'),
    ).toBeDefined();
    // the name field is emptied for the next one
    expect((screen.getByLabelText(/^Nom du jeton/) as HTMLInputElement).value).toBe('');

    // the list, read again, has the new token by its prefix only
    const row = await screen.findByTestId(`lab-token-${createdToken.id}`);
    expect(row.textContent).toContain(`${plainToken.slice(0, 12)}…`);
    const table = screen.getByRole('table');
    expect(table.textContent).not.toContain(plainToken);

    // once hidden, the value is gone from the page
    fireEvent.click(screen.getByRole('button', { name: 'J’ai copié le jeton : le masquer' }));
    expect(screen.queryByTestId('lab-token-created')).toBeNull();
    expect(document.body.innerHTML).not.toContain(plainToken);
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('revokes a token only once confirmed', async () => {
    renderLaboratory();
    const row = await screen.findByTestId(`lab-token-${token({}).id}`);
    const button = within(row).getByRole('button', { name: /^Révoquer/ });
    const modal = document.getElementById(button.getAttribute('aria-controls') ?? '');
    expect(modal?.tagName).toBe('DIALOG');
    fireEvent.click(button);
    expect(
      within(modal as HTMLElement).getByTestId('lab-token-revoke-question').textContent,
    ).toContain(
      'Le jeton « LIMS production » (mlab_Zx9Yw8V…) de LDA 69 sera refusé dès la requête suivante',
    );
    expect(calls('DELETE')).toHaveLength(0);

    tokens = [{ ...token({}), revokedAt: '2026-03-12T11:00:00.000Z' }, revokedToken];
    fireEvent.click(
      within(modal as HTMLElement).getByRole('button', { name: 'Révoquer le jeton', hidden: true }),
    );
    await waitFor(() => expect(calls('DELETE')).toHaveLength(1));
    expect(String(calls('DELETE')[0]?.[0])).toBe(`${tokensPath}/${token({}).id}`);
    expect(
      await screen.findByText(
        'Le jeton « LIMS production » est révoqué : il est refusé dès la requête suivante.',
      ),
    ).toBeDefined();
    await waitFor(() =>
      expect(
        within(screen.getByTestId(`lab-token-${token({}).id}`)).queryByRole('button'),
      ).toBeNull(),
    );
  });

  it('shows a refused revocation', async () => {
    revokeAnswer = () =>
      json({ error: 'Conflict', message: 'Ce jeton est déjà révoqué.', issues: [] }, 409);
    renderLaboratory();
    const row = await screen.findByTestId(`lab-token-${token({}).id}`);
    fireEvent.click(within(row).getByRole('button', { name: /^Révoquer/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Révoquer le jeton', hidden: true }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'La révocation a été refusée : Ce jeton est déjà révoqué.',
    );
  });
});
