import { authFile } from '../accounts';
import { expectAccessible } from '../axe';
import { expect, test } from '../fixtures';

test.describe('login errors', () => {
  test('a wrong password shows the French error of the API', async ({ page }) => {
    await page.goto('/connexion');
    await expectAccessible(page, 'la connexion');
    await page
      .getByRole('textbox', { name: /^Adresse e-mail/ })
      .fill('administrateur@maestro.test');
    await page.locator('#login-password').fill('pas-le-bon-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByTestId('login-error')).toContainText(
      'Adresse e-mail ou mot de passe incorrect, ou compte désactivé.',
    );
    await expect(page).toHaveURL(/\/connexion$/);
    await expectAccessible(page, 'la connexion en erreur');
  });

  test('empty fields are reported beside each field', async ({ page }) => {
    await page.goto('/connexion');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const email = page.getByRole('textbox', { name: /^Adresse e-mail/ });
    await expect(email).toBeFocused();
    await expect(email).toHaveAccessibleDescription(/Adresse e-mail invalide\./);
    await expect(page.locator('#login-password')).toHaveAccessibleDescription(
      /Le mot de passe est obligatoire\./,
    );
    await expectAccessible(page, 'la connexion avec champs en erreur');
  });

  test('an unknown ProConnect account is explained', async ({ page }) => {
    await page.goto('/connexion?erreur=oidc-inconnu');
    await expect(
      page.getByText('Aucun compte Maestro n’est associé à cette adresse e-mail.', {
        exact: false,
      }),
    ).toBeVisible();
    await page.goto('/connexion?erreur=oidc');
    await expect(page.getByText('n’a pas abouti', { exact: false })).toBeVisible();
    await expectAccessible(page, 'la connexion après un échec ProConnect');
  });

  test('the wanted page comes back after login', async ({ page }) => {
    await page.goto('/utilisateurs?role=Sampler');
    await expect(page).toHaveURL(/\/connexion\?retour=%2Futilisateurs%3Frole%3DSampler$/);
    await page
      .getByRole('textbox', { name: /^Adresse e-mail/ })
      .fill('administrateur@maestro.test');
    await page.locator('#login-password').fill('Maestro-Demo-2026');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/utilisateurs\?role=Sampler$/);
    await expect(page.getByRole('combobox', { name: 'Rôle' })).toHaveValue('Sampler');
  });
});

test.describe('pages that do not exist or are not allowed', () => {
  test('an unknown address shows the 404 page to a visitor', async ({ page }) => {
    await page.goto('/cette-page-n-existe-pas');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page non trouvée');
    await expect(page).toHaveTitle('Page non trouvée — Maestro');
    await expectAccessible(page, 'la page 404');
  });

  test.describe('signed in as a sampler', () => {
    test.use({ storageState: authFile('Sampler') });

    test('an unknown address shows the 404 page', async ({ page }) => {
      await page.goto('/cette-page-n-existe-pas');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page non trouvée');
      await page.getByRole('link', { name: 'Page d’accueil' }).click();
      await expect(page.getByRole('heading', { level: 1, name: /^Bonjour / })).toBeFocused();
    });

    test('the users pages are refused', async ({ page }) => {
      await page.goto('/utilisateurs');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accès refusé');
      await expect(page).toHaveTitle('Accès refusé — Maestro');
      await expectAccessible(page, 'l’accès refusé');
      await page.goto('/utilisateurs/nouveau');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accès refusé');
    });
  });
});
