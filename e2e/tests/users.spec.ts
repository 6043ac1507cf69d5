import type { User } from '@maestro/shared/schema';
import type { APIRequestContext, Page } from '@playwright/test';
import { authFile } from '../accounts';
import { expectAccessible } from '../axe';
import { expect, logInWithForm, mainNavigation, test } from '../fixtures';

test.use({ storageState: authFile('Administrator') });

const uniqueEmail = (prefix: string) =>
  `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@maestro.test`;
const PASSWORD = 'Un-mot-de-passe-de-test-2026';

/** Creates an account through the API, as the signed-in administrator. */
async function createUserThroughApi(
  request: APIRequestContext,
  user: Pick<
    User,
    'firstName' | 'lastName' | 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'
  >,
): Promise<User & { password: string }> {
  const email = uniqueEmail(user.firstName.toLowerCase());
  const response = await request.post('/api/users', {
    data: { ...user, email, password: PASSWORD },
  });
  expect(response.status(), await response.text()).toBe(201);
  return { ...((await response.json()) as User), password: PASSWORD };
}

const field = (page: Page, name: RegExp) => page.getByRole('textbox', { name });
const select = (page: Page, name: RegExp) => page.getByRole('combobox', { name });

test('the administrator creates a sampler, who then logs in and sees the sampler home', async ({
  page,
  newBrowserPage,
}) => {
  const email = uniqueEmail('alex.durand');
  await page.goto('/utilisateurs');
  await expect(page.getByRole('table')).toBeVisible();
  await expectAccessible(page, 'la liste des utilisateurs');

  await page.getByRole('link', { name: 'Nouvel utilisateur' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nouvel utilisateur' })).toBeFocused();
  await expect(page).toHaveTitle('Nouvel utilisateur — Maestro');
  await field(page, /^Prénom/).fill('Alex');
  await field(page, /^Nom/).fill('Durand');
  await field(page, /^Adresse e-mail/).fill(email);
  await select(page, /^Rôle/).selectOption('Sampler');
  await expect(select(page, /^Laboratoire/)).toHaveCount(0);
  await select(page, /^Région/).selectOption({ label: 'Auvergne-Rhône-Alpes' });
  await select(page, /^Département/).selectOption('69');
  await page.locator('#user-password').fill(PASSWORD);
  await expectAccessible(page, 'la création d’un utilisateur');
  await page.getByRole('button', { name: 'Créer l’utilisateur' }).click();

  await expect(page).toHaveURL(/\/utilisateurs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alex Durand');
  await expect(page.getByText('Le compte est créé.', { exact: false })).toBeVisible();
  await expectAccessible(page, 'la fiche d’un utilisateur');

  await mainNavigation(page).getByRole('link', { name: 'Utilisateurs' }).click();
  await page.getByRole('searchbox', { name: /^Rechercher/ }).fill(email);
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByTestId('users-count')).toHaveText(
    '1 utilisateur correspond à ces critères.',
  );
  const row = page.getByRole('row', { name: /Durand Alex/ });
  await expect(row).toContainText('Préleveur');
  await expect(row).toContainText('Rhône (69)');
  await expect(row).toContainText('Actif');

  const sampler = await newBrowserPage();
  await logInWithForm(sampler, email, PASSWORD);
  await expect(sampler.getByRole('heading', { level: 1 })).toHaveText('Bonjour Alex');
  await expect(sampler.getByTestId('home-role')).toHaveText('Préleveur');
  await expect(sampler.getByTestId('home-scope')).toHaveText('Rhône (69)');
  await expect(mainNavigation(sampler).getByRole('link')).toHaveText([
    'Accueil',
    'Programmation',
    'Prélèvements',
    'Analyses',
  ]);
  await expect(sampler.getByTestId('area-samples')).toContainText('Créer des prélèvements');
  await expectAccessible(sampler, 'l’accueil du préleveur créé');
});

test('an account disabled by the administrator is sent back to the login page', async ({
  page,
  newBrowserPage,
}) => {
  const user = await createUserThroughApi(page.request, {
    firstName: 'Dominique',
    lastName: 'Lefort',
    role: 'RegionalObserver',
    regionCode: '84',
    departmentCode: null,
    laboratoryId: null,
  });

  const observer = await newBrowserPage();
  await logInWithForm(observer, user.email, user.password);
  await expect(observer.getByTestId('home-scope')).toHaveText('Auvergne-Rhône-Alpes');
  // The observer reads the accessibility statement meanwhile.
  await observer.getByRole('link', { name: /Accessibilité/ }).click();
  await expect(observer.getByRole('heading', { level: 1 })).toHaveText(
    'Déclaration d’accessibilité',
  );

  await page.goto(`/utilisateurs/${user.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dominique Lefort');
  await page.getByRole('button', { name: 'Désactiver le compte' }).click();
  await expect(page.getByText('Le compte est désactivé', { exact: false })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Réactiver le compte' })).toBeVisible();
  await expectAccessible(page, 'la fiche d’un compte désactivé');

  // Its next navigation in the app checks the session: back to the login page.
  await mainNavigation(observer).getByRole('link', { name: 'Accueil' }).click();
  await expect(observer).toHaveURL(/\/connexion$/);
  await expect(observer.getByRole('heading', { level: 1 })).toHaveText('Connexion à Maestro');

  // And it cannot log in again.
  await observer.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(user.email);
  await observer.locator('#login-password').fill(user.password);
  await observer.getByRole('button', { name: 'Se connecter' }).click();
  await expect(observer.getByTestId('login-error')).toContainText('compte désactivé');

  // The list shows it among the disabled accounts.
  await page.goto('/utilisateurs?etat=desactives');
  await expect(page.getByRole('row', { name: /Lefort Dominique/ })).toContainText('Désactivé');
});

test('a stale edit is refused with a clear message and a reload', async ({ page, context }) => {
  const user = await createUserThroughApi(page.request, {
    firstName: 'Camille',
    lastName: 'Roux',
    role: 'LaboratoryUser',
    regionCode: null,
    departmentCode: null,
    laboratoryId:
      ((await (await page.request.get('/api/laboratories')).json()) as { id: string }[])[0]?.id ??
      null,
  });
  await page.goto(`/utilisateurs/${user.id}`);
  await expect(select(page, /^Laboratoire/)).toBeVisible();
  await expect(select(page, /^Région/)).toHaveCount(0);

  const other = await context.newPage();
  await other.goto(`/utilisateurs/${user.id}`);
  await field(other, /^Prénom/).fill('Camilla');
  await other.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(other.getByText('Les modifications sont enregistrées.')).toBeVisible();

  await field(page, /^Nom/).fill('Rousseau');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Cet utilisateur a été modifié entre-temps')).toBeVisible();
  await expectAccessible(page, 'un conflit de modification');
  await page.getByRole('button', { name: 'Recharger l’utilisateur' }).click();
  await expect(field(page, /^Prénom/)).toHaveValue('Camilla');
  await expect(field(page, /^Nom/)).toHaveValue('Roux');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Camilla Roux');
});

test('the list filters by role, region and state, and says when nothing matches', async ({
  page,
}) => {
  await page.goto('/utilisateurs');
  await select(page, /^Rôle/).selectOption('NationalObserver');
  await expect(page).toHaveURL(/role=NationalObserver/);
  await expect(page.getByTestId('users-count')).toHaveText(
    '1 utilisateur correspond à ces critères.',
  );
  await expect(page.getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('row').nth(1)).toContainText('Observateur national');

  await select(page, /^Rôle/).selectOption('');
  await select(page, /^Région/).selectOption({ label: 'Bretagne' });
  await expect(page.getByTestId('users-count')).toHaveText(
    'Aucun utilisateur ne correspond à ces critères.',
  );
  await expect(page.getByRole('table')).toHaveCount(0);
  await expectAccessible(page, 'une liste vide');

  await page.getByRole('button', { name: 'Effacer les filtres' }).click();
  await expect(page).toHaveURL(/\/utilisateurs$/);
  await expect(page.getByTestId('users-count')).toHaveText(/^\d+ utilisateurs$/);
});

test('the list is paginated', async ({ page }) => {
  const total = (
    (await (await page.request.get('/api/users?perPage=1')).json()) as { total: number }
  ).total;
  for (let created = total; created <= 20; created += 1) {
    await createUserThroughApi(page.request, {
      firstName: 'Pagination',
      lastName: `Test ${created}`,
      role: 'NationalObserver',
      regionCode: null,
      departmentCode: null,
      laboratoryId: null,
    });
  }
  await page.goto('/utilisateurs');
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await expect(page.getByRole('row')).toHaveCount(21);
  await pagination.getByRole('link', { name: '2', exact: true }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole('table')).toContainText('page 2 sur');
  await expectAccessible(page, 'la deuxième page des utilisateurs');
});

test('an administrator acts as a sampler for support, under a banner, then comes back', async ({
  page,
  newBrowserPage,
}) => {
  // A support session replaces the browser's session: its own administrator, so that the
  // shared signed-in state of the other tests stays valid.
  const administrator = await createUserThroughApi(page.request, {
    firstName: 'Sacha',
    lastName: 'Assistance',
    role: 'Administrator',
    regionCode: null,
    departmentCode: null,
    laboratoryId: null,
  });
  const sampler = await createUserThroughApi(page.request, {
    firstName: 'Noa',
    lastName: 'Verger',
    role: 'Sampler',
    regionCode: '84',
    departmentCode: '69',
    laboratoryId: null,
  });

  const support = await newBrowserPage();
  await logInWithForm(support, administrator.email, administrator.password);
  await support.goto(`/utilisateurs/${sampler.id}`);
  await expect(support.getByRole('heading', { level: 1 })).toHaveText('Noa Verger');
  await expect(support.getByRole('heading', { name: 'Assistance' })).toBeVisible();
  await support.getByRole('button', { name: 'Agir en tant que Noa Verger' }).click();

  const banner = support.getByRole('region', {
    name: 'Assistance : vous agissez en tant que Noa Verger (Préleveur).',
  });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('sous son nom et sous le vôtre (Sacha Assistance)');
  await expect(support.getByTestId('area-samples')).toContainText('Créer des prélèvements');
  await expect(mainNavigation(support).getByRole('link', { name: 'Utilisateurs' })).toHaveCount(0);
  await expectAccessible(support, 'l’accueil en assistance');
  // The banner stays on every page.
  await mainNavigation(support).getByRole('link', { name: 'Prélèvements' }).click();
  await expect(banner).toBeVisible();

  await banner.getByRole('button', { name: 'Revenir à mon compte' }).click();
  await expect(support).toHaveURL(/\/utilisateurs$/);
  await expect(support.getByRole('heading', { level: 1 })).toHaveText('Utilisateurs');
  await expect(banner).toHaveCount(0);
});
