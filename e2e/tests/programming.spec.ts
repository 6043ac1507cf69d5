import type { ProgrammingPlan } from '@maestro/shared/schema';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { authFile } from '../accounts';
import { expectAccessible } from '../axe';
import { expect, mainNavigation, test } from '../fixtures';

test.use({ storageState: authFile('NationalCoordinator') });

const APPLES = 'Fruits à pépins — Plan de surveillance';
const CEREALS = 'Céréales — Plan de contrôle';
const ARA = 'Auvergne-Rhône-Alpes';
const PLAN_KIND = 'Résidus de pesticides — production primaire végétale';

/** A year without a pesticide plan yet (the e2e server may be reused between runs). */
async function freeYear(request: APIRequestContext): Promise<number> {
  const response = await request.get('/api/programming-plans?kind=PPV');
  expect(response.status(), await response.text()).toBe(200);
  const taken = new Set(((await response.json()) as ProgrammingPlan[]).map((plan) => plan.year));
  let year = 2031;
  while (taken.has(year)) year += 1;
  return year;
}

const tab = (page: Page, name: string) =>
  page.getByRole('tablist', { name: 'Sections du plan' }).getByRole('tab', { name });

/** Confirms the action in its modal and waits for the modal to close. */
async function confirmAction(page: Page, action: string, what: string): Promise<void> {
  await page.getByRole('button', { name: action }).click();
  const dialog = page.getByRole('dialog', { name: action });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, what);
  await dialog.getByRole('button', { name: 'Confirmer' }).click();
  await expect(dialog).toBeHidden();
}

async function addPrescription(page: Page, fill: (form: Locator) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Ajouter une prescription' }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'Nouvelle prescription' }),
  ).toBeFocused();
  const form = page.getByTestId('prescription-form');
  await fill(form);
  await form.getByRole('button', { name: 'Ajouter la prescription' }).click();
  await expect(page.getByText('La prescription est ajoutée au plan.')).toBeVisible();
}

