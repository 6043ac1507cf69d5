import type { AnalysisPage as AnalysisPageData, AnalysisStatus } from '@maestro/shared/schema';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRoutes } from '../../app/routes';
import { renderWithProviders, testUser } from '../../test/render';
import AnalysesPage, { analysesFiltersOf } from './AnalysesPage';
import { json, listItem, mockApi } from './testData';

configure({ asyncUtilTimeout: 5000 });

const counts: Record<AnalysisStatus, number> = {
  Sent: 3,
  NotAdmissible: 1,
  Analysis: 2,
  InReview: 4,
  Completed: 12,
};

const page = (total = 42): AnalysisPageData => ({
  items: [
    listItem({}),
    listItem({
      id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      copyReference: 'ARA-26-00042-A-2',
      status: 'Completed',
      compliant: true,
      counterAnalysis: true,
      mrlChanged: true,
      matrixCode: null,
      matrixFreeText: 'Pommes à cidre',
      receivedAt: null,
    }),
  ],
  total,
  page: 1,
  perPage: 20,
  statusCounts: counts,
});

let listAnswer: () => Response = () => json(page());
let api = mockApi({});
beforeEach(() => {
  listAnswer = () => json(page());
  api = mockApi({ 'GET /api/analyses': () => listAnswer() });
});
afterEach(cleanup);

/** The query of the last list request. */
const lastListQuery = (): Record<string, string | string[] | undefined> => {
  const last = api.callsOf('GET', '/api/analyses').at(-1);
  if (!last) throw new Error('no list request');
  const params = new URLSearchParams(last.url.split('?')[1] ?? '');
  return { ...Object.fromEntries(params), status: params.getAll('status') };
};

const renderPage = (path = '/analyses', role: Parameters<typeof testUser>[0] = 'LaboratoryUser') =>
  renderWithProviders(<AnalysesPage />, { user: testUser(role), path });

describe('the filters of the address', () => {
  it('reads the status, the reference, the compliance and the page, ignoring malformed values', () => {
    expect(
      analysesFiltersOf(
        new URLSearchParams('statut=Sent&reference=+ARA-26+&conformite=non-conforme&page=3'),
      ),
    ).toEqual({ status: ['Sent'], reference: 'ARA-26', compliant: false, page: 3, perPage: 20 });
    expect(analysesFiltersOf(new URLSearchParams('statut=Nope&conformite=oui&page=-2'))).toEqual({
      page: 1,
      perPage: 20,
    });
  });

  it('opens a reviewer’s list on « À valider », unless every status is asked for', () => {
    expect(analysesFiltersOf(new URLSearchParams(''), 'InReview').status).toEqual(['InReview']);
    expect(
      analysesFiltersOf(new URLSearchParams('statut=tous'), 'InReview').status,
    ).toBeUndefined();
    expect(analysesFiltersOf(new URLSearchParams('statut=Completed'), 'InReview').status).toEqual([
      'Completed',
    ]);
  });
});

