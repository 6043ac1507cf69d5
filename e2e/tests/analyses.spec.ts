import { LaboratorySeedList } from '@maestro/shared/referential';
import type { Role, Sample } from '@maestro/shared/schema';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expectAccessible } from '../axe';
import { expect, mainNavigation, test } from '../fixtures';
import {
  choose,
  chooseLaboratory,
  DEMO_PLAN,
  fillContext,
  fillItems,
  fillMatrix,
  fillSummary,
  finaliseSample,
  next,
  seals,
  sendSampleThroughApi,
  sendToLaboratory,
  startSample,
  stepTitle,
} from '../sampling';

/**
 * The whole analysis loop, each role in its own browser (its stored login): the demo plan in
 * campaign, two samples sent to the demo laboratory (one through the sampler's screens, one
 * through the API), their reception and results (typed on the analysis page; imported from a
 * file), the coordinator's validation, and the verdicts on the samples.
 */

// The demo laboratory: the one of the demo LaboratoryUser (database/src/demo.ts).
const LABORATORY = LaboratorySeedList[0] as (typeof LaboratorySeedList)[number];

/** Substances with an MRL for apples (A01DJ) in shared/referential/mrls.ts. */
const BOSCALID = { code: 'RF-0049-001-PPP', label: 'Boscalid', mrl: 2 };
const PYRIMETHANIL = 'RF-0377-001-PPP';
const CAPTAN = 'RF-00004681-PAR';
const CHLORPYRIFOS = 'RF-0087-001-PPP';

/** A minimal PDF: the server checks the signature of the file, not its pages. */
const REPORT_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/** Today as the server sees it (UTC), so that an analysis date is never in its future. */
const today = () => new Date().toISOString().slice(0, 10);
const frenchDate = (iso: string) => iso.split('-').reverse().join('/');

/** The copy sent to the laboratory: item A, copy 1. */
const copyOf = (reference: string) => `${reference}-A-1`;

async function fullName(request: APIRequestContext): Promise<string> {
  const response = await request.get('/api/auth/session');
  expect(response.status(), await response.text()).toBe(200);
  const { user } = (await response.json()) as { user: { firstName: string; lastName: string } };
  return `${user.firstName} ${user.lastName}`;
}

async function serverSample(request: APIRequestContext, id: string): Promise<Sample> {
  const response = await request.get(`/api/samples/${id}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Sample;
}

/** Menu « Analyses »: the list opens. */
async function openAnalyses(page: Page): Promise<void> {
  await page.goto('/');
  await mainNavigation(page).getByRole('link', { name: 'Analyses' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analyses' })).toBeVisible();
  await expect(page.getByTestId('analyses-count')).toBeVisible();
}

const analysisRow = (page: Page, copy: string) => page.getByTestId(`analysis-${copy}`);

/** Opens an analysis from the list by its copy's reference. */
async function openAnalysis(page: Page, copy: string): Promise<void> {
  await analysisRow(page, copy).getByRole('link', { name: copy }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Analyse ${copy}` })).toBeVisible();
}

/** The state of the analysis, beside its title. */
const analysisStatus = (page: Page, label: string) =>
  page.getByRole('heading', { level: 1 }).locator('..').getByText(label, { exact: true });

const notice = (page: Page) => page.getByTestId('analysis-notice');

/** The laboratory records the reception: seals intact, quantity sufficient. */
async function recordReception(page: Page, what: string): Promise<void> {
  const form = page.getByTestId('reception-form');
  await expect(form.getByRole('heading', { name: 'Réception' })).toBeVisible();
  await choose(form, 'Les scellés sont-ils intacts ?', 'Oui');
  await choose(form, 'La quantité est-elle suffisante pour l’analyse ?', 'Oui');
  await expectAccessible(page, `la réception de ${what}`);
  await form.getByRole('button', { name: 'Enregistrer la réception' }).click();
  await expect(notice(page)).toContainText(
    'La réception est enregistrée : vous pouvez saisir les résultats.',
  );
  await expect(analysisStatus(page, 'En cours d’analyse')).toBeVisible();
  await expect(page.getByTestId('reception-form')).toBeHidden();
}

