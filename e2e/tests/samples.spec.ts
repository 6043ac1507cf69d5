import type { Laboratory, Sample, SamplePage } from '@maestro/shared/schema';
import type { APIRequestContext, BrowserContext, Page, Request } from '@playwright/test';
import { authFile } from '../accounts';
import { expectAccessible } from '../axe';
import { expect, test } from '../fixtures';
import { attachmentName, type ParsedMail, parseMail, receivedMails } from '../mail';
import {
  COMPANY,
  choose,
  fillContext,
  fillItems,
  fillMatrix,
  next,
  OWNER,
  REFERENCE,
  seals,
  startSample,
  stepTitle,
} from '../sampling';

// Every test runs in its own browser context (Playwright's default): its own service worker,
// IndexedDB and caches, so that no sample or cached answer leaks from one journey to another.
test.use({ storageState: authFile('Sampler') });

/** The number of samples the server holds for the signed-in sampler. */
async function samplesOnServer(request: APIRequestContext): Promise<number> {
  const response = await request.get('/api/samples?perPage=1');
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as SamplePage).total;
}

async function serverSample(request: APIRequestContext, id: string): Promise<Sample> {
  const response = await request.get(`/api/samples/${id}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Sample;
}

async function samplesWithReference(request: APIRequestContext, reference: string) {
  const response = await request.get(`/api/samples?reference=${encodeURIComponent(reference)}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as SamplePage).total;
}

/**
 * Waits until the app can start without network: the service worker controls the page (the
 * app shell is precached at its install) and keeps a copy of the session.
 */
async function waitForOfflineReady(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          async () =>
            navigator.serviceWorker.controller !== null &&
            (await caches.match('/api/auth/session')) !== undefined,
        ),
      { timeout: 30_000, message: 'Le service worker est prêt pour un démarrage hors ligne' },
    )
    .toBe(true);
}

/** The sample the server holds has what the agent typed. */
function expectTypedValues(sample: Sample, sealNumbers: string[]): void {
  expect(sample.context).toBe('Surveillance');
  expect(sample.legalContext).toBe('A');
  expect(sample.company).toMatchObject({ ...COMPANY, siret: null });
  expect(sample.geolocation).toMatchObject({
    latitude: 45.65871,
    longitude: 4.77213,
    source: 'Manual',
  });
  expect(sample.departmentCode).toBe('69');
  expect(sample.matrixKindCode).toBe('A01DH');
  expect(sample.matrixCode).toBe('A01DJ');
  expect(sample.stage).toBe('PRODUCTION_PRIMAIRE_VEGETALE');
  expect(sample.partSampled).toBe('FRUIT');
  expect(sample.cultureKind).toBe('CONVENTIONAL');
  expect(sample.prescriptionId).not.toBeNull();
  expect(sample.laboratoryId).not.toBeNull();
  expect(sample.sampledAt).not.toBeNull();
  expect(sample.items).toHaveLength(1);
  expect(sample.items[0]?.copies.map((copy) => copy.sealNumber)).toEqual(sealNumbers);
  expect(sample.items[0]?.copies.map((copy) => copy.quantity)).toEqual([1.5, 1.5, 1.5]);
  expect(sample.items[0]?.copies.map((copy) => copy.unit)).toEqual(['KG', 'KG', 'KG']);
  expect(sample.items[0]?.copies.map((copy) => copy.compliant200263)).toEqual([true, true, true]);
  expect(sample.items[0]?.copies.map((copy) => copy.recipient)).toEqual([
    'Laboratory',
    'Sampler',
    'Owner',
  ]);
}

const isCreation = (url: URL | string) => new URL(url).pathname === '/api/samples';

/**
 * The creations of samples the browser sent (service worker included): every attempt, and the
 * bodies of those the server answered.
 */
function watchCreations(context: BrowserContext): { attempts: number; answered: string[] } {
  const seen = { attempts: 0, answered: [] as string[] };
  context.on('request', (request: Request) => {
    if (request.method() === 'POST' && isCreation(request.url())) seen.attempts += 1;
  });
  context.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'POST' && isCreation(request.url()) && response.ok())
      seen.answered.push(request.postData() ?? '');
  });
  return seen;
}

