import { randomUUID } from 'node:crypto';
import { emptySampleContent, newSampleItem } from '@maestro/shared/domain';
import type { Prescription, ProgrammingPlan, Sample } from '@maestro/shared/schema';
import type { APIRequestContext, APIResponse, Locator, Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { expect, mainNavigation } from './fixtures';

/** The sampler's journey through the sample record, shared by the sampling and analysis specs. */

/** The demo plan in campaign (database/src/demo.ts seedDemoPlan). */
export const DEMO_PLAN = `Résidus de pesticides — production primaire végétale ${new Date().getFullYear()}`;
export const SAMPLE_URL = /\/prelevements\/([0-9a-f-]{36})$/;
export const REFERENCE = /^[A-Z]{3}-\d{2}-\d{5,}$/;

/** What the agent types, checked again on the server. */
export const COMPANY = {
  name: 'Vergers des Monts du Lyonnais',
  address: '12 chemin des Pommiers',
  postalCode: '69390',
  city: 'Vourles',
};
export const POINT = { latitude: '45,65871', longitude: '4,77213' };
export const OWNER = { name: 'Claire Martin', email: 'claire.martin@vergers.test' };

/** A moment ten minutes ago as a `datetime-local` input in Paris wants it. */
export function tenMinutesAgo(): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(Date.now() - 10 * 60_000))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The DSFR draws its own box over a native radio: the user clicks the label. */
export async function choose(scope: Page | Locator, group: string | RegExp, option: string) {
  const fieldset = scope.getByRole('group', { name: group });
  await fieldset.locator('label').filter({ hasText: option }).first().click();
  await expect(fieldset.getByRole('radio', { name: option })).toBeChecked();
}

export const stepTitle = (page: Page, name: string) =>
  page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) });

