import type { Analysis, ResultVersion } from '@maestro/shared/schema';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithProviders, testLaboratory, testUser } from '../../test/render';
import AnalysisPage from './AnalysisPage';
import {
  ACETAMIPRID,
  ACETAMIPRID_MRL,
  analysisId,
  apiError,
  type Call,
  GLYPHOSATE,
  inReview,
  json,
  mockApi,
  sampleId,
  testAnalysis,
  testResidue,
} from './testData';

configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);

const path = `/api/analyses/${analysisId}`;
const otherLaboratoryId = '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';
const importId = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';

/** The page of an analysis, the API answering from `state.analysis` (and `extra` routes). */
function renderAnalysis(
  analysis: Analysis,
  role: Parameters<typeof testUser>[0] = 'LaboratoryUser',
  extra: Record<string, (call: Call) => Response | Promise<Response>> = {},
) {
  const state = { analysis };
  const api = mockApi({
    [`GET ${path}`]: () => json(state.analysis),
    'GET /api/mrls': () =>
      json([{ substanceCode: ACETAMIPRID, matrixCode: 'A01DJ', ...ACETAMIPRID_MRL }]),
    [`GET ${path}/versions`]: () => json([]),
    ...extra,
  });
  const rendered = renderWithProviders(
    <Routes>
      <Route path="/analyses/:analysisId" element={<AnalysisPage />} />
    </Routes>,
    { user: testUser(role), path: `/analyses/${analysisId}` },
  );
  return { ...rendered, api, state };
}

