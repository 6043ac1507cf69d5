import type { SampleListItem, SamplePage, SampleStatus } from '@maestro/shared/schema';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, testLaboratory, testUser } from '../../test/render';
import SamplesPage, { samplesFiltersOf } from './SamplesPage';

const planId = '5d3b9a3c-7f0e-4d6f-9c55-1c1d2e3f4a5b';
const samplerId = '2c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f';

const item = (overrides: Partial<SampleListItem>): SampleListItem => ({
  id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  reference: 'ARA-26-00042',
  status: 'Sent',
  step: 'Summary',
  programmingPlanId: planId,
  context: 'Surveillance',
  regionCode: '84',
  departmentCode: '69',
  matrixKindCode: 'A01DH',
  matrixCode: 'A01DJ',
  matrixFreeText: null,
  companyName: 'Vergers du Lyonnais',
  companySiret: '35600000000048',
  sampledAt: '2026-03-10T09:00:00.000Z',
  laboratoryId: testLaboratory.id,
  sampler: { id: samplerId, firstName: 'Léa', lastName: 'Fontaine' },
  updatedAt: '2026-03-12T10:00:00.000Z',
  compliant: null,
  ...overrides,
});

const counts: Record<SampleStatus, number> = {
  Draft: 2,
  Submitted: 1,
  Sent: 3,
  NotAdmissible: 0,
  Analysis: 5,
  InReview: 0,
  Completed: 31,
};

const page = (total = 42): SamplePage => ({
  items: [
    item({}),
    item({
      id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      reference: 'ARA-26-00043',
      status: 'Completed',
      companyName: 'Ferme Martin',
      companySiret: null,
      matrixCode: null,
    }),
  ],
  total,
  page: 1,
  perPage: 20,
  statusCounts: counts,
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

let listAnswer: () => Response = () => json(page());
const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
  const url = String(input);
  if (url.startsWith('/api/samples/locations'))
    return json({
      items: [
        {
          id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
          reference: 'ARA-26-00042',
          status: 'Sent',
          companyName: 'Vergers du Lyonnais',
          latitude: 45.76,
          longitude: 4.84,
        },
        {
          id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
          reference: 'REU-26-00007',
          status: 'Completed',
          companyName: null,
          latitude: -21.1,
          longitude: 55.5,
        },
      ],
      truncated: true,
    });
  if (url.startsWith('/api/samples')) return listAnswer();
  if (url.startsWith('/api/programming-plans'))
    return json([
      {
        id: planId,
        year: 2026,
        kind: 'PPV',
        distributionKind: 'REGIONAL',
        status: 'Validated',
        regionalStatuses: [],
        version: 3,
        createdAt: '2025-10-01T10:00:00.000Z',
        updatedAt: '2025-12-01T10:00:00.000Z',
      },
    ]);
  return json({ error: 'NotFound', message: 'Introuvable.', issues: [] }, 404);
});
vi.stubGlobal('fetch', fetchMock);
// the map and the pages are lazy chunks: on a busy machine they take more than a second
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  fetchMock.mockClear();
  listAnswer = () => json(page());
});
afterEach(cleanup);

/** The query of the last list request. */
const lastListQuery = (): Record<string, string | string[] | undefined> => {
  const calls = fetchMock.mock.calls
    .map(([input]) => String(input))
    .filter((url) => /^\/api\/samples(\?|$)/.test(url));
  const last = calls.at(-1);
  if (!last) throw new Error('no list request');
  const params = new URLSearchParams(last.split('?')[1] ?? '');
  return {
    ...Object.fromEntries(params),
    status: params.getAll('status'),
  };
};

function renderPage(
  path = '/prelevements',
  role: Parameters<typeof testUser>[0] = 'NationalCoordinator',
) {
  return renderWithProviders(<SamplesPage />, { user: testUser(role), path });
}

describe('the filters of the address', () => {
  it('reads every filter, ignoring malformed values', () => {
    const query = samplesFiltersOf(
      new URLSearchParams(
        `plan=${planId}&statut=Sent&statut=Nope&statut=Draft&region=84&departement=69&categorie=A01DH&matrice=A01DJ&preleveur=${samplerId}&du=2026-01-01&au=2026-13-45&entreprise=+Ferme+&reference=ARA&q=pommes&tri=-sampledAt&page=3`,
      ),
    );
    expect(query).toEqual({
      programmingPlanId: planId,
      status: ['Sent', 'Draft'],
      regionCode: '84',
      departmentCode: '69',
      matrixKindCode: 'A01DH',
      matrixCode: 'A01DJ',
      samplerId,
      sampledFrom: '2026-01-01',
      company: 'Ferme',
      reference: 'ARA',
      q: 'pommes',
      sort: '-sampledAt',
      page: 3,
      perPage: 20,
    });
    expect(samplesFiltersOf(new URLSearchParams('region=99&plan=abc&tri=nope&page=-1'))).toEqual({
      sort: '-updatedAt',
      page: 1,
      perPage: 20,
    });
  });
});