test('a regional plan, from its creation to the opening of the campaign', async ({
  page,
  pageAs,
}) => {
  test.setTimeout(180_000);
  const year = await freeYear(page.request);
  const title = `${PLAN_KIND} ${year}`;

  // — The national coordinator creates the plan —
  await page.goto('/');
  await mainNavigation(page).getByRole('link', { name: 'Programmation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Programmation' })).toBeFocused();
  await expect(page).toHaveTitle('Programmation — Maestro');
  await expect(page.getByTestId('plans-count')).toBeVisible();
  await expectAccessible(page, 'la liste des plans');

  await page.getByRole('link', { name: 'Nouveau plan' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nouveau plan' })).toBeFocused();
  await page.getByRole('textbox', { name: /^Année/ }).fill(String(year));
  await page.getByRole('combobox', { name: 'Type de plan' }).selectOption('PPV');
  await page.getByText('Répartition régionale (approuvée par les régions)').click();
  await expectAccessible(page, 'la création d’un plan');
  await page.getByRole('button', { name: 'Créer le plan' }).click();

  await expect(page).toHaveURL(/\/programmation\/[0-9a-f-]{36}$/);
  const planPath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByTestId('plan-status')).toHaveText('En cours');
  await expect(page.getByText('Le plan est créé.', { exact: false })).toBeVisible();
  await expectAccessible(page, 'un plan vide');

  // — Two prescriptions —
  await addPrescription(page, async (form) => {
    await form.getByRole('combobox', { name: 'Catégorie de matrice' }).selectOption({
      label: 'Fruits à pépins',
    });
    await form.getByRole('textbox', { name: /^Nombre de prélèvements programmés/ }).fill('10');
    const filter = form.getByRole('searchbox', { name: /^Filtrer les substances/ });
    await filter.fill('glyphosate');
    // The DSFR draws its own box over the native checkbox: the user clicks the label.
    await form
      .locator('label')
      .filter({ hasText: /^Glyphosate/ })
      .click();
    await expect(form.getByRole('checkbox', { name: /^Glyphosate RF-1020-001-PPP/ })).toBeChecked();
    await filter.fill('captane');
    await form
      .locator('label')
      .filter({ hasText: /^Captane/ })
      .click();
    await expect(form.getByText('Substances retenues (2)')).toBeVisible();
    await form
      .getByRole('textbox', { name: /^Instructions de programmation/ })
      .fill('Prélever en fin de saison, en verger.');
    await expectAccessible(page, 'le formulaire de prescription');
  });
  await addPrescription(page, async (form) => {
    await form.getByText('Plan de contrôle').click();
    await form.getByRole('combobox', { name: 'Catégorie de matrice' }).selectOption({
      label: 'Céréales',
    });
    await form.getByRole('textbox', { name: /^Nombre de prélèvements programmés/ }).fill('4');
    await form.getByText('Délégué aux régions').click();
  });
  const prescriptions = page.getByTestId('prescriptions');
  await expect(prescriptions.getByRole('rowheader')).toContainText([APPLES, CEREALS]);
  await expectAccessible(page, 'les prescriptions');

  // — The national split: everything to Auvergne-Rhône-Alpes —
  await tab(page, 'Répartition nationale').click();
  const grid = page.getByTestId('national-grid');
  const applesAra = grid.getByRole('textbox', { name: `${APPLES}, ${ARA}` });
  await applesAra.fill('11');
  await expect(page.getByTestId('grid-problems')).toContainText(
    `« ${APPLES} » : 11 prélèvements répartis entre les régions pour 10 programmés au niveau national.`,
  );
  await expect(page.getByRole('button', { name: 'Enregistrer la répartition' })).toBeDisabled();
  await applesAra.fill('10');
  await expect(page.getByTestId('grid-problems')).toBeEmpty();
  await grid
    .getByRole('combobox', { name: `Laboratoire — ${APPLES}, ${ARA}` })
    .selectOption({ index: 1 });
  await grid.getByRole('textbox', { name: `${CEREALS}, ${ARA}` }).fill('4');
  await expect(grid.getByRole('row', { name: new RegExp(`^${APPLES}`) })).toContainText('10 / 10');
  await expect(grid.getByTestId('column-total-84')).toHaveText('14');
  await expect(page.getByTestId('grid-remaining')).toHaveCount(0);
  await expectAccessible(page, 'la répartition nationale');
  await page.getByRole('button', { name: 'Enregistrer la répartition' }).click();
  // The result of the action receives the focus (and is announced).
  await expect(page.locator(':focus')).toContainText(
    'La répartition est enregistrée (1 région modifiée).',
  );

  await confirmAction(page, 'Envoyer aux régions', 'la confirmation de l’envoi aux régions');
  await expect(page.getByTestId('plan-status')).toHaveText('Envoyée aux régions');
  await expect(page.getByText('La programmation est envoyée aux régions.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enregistrer la répartition' })).toHaveCount(0);
  await expectAccessible(page, 'un plan envoyé aux régions');

  // — The regional coordinator of Auvergne-Rhône-Alpes is notified —
  const ara = await pageAs('RegionalCoordinator');
  await ara.goto('/');
  await ara
    .getByRole('link', { name: /^Notifications/ })
    .first()
    .click();
  await expect(ara.getByRole('heading', { level: 1, name: 'Notifications' })).toBeFocused();
  await expectAccessible(ara, 'le centre de notifications');
  await ara.getByRole('link', { name: `Programmation à traiter : ${title}` }).click();
  await expect(ara).toHaveURL(new RegExp(`${planPath}$`));
  await expect(ara.getByTestId('plan-status')).toHaveText('Envoyée aux régions');
  await expect(ara.getByTestId('region-status')).toHaveText(`${ARA} : À traiter par la région`);
  await expectAccessible(ara, 'le plan vu par la région');

  // It comments a line…
  await tab(ara, 'Commentaires').click();
  await ara
    .getByRole('row', { name: new RegExp(`^${APPLES}`) })
    .getByRole('link')
    .click();
  const thread = ara.getByTestId('comment-thread');
  await expect(
    thread.getByRole('heading', { name: `Commentaires — ${APPLES}, ${ARA}` }),
  ).toBeFocused();
  await thread
    .getByRole('textbox', { name: /^Votre commentaire/ })
    .fill('Pouvons-nous réduire à 8 prélèvements ?');
  await thread.getByRole('button', { name: 'Envoyer le commentaire' }).click();
  await expect(thread.getByRole('listitem')).toContainText([
    'Pouvons-nous réduire à 8 prélèvements ?',
  ]);
  await expect(thread.getByText('Votre commentaire est envoyé.')).toBeVisible();
  await expectAccessible(ara, 'un fil de commentaires');

  // …splits its lines between Rhône and Ain, chooses the delegated laboratory…
  await tab(ara, 'Ma région').click();
  const split = ara.getByTestId('regional-split');
  await split.getByRole('textbox', { name: `${APPLES}, Rhône (69)` }).fill('6');
  await split.getByRole('textbox', { name: `${APPLES}, Ain (01)` }).fill('4');
  await split.getByRole('textbox', { name: `${CEREALS}, Rhône (69)` }).fill('3');
  await split.getByRole('textbox', { name: `${CEREALS}, Ain (01)` }).fill('1');
  await split
    .getByRole('combobox', { name: `Laboratoire — ${CEREALS}` })
    .selectOption({ index: 1 });
  await expect(split.getByRole('row', { name: new RegExp(`^${APPLES}`) })).toContainText('10 / 10');
  await expect(split.getByRole('row', { name: new RegExp(`^${CEREALS}`) })).toContainText('4 / 4');
  await expect(ara.getByTestId('split-remaining')).toHaveCount(0);
  await expectAccessible(ara, 'la répartition régionale');
  await ara.getByRole('button', { name: 'Enregistrer la répartition régionale' }).click();
  await expect(ara.locator(':focus')).toContainText(
    'La répartition de la région est enregistrée (2 lignes modifiées).',
  );

  // …and approves.
  await confirmAction(
    ara,
    'Approuver la programmation régionale',
    'la confirmation de l’approbation régionale',
  );
  await expect(ara.getByTestId('region-status')).toHaveText(`${ARA} : Approuvée par la région`);
  await expect(ara.getByTestId('plan-status')).toHaveText('Approuvée par les régions');
  await expect(split.getByRole('textbox')).toHaveCount(0);

  // — The national coordinator reads the comment from its notification, answers, validates —
  await page.goto('/notifications');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await page
    .getByRole('link', { name: `Commentaire sur « ${APPLES} » (${ARA})` })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`${planPath}\\?prescription=.+&region=84$`));
  const answer = page.getByTestId('comment-thread');
  await expect(answer.getByRole('listitem').first()).toContainText(
    'Pouvons-nous réduire à 8 prélèvements ?',
  );
  await answer
    .getByRole('textbox', { name: /^Votre commentaire/ })
    .fill('Non : 10 prélèvements sont nécessaires pour la surveillance.');
  await answer.getByRole('button', { name: 'Envoyer le commentaire' }).click();
  await expect(answer.getByRole('listitem')).toHaveCount(2);
  await expect(answer.getByRole('listitem').nth(1)).toContainText(
    'Non : 10 prélèvements sont nécessaires pour la surveillance.',
  );
  await expectAccessible(page, 'la réponse du niveau national');

  await tab(page, 'Répartition régionale').click();
  await expect(
    page.getByTestId('regional-split').getByRole('row', { name: new RegExp(`^${APPLES}`) }),
  ).toContainText('10 / 10');
  await expectAccessible(page, 'la répartition régionale vue du national');

  await confirmAction(page, 'Valider et ouvrir la campagne', 'la confirmation de la validation');
  await expect(page.getByTestId('plan-status')).toHaveText('Campagne en cours');
  await expect(page.locator(':focus')).toContainText(
    'La programmation est validée : la campagne est ouverte.',
  );
  await expectAccessible(page, 'un plan validé');

  // — The departmental coordinator of the Rhône sees its share —
  const rhone = await pageAs('DepartmentalCoordinator');
  await rhone.goto(planPath);
  await expect(rhone.getByTestId('plan-status')).toHaveText('Campagne en cours');
  const own = rhone.getByTestId('prescriptions');
  await expect(own.getByRole('row', { name: new RegExp(`^${APPLES}`) })).toContainText('6');
  await expect(own.getByRole('row', { name: new RegExp(`^${CEREALS}`) })).toContainText('3');
  await expect(rhone.getByRole('tablist')).toHaveCount(0);
  await expectAccessible(rhone, 'le plan vu par un département');
});

test('the plans list filters by year and status', async ({ page }) => {
  await page.goto('/programmation?statut=Closed&annee=2099');
  await expect(page.getByRole('combobox', { name: 'Statut' })).toHaveValue('Closed');
  await expect(page.getByTestId('plans-count')).toHaveText(
    'Aucun plan ne correspond à ces critères.',
  );
  await expectAccessible(page, 'la liste des plans filtrée');
  await page.getByRole('button', { name: 'Effacer les filtres' }).click();
  await expect(page).toHaveURL(/\/programmation$/);
});