/** The message a field announces (its aria-describedby). */
function describedBy(element: HTMLElement): string {
  const ids = (element.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

const heading = () => screen.findByRole('heading', { level: 1, name: 'Analyse ARA-26-00042-A-1' });

/** The answers of the writing routes, set by each test before it acts. */
const answers = new Map<string, () => Response>();
const answered = (method: string, route: string) => (): Response =>
  answers.get(`${method} ${route}`)?.() ?? apiError(500, 'InternalError', 'Pas de réponse.');

const labRoutes = {
  [`POST ${path}/reception`]: answered('POST', `${path}/reception`),
  [`POST ${path}/not-admissible`]: answered('POST', `${path}/not-admissible`),
  [`PUT ${path}/results`]: answered('PUT', `${path}/results`),
  [`POST ${path}/submit`]: answered('POST', `${path}/submit`),
  [`POST ${path}/corrections`]: answered('POST', `${path}/corrections`),
  [`POST ${path}/review`]: answered('POST', `${path}/review`),
  [`POST ${path}/reevaluate`]: answered('POST', `${path}/reevaluate`),
  [`PUT ${path}/report`]: answered('PUT', `${path}/report`),
  [`POST /api/samples/${sampleId}/counter-analyses`]: answered(
    'POST',
    `/api/samples/${sampleId}/counter-analyses`,
  ),
};

describe('the reception, for the laboratory', () => {
  it('shows the sample and its substances by method, and records the reception', async () => {
    answers.clear();
    const { api, state } = renderAnalysis(testAnalysis(), 'LaboratoryUser', labRoutes);
    await heading();
    const sample = screen.getByTestId('analysis-sample');
    expect(sample.textContent).toContain('Pommes');
    expect(sample.textContent).toContain('Production primaire végétale');
    expect(sample.textContent).toContain('échantillon A, exemplaire 1');
    const substances = screen.getByTestId('requested-substances');
    expect(within(substances).getByRole('list', { name: 'Mono-résidu (1)' }).textContent).toContain(
      'Glyphosate',
    );
    expect(
      within(substances).getByRole('list', { name: 'Multi-résidus (1)' }).textContent,
    ).toContain('Acétamipride');
    // no results before the reception
    expect(screen.queryByTestId('results-form')).toBeNull();

    // The condition is required: nothing is sent, the summary names what is missing.
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la réception' }));
    const errors = await screen.findByTestId('reception-errors');
    expect(
      within(errors).getByRole('link', {
        name: 'Scellés intacts : Indiquez si les scellés sont intacts.',
      }),
    ).toBeDefined();
    expect(api.callsOf('POST', `${path}/reception`)).toHaveLength(0);

    const form = screen.getByTestId('reception-form');
    fireEvent.change(within(form).getByLabelText('Date et heure de réception'), {
      target: { value: '2026-03-11T09:15' },
    });
    fireEvent.click(
      within(screen.getByRole('group', { name: /Les scellés sont-ils intacts/ })).getByLabelText(
        'Oui',
      ),
    );
    fireEvent.click(
      within(screen.getByRole('group', { name: /La quantité est-elle suffisante/ })).getByLabelText(
        'Non',
      ),
    );
    fireEvent.change(within(form).getByLabelText(/^Température à l’arrivée/), {
      target: { value: '4,5' },
    });
    fireEvent.change(within(form).getByLabelText(/^Observations/), {
      target: { value: 'Glacière fermée.' },
    });
    const received = testAnalysis({
      status: 'Analysis',
      version: 2,
      receivedAt: '2026-03-11T08:15:00.000Z',
      reception: {
        sealsIntact: true,
        quantitySufficient: false,
        temperatureCelsius: 4.5,
        notes: 'Glacière fermée.',
      },
    });
    state.analysis = received;
    answers.set(`POST ${path}/reception`, () => json(received));
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer la réception' }));

    expect(await screen.findByText(/La réception est enregistrée/)).toBeDefined();
    const [call] = api.callsOf('POST', `${path}/reception`);
    expect(call?.body).toEqual({
      version: 1,
      receivedAt: expect.stringMatching(/^2026-03-11T09:15:00[+-]\d{2}:\d{2}$/),
      sealsIntact: true,
      quantitySufficient: false,
      temperatureCelsius: 4.5,
      notes: 'Glacière fermée.',
    });
    // the results can now be entered, and the reception is shown
    expect(await screen.findByTestId('results-form')).toBeDefined();
    expect(screen.getByTestId('reception-facts').textContent).toContain('4,5 °C');
  });

  it('declares a copy not admissible after a confirmation, with details for « Autre motif »', async () => {
    answers.clear();
    const { api } = renderAnalysis(testAnalysis(), 'LaboratoryUser', labRoutes);
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Déclarer non recevable' }));
    await waitFor(() =>
      expect(document.activeElement?.textContent).toBe('Déclarer l’échantillon non recevable'),
    );
    fireEvent.click(screen.getByLabelText('Autre motif'));
    const form = screen.getByTestId('reception-form');
    fireEvent.click(within(form).getByRole('button', { name: 'Déclarer non recevable' }));
    const details = await screen.findByLabelText(/^Précisions/);
    await waitFor(() =>
      expect(describedBy(details)).toBe('Précisez le motif de non-recevabilité.'),
    );
    expect(screen.queryByTestId('reject-dialog')).toBeNull();

    fireEvent.change(details, { target: { value: 'Étiquette décollée, scellé illisible.' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Déclarer non recevable' }));
    const dialog = await screen.findByTestId('reject-dialog');
    expect(dialog.textContent).toContain('Autre motif');
    const rejected = testAnalysis({
      status: 'NotAdmissible',
      version: 2,
      receivedAt: '2026-03-11T08:15:00.000Z',
      notAdmissibleReason: 'Other',
      notAdmissibleComment: 'Étiquette décollée, scellé illisible.',
    });
    answers.set(`POST ${path}/not-admissible`, () => json(rejected));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirmer la non-recevabilité' }));
    expect(await screen.findByText(/L’échantillon est déclaré non recevable/)).toBeDefined();
    expect(api.callsOf('POST', `${path}/not-admissible`)[0]?.body).toEqual({
      version: 1,
      receivedAt: expect.any(String),
      reason: 'Other',
      comment: 'Étiquette décollée, scellé illisible.',
    });
    expect(screen.getByText('Échantillon déclaré non recevable')).toBeDefined();
    expect(screen.queryByTestId('reception-form')).toBeNull();
  });
});

const inAnalysis = (overrides: Partial<Analysis> = {}) =>
  testAnalysis({
    status: 'Analysis',
    version: 2,
    receivedAt: '2026-03-11T08:15:00.000Z',
    reception: { sealsIntact: true, quantitySufficient: true, temperatureCelsius: null, notes: '' },
    ...overrides,
  });

const report = {
  fileName: 'rapport.pdf',
  size: 1000,
  sha256: 'b'.repeat(64),
  uploadedAt: '2026-03-12T16:00:00.000Z',
};

const row = (index: number) => screen.getByTestId(`residue-row-${index}`);
const liveVerdict = (index: number) => screen.getByTestId(`residue-verdict-${index}`).textContent;

describe('the results, for the laboratory', () => {
  it('computes the verdict of each residue as it is typed', async () => {
    answers.clear();
    renderAnalysis(inAnalysis(), 'LaboratoryUser', labRoutes);
    await screen.findByTestId('results-form');
    fireEvent.click(
      screen.getByRole('button', { name: 'Ajouter toutes les substances recherchées' }),
    );
    expect(within(row(0)).getByRole('rowheader').textContent).toContain('Glyphosate');
    expect(within(row(1)).getByRole('rowheader').textContent).toContain('Acétamipride');
    expect(screen.getByTestId('analysis-live-verdict').textContent).toContain(
      'Aucun résidu détecté : conforme.',
    );
    // the referential's MRL of the sample's matrix is shown beside the field, which stays empty
    await waitFor(() => expect(within(row(1)).getByText('Référentiel : 0,4')).toBeDefined());

    fireEvent.change(screen.getByLabelText('Résultat — Acétamipride'), {
      target: { value: 'Q' },
    });
    expect(liveVerdict(1)).toBe('Verdict à venir : indiquez la valeur mesurée.');
    // 1.2 mg/kg = 3 × the MRL: beyond the uncertainty
    fireEvent.change(screen.getByLabelText('Valeur (mg/kg) — Acétamipride'), {
      target: { value: '1,2' },
    });
    expect(liveVerdict(1)).toContain('non conforme');
    expect(liveVerdict(1)).toContain('Règlement (UE) 2023/1234');
    expect(within(row(1)).getByText('Non conforme').className).toContain(
      'maestro-verdict--non-compliant',
    );
    expect(screen.getByTestId('analysis-live-verdict').textContent).toContain(
      'Verdict calculé : non conforme',
    );
    // 0.6 mg/kg: above the MRL, not beyond the uncertainty
    fireEvent.change(screen.getByLabelText('Valeur (mg/kg) — Acétamipride'), {
      target: { value: '0,6' },
    });
    expect(liveVerdict(1)).toContain('dépassement non significatif');
    expect(screen.getByTestId('analysis-live-verdict').textContent).toContain(
      'Verdict calculé : conforme',
    );
    // the laboratory's own uncertainty (20 %) makes it non-compliant
    fireEvent.change(screen.getByLabelText('Incertitude élargie (%) — Acétamipride'), {
      target: { value: '20' },
    });
    expect(liveVerdict(1)).toContain('non conforme');

    // the less frequent facts, folded; every field has its own id (labels point at one field)
    const more = screen.getByRole('button', {
      name: 'Informations complémentaires — Acétamipride',
    });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(more);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Ajouter un analyte à Acétamipride' }));
    fireEvent.click(
      within(
        screen.getByRole('group', {
          name: /Dose de référence aiguë \(ARfD\) dépassée \? — Acétamipride/,
        }),
      ).getByLabelText('Oui'),
    );
    expect(screen.getByLabelText('Analyte 1 — nom')).toBeDefined();
    const ids = Array.from(document.querySelectorAll('[id]'), (element) => element.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('saves the draft with its version, and shows the server’s refusal beside the field', async () => {
    answers.clear();
    const { api } = renderAnalysis(inAnalysis(), 'LaboratoryUser', labRoutes);
    await screen.findByTestId('results-form');
    fireEvent.change(screen.getByLabelText(/^Rechercher une substance du référentiel/), {
      target: { value: 'acetamipride' },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Ajouter Acétamipride' }));
    // the focus goes to the new row
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByLabelText('Résultat — Acétamipride')),
    );
    fireEvent.change(screen.getByLabelText('Résultat — Acétamipride'), { target: { value: 'Q' } });
    fireEvent.change(screen.getByLabelText('Valeur (mg/kg) — Acétamipride'), {
      target: { value: '0,25' },
    });
    fireEvent.change(screen.getByLabelText('LQ (mg/kg) — Acétamipride'), {
      target: { value: '0,01' },
    });
    fireEvent.change(screen.getByLabelText(/^Date d’analyse/), { target: { value: '2026-03-12' } });

    answers.set(`PUT ${path}/results`, () =>
      json(
        {
          error: 'ValidationError',
          message: 'La requête contient des erreurs.',
          issues: [
            { path: 'body.residues.0.value', message: 'Valeur hors du domaine de la méthode.' },
          ],
        },
        400,
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    const value = screen.getByLabelText('Valeur (mg/kg) — Acétamipride');
    await waitFor(() => expect(describedBy(value)).toBe('Valeur hors du domaine de la méthode.'));
    const summary = screen.getByTestId('results-errors');
    const link = within(summary).getByRole('link', {
      name: 'Résidu 1 (Acétamipride), valeur : Valeur hors du domaine de la méthode.',
    });
    await waitFor(() => expect(summary.contains(document.activeElement)).toBe(true));
    fireEvent.click(link);
    expect(document.activeElement).toBe(value);
    expect(api.callsOf('PUT', `${path}/results`)[0]?.body).toEqual({
      version: 2,
      analysedAt: '2026-03-12',
      methods: ['Mono', 'Multi'],
      notes: '',
      residues: [
        {
          substanceCode: ACETAMIPRID,
          kind: 'Q',
          value: 0.25,
          unit: 'mg/kg',
          loq: 0.01,
          mrl: null,
          uncertaintyPercent: null,
          analytes: [],
          notes: '',
          arfdExceeded: null,
          authorisedForUse: null,
          contaminationSources: '',
        },
      ],
    });

    // Someone else saved meanwhile: the user is told to reload.
    answers.set(`PUT ${path}/results`, () =>
      apiError(409, 'VersionConflict', 'La ressource a été modifiée entre-temps.'),
    );
    fireEvent.change(value, { target: { value: '0,2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    expect(await screen.findByText('Ces résultats ont été modifiés entre-temps')).toBeDefined();
    expect(screen.getByRole('button', { name: 'Recharger l’analyse' })).toBeDefined();

    // Saved: the draft stays open.
    answers.set(`PUT ${path}/results`, () =>
      json(inAnalysis({ version: 3, resultVersion: 1, residues: [testResidue({ value: 0.2 })] })),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await waitFor(() =>
      expect(screen.getByTestId('results-status').textContent).toMatch(/^Brouillon enregistré/),
    );
    expect(screen.queryByTestId('results-errors')?.textContent).toBe('');
  });

  it('checks the form before sending, with a summary linking to the fields', async () => {
    answers.clear();
    const { api } = renderAnalysis(inAnalysis(), 'LaboratoryUser', labRoutes);
    await screen.findByTestId('results-form');
    fireEvent.click(screen.getByRole('button', { name: 'Transmettre les résultats' }));
    const summary = await screen.findByTestId('results-errors');
    expect(summary.textContent).toContain('Saisissez au moins un résidu');
    // what the server requires of a submission: the date, and the signed report
    expect(
      within(summary).getByRole('link', { name: 'Date d’analyse : Indiquez la date d’analyse.' }),
    ).toBeDefined();
    fireEvent.click(
      within(summary).getByRole('link', {
        name: 'Rapport d’analyse : Joignez le rapport d’analyse signé (PDF).',
      }),
    );
    expect(document.activeElement).toBe(screen.getByLabelText(/^Déposer le rapport signé/));
    expect(screen.queryByTestId('submit-dialog')).toBeNull();
    fireEvent.click(
      screen.getByRole('button', { name: 'Ajouter toutes les substances recherchées' }),
    );
    fireEvent.change(screen.getByLabelText('Résultat — Glyphosate'), { target: { value: 'Q' } });
    fireEvent.change(screen.getByLabelText('Valeur (mg/kg) — Glyphosate'), {
      target: { value: 'douze' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await waitFor(() =>
      expect(describedBy(screen.getByLabelText('Valeur (mg/kg) — Glyphosate'))).toBe(
        'Valeur numérique attendue (par exemple 0,05).',
      ),
    );
    expect(
      within(screen.getByTestId('results-errors')).getByRole('link', {
        name: 'Résidu 1 (Glyphosate), valeur : Valeur numérique attendue (par exemple 0,05).',
      }),
    ).toBeDefined();
    expect(api.callsOf('PUT', `${path}/results`)).toHaveLength(0);
  });

  it('submits after a confirmation: all « non détecté » completes as compliant', async () => {
    answers.clear();
    const { api } = renderAnalysis(inAnalysis({ report }), 'LaboratoryUser', labRoutes);
    await screen.findByTestId('results-form');
    fireEvent.change(screen.getByLabelText(/^Date d’analyse/), { target: { value: '2026-03-12' } });
    fireEvent.click(
      screen.getByRole('button', { name: 'Ajouter toutes les substances recherchées' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Transmettre les résultats' }));
    const dialog = await screen.findByTestId('submit-dialog');
    expect(dialog.textContent).toContain('l’analyse sera terminée automatiquement comme conforme');
    expect(dialog.textContent).toContain('Vos dernières modifications seront d’abord enregistrées');
    const ndResidues = [
      testResidue({ substanceCode: GLYPHOSATE, kind: 'ND', value: null, loq: null }),
      testResidue({ residueNumber: 2, kind: 'ND', value: null, loq: null }),
    ];
    answers.set(`PUT ${path}/results`, () =>
      json(inAnalysis({ version: 3, resultVersion: 1, residues: ndResidues })),
    );
    answers.set(`POST ${path}/submit`, () =>
      json(
        inAnalysis({
          status: 'Completed',
          version: 4,
          resultVersion: 1,
          residues: ndResidues,
          computedCompliant: true,
          compliant: true,
          submittedAt: '2026-03-12T15:00:00.000Z',
        }),
      ),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Transmettre' }));
    expect(
      await screen.findByText(/Aucun résidu détecté : l’analyse est terminée, conforme/),
    ).toBeDefined();
    expect(api.callsOf('PUT', `${path}/results`)[0]?.body).toMatchObject({
      version: 2,
      analysedAt: '2026-03-12',
    });
    expect(api.callsOf('POST', `${path}/submit`)[0]?.body).toEqual({ version: 3 });
    expect(screen.queryByTestId('results-form')).toBeNull();
    expect(screen.getByTestId('saved-residues')).toBeDefined();
    // the laboratory may still correct them
    expect(screen.getByRole('button', { name: 'Corriger les résultats' })).toBeDefined();
  });

  it('corrects submitted results with a mandatory reason', async () => {
    answers.clear();
    const { api } = renderAnalysis(inReview(), 'LaboratoryUser', labRoutes);
    await heading();
    expect(screen.queryByRole('button', { name: 'Confirmer le verdict' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Corriger les résultats' }));
    const form = await screen.findByTestId('correction-form');
    expect(within(form).getByLabelText('Valeur (mg/kg) — Acétamipride')).toHaveProperty(
      'value',
      '1,2',
    );
    fireEvent.change(within(form).getByLabelText('Valeur (mg/kg) — Acétamipride'), {
      target: { value: '0,12' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    const reason = await within(form).findByLabelText(/^Motif de la correction/);
    await waitFor(() => expect(describedBy(reason)).toBe('Indiquez le motif de la correction.'));
    expect(api.callsOf('POST', `${path}/corrections`)).toHaveLength(0);

    fireEvent.change(reason, { target: { value: 'Erreur de report : facteur de dilution.' } });
    answers.set(`POST ${path}/corrections`, () =>
      json(inReview({ version: 5, resultVersion: 2, residues: [testResidue({ value: 0.12 })] })),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    expect(await screen.findByText(/La correction est enregistrée \(version 2/)).toBeDefined();
    expect(api.callsOf('POST', `${path}/corrections`)[0]?.body).toMatchObject({
      version: 4,
      reason: 'Erreur de report : facteur de dilution.',
      residues: [expect.objectContaining({ substanceCode: ACETAMIPRID, value: 0.12 })],
    });
    expect(screen.queryByTestId('correction-form')).toBeNull();
  });

  it('uploads the signed report as a PDF body, and links to it', async () => {
    answers.clear();
    const { api } = renderAnalysis(inAnalysis(), 'LaboratoryUser', labRoutes);
    await screen.findByTestId('results-form');
    const file = new File(['%PDF-1.7'], 'rapport signé.pdf', { type: 'application/pdf' });
    answers.set(`PUT ${path}/report`, () =>
      json(
        inAnalysis({
          version: 3,
          report: {
            fileName: 'rapport signé.pdf',
            size: 245_760,
            sha256: 'a'.repeat(64),
            uploadedAt: '2026-03-12T16:00:00.000Z',
          },
        }),
      ),
    );
    fireEvent.change(screen.getByLabelText(/^Déposer le rapport signé/), {
      target: { files: [file] },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Déposer le rapport' }));
    expect(await screen.findByText('Le rapport « rapport signé.pdf » est déposé.')).toBeDefined();
    const [call] = api.callsOf('PUT', `${path}/report`);
    expect(call?.url).toBe(`${path}/report?fileName=rapport+sign%C3%A9.pdf`);
    expect(call?.body).toBe(file);
    const link = within(screen.getByTestId('analysis-report')).getByRole('link');
    expect(link.getAttribute('href')).toBe(`${path}/report`);
    expect(link.textContent).toContain('240 ko');
  });
});

describe('the review, for the coordinator', () => {
  it('explains each residue, and confirms the verdict after a confirmation', async () => {
    answers.clear();
    const { api } = renderAnalysis(inReview(), 'RegionalCoordinator', labRoutes);
    await heading();
    const residue = screen.getByTestId(`residue-${ACETAMIPRID}`);
    expect(residue.textContent).toContain('1,2 mg/kg');
    expect(residue.textContent).toContain('50 %');
    expect(residue.textContent).toContain('0,6');
    expect(residue.textContent).toContain('Règlement (UE) 2023/1234');
    expect(residue.textContent).toContain('+0,2');
    expect(residue.textContent).toContain('Non conforme');
    expect(screen.getByTestId('saved-residues').textContent).toContain(
      'Même après déduction de l’incertitude',
    );
    // a coordinator neither receives nor enters results
    expect(screen.queryByTestId('results-form')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Corriger les résultats' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Confirmer le verdict' }));
    const dialog = await screen.findByTestId('confirm-review-dialog');
    expect(dialog.textContent).toContain('Le prélèvement sera signalé non conforme.');
    answers.set(`POST ${path}/review`, () =>
      json(inReview({ status: 'Completed', version: 5, reviewerName: 'Camille Martin' })),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirmer' }));
    expect(await screen.findByText(/Le verdict est confirmé : non conforme/)).toBeDefined();
    expect(api.callsOf('POST', `${path}/review`)[0]?.body).toEqual({
      version: 4,
      decision: 'Confirm',
      compliant: null,
      comment: '',
    });
    expect(screen.queryByRole('button', { name: 'Confirmer le verdict' })).toBeNull();
  });

  it('overrides the verdict only with a comment', async () => {
    answers.clear();
    const { api } = renderAnalysis(inReview(), 'DepartmentalCoordinator', labRoutes);
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Corriger le verdict' }));
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Corriger le verdict'));
    // the opposite of the computed verdict is proposed
    expect(screen.getByLabelText('Conforme')).toHaveProperty('checked', true);
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le verdict corrigé' }));
    const comment = screen.getByLabelText(/^Commentaire/);
    await waitFor(() =>
      expect(describedBy(comment)).toBe(
        'Un commentaire est obligatoire pour corriger la conformité.',
      ),
    );
    expect(
      within(screen.getByTestId('review-errors')).getByRole('link', {
        name: 'Commentaire : Un commentaire est obligatoire pour corriger la conformité.',
      }),
    ).toBeDefined();
    expect(api.callsOf('POST', `${path}/review`)).toHaveLength(0);

    fireEvent.change(comment, { target: { value: 'Usage autorisé par dérogation 120 jours.' } });
    answers.set(`POST ${path}/review`, () =>
      json(
        inReview({
          status: 'Completed',
          version: 5,
          compliant: true,
          complianceOverridden: true,
          reviewComment: 'Usage autorisé par dérogation 120 jours.',
        }),
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le verdict corrigé' }));
    expect(await screen.findByText(/Le verdict est corrigé : conforme/)).toBeDefined();
    expect(api.callsOf('POST', `${path}/review`)[0]?.body).toEqual({
      version: 4,
      decision: 'Override',
      compliant: true,
      comment: 'Usage autorisé par dérogation 120 jours.',
    });
    expect(screen.getAllByTestId('compliance-badge')[0]?.textContent).toBe(
      'Conforme (verdict corrigé)',
    );
  });

  it('warns that the MRL table changed, and re-evaluates the verdict', async () => {
    answers.clear();
    const { api } = renderAnalysis(
      inReview({ status: 'Completed', mrlChanged: true }),
      'NationalCoordinator',
      labRoutes,
    );
    await heading();
    const banner = screen.getByText('La table des LMR a changé depuis ce verdict');
    expect(banner).toBeDefined();
    answers.set(`POST ${path}/reevaluate`, () =>
      json(inReview({ status: 'Completed', version: 5, computedCompliant: true, compliant: true })),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Réévaluer' }));
    expect(await screen.findByText(/Le verdict est réévalué/)).toBeDefined();
    expect(api.callsOf('POST', `${path}/reevaluate`)[0]?.body).toEqual({ version: 4 });
    expect(screen.queryByText('La table des LMR a changé depuis ce verdict')).toBeNull();
  });

  it('asks for a counter-analysis, then opens it', async () => {
    answers.clear();
    const counter = inReview({
      id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
      copyNumber: 2,
      copyReference: 'ARA-26-00042-A-2',
      counterAnalysis: true,
      counterAnalysisReason: 'Contestation du détenteur.',
      laboratoryId: otherLaboratoryId,
      status: 'Sent',
      residues: [],
      resultVersion: 0,
    });
    const { api } = renderAnalysis(inReview({ status: 'Completed' }), 'RegionalCoordinator', {
      ...labRoutes,
      [`GET /api/analyses/${counter.id}`]: () => json(counter),
    });
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Demander une contre-analyse' }));
    const form = await screen.findByTestId('counter-analysis-form');
    fireEvent.click(within(form).getByRole('button', { name: 'Demander la contre-analyse' }));
    await waitFor(() =>
      expect(form.textContent).toContain('Choisissez un exemplaire conservé (2 ou 3).'),
    );
    expect(form.textContent).toContain('Choisissez le laboratoire de la contre-analyse.');
    fireEvent.click(within(form).getByLabelText('Exemplaire 2'));
    fireEvent.change(within(form).getByLabelText(/^Laboratoire/), {
      target: { value: testLaboratory.id },
    });
    fireEvent.change(within(form).getByLabelText('Motif'), {
      target: { value: 'Contestation du détenteur.' },
    });
    answers.set(`POST /api/samples/${sampleId}/counter-analyses`, () => json(counter, 201));
    fireEvent.click(within(form).getByRole('button', { name: 'Demander la contre-analyse' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Analyse ARA-26-00042-A-2' }),
    ).toBeDefined();
    expect(api.callsOf('POST', `/api/samples/${sampleId}/counter-analyses`)[0]?.body).toEqual({
      itemNumber: 1,
      copyNumber: 2,
      laboratoryId: testLaboratory.id,
      reason: 'Contestation du détenteur.',
    });
    expect(screen.getByTestId('analysis-sample').textContent).toContain(
      'Contestation du détenteur.',
    );
  });
});

describe('what others see', () => {
  it('shows an observer the results, the verdict and every version, without any action', async () => {
    answers.clear();
    const versions: ResultVersion[] = [
      {
        resultVersion: 2,
        source: 'Form',
        reason: 'Erreur de report.',
        createdAt: '2026-03-13T10:00:00.000Z',
        authorName: 'Lou Bernard',
        importId: null,
        computedCompliant: true,
        residues: [testResidue({ value: 0.12 })],
      },
      {
        resultVersion: 1,
        source: 'Import',
        reason: null,
        createdAt: '2026-03-12T15:00:00.000Z',
        authorName: 'Lou Bernard',
        importId,
        computedCompliant: false,
        residues: [testResidue()],
      },
    ];
    renderAnalysis(
      inReview({
        status: 'Completed',
        resultVersion: 2,
        residues: [testResidue({ value: 0.12 })],
        computedCompliant: true,
        compliant: true,
        report: {
          fileName: 'rapport.pdf',
          size: 1000,
          sha256: 'b'.repeat(64),
          uploadedAt: '2026-03-12T16:00:00.000Z',
        },
      }),
      'NationalObserver',
      { [`GET ${path}/versions`]: () => json(versions) },
    );
    await heading();
    expect(screen.getAllByTestId('compliance-badge')[0]?.textContent).toBe('Conforme');
    const history = await screen.findByTestId('analysis-versions');
    const details = await within(history).findAllByRole('group');
    expect(details).toHaveLength(2);
    expect(details[0]?.hasAttribute('open')).toBe(true);
    expect(details[1]?.hasAttribute('open')).toBe(false);
    expect(details[0]?.textContent).toContain('Version 2 (en vigueur)');
    expect(details[0]?.textContent).toContain('Motif : Erreur de report.');
    expect(details[1]?.textContent).toContain('Version 1 — Import de fichier');
    expect(details[1]?.textContent).toContain('non conforme');
    // a national observer may download the imported file
    expect(
      within(details[1]!).getByRole('link', { name: 'Fichier importé' }).getAttribute('href'),
    ).toBe(`/api/analysis-imports/${importId}/file`);
    expect(within(details[0]!).queryByText('Fichier importé')).toBeNull();
    expect(screen.getByTestId('analysis-report').textContent).toContain('rapport.pdf');
    for (const name of [
      'Enregistrer la réception',
      'Corriger les résultats',
      'Confirmer le verdict',
      'Corriger le verdict',
      'Demander une contre-analyse',
      'Réévaluer',
    ])
      expect(screen.queryByRole('button', { name })).toBeNull();
    expect(screen.queryByLabelText(/Déposer le rapport/)).toBeNull();
  });

  it('answers an unknown analysis with « Analyse introuvable »', async () => {
    mockApi({ [`GET ${path}`]: () => apiError(404, 'NotFound', 'Analyse introuvable.') });
    renderWithProviders(
      <Routes>
        <Route path="/analyses/:analysisId" element={<AnalysisPage />} />
      </Routes>,
      { user: testUser('LaboratoryUser'), path: `/analyses/${analysisId}` },
    );
    expect(await screen.findByRole('heading', { name: 'Analyse introuvable' })).toBeDefined();
    cleanup();
    renderWithProviders(
      <Routes>
        <Route path="/analyses/:analysisId" element={<AnalysisPage />} />
      </Routes>,
      { user: testUser('LaboratoryUser'), path: '/analyses/pas-un-id' },
    );
    expect(await screen.findByRole('heading', { name: 'Analyse introuvable' })).toBeDefined();
  });
});
