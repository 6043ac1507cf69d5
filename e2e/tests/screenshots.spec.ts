import { authFile } from '../accounts';
import { expect, test } from '../fixtures';

/**
 * Full-page captures of the main screens, attached to the report (and kept in test-results/)
 * so that a reviewer sees the DSFR rendering without starting the app.
 */
test('captures the login page', async ({ page }, testInfo) => {
  await page.goto('/connexion');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion à Maestro');
  await page.screenshot({ path: testInfo.outputPath('connexion.png'), fullPage: true });
  await testInfo.attach('connexion', {
    path: testInfo.outputPath('connexion.png'),
    contentType: 'image/png',
  });
});

test.describe('signed in as the administrator', () => {
  test.use({ storageState: authFile('Administrator') });

  test('captures the home and users pages', async ({ page }, testInfo) => {
    const capture = async (name: string) => {
      await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
      await testInfo.attach(name, {
        path: testInfo.outputPath(`${name}.png`),
        contentType: 'image/png',
      });
    };
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: /^Bonjour / })).toBeVisible();
    await capture('accueil');
    await page.goto('/utilisateurs');
    await expect(page.getByRole('table')).toBeVisible();
    await capture('utilisateurs');
    await page.getByRole('row').nth(1).getByRole('link').click();
    await expect(page.getByTestId('user-form')).toBeVisible();
    await capture('utilisateur');
  });
});