/** Prélèvements → Nouveau prélèvement → the demo plan, surveillance: the record opens. */
export async function startSample(page: Page, { axe = false } = {}): Promise<string> {
  await page.goto('/');
  await mainNavigation(page).getByRole('link', { name: 'Prélèvements' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Prélèvements' })).toBeVisible();
  if (axe) await expectAccessible(page, 'la liste des prélèvements');

  await page.getByRole('link', { name: 'Nouveau prélèvement' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nouveau prélèvement' })).toBeFocused();
  await choose(page, 'Cadre du prélèvement', 'Dans le cadre d’un plan de programmation');
  await page
    .getByRole('combobox', { name: /^Plan de programmation/ })
    .selectOption({ label: DEMO_PLAN });
  await choose(page, 'Contexte du prélèvement', 'Plan de surveillance');
  await expect(page.getByRole('combobox', { name: /^Département du prélèvement/ })).toHaveValue(
    '69',
  );
  if (axe) await expectAccessible(page, 'le début d’un prélèvement');
  await page.getByRole('button', { name: 'Commencer le prélèvement' }).click();

  await expect(page).toHaveURL(SAMPLE_URL);
  await expect(stepTitle(page, 'Contexte du prélèvement')).toBeVisible();
  return SAMPLE_URL.exec(page.url())?.[1] as string;
}

/** The context step: legal context, company typed by hand, point typed, department. */
export async function fillContext(page: Page): Promise<void> {
  await choose(page, /^Cadre juridique/, 'A — Police administrative');
  await page.getByRole('textbox', { name: /^Raison sociale/ }).fill(COMPANY.name);
  await page.getByRole('textbox', { name: /^Adresse \(facultatif\)/ }).fill(COMPANY.address);
  await page.getByRole('textbox', { name: /^Code postal/ }).fill(COMPANY.postalCode);
  await page.getByRole('textbox', { name: /^Commune/ }).fill(COMPANY.city);
  await page.getByRole('textbox', { name: /^Latitude/ }).fill(POINT.latitude);
  await page.getByRole('textbox', { name: /^Longitude/ }).fill(POINT.longitude);
  await expect(page.getByTestId('geolocation-point')).toContainText('saisi à la main');
  await page
    .getByRole('combobox', { name: /^Département du prélèvement/ })
    .selectOption({ value: '69' });
}

/** The matrix step: apples at primary production; the demo plan's line is matched. */
export async function fillMatrix(page: Page): Promise<void> {
  await page
    .getByRole('combobox', { name: /^Catégorie de matrice/ })
    .selectOption({ label: 'Fruits à pépins' });
  await page.getByRole('combobox', { name: /^Matrice/ }).selectOption({ label: 'Pommes' });
  await page
    .getByRole('combobox', { name: /^Stade de prélèvement/ })
    .selectOption({ label: 'Production primaire végétale' });
  await page
    .getByRole('combobox', { name: /^Partie du végétal prélevée/ })
    .selectOption({ label: 'Fruit' });
  await page
    .getByRole('combobox', { name: /^Type de culture/ })
    .selectOption({ label: 'Conventionnelle' });
  const matched = page.getByTestId('matched-prescription');
  await expect(matched).toContainText('Fruits à pépins — Plan de surveillance');
  await expect(matched.getByRole('heading', { name: 'Substances à analyser' })).toBeVisible();
  // The demo plan's lines carry twelve multi-residue substances.
  await expect(matched.getByRole('listitem')).toHaveCount(12);
}

/** Seal numbers unique to one test run. */
export const seals = (prefix: string) => [1, 2, 3].map((copy) => `${prefix}-${copy}`);

/** The items step: when, the laboratory, one item of three sealed copies. */
export async function fillItems(page: Page, sealNumbers: string[]): Promise<void> {
  await page.getByLabel(/^Date et heure du prélèvement/).fill(tenMinutesAgo());
  const laboratory = page.getByRole('combobox', { name: /^Laboratoire destinataire/ });
  // Pre-filled with the laboratory of the regional line.
  await expect(laboratory).not.toHaveValue('');
  for (const [index, seal] of sealNumbers.entries()) {
    const copy = `Exemplaire A-${index + 1}`;
    await page.getByRole('textbox', { name: new RegExp(`^Quantité — ${copy}`) }).fill('1,5');
    await page
      .getByRole('combobox', { name: new RegExp(`^Unité — ${copy}`) })
      .selectOption({ label: 'kg' });
    await page.getByRole('textbox', { name: new RegExp(`^Numéro de scellé — ${copy}`) }).fill(seal);
    await choose(
      page,
      new RegExp(`^Prélèvement conforme à la directive 2002/63/CE — ${copy}`),
      'Oui',
    );
  }
  await choose(page, /^Conservé par — Exemplaire A-2/, 'Préleveur');
  await choose(page, /^Conservé par — Exemplaire A-3/, 'Détenteur');
}

export const next = (page: Page) =>
  page.getByRole('button', { name: 'Suivant', exact: true }).click();

/** The laboratory of the first copy, chosen in the items step (by its id). */
export async function chooseLaboratory(page: Page, laboratoryId: string): Promise<void> {
  const laboratory = page.getByRole('combobox', { name: /^Laboratoire destinataire/ });
  await laboratory.selectOption({ value: laboratoryId });
  await expect(laboratory).toHaveValue(laboratoryId);
}

/** The summary step: the owner agrees and is named; the sample is complete. */
export async function fillSummary(page: Page): Promise<void> {
  await expect(stepTitle(page, 'Récapitulatif')).toBeFocused();
  await choose(page, /^Accord du détenteur sur le procès-verbal/, 'Oui');
  await page.getByRole('textbox', { name: /^Nom du détenteur/ }).fill(OWNER.name);
  await page.getByRole('textbox', { name: /^Adresse e-mail du détenteur/ }).fill(OWNER.email);
  await expect(page.getByTestId('sample-completeness')).toContainText('Le prélèvement est complet');
}

/** « Finaliser »: the sample gets its reference (returned), « À envoyer ». */
export async function finaliseSample(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Finaliser', exact: true }).click();
  await expect(page.getByText(/^Le prélèvement [A-Z]{3}-\d{2}-\d{5,} est finalisé/)).toBeVisible({
    timeout: 20_000,
  });
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Prélèvement [A-Z]{3}-\d{2}-\d{5,}$/);
  const reference = ((await heading.textContent()) ?? '').replace('Prélèvement ', '');
  expect(reference).toMatch(REFERENCE);
  await expect(page.getByText('À envoyer', { exact: true })).toBeVisible();
  return reference;
}

/** « Envoyer au laboratoire », confirmed in the modal naming the laboratory. */
export async function sendToLaboratory(
  page: Page,
  laboratoryName: string,
  { axe = false } = {},
): Promise<void> {
  await page.getByRole('button', { name: 'Envoyer au laboratoire' }).click();
  const dialog = page.getByRole('dialog', { name: 'Envoyer au laboratoire' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(laboratoryName);
  if (axe) await expectAccessible(page, 'la confirmation de l’envoi au laboratoire');
  await dialog.getByRole('button', { name: 'Envoyer la demande d’analyse' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Transmis au laboratoire', { exact: true })).toBeVisible({
    timeout: 20_000,
  });
}

/** What a sample created through the API needs beyond the demo plan's defaults. */
export interface ApiSampleInput {
  laboratoryId: string;
  /** A matrix of the demo plan's « Fruits à pépins » kind (A01DH), e.g. apples A01DJ. */
  matrixCode: string;
  substances: { substanceCode: string; method: 'Mono' | 'Multi' }[];
  sealPrefix: string;
}

async function okJson<T>(response: APIResponse, status = 200): Promise<T> {
  expect(response.status(), await response.text()).toBe(status);
  return (await response.json()) as T;
}

/**
 * A complete sample of the demo plan (apples at primary production, Rhône), created, finalised
 * and sent through the API as the signed-in sampler: the shape the server tests send
 * (server/src/samples/samples.http.test.ts). Returns the sent sample.
 */
export async function sendSampleThroughApi(
  request: APIRequestContext,
  input: ApiSampleInput,
): Promise<Sample> {
  const plans = await okJson<ProgrammingPlan[]>(
    await request.get('/api/programming-plans?kind=PPV'),
  );
  const plan = plans.find(
    (candidate) => candidate.year === new Date().getFullYear() && candidate.status === 'Validated',
  );
  if (!plan) throw new Error('Le plan de démonstration en campagne est introuvable');
  const prescriptions = await okJson<Prescription[]>(
    await request.get(`/api/programming-plans/${plan.id}/prescriptions`),
  );
  const prescription = prescriptions.find(
    (candidate) => candidate.matrixKindCode === 'A01DH' && candidate.context === 'Surveillance',
  );
  if (!prescription) throw new Error('La prescription « Fruits à pépins » est introuvable');

  const sampledAt = new Date(Date.now() - 3600_000).toISOString();
  const item = newSampleItem(1);
  item.copies.forEach((copy, index) => {
    copy.quantity = 1.5;
    copy.unit = 'KG';
    copy.sealNumber = `${input.sealPrefix}-${index + 1}`;
    copy.compliant200263 = true;
  });
  const content = emptySampleContent({
    step: 'Summary',
    programmingPlanId: plan.id,
    context: 'Surveillance',
    legalContext: 'A',
    company: { siret: null, nafCode: null, ...COMPANY },
    geolocation: {
      latitude: 45.65871,
      longitude: 4.77213,
      accuracy: null,
      source: 'Manual',
      capturedAt: sampledAt,
    },
    departmentCode: '69',
    prescriptionId: prescription.id,
    matrixKindCode: 'A01DH',
    matrixCode: input.matrixCode,
    stage: 'PRODUCTION_PRIMAIRE_VEGETALE',
    partSampled: 'FRUIT',
    cultureKind: 'CONVENTIONAL',
    substances: input.substances,
    sampledAt,
    laboratoryId: input.laboratoryId,
    items: [item],
    ownerConsent: true,
    ownerName: OWNER.name,
    ownerEmail: OWNER.email,
  });
  const created = await okJson<Sample>(
    await request.post('/api/samples', { data: { id: randomUUID(), ...content } }),
    201,
  );
  const submitted = await okJson<Sample>(
    await request.post(`/api/samples/${created.id}/submit`, {
      data: { version: created.version },
    }),
  );
  expect(submitted.status).toBe('Submitted');
  const sent = await okJson<Sample>(
    await request.post(`/api/samples/${created.id}/send`, {
      data: { version: submitted.version },
    }),
  );
  expect(sent.status).toBe('Sent');
  return sent;
}