describe('the analyses page', () => {
  it('lists the copies with their status, verdict, counter-analysis and MRL tags', async () => {
    renderPage();
    const row = await screen.findByTestId('analysis-ARA-26-00042-A-1');
    expect(within(row).getByRole('link', { name: 'ARA-26-00042-A-1' }).getAttribute('href')).toBe(
      '/analyses/3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    );
    expect(row.textContent).toContain('Pommes');
    expect(row.textContent).toContain('10/03/2026');
    expect(row.textContent).toContain('11/03/2026');
    expect(row.textContent).toContain('À valider');
    const verdict = within(row).getByTestId('compliance-badge');
    expect(verdict.textContent).toBe('Non conforme');
    expect(verdict.className).toContain('fr-badge--error');

    const other = screen.getByTestId('analysis-ARA-26-00042-A-2');
    expect(other.textContent).toContain('Pommes à cidre');
    expect(within(other).getByTestId('compliance-badge').textContent).toBe('Conforme');
    expect(within(other).getByText('Contre-analyse')).toBeDefined();
    expect(within(other).getByText('LMR modifiée')).toBeDefined();
    expect(screen.getByTestId('analyses-count').textContent).toBe('42 analyses');
    expect(screen.getByRole('navigation', { name: /pagination/i })).toBeDefined();
    // the laboratory imports results from here; it sees no laboratory column
    expect(screen.getByRole('link', { name: 'Importer des résultats' }).getAttribute('href')).toBe(
      '/analyses/import',
    );
    expect(screen.queryByRole('columnheader', { name: 'Laboratoire' })).toBeNull();
  });

  it('shows the counts per status, and asks the API with the filters of the address', async () => {
    renderPage('/analyses?statut=Analysis&reference=ARA-26&conformite=conforme&page=2');
    const tags = await screen.findByTestId('analysis-status-counts');
    expect(
      within(tags)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual([
      'Tous les statuts : 22',
      'À réceptionner : 3',
      'Non recevable : 1',
      'En cours d’analyse : 2',
      'À valider : 4',
      'Terminée : 12',
    ]);
    expect(screen.getByTestId('analysis-status-Analysis')).toHaveProperty('ariaPressed', 'true');
    expect(lastListQuery()).toEqual({
      status: ['Analysis'],
      reference: 'ARA-26',
      compliant: 'true',
      page: '2',
      perPage: '20',
    });
    expect(screen.getByLabelText(/^Référence/)).toHaveProperty('value', 'ARA-26');
    // the exports carry the same filters, not the page
    const csv = screen.getByRole('link', { name: 'Exporter (CSV)' }).getAttribute('href') ?? '';
    expect(csv.startsWith('/api/analyses/export?')).toBe(true);
    const exported = new URLSearchParams(csv.split('?')[1]);
    expect(Object.fromEntries(exported)).toEqual({
      status: 'Analysis',
      reference: 'ARA-26',
      compliant: 'true',
      format: 'csv',
    });
    expect(screen.getByRole('link', { name: 'Exporter (XLSX)' }).getAttribute('href')).toContain(
      'format=xlsx',
    );

    fireEvent.click(screen.getByTestId('analysis-status-Sent'));
    await waitFor(() => expect(lastListQuery().status).toEqual(['Sent']));
    expect(lastListQuery().page).toBe('1');
    fireEvent.change(screen.getByLabelText('Conformité'), { target: { value: 'non-conforme' } });
    await waitFor(() => expect(lastListQuery().compliant).toBe('false'));
    fireEvent.change(screen.getByLabelText(/^Référence/), { target: { value: ' ARA-26-00042 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() => expect(lastListQuery().reference).toBe('ARA-26-00042'));
    fireEvent.click(screen.getByTestId('analysis-status-all'));
    await waitFor(() => expect(lastListQuery().status).toEqual([]));
    const all = screen.getByTestId('analyses-export-csv').getAttribute('href') ?? '';
    expect(Object.fromEntries(new URLSearchParams(all.split('?')[1]))).toEqual({
      reference: 'ARA-26-00042',
      compliant: 'false',
      format: 'csv',
    });
  });

  it('opens a coordinator’s list on the analyses to validate, with the laboratory of each', async () => {
    renderPage('/analyses', 'RegionalCoordinator');
    await screen.findByTestId('analysis-ARA-26-00042-A-1');
    expect(lastListQuery().status).toEqual(['InReview']);
    expect(screen.getByTestId('analysis-status-InReview')).toHaveProperty('ariaPressed', 'true');
    expect(screen.getByTestId('analysis-ARA-26-00042-A-1').textContent).toContain('LDA 69');
    expect(screen.queryByRole('link', { name: 'Importer des résultats' })).toBeNull();
    fireEvent.click(screen.getByTestId('analysis-status-all'));
    await waitFor(() => expect(lastListQuery().status).toEqual([]));
    expect(screen.getByTestId('analysis-status-all')).toHaveProperty('ariaPressed', 'true');
  });

  it('says when there is nothing, and when the list could not be loaded', async () => {
    listAnswer = () => json({ ...page(0), items: [] });
    renderPage();
    expect((await screen.findByTestId('analyses-count')).textContent).toBe(
      'Aucune analyse pour l’instant : les prélèvements envoyés à votre laboratoire apparaîtront ici.',
    );
    expect(screen.queryByRole('table')).toBeNull();
    cleanup();

    renderPage('/analyses?reference=XYZ');
    expect((await screen.findByTestId('analyses-count')).textContent).toBe(
      'Aucune analyse ne correspond à ces critères.',
    );
    cleanup();

    listAnswer = () =>
      json({ error: 'InternalError', message: 'Le service est indisponible.', issues: [] }, 500);
    renderPage();
    expect(await screen.findByText('La liste des analyses n’a pas pu être chargée')).toBeDefined();
    expect(screen.getByText('Le service est indisponible.')).toBeDefined();
    listAnswer = () => json(page());
    fireEvent.click(screen.getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findByTestId('analysis-ARA-26-00042-A-1')).toBeDefined();
  });

  it('is reached by its lazy-loaded route', async () => {
    renderWithProviders(<AppRoutes />, { user: testUser('Sampler'), path: '/analyses' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Analyses' })).toBeDefined();
    expect(await screen.findByTestId('analysis-ARA-26-00042-A-1')).toBeDefined();
  });
});