test('a sample from the demo plan, sent to the laboratory with its documents', async ({ page }) => {
  test.setTimeout(180_000);
  const before = await samplesOnServer(page.request);
  const sealNumbers = seals(`ONL-${Date.now()}`);

  const id = await startSample(page, { axe: true });
  const syncState = page.getByTestId('sync-state');
  await expect(syncState).toBeVisible();

  // — Context: « Suivant » with fields missing shows the messages beside the fields —
  await next(page);
  const errors = page.getByTestId('step-errors');
  await expect(errors).toBeFocused();
  await expect(errors).toContainText('Choisissez le cadre juridique.');
  await expect(page.locator('#sample-legalContext')).toContainText(
    'Choisissez le cadre juridique.',
  );
  await expect(page.locator('#sample-company')).toContainText(
    'Indiquez l’entreprise ou la parcelle prélevée.',
  );
  await expect(page.locator('#sample-geolocation')).toContainText(
    'Indiquez la géolocalisation du lieu de prélèvement.',
  );
  await expect(stepTitle(page, 'Contexte du prélèvement')).toBeVisible();
  await expectAccessible(page, 'l’étape « Contexte » avec ses erreurs');

  // The company directory cannot be reached: the agent is told to type the company.
  await page
    .getByRole('searchbox', { name: /^Rechercher dans l’annuaire des entreprises/ })
    .fill('Vergers des Monts');
  await expect(page.getByText('Annuaire indisponible : saisissez l’entreprise.')).toBeVisible();
  await fillContext(page);
  await expect(page.locator('#sample-legalContext')).not.toContainText(
    'Choisissez le cadre juridique.',
  );
  await expect(errors).toBeEmpty();
  await expectAccessible(page, 'l’étape « Contexte »');
  await next(page);

  // — Matrix —
  await expect(stepTitle(page, 'Matrice')).toBeFocused();
  await fillMatrix(page);
  await expectAccessible(page, 'l’étape « Matrice »');
  await next(page);

  // — Items —
  await expect(stepTitle(page, 'Échantillons')).toBeFocused();
  await fillItems(page, sealNumbers);
  const laboratoryId = await page
    .getByRole('combobox', { name: /^Laboratoire destinataire/ })
    .inputValue();
  const laboratories = (await (await page.request.get('/api/laboratories')).json()) as Laboratory[];
  const laboratory = laboratories.find((lab) => lab.id === laboratoryId);
  if (!laboratory) throw new Error(`Laboratoire ${laboratoryId} introuvable`);
  expect(laboratory.emails.length).toBeGreaterThan(0);
  await expectAccessible(page, 'l’étape « Échantillons »');
  await next(page);

  // — Summary —
  await expect(stepTitle(page, 'Récapitulatif')).toBeFocused();
  await choose(page, /^Accord du détenteur sur le procès-verbal/, 'Oui');
  await page.getByRole('textbox', { name: /^Nom du détenteur/ }).fill(OWNER.name);
  await page.getByRole('textbox', { name: /^Adresse e-mail du détenteur/ }).fill(OWNER.email);
  await expect(page.getByTestId('sample-completeness')).toContainText('Le prélèvement est complet');
  await expectAccessible(page, 'le récapitulatif');

  await page.getByRole('button', { name: 'Finaliser', exact: true }).click();
  await expect(page.getByText(/^Le prélèvement [A-Z]{3}-\d{2}-\d{5,} est finalisé/)).toBeVisible({
    timeout: 20_000,
  });
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Prélèvement [A-Z]{3}-\d{2}-\d{5,}$/);
  const reference = ((await heading.textContent()) ?? '').replace('Prélèvement ', '');
  expect(reference).toMatch(REFERENCE);
  await expect(page.getByText('À envoyer', { exact: true })).toBeVisible();
  await expect(syncState).toHaveAttribute('data-state', 'synced');
  const documents = page.getByTestId('sample-documents');
  await expect(documents).toBeVisible();
  await expectAccessible(page, 'un prélèvement finalisé');

  // — Sending, confirmed in a modal naming the laboratory —
  await page.getByRole('button', { name: 'Envoyer au laboratoire' }).click();
  const dialog = page.getByRole('dialog', { name: 'Envoyer au laboratoire' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(laboratory.name);
  await expect(dialog).toContainText(laboratory.emails[0] as string);
  await expectAccessible(page, 'la confirmation de l’envoi au laboratoire');
  await dialog.getByRole('button', { name: 'Envoyer la demande d’analyse' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByText('Transmis au laboratoire', { exact: true })).toBeVisible({
    timeout: 20_000,
  });
  await expect(page.getByText(/^Transmis au laboratoire le /)).toBeVisible();
  await expect(heading).toHaveText(`Prélèvement ${reference}`);
  const sentDocuments = page.getByTestId('sample-documents');
  await expect(sentDocuments.getByRole('link')).not.toHaveCount(0);
  const supportDocument = sentDocuments.getByRole('link', {
    name: /^Procès-verbal de prélèvement — tous les exemplaires/,
  });
  const href = await supportDocument.getAttribute('href');
  expect(href).toContain(`/api/samples/${id}/documents/supportDocument`);
  const pdf = await page.request.get(href as string);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toContain('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  await expect(
    sentDocuments.getByRole('link', { name: /^Demande d’analyse/ }).first(),
  ).toHaveAttribute('href', new RegExp(`/api/samples/${id}/documents/analysisRequest`));
  await expectAccessible(page, 'un prélèvement transmis au laboratoire');

  // — The server —
  const sample = await serverSample(page.request, id);
  expect(sample.reference).toBe(reference);
  expect(sample.status).toBe('Sent');
  expect(sample.ownerConsent).toBe(true);
  expect(sample.ownerName).toBe(OWNER.name);
  expect(sample.ownerEmail).toBe(OWNER.email);
  expectTypedValues(sample, sealNumbers);
  expect(await samplesOnServer(page.request)).toBe(before + 1);

  // — The laboratory's mail, with the analysis request in PDF —
  const labAddress = (laboratory.emails[0] as string).toLowerCase();
  let mail: ParsedMail | undefined;
  await expect
    .poll(
      () => {
        mail = receivedMails()
          .map(parseMail)
          .find(
            (candidate) =>
              (candidate.headers.to ?? '').toLowerCase().includes(labAddress) &&
              candidate.subject.includes(reference),
          );
        return mail !== undefined;
      },
      { timeout: 30_000, message: `Courriel au laboratoire (${labAddress}) pour ${reference}` },
    )
    .toBe(true);
  const request = mail?.parts.find(
    (part) => attachmentName(part) === `demande-analyse-${reference}.pdf`,
  );
  expect(request, 'pièce jointe demande-analyse-<référence>.pdf').toBeDefined();
  expect(request?.headers['content-type']).toMatch(/^application\/pdf/);
  expect(request?.headers['content-transfer-encoding']).toMatch(/base64/i);
  expect(request?.body.trimStart().startsWith('JVBERi0')).toBe(true);
});

test('a sample filled offline survives a reload and is synchronised once', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const creations = watchCreations(context);
  const before = await samplesOnServer(page.request);
  const sealNumbers = seals(`OFF-${Date.now()}`);

  const id = await startSample(page);
  await fillContext(page);
  // The app shell must be in the service worker's cache before the network goes.
  await waitForOfflineReady(page);
  // The server has the sample: what follows offline are edits waiting for it (« En attente »).
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'synced', {
    timeout: 30_000,
  });

  // — Offline: the matrix and items steps —
  await context.setOffline(true);
  await next(page);
  await expect(stepTitle(page, 'Matrice')).toBeFocused();
  await fillMatrix(page);
  await next(page);
  await expect(stepTitle(page, 'Échantillons')).toBeFocused();
  await fillItems(page, sealNumbers);
  await expect(page.getByTestId('save-state')).toContainText('Enregistré dans ce navigateur à');

  // — Reloaded offline: the service worker serves the app, the sample reopens where it was —
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`/prelevements/${id}$`));
  await expect(stepTitle(page, 'Échantillons')).toBeVisible({ timeout: 20_000 });
  await expect(
    page.getByRole('textbox', { name: /^Numéro de scellé — Exemplaire A-1/ }),
  ).toHaveValue(sealNumbers[0] as string);
  await expect(page.getByRole('textbox', { name: /^Quantité — Exemplaire A-3/ })).toHaveValue(
    '1,5',
  );
  await expect(page.getByRole('combobox', { name: /^Laboratoire destinataire/ })).not.toHaveValue(
    '',
  );
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toContainText('en attente');
  await expect(badge).toContainText('Hors ligne');
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', /^(local|pending)$/);
  await page.getByRole('button', { name: 'Précédent' }).click();
  await expect(stepTitle(page, 'Matrice')).toBeFocused();
  await expect(page.getByRole('combobox', { name: /^Matrice/ })).toHaveValue('A01DJ');
  await expect(page.getByTestId('matched-prescription')).toContainText('Fruits à pépins');
  await expectAccessible(page, 'un prélèvement rouvert hors ligne');

  // — The list, opened offline: the server's list is out of reach, this device's samples show —
  await page.goto('/prelevements');
  await expect(page.getByRole('heading', { level: 1, name: 'Prélèvements' })).toBeVisible({
    timeout: 20_000,
  });
  const onDevice = page.getByRole('region', { name: 'Mes prélèvements sur cet appareil' });
  await expect(onDevice).toBeVisible();
  const localRow = onDevice.getByTestId(`local-sample-${id}`);
  await expect(localRow.getByTestId('sync-state')).toHaveAttribute('data-state', 'pending');
  await expect(localRow).toContainText('En attente');
  await expect(localRow).toContainText(COMPANY.name);
  await expect(localRow).toContainText('Pommes');
  // The owner's consent is still missing.
  await expect(localRow).toContainText('À compléter');
  await expect(localRow.getByRole('link', { name: /^[A-Z]{3}-\d{2}-\d{5,}$/ })).toHaveAttribute(
    'href',
    `/prelevements/${id}`,
  );
  await expect(onDevice.getByTestId('offline-storage')).toBeVisible();
  await expect(
    page.getByText('Hors ligne : la liste des prélèvements du serveur n’est pas disponible'),
  ).toBeVisible({ timeout: 20_000 });
  await expectAccessible(page, 'la liste des prélèvements hors ligne');

  // — Back online: synchronised, once —
  await context.setOffline(false);
  await expect(localRow.getByTestId('sync-state')).toHaveAttribute('data-state', 'synced', {
    timeout: 30_000,
  });
  await expect(localRow).toContainText('Synchronisé');
  await expectAccessible(page, 'la liste des prélèvements synchronisés');
  await localRow.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/prelevements/${id}$`));
  const syncState = page.getByTestId('sync-state');
  await expect(syncState).toHaveAttribute('data-state', 'synced', { timeout: 30_000 });
  await expect(syncState).toContainText('Synchronisé');
  await expect(badge).not.toContainText('en attente');
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Prélèvement [A-Z]{3}-\d{2}-\d{5,}$/);
  const reference = ((await heading.textContent()) ?? '').replace('Prélèvement ', '');

  const sample = await serverSample(page.request, id);
  expect(sample.reference).toBe(reference);
  expect(sample.status).toBe('Draft');
  expectTypedValues(sample, sealNumbers);
  expect(await samplesOnServer(page.request)).toBe(before + 1);
  expect(await samplesWithReference(page.request, reference)).toBe(1);

  // — The creation replayed twice (a queue replayed, an answer lost): the same sample —
  expect(creations.answered.length).toBeGreaterThan(0);
  const creation = JSON.parse(creations.answered[0] as string) as { id: string };
  expect(creation.id).toBe(id);
  for (let replay = 0; replay < 2; replay += 1) {
    const response = await page.request.post('/api/samples', { data: creation });
    expect(response.status(), await response.text()).toBe(201);
    const answer = (await response.json()) as Sample;
    expect(answer.id).toBe(id);
    expect(answer.reference).toBe(reference);
  }
  const after = await serverSample(page.request, id);
  expect(after.version).toBe(sample.version);
  expectTypedValues(after, sealNumbers);
  expect(await samplesOnServer(page.request)).toBe(before + 1);
  expect(await samplesWithReference(page.request, reference)).toBe(1);

  // — The company was typed without a SIRET: now synchronised, the agent is asked to link it —
  const siretNotice = page.getByTestId('siret-notice');
  await expect(siretNotice).toContainText(
    'Entreprise saisie sans SIRET : recherchez-la dans l’annuaire pour la rattacher.',
  );
  await expectAccessible(page, 'la demande de rattacher un SIRET');
  await siretNotice
    .getByRole('button', { name: 'Rechercher l’entreprise dans l’annuaire' })
    .click();
  await expect(stepTitle(page, 'Contexte du prélèvement')).toBeVisible();
  await expect(
    page.getByRole('searchbox', { name: /^Rechercher dans l’annuaire des entreprises/ }),
  ).toBeFocused();
});

test('a creation whose answer is lost is not duplicated', async ({ page, context }) => {
  test.setTimeout(120_000);
  const before = await samplesOnServer(page.request);
  const creations = watchCreations(context);

  // The first creation reaches the server, but its answer never comes back.
  let cut = false;
  let lost: number | null = null;
  await page.route(isCreation, async (route) => {
    if (route.request().method() !== 'POST' || cut) {
      await route.fallback();
      return;
    }
    cut = true;
    const response = await route.fetch();
    await route.abort('connectionreset');
    lost = response.status();
  });

  const id = await startSample(page);
  // The server created it (201); the browser got a reset connection instead.
  await expect.poll(() => lost, { timeout: 20_000 }).toBe(201);
  // The server has it; the browser does not know yet.
  const created = await serverSample(page.request, id);
  await page.unroute(isCreation);

  // The network is back: the sync sends the creation again, the server answers the same sample.
  const syncState = page.getByTestId('sync-state');
  await expect(syncState).toHaveAttribute('data-state', 'synced', { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `Prélèvement ${created.reference}`,
  );
  await expect(page.getByTestId('sync-badge')).not.toContainText('en attente');
  expect(creations.attempts).toBeGreaterThanOrEqual(2);

  const sample = await serverSample(page.request, id);
  expect(sample.reference).toBe(created.reference);
  expect(await samplesOnServer(page.request)).toBe(before + 1);
  expect(await samplesWithReference(page.request, created.reference)).toBe(1);

  // The agent goes on: the edit reaches the same sample.
  await fillContext(page);
  await expect(syncState).toHaveAttribute('data-state', 'synced', { timeout: 30_000 });
  await expect
    .poll(async () => (await serverSample(page.request, id)).company?.name, { timeout: 20_000 })
    .toBe(COMPANY.name);
  expect(await samplesOnServer(page.request)).toBe(before + 1);
});
