import {
  type AuthUser,
  type Laboratory,
  type Role,
  RoleLabels,
  RoleList,
} from '@maestro/shared/schema';
import type { APIRequestContext } from '@playwright/test';
import { authFile, DemoEmails } from '../accounts';
import { expectAccessible } from '../axe';
import { expect, logInWithForm, mainNavigation, test } from '../fixtures';

/** What the demo account of a role sees as its scope. */
async function expectedScope(request: APIRequestContext, user: AuthUser): Promise<string> {
  if (user.laboratoryId) {
    const laboratories = (await (await request.get('/api/laboratories')).json()) as Laboratory[];
    const laboratory = laboratories.find((candidate) => candidate.id === user.laboratoryId);
    if (!laboratory) throw new Error(`Laboratoire ${user.laboratoryId} introuvable`);
    return laboratory.shortName;
  }
  if (user.departmentCode) return 'Rhône (69)';
  if (user.regionCode) return 'Auvergne-Rhône-Alpes';
  return 'National';
}

const navigationOf = (role: Role): string[] =>
  role === 'Administrator'
    ? ['Accueil', 'Programmation', 'Prélèvements', 'Analyses', 'Laboratoires', 'Utilisateurs']
    : role === 'LaboratoryUser'
      ? ['Accueil', 'Prélèvements', 'Analyses']
      : ['Accueil', 'Programmation', 'Prélèvements', 'Analyses'];

for (const role of RoleList) {
  test.describe(`${RoleLabels[role]} (stored login)`, () => {
    test.use({ storageState: authFile(role) });

    test('sees its home page, its scope and only its navigation', async ({ page }) => {
      const session = (await (await page.request.get('/api/auth/session')).json()) as {
        user: AuthUser;
      };
      const scope = await expectedScope(page.request, session.user);

      await page.goto('/');
      await expect(page).toHaveTitle('Accueil — Maestro');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(
        `Bonjour ${session.user.firstName}`,
      );
      await expect(page.getByTestId('home-role')).toHaveText(RoleLabels[role]);
      await expect(page.getByTestId('home-scope')).toHaveText(scope);
      await expect(mainNavigation(page).getByRole('link')).toHaveText(navigationOf(role));

      const currentUser = page.getByTestId('current-user').first();
      await expect(currentUser).toContainText(`${session.user.firstName} ${session.user.lastName}`);
      await expect(currentUser).toContainText(`${RoleLabels[role]} · ${scope}`);
      await expectAccessible(page, `l’accueil (${role})`);
    });
  });
}

for (const role of RoleList) {
  test(`${RoleLabels[role]} logs in with the form and logs out`, async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/connexion$/);
    await expect(page).toHaveTitle('Connexion — Maestro');
    await logInWithForm(page, DemoEmails[role]);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('home-role')).toHaveText(RoleLabels[role]);
    await expect(mainNavigation(page).getByRole('link')).toHaveText(navigationOf(role));

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/connexion$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion à Maestro');
    await expect(mainNavigation(page)).toHaveCount(0);

    // The session is gone on the server too.
    await page.goto('/');
    await expect(page).toHaveURL(/\/connexion$/);
  });
}

test.describe('keyboard and focus', () => {
  test.use({ storageState: authFile('Administrator') });

  test('moves the focus to the title of each new page, and the skip link reaches the content', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: /^Bonjour / })).toBeVisible();
    await page.keyboard.press('Tab');
    const skipToContent = page.getByRole('link', { name: 'Contenu' });
    await expect(skipToContent).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#contenu')).toBeFocused();

    await mainNavigation(page).getByRole('link', { name: 'Utilisateurs' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Utilisateurs' })).toBeFocused();
    await expect(page).toHaveTitle('Utilisateurs — Maestro');
    await expect(mainNavigation(page).getByRole('link', { name: 'Utilisateurs' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });
});
