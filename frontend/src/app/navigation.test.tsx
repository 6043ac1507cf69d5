import { RoleLabels, RoleList } from '@maestro/shared/schema';
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testUser } from '../test/render';
import { AppHeader } from './AppHeader';
import { navigationLinks } from './navigation';
import { AppRoutes } from './routes';

vi.stubGlobal(
  'fetch',
  vi.fn(() => Promise.reject(new Error('Aucune requête réseau dans ces tests'))),
);
afterEach(cleanup);

describe('navigation per role', () => {
  it('shows home to every role, programming, samples and analyses to their readers, laboratories and users to the administrator only', () => {
    const entries = Object.fromEntries(
      RoleList.map((role) => [role, navigationLinks(role).map((link) => link.entry)]),
    );
    expect(entries).toEqual({
      Administrator: ['home', 'programming', 'samples', 'analyses', 'laboratories', 'users'],
      NationalCoordinator: ['home', 'programming', 'samples', 'analyses'],
      NationalObserver: ['home', 'programming', 'samples', 'analyses'],
      RegionalCoordinator: ['home', 'programming', 'samples', 'analyses'],
      RegionalObserver: ['home', 'programming', 'samples', 'analyses'],
      DepartmentalCoordinator: ['home', 'programming', 'samples', 'analyses'],
      DepartmentalObserver: ['home', 'programming', 'samples', 'analyses'],
      Sampler: ['home', 'programming', 'samples', 'analyses'],
      LaboratoryUser: ['home', 'samples', 'analyses'],
    });
  });

  it.each(RoleList)('renders the header of %s with its links, name, role and scope', (role) => {
    renderWithProviders(<AppHeader user={testUser(role)} onLogout={() => {}} />);
    const navigation = screen.getByRole('navigation', { name: 'Menu principal' });
    const links = within(navigation)
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(links).toEqual(
      role === 'Administrator'
        ? ['Accueil', 'Programmation', 'Prélèvements', 'Analyses', 'Laboratoires', 'Utilisateurs']
        : role === 'LaboratoryUser'
          ? ['Accueil', 'Prélèvements', 'Analyses']
          : ['Accueil', 'Programmation', 'Prélèvements', 'Analyses'],
    );

    const [desktop] = screen.getAllByTestId('current-user');
    expect(desktop).toHaveProperty('textContent', expect.stringContaining('Camille Martin'));
    expect(desktop?.textContent).toContain(RoleLabels[role]);
    const expectedScope: Record<string, string> = {
      National: 'National',
      Region: 'Auvergne-Rhône-Alpes',
      Department: 'Rhône (69)',
      Laboratory: 'LDA 69',
    };
    const kind =
      role === 'LaboratoryUser'
        ? 'Laboratory'
        : role.startsWith('Regional')
          ? 'Region'
          : role.startsWith('Departmental') || role === 'Sampler'
            ? 'Department'
            : 'National';
    expect(desktop?.textContent).toContain(expectedScope[kind]);
    expect(screen.getAllByRole('button', { name: 'Se déconnecter' }).length).toBeGreaterThan(0);
  });

  it('shows neither navigation nor user when anonymous', () => {
    renderWithProviders(<AppHeader user={null} onLogout={() => {}} />);
    expect(screen.queryByRole('navigation', { name: 'Menu principal' })).toBeNull();
    expect(screen.queryByTestId('current-user')).toBeNull();
  });
});

describe('access to the users pages', () => {
  it('refuses a role without user.manage', async () => {
    renderWithProviders(<AppRoutes />, { user: testUser('Sampler'), path: '/utilisateurs' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Accès refusé' })).toBeDefined();
  });

  it('sends an anonymous visitor to the login page', async () => {
    renderWithProviders(<AppRoutes />, { user: null, path: '/utilisateurs' });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Connexion à Maestro' }),
    ).toBeDefined();
  });

  it('answers an unknown address with the 404 page', async () => {
    renderWithProviders(<AppRoutes />, { user: testUser('Sampler'), path: '/nulle-part' });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Page non trouvée' }),
    ).toBeDefined();
  });
});