async function expectHistory(history: Locator, lines: RegExp[]): Promise<void> {
  for (const line of lines)
    await expect(history.getByRole('listitem').filter({ hasText: line })).toHaveCount(1);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the analysis loop: reception, results, import, validation and verdicts', async ({
  pageAs,
}) => {
  test.setTimeout(240_000);
  const pages = {} as Record<Role, Page>;
  const as = async (role: Role) => {
    pages[role] ??= await pageAs(role);
    return pages[role];
  };

  // — 1. The national coordinator: the demo plan is in campaign. (Its validation through the
  // screens is proven by programming.spec.ts; the demo seed starts it validated.) —
  await test.step('the national coordinator sees the demo plan in campaign', async () => {
    const page = await as('NationalCoordinator');
    await page.goto('/');
    await mainNavigation(page).getByRole('link', { name: 'Programmation' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Programmation' })).toBeVisible();
    const row = page.getByTestId(`plan-${new Date().getFullYear()}-PPV`);
    await expect(row).toContainText('Campagne en cours');
    await expectAccessible(page, 'la liste des plans');
    await row.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(DEMO_PLAN);
    await expect(page.getByTestId('plan-status')).toHaveText('Campagne en cours');
    await expectAccessible(page, 'le plan de démonstration en campagne');
  });

  // — 2. The sampler: sample 1 through the screens, sample 2 through the API —
  const sample1 = await test.step('the sampler sends sample 1 from the screens', async () => {
    const page = await as('Sampler');
    const id = await startSample(page);
    await fillContext(page);
    await next(page);
    await expect(stepTitle(page, 'Matrice')).toBeFocused();
    await fillMatrix(page);
    await next(page);
    await expect(stepTitle(page, 'Échantillons')).toBeFocused();
    await fillItems(page, seals(`ANA-${Date.now()}`));
    // The demo laboratory, whatever the regional line pre-filled.
    await chooseLaboratory(page, LABORATORY.id);
    await next(page);
    await fillSummary(page);
    const reference = await finaliseSample(page);
    await sendToLaboratory(page, LABORATORY.name);
    await expectAccessible(page, 'le prélèvement 1 transmis au laboratoire');
    expect((await serverSample(page.request, id)).laboratoryId).toBe(LABORATORY.id);
    return { id, reference, copy: copyOf(reference) };
  });

  const sample2 = await test.step('the sampler sends sample 2 through the API', async () => {
    const page = await as('Sampler');
    const sent = await sendSampleThroughApi(page.request, {
      laboratoryId: LABORATORY.id,
      matrixCode: 'A01DJ',
      substances: [BOSCALID.code, PYRIMETHANIL, CAPTAN, CHLORPYRIFOS].map((substanceCode) => ({
        substanceCode,
        method: 'Multi' as const,
      })),
      sealPrefix: `API-${Date.now()}`,
    });
    return { id: sent.id, reference: sent.reference, copy: copyOf(sent.reference) };
  });

  // — 3. The laboratory —
  const laboratoryName = await fullName((await as('LaboratoryUser')).request);

  await test.step('the laboratory sees both samples to receive', async () => {
    const page = await as('LaboratoryUser');
    await openAnalyses(page);
    for (const { copy } of [sample1, sample2]) {
      await expect(analysisRow(page, copy)).toContainText('À réceptionner');
      await expect(analysisRow(page, copy)).toContainText('Pommes');
    }
    await expectAccessible(page, 'la liste des analyses du laboratoire');
  });

  await test.step('the laboratory receives sample 1 and types its results', async () => {
    const page = await as('LaboratoryUser');
    await openAnalysis(page, sample1.copy);
    await expect(analysisStatus(page, 'À réceptionner')).toBeVisible();
    await expect(page.getByTestId('analysis-sample')).toContainText(sample1.reference);
    await expect(page.getByTestId('requested-substances')).toContainText('Multi-résidus (12)');
    await expectAccessible(page, 'une analyse à réceptionner');
    await recordReception(page, 'l’échantillon 1');

    const results = page.getByTestId('results-form');
    await results.getByLabel(/^Date d’analyse/).fill(today());
    await results
      .getByRole('button', { name: 'Ajouter toutes les substances recherchées' })
      .click();
    await expect(results.getByTestId('results-status')).toHaveText(
      '12 substances recherchées sont ajoutées au tableau, en « non détecté ».',
    );
    // One residue quantified below its MRL (boscalid: 2 mg/kg for apples).
    await results
      .getByRole('searchbox', { name: /^Rechercher une substance du référentiel/ })
      .fill('boscalid');
    await results.getByRole('button', { name: `Ajouter ${BOSCALID.label}` }).click();
    await results
      .getByRole('combobox', { name: `Résultat — ${BOSCALID.label}` })
      .selectOption({ label: 'Quantifié' });
    await results.getByRole('textbox', { name: `Valeur (mg/kg) — ${BOSCALID.label}` }).fill('0,5');
    await expect(results.getByText(`Référentiel : ${BOSCALID.mrl}`)).toBeVisible();
    const boscalidRow = results.getByRole('row').filter({ hasText: BOSCALID.code });
    await expect(boscalidRow).toContainText('Conforme');
    await expect(
      results.getByText(/^Valeur mesurée 0,5 mg\/kg, incertitude élargie 50 %/),
    ).toContainText('La valeur ne dépasse pas la LMR : conforme.');
    const verdict = results.getByTestId('analysis-live-verdict');
    await expect(verdict).toContainText('Verdict calculé : conforme');
    await expect(verdict).toContainText('Tous les résidus sont sous leur LMR : conforme.');
    await expectAccessible(page, 'la saisie des résultats');

    // The signed report.
    const fileName = `rapport-${sample1.reference}.pdf`;
    await page
      .getByLabel(/^Déposer le rapport signé/)
      .setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: REPORT_PDF });
    await page.getByRole('button', { name: 'Déposer le rapport', exact: true }).click();
    await expect(notice(page)).toContainText(`Le rapport « ${fileName} » est déposé.`);
    await expect(page.getByTestId('analysis-report')).toContainText(fileName);
    // The results typed before are still there.
    await expect(verdict).toContainText('Verdict calculé : conforme');

    // Submitted, after a confirmation.
    await results.getByRole('button', { name: 'Transmettre les résultats' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transmettre les résultats ?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Tous les résidus sont sous leur LMR : conforme.');
    await expectAccessible(page, 'la confirmation de la transmission des résultats');
    await dialog.getByRole('button', { name: 'Transmettre', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(notice(page)).toContainText(
      'Les résultats sont transmis : ils attendent la validation du coordinateur.',
    );
    await expect(analysisStatus(page, 'À valider')).toBeVisible();
    await expect(page.getByTestId('saved-residues')).toContainText(BOSCALID.label);
    await expectAccessible(page, 'une analyse transmise');
  });

  await test.step('the laboratory receives sample 2 and imports its results', async () => {
    const page = await as('LaboratoryUser');
    await openAnalyses(page);
    await openAnalysis(page, sample2.copy);
    await recordReception(page, 'l’échantillon 2');

    await page.getByRole('link', { name: 'Analyses', exact: true }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Analyses' })).toBeVisible();
    await page.getByRole('link', { name: 'Importer des résultats' }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: 'Importer des résultats' }),
    ).toBeVisible();
    await expectAccessible(page, 'la page d’import de résultats');

    // Boscalid at three times its MRL: value − 50 % = 3 mg/kg, above 2 mg/kg.
    const date = frenchDate(today());
    const csv = [
      'reference_echantillon;code_substance;resultat;valeur;unite;lq;lmr;incertitude;date_analyse;commentaire',
      `${sample2.copy};${BOSCALID.code};Q;6,0;mg/kg;0,01;;;${date};Résultat confirmé par une seconde injection`,
      `${sample2.copy};${PYRIMETHANIL};ND;;mg/kg;0,01;;;${date};`,
      `${sample2.copy};${CAPTAN};ND;;mg/kg;0,02;;;${date};`,
      `${sample2.copy};${CHLORPYRIFOS};ND;;mg/kg;0,005;;;${date};`,
    ].join('\r\n');
    const fileName = `resultats-${sample2.reference}.csv`;
    await page
      .getByLabel(/^Fichier de résultats/)
      .setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Contrôler le fichier' }).click();

    const preview = page.getByTestId('import-preview');
    await expect(
      preview.getByRole('heading', { name: `Contrôle du fichier « ${fileName} »` }),
    ).toBeFocused();
    await expect(preview).toContainText('CSV, séparateur point-virgule');
    await expect(preview.getByTestId('import-count-Write')).toContainText('Sera écrite : 3');
    await expect(preview.getByTestId('import-count-Warning')).toContainText('Avertissement : 1');
    await expect(preview.getByTestId('import-count-Error')).toContainText('Erreur : 0');
    const boscalidLine = preview.getByTestId('import-line-2');
    await expect(boscalidLine).toContainText('Avertissement');
    await expect(boscalidLine).toContainText(
      'Non conforme au vu de la LMR : valeur − incertitude = 3 mg/kg, au-delà de la LMR de 2 mg/kg',
    );
    for (const line of [3, 4, 5])
      await expect(preview.getByTestId(`import-line-${line}`)).toContainText('Sera écrite');
    await expectAccessible(page, 'le contrôle du fichier de résultats');

    await preview.getByRole('button', { name: 'Écrire les résultats' }).click();
    const dialog = page.getByRole('dialog', { name: 'Écrire les résultats' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Les résultats de 4 lignes seront écrits pour 1 analyse');
    await expectAccessible(page, 'la confirmation de l’écriture des résultats');
    await dialog.getByRole('button', { name: 'Confirmer l’écriture' }).click();
    await expect(dialog).toBeHidden();
    await expect(preview.getByText('Les résultats sont écrits')).toBeVisible({ timeout: 20_000 });
    await expect(preview).toContainText('4 résultats écrits');
    await expect(preview.getByTestId('import-commit')).toHaveCount(0);
    await expectAccessible(page, 'un import écrit');

    // Written and submitted: the list of the analyses to validate shows it.
    await preview.getByRole('link', { name: 'Voir les analyses à valider' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Analyses' })).toBeVisible();
    await expect(page.getByTestId('analysis-status-InReview')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(analysisRow(page, sample2.copy)).toContainText('À valider');
    await expect(analysisRow(page, sample1.copy)).toContainText('À valider');
  });

  // — 4. The regional coordinator validates both verdicts —
  const reviewerName = await fullName((await as('RegionalCoordinator')).request);

  await test.step('the regional coordinator opens the analyses to validate', async () => {
    const page = await as('RegionalCoordinator');
    await openAnalyses(page);
    await expect(page.getByTestId('analysis-status-InReview')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    for (const { copy } of [sample1, sample2]) {
      await expect(analysisRow(page, copy)).toContainText('À valider');
      await expect(analysisRow(page, copy)).toContainText(LABORATORY.shortName);
    }
    await expectAccessible(page, 'les analyses à valider');
  });

  await test.step('the regional coordinator confirms the compliant verdict of sample 1', async () => {
    const page = await as('RegionalCoordinator');
    await openAnalysis(page, sample1.copy);
    await expect(page.getByTestId('verdict-facts')).toContainText('Verdict calculéconforme');
    const residues = page.getByTestId('saved-residues');
    await expect(residues.getByText(/^Valeur mesurée 0,5 mg\/kg/)).toContainText(
      'valeur − U = 0,25 mg/kg, comparée à la LMR 2 mg/kg',
    );
    await expect(residues.getByText(/^Valeur mesurée 0,5 mg\/kg/)).toContainText(
      'La valeur ne dépasse pas la LMR : conforme.',
    );
    const review = page.getByTestId('review-form');
    await expect(review).toContainText('Verdict calculé à partir des résultats : conforme.');
    await expectAccessible(page, 'la validation du verdict conforme');
    await review.getByRole('button', { name: 'Confirmer le verdict' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirmer le verdict ?' });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'la confirmation du verdict');
    await dialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
    await expect(notice(page)).toContainText(
      'Le verdict est confirmé : conforme. L’analyse est terminée.',
    );
    await expect(analysisStatus(page, 'Terminée')).toBeVisible();
    await expect(analysisStatus(page, 'Conforme')).toBeVisible();
    await expect(page.getByTestId('review-form')).toHaveCount(0);
    await expect(page.getByTestId('verdict-facts')).toContainText(`par ${reviewerName}`);
    await expectAccessible(page, 'une analyse terminée conforme');
  });

  await test.step('the regional coordinator confirms the non-compliant verdict of sample 2', async () => {
    const page = await as('RegionalCoordinator');
    await openAnalyses(page);
    await expect(analysisRow(page, sample1.copy)).toHaveCount(0);
    await openAnalysis(page, sample2.copy);
    await expect(page.getByTestId('verdict-facts')).toContainText('Verdict calculénon conforme');
    const explanation = page.getByTestId('saved-residues').getByText(/^Valeur mesurée 6 mg\/kg/);
    await expect(explanation).toContainText('valeur − U = 3 mg/kg, comparée à la LMR 2 mg/kg');
    await expect(explanation).toContainText('la LMR est dépassée de 1 mg/kg : non conforme.');
    const review = page.getByTestId('review-form');
    await expect(review).toContainText('Verdict calculé à partir des résultats : non conforme.');
    await expectAccessible(page, 'la validation du verdict non conforme');
    await review.getByRole('button', { name: 'Confirmer le verdict' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirmer le verdict ?' });
    await expect(dialog).toContainText('Le prélèvement sera signalé non conforme.');
    await dialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
    await expect(notice(page)).toContainText(
      'Le verdict est confirmé : non conforme. L’analyse est terminée.',
    );
    await expect(analysisStatus(page, 'Terminée')).toBeVisible();
    await expect(analysisStatus(page, 'Non conforme')).toBeVisible();
    await expectAccessible(page, 'une analyse terminée non conforme');
  });

  // — 5. The verdicts on the samples —
  await test.step('the samples show their verdict and their history', async () => {
    const page = await as('RegionalCoordinator');
    const samplerName = await fullName((await as('Sampler')).request);

    // Sample 1, from its analysis.
    await openAnalyses(page);
    await page.getByTestId('analysis-status-all').click();
    await openAnalysis(page, sample1.copy);
    await page
      .getByTestId('analysis-sample')
      .getByRole('link', { name: sample1.reference })
      .click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `Prélèvement ${sample1.reference}`,
    );
    const header1 = page.getByRole('heading', { level: 1 }).locator('..');
    await expect(header1.getByText('Terminé', { exact: true })).toBeVisible();
    await expect(header1.getByText('Conforme', { exact: true })).toBeVisible();
    const analyses1 = page.getByTestId(`sample-analysis-${sample1.copy}`);
    await expect(analyses1).toContainText('Terminée');
    await expect(analyses1).toContainText('Conforme');
    const copy1 = escapeRegExp(sample1.copy);
    await expectHistory(page.getByTestId('sample-history'), [
      new RegExp(`Demande d’analyse envoyée au laboratoire \\(${escapeRegExp(samplerName)}\\)`),
      new RegExp(`Réception au laboratoire \\(${copy1}\\) \\(${escapeRegExp(laboratoryName)}\\)`),
      new RegExp(`Rapport déposé : rapport-.*\\(${copy1}\\) \\(${escapeRegExp(laboratoryName)}\\)`),
      new RegExp(`Résultats transmis \\(${copy1}\\) \\(${escapeRegExp(laboratoryName)}\\)`),
      new RegExp(`Validation : conforme \\(${copy1}\\) \\(${escapeRegExp(reviewerName)}\\)`),
      /Statut du prélèvement : Terminé, conforme/,
    ]);
    await expectAccessible(page, 'un prélèvement terminé conforme');

    // Sample 2, from the samples list.
    await page.goto(`/prelevements?reference=${encodeURIComponent(sample2.reference)}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Prélèvements' })).toBeVisible();
    const row = page.getByTestId(`sample-${sample2.reference}`);
    await expect(row).toContainText('Terminé');
    await expect(row).toContainText('Non conforme');
    await expectAccessible(page, 'la liste des prélèvements avec un non conforme');
    await row.getByRole('link', { name: sample2.reference }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `Prélèvement ${sample2.reference}`,
    );
    const header2 = page.getByRole('heading', { level: 1 }).locator('..');
    await expect(header2.getByText('Terminé', { exact: true })).toBeVisible();
    await expect(header2.getByText('Non conforme', { exact: true })).toBeVisible();
    await expect(page.getByTestId(`sample-analysis-${sample2.copy}`)).toContainText('Non conforme');
    const copy2 = escapeRegExp(sample2.copy);
    await expectHistory(page.getByTestId('sample-history'), [
      new RegExp(`Réception au laboratoire \\(${copy2}\\) \\(${escapeRegExp(laboratoryName)}\\)`),
      new RegExp(
        `Résultats transmis par import du fichier « resultats-.*\\.csv » \\(${copy2}\\) \\(${escapeRegExp(laboratoryName)}\\)`,
      ),
      new RegExp(`Validation : non conforme \\(${copy2}\\) \\(${escapeRegExp(reviewerName)}\\)`),
      /Statut du prélèvement : Terminé, non conforme/,
    ]);
    await expectAccessible(page, 'un prélèvement terminé non conforme');
  });

  await test.step('the sampler is notified and the server agrees', async () => {
    const page = await as('Sampler');
    await page.goto('/');
    await page
      .getByRole('link', { name: /Notifications/ })
      .first()
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
    const nonCompliant = page
      .getByTestId('notification')
      .filter({ hasText: `Prélèvement non conforme : ${sample2.reference}` });
    await expect(nonCompliant).toHaveCount(1);
    await expect(nonCompliant).toContainText('au moins un résidu dépasse la limite maximale');
    await expect(
      page.getByTestId('notification').filter({ hasText: `Analyse terminée : ${sample1.copy}` }),
    ).toContainText('est terminée : conforme');
    await expectAccessible(page, 'les notifications du préleveur');
    await nonCompliant
      .getByRole('link', { name: `Prélèvement non conforme : ${sample2.reference}` })
      .click();
    await expect(page).toHaveURL(new RegExp(`/prelevements/${sample2.id}$`));
    await expect(
      page
        .getByRole('heading', { level: 1 })
        .locator('..')
        .getByText('Non conforme', { exact: true }),
    ).toBeVisible();

    const first = await serverSample(page.request, sample1.id);
    expect(first.status).toBe('Completed');
    expect(first.compliant).toBe(true);
    const second = await serverSample(page.request, sample2.id);
    expect(second.status).toBe('Completed');
    expect(second.compliant).toBe(false);
  });
});