describe('the samples page', () => {
  it('asks the API with the filters of the address', async () => {
    renderPage('/prelevements?statut=Sent&statut=Analysis&region=84&q=ferme&tri=reference&page=2');
    await screen.findByText('ARA-26-00042');
    expect(lastListQuery()).toEqual({
      status: ['Sent', 'Analysis'],
      regionCode: '84',
      q: 'ferme',
      sort: 'reference',
      page: '2',
      perPage: '20',
    });
    expect(screen.getByLabelText(/^Rechercher/)).toHaveProperty('value', 'ferme');
    expect(screen.getByLabelText('Région')).toHaveProperty('value', '84');
  });

  it('shows the counts per status, the total and the rows linking to each sample', async () => {
    renderPage();
    const tags = await screen.findByTestId('status-counts');
    const labels = within(tags)
      .getAllByRole('button')
      .map((button) => button.textContent);
    expect(labels).toEqual([
      'Tous les statuts',
      'Brouillon : 2',
      'À envoyer : 1',
      'Transmis au laboratoire : 3',
      'Non recevable : 0',
      'En cours d’analyse : 5',
      'À valider : 0',
      'Terminé : 31',
    ]);
    expect(within(tags).getByRole('button', { name: 'Tous les statuts' })).toHaveProperty(
      'ariaPressed',
      'true',
    );
    expect(screen.getByTestId('samples-count').textContent).toBe('42 prélèvements');
    const row = screen.getByTestId('sample-ARA-26-00042');
    expect(within(row).getByRole('link', { name: 'ARA-26-00042' }).getAttribute('href')).toBe(
      '/prelevements/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
    );
    expect(row.textContent).toContain('Transmis au laboratoire');
    expect(row.textContent).toContain('10/03/2026 10:00');
    expect(row.textContent).toContain('Pommes');
    expect(row.textContent).toContain('69 – Rhône');
    expect(row.textContent).toContain('SIRET 35600000000048');
    // without a matrix, the matrix kind names what was sampled
    expect(screen.getByTestId('sample-ARA-26-00043').textContent).toContain('Fruits à pépins');
    // 42 samples: three pages
    expect(screen.getByRole('navigation', { name: /pagination/i })).toBeDefined();
  });

  it('filters by status from the counts, and clears the status filter', async () => {
    renderPage('/prelevements?page=2');
    fireEvent.click(await screen.findByTestId('status-count-Sent'));
    await waitFor(() => expect(lastListQuery().status).toEqual(['Sent']));
    expect(lastListQuery().page).toBe('1');
    expect(screen.getByTestId('status-count-Sent')).toHaveProperty('ariaPressed', 'true');
    fireEvent.click(screen.getByTestId('status-count-Completed'));
    await waitFor(() => expect(lastListQuery().status).toEqual(['Sent', 'Completed']));
    fireEvent.click(screen.getByRole('button', { name: 'Tous les statuts' }));
    await waitFor(() => expect(lastListQuery().status).toEqual([]));
  });

  it('applies a list at once and the text filters on search', async () => {
    renderPage();
    await screen.findByText('ARA-26-00042');
    fireEvent.change(screen.getByLabelText('Région'), { target: { value: '84' } });
    await waitFor(() => expect(lastListQuery().regionCode).toBe('84'));
    // the departments of the chosen region only
    const departments = within(screen.getByLabelText('Département'))
      .getAllByRole('option')
      .map((option) => option.getAttribute('value'));
    expect(departments).toContain('69');
    expect(departments).not.toContain('75');
    fireEvent.change(screen.getByLabelText('Département'), { target: { value: '69' } });
    fireEvent.change(screen.getByLabelText('Catégorie de matrice'), {
      target: { value: 'A01DH' },
    });
    fireEvent.change(screen.getByLabelText('Prélevé à partir du'), {
      target: { value: '2026-02-01' },
    });
    fireEvent.change(screen.getByLabelText('Trier par'), { target: { value: '-sampledAt' } });
    fireEvent.change(screen.getByLabelText(/^Rechercher/), { target: { value: ' pommes ' } });
    fireEvent.change(screen.getByLabelText(/^Entreprise/), { target: { value: '3560' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() =>
      expect(lastListQuery()).toEqual({
        status: [],
        regionCode: '84',
        departmentCode: '69',
        matrixKindCode: 'A01DH',
        sampledFrom: '2026-02-01',
        company: '3560',
        q: 'pommes',
        sort: '-sampledAt',
        page: '1',
        perPage: '20',
      }),
    );
    expect(screen.getByTestId('samples-count').textContent).toBe(
      '42 prélèvements correspondent à ces critères.',
    );
    // the exports carry the same filters, not the page
    const csv = screen.getByTestId('export-csv').getAttribute('href') ?? '';
    const params = new URLSearchParams(csv.split('?')[1]);
    expect(csv.startsWith('/api/samples/export?')).toBe(true);
    expect(Object.fromEntries(params)).toEqual({
      regionCode: '84',
      departmentCode: '69',
      matrixKindCode: 'A01DH',
      sampledFrom: '2026-02-01',
      company: '3560',
      q: 'pommes',
      sort: '-sampledAt',
      format: 'csv',
    });
    expect(screen.getByTestId('export-xlsx').getAttribute('href')).toContain('format=xlsx');
    fireEvent.click(screen.getByRole('button', { name: 'Effacer les filtres' }));
    await waitFor(() => expect(screen.getByLabelText('Région')).toHaveProperty('value', ''));
    expect(screen.getByLabelText(/^Rechercher/)).toHaveProperty('value', '');
    expect(screen.getByTestId('samples-count').textContent).toBe('42 prélèvements');
  });

  it('offers a sampler the creation and their own samples, never a region', async () => {
    renderPage('/prelevements', 'Sampler');
    await screen.findByText('ARA-26-00042');
    expect(screen.getByRole('link', { name: 'Nouveau prélèvement' }).getAttribute('href')).toBe(
      '/prelevements/nouveau',
    );
    expect(screen.queryByLabelText('Région')).toBeNull();
    expect(screen.queryByLabelText('Département')).toBeNull();
    fireEvent.click(screen.getByLabelText('Uniquement mes prélèvements'));
    await waitFor(() => expect(lastListQuery().samplerId).toBe(testUser('Sampler').id));
    expect(
      await screen.findByRole('button', { name: 'Retirer le filtre « Mes prélèvements »' }),
    ).toBeDefined();
  });

  it('shows a laboratory neither the creation nor the states before sending', async () => {
    renderPage('/prelevements', 'LaboratoryUser');
    const tags = await screen.findByTestId('status-counts');
    expect(within(tags).queryByText(/Brouillon/)).toBeNull();
    expect(within(tags).queryByText(/À envoyer/)).toBeNull();
    expect(screen.queryByRole('link', { name: 'Nouveau prélèvement' })).toBeNull();
    expect(screen.queryByLabelText('Plan de programmation')).toBeNull();
  });

  it('says when nothing matches, and when the list could not be loaded', async () => {
    listAnswer = () => json({ ...page(0), items: [] });
    renderPage('/prelevements?q=introuvable');
    expect((await screen.findByTestId('samples-count')).textContent).toBe(
      'Aucun prélèvement ne correspond à ces critères.',
    );
    expect(screen.queryByRole('table')).toBeNull();
    cleanup();

    listAnswer = () =>
      json({ error: 'InternalError', message: 'Le service est indisponible.', issues: [] }, 500);
    renderPage();
    expect(
      await screen.findByText('La liste des prélèvements n’a pas pu être chargée'),
    ).toBeDefined();
    listAnswer = () => json(page());
    fireEvent.click(screen.getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findByText('ARA-26-00042')).toBeDefined();
  });

  it('draws the places on a map, with the same places as a table', async () => {
    renderPage('/prelevements?vue=carte&statut=Sent');
    const map = await screen.findByTestId('samples-map');
    const call = fetchMock.mock.calls
      .map(([input]) => String(input))
      .find((url) => url.startsWith('/api/samples/locations'));
    expect(call).toBe('/api/samples/locations?status=Sent');
    expect(map.querySelectorAll('circle.maestro-map__point')).toHaveLength(2);
    expect(within(map).getByRole('img', { name: 'Carte des lieux de prélèvement' })).toBeDefined();
    expect(map.textContent).toContain('Seuls les 5 000 prélèvements');
    const table = within(screen.getByTestId('samples-map-table')).getByRole('table');
    expect(within(table).getByRole('link', { name: 'REU-26-00007' })).toBeDefined();
    expect(table.textContent).toContain('Terminé');
  });
});
