import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../../app/routes';
import { renderWithProviders, testUser } from '../../test/render';
import LaboratoriesPage from '../laboratories/LaboratoriesPage';
import MrlPage from './MrlPage';

interface Row {
  substanceCode: string;
  matrixCode: string;
  value: number;
  source: string;
  version: number;
  updatedAt: string;
  corrected: boolean;
}

const row = (overrides: Partial<Row>): Row => ({
  substanceCode: 'RF-1020-001-PPP',
  matrixCode: 'A01DJ',
  value: 0.1,
  source: 'Règlement (CE) 396/2005',
  version: 1,
  updatedAt: '2026-01-05T09:00:00.000Z',
  corrected: false,
  ...overrides,
});

// Glyphosate × Pommes, Éthéphon × Pommes (corrected), Glyphosate × Poires
const glyphosateApples = row({ value: 0.05 });
const ethephonApples = row({
  substanceCode: 'RF-0160-001-PPP',
  value: 1500.25,
  source: 'Règlement (UE) 2099/1',
  version: 3,
  updatedAt: '2026-11-20T10:00:00.000Z',
  corrected: true,
});
const glyphosatePears = row({ matrixCode: 'A01DP', value: 0.1 });

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
const apiError = (status: number, error: string, message: string, issues: unknown[] = []) =>
  json({ error, message, issues }, status);

const TABLE = '/api/referential/mrls';
let rows: Row[];
let total: number | null;
let putAnswer: (body: Record<string, unknown>) => Response;
let postAnswer: (body: Record<string, unknown>) => Response;
const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(String(input), 'http://localhost');
  const method = init?.method ?? 'GET';
  if (url.pathname === TABLE && method === 'GET') {
    const q = url.searchParams;
    const items = rows.filter(
      (r) =>
        (!q.get('matrixCode') || r.matrixCode === q.get('matrixCode')) &&
        (!q.get('substanceCode') || r.substanceCode === q.get('substanceCode')),
    );
    return json({
      items,
      total: total ?? items.length,
      page: Number(q.get('page') ?? 1),
      perPage: Number(q.get('perPage') ?? 20),
    });
  }
  if (url.pathname.startsWith(`${TABLE}/`) && method === 'PUT')
    return putAnswer(JSON.parse(String(init?.body)));
  if (url.pathname === TABLE && method === 'POST')
    return postAnswer(JSON.parse(String(init?.body)));
  return Promise.reject(new Error(`Requête inattendue : ${method} ${url}`));
});
vi.stubGlobal('fetch', fetchMock);
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  fetchMock.mockClear();
  rows = [glyphosateApples, ethephonApples, glyphosatePears];
  total = null;
  putAnswer = () => json({});
  postAnswer = () => json({});
});
afterEach(cleanup);

const calls = (method: string) =>
  fetchMock.mock.calls
    .filter(([, init]) => (init?.method ?? 'GET') === method)
    .map(([input, init]) => ({
      url: new URL(String(input), 'http://localhost'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    }));
const lastGet = () => calls('GET').at(-1)!.url;

const renderPage = (path = '/referentiel/lmr') =>
  renderWithProviders(<MrlPage />, { user: testUser('Administrator'), path });

const rowOf = (r: Row) => screen.getByTestId(`mrl-${r.substanceCode}|${r.matrixCode}`);
const cells = (element: HTMLElement) =>
  within(element)
    .getAllByRole('cell')
    .map((cell) => cell.textContent);

/** The described-by text of a field: its error message must be part of it. */
const describedBy = (field: HTMLElement) =>
  (field.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => (id ? document.getElementById(id)?.textContent : ''))
    .join(' ');

describe('the MRL table page', () => {
  it('lists the MRLs with French decimals, their source and the « corrigée » badge', async () => {
    renderPage();
    const corrected = await screen.findByTestId(
      `mrl-${ethephonApples.substanceCode}|${ethephonApples.matrixCode}`,
    );
    expect(within(corrected).getByRole('rowheader').textContent).toBe('ÉthéphonRF-0160-001-PPP');
    expect(cells(corrected).slice(0, 4)).toEqual([
      'Pommes',
      '1\u202f500,25',
      'Règlement (UE) 2099/1',
      'Corrigéele 20/11/2026',
    ]);
    expect(cells(rowOf(glyphosateApples)).slice(1, 4)).toEqual([
      '0,05',
      'Règlement (CE) 396/2005',
      'Valeur d’origine',
    ]);
    expect(screen.getByTestId('mrl-count').textContent).toBe('3 LMR');
    expect(lastGet().searchParams.get('page')).toBe('1');
    expect(lastGet().searchParams.get('perPage')).toBe('20');
  });

  it('filters by matrix and by substance, from the address too, and pages', async () => {
    renderPage('/referentiel/lmr?q=glypho');
    await screen.findByTestId('mrl-count');
    expect(lastGet().searchParams.get('q')).toBe('glypho');
    expect((screen.getByLabelText(/^Substance/) as HTMLInputElement).value).toBe('glypho');

    const matrix = screen.getByLabelText('Matrice') as HTMLSelectElement;
    // the matrices grouped by kind
    const group = within(matrix).getAllByRole('group', { name: 'Fruits à pépins' })[0]!;
    expect(
      within(group)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Pommes', 'Poires']);
    fireEvent.change(matrix, { target: { value: 'A01DP' } });
    await waitFor(() => expect(lastGet().searchParams.get('matrixCode')).toBe('A01DP'));
    expect(lastGet().searchParams.get('q')).toBe('glypho');
    await waitFor(() =>
      expect(screen.getByTestId('mrl-count').textContent).toBe('1 LMR correspond à ces critères.'),
    );
    expect(screen.queryByTestId(`mrl-${glyphosateApples.substanceCode}|A01DJ`)).toBeNull();

    fireEvent.change(screen.getByLabelText(/^Substance/), { target: { value: ' chlorpyriphos ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() => expect(lastGet().searchParams.get('q')).toBe('chlorpyriphos'));

    fireEvent.click(screen.getByRole('button', { name: 'Effacer les filtres' }));
    await waitFor(() => expect(screen.getByTestId('mrl-count').textContent).toBe('3 LMR'));
    expect(lastGet().searchParams.get('matrixCode')).toBeNull();
    expect(lastGet().searchParams.get('q')).toBeNull();

    // 45 rows: three pages
    total = 45;
    cleanup();
    renderPage('/referentiel/lmr?matrice=A01DJ&page=2');
    await screen.findByTestId('mrl-count');
    expect(lastGet().searchParams.get('page')).toBe('2');
    expect(lastGet().searchParams.get('matrixCode')).toBe('A01DJ');
    expect(screen.getByRole('table').querySelector('caption')?.textContent).toBe(
      'Table des LMR, page 2 sur 3',
    );
    const pagination = screen.getByRole('navigation', { name: /pagination/i });
    fireEvent.click(within(pagination).getByRole('link', { name: '3' }));
    await waitFor(() => expect(lastGet().searchParams.get('page')).toBe('3'));
  });

  it('corrects a value typed with a French comma, and reminds what happens to past verdicts', async () => {
    renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Modifier la LMR de Glyphosate pour Pommes' }),
    );
    const form = screen.getByTestId('mrl-edit-form');
    expect(within(form).getByRole('group', { name: 'Modifier la LMR de Glyphosate pour Pommes' }));
    const value = within(form).getByLabelText(/^LMR \(mg\/kg\)/) as HTMLInputElement;
    expect(value.value).toBe('0,05');
    await waitFor(() => expect(document.activeElement).toBe(value));
    expect((within(form).getByLabelText(/^Source/) as HTMLInputElement).value).toBe(
      'Règlement (CE) 396/2005',
    );

    putAnswer = (body) => {
      const updated = { ...glyphosateApples, ...body, version: 2, corrected: true };
      rows = [updated as Row, ethephonApples, glyphosatePears];
      return json(updated);
    };
    fireEvent.change(value, { target: { value: ' 0,15 ' } });
    fireEvent.change(within(form).getByLabelText(/^Source/), {
      target: { value: 'Règlement (UE) 2099/7' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));

    const feedback = await screen.findByTestId('mrl-feedback');
    expect(feedback.textContent).toContain(
      'La LMR de Glyphosate pour Pommes est désormais de 0,15 mg/kg.',
    );
    expect(feedback.textContent).toContain(
      'Les analyses déjà jugées gardent leur verdict : elles affichent « LMR modifiée » jusqu’à ce qu’un coordinateur les réévalue.',
    );
    const [put] = calls('PUT');
    expect(put?.url.pathname).toBe(`${TABLE}/RF-1020-001-PPP/A01DJ`);
    expect(put?.body).toEqual({ value: 0.15, source: 'Règlement (UE) 2099/7', version: 1 });
    expect(screen.queryByTestId('mrl-edit-form')).toBeNull();
    // the table is read again
    await waitFor(() => expect(cells(rowOf(glyphosateApples))[1]).toBe('0,15'));
    expect(cells(rowOf(glyphosateApples))[3]).toContain('Corrigée');
  });

  it('refuses an invalid value or source before sending, the message tied to its field', async () => {
    renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Modifier la LMR de Glyphosate pour Pommes' }),
    );
    const form = screen.getByTestId('mrl-edit-form');
    const value = within(form).getByLabelText(/^LMR \(mg\/kg\)/);
    const source = within(form).getByLabelText(/^Source/);
    fireEvent.change(value, { target: { value: 'douze' } });
    fireEvent.change(source, { target: { value: '  ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    expect(describedBy(value)).toContain(
      'Indiquez la LMR en mg/kg (valeur numérique, par exemple 0,05).',
    );
    expect(describedBy(source)).toContain(
      'Indiquez la source de la LMR (règlement, date de publication…).',
    );
    await waitFor(() => expect(document.activeElement).toBe(value));

    fireEvent.change(value, { target: { value: '0' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    expect(describedBy(value)).toContain('La LMR doit être strictement positive.');
    fireEvent.change(value, { target: { value: '100000,5' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    expect(describedBy(value)).toContain('La LMR ne peut pas dépasser 100 000 mg/kg.');
    expect(calls('PUT')).toHaveLength(0);

    // cancelling gives the focus back to the row's button
    fireEvent.click(within(form).getByRole('button', { name: 'Annuler' }));
    expect(screen.queryByTestId('mrl-edit-form')).toBeNull();
    await waitFor(() =>
      expect(document.activeElement?.textContent).toBe('Modifier la LMR de Glyphosate pour Pommes'),
    );
  });

  it('says when someone corrected the MRL meanwhile (409) and resends with the version reloaded', async () => {
    renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Modifier la LMR de Glyphosate pour Pommes' }),
    );
    const form = screen.getByTestId('mrl-edit-form');
    putAnswer = () =>
      apiError(
        409,
        'VersionConflict',
        'Cette LMR a été modifiée entre-temps par quelqu’un d’autre : rechargez-la avant de la corriger.',
      );
    fireEvent.change(within(form).getByLabelText(/^LMR \(mg\/kg\)/), {
      target: { value: '0.2' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    expect((await within(form).findByRole('alert')).textContent).toContain(
      'La correction a été refusée : Cette LMR a été modifiée entre-temps par quelqu’un d’autre : rechargez-la avant de la corriger.',
    );

    rows = [{ ...glyphosateApples, value: 0.3, source: 'Autre correction', version: 2 }];
    fireEvent.click(within(form).getByRole('button', { name: 'Recharger la valeur actuelle' }));
    expect(
      await within(form).findByText(
        'Valeur enregistrée entre-temps : 0,3 mg/kg (Autre correction). Vérifiez votre correction puis enregistrez-la de nouveau.',
      ),
    ).toBeDefined();
    const reload = lastGet().searchParams;
    expect([reload.get('substanceCode'), reload.get('matrixCode')]).toEqual([
      'RF-1020-001-PPP',
      'A01DJ',
    ]);
    // what the administrator typed stays
    expect((within(form).getByLabelText(/^LMR \(mg\/kg\)/) as HTMLInputElement).value).toBe('0.2');

    putAnswer = (body) => json({ ...glyphosateApples, ...body, version: 3, corrected: true });
    fireEvent.click(within(form).getByRole('button', { name: 'Enregistrer la correction' }));
    await screen.findByTestId('mrl-feedback');
    expect(calls('PUT').map((c) => c.body.version)).toEqual([1, 2]);
  });

  it('adds an MRL, with the messages of its fields and of a refusal', async () => {
    renderPage('/referentiel/lmr?matrice=A01DP');
    await screen.findByTestId('mrl-count');
    const toggle = screen.getByRole('button', { name: 'Ajouter une LMR' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const form = screen.getByTestId('mrl-add-form');
    const substance = within(form).getByLabelText('Substance') as HTMLSelectElement;
    const matrix = within(form).getByLabelText('Matrice') as HTMLSelectElement;
    // the matrix of the filter is proposed
    expect(matrix.value).toBe('A01DP');
    fireEvent.change(matrix, { target: { value: '' } });

    fireEvent.click(within(form).getByRole('button', { name: 'Ajouter la LMR' }));
    expect(describedBy(substance)).toContain('Choisissez la substance.');
    expect(describedBy(matrix)).toContain('Choisissez la matrice.');
    expect(describedBy(within(form).getByLabelText(/^LMR \(mg\/kg\)/))).toContain(
      'Indiquez la LMR en mg/kg',
    );
    expect(describedBy(within(form).getByLabelText(/^Source/))).toContain(
      'Indiquez la source de la LMR',
    );
    await waitFor(() => expect(document.activeElement).toBe(substance));
    expect(calls('POST')).toHaveLength(0);

    fireEvent.change(substance, { target: { value: 'RF-0160-001-PPP' } });
    fireEvent.change(matrix, { target: { value: 'A01DP' } });
    fireEvent.change(within(form).getByLabelText(/^LMR \(mg\/kg\)/), {
      target: { value: '0,8' },
    });
    fireEvent.change(within(form).getByLabelText(/^Source/), {
      target: { value: 'Règlement (UE) 2099/8' },
    });
    postAnswer = () =>
      apiError(
        409,
        'Conflict',
        'La table contient déjà une LMR pour cette substance et cette matrice : corrigez-la plutôt.',
        [{ path: 'body.substanceCode', message: 'LMR déjà présente pour cette matrice.' }],
      );
    fireEvent.click(within(form).getByRole('button', { name: 'Ajouter la LMR' }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'L’ajout a été refusé : La table contient déjà une LMR pour cette substance et cette matrice : corrigez-la plutôt.',
    );
    expect(describedBy(substance)).toContain('LMR déjà présente pour cette matrice.');

    postAnswer = (body) => json({ ...row({}), ...body, version: 2, corrected: true }, 201);
    fireEvent.click(within(form).getByRole('button', { name: 'Ajouter la LMR' }));
    const feedback = await screen.findByTestId('mrl-feedback');
    expect(feedback.textContent).toContain(
      'La LMR de Éthéphon pour Poires est ajoutée : 0,8 mg/kg.',
    );
    expect(feedback.textContent).toContain('« LMR modifiée »');
    expect(calls('POST').at(-1)?.body).toEqual({
      substanceCode: 'RF-0160-001-PPP',
      matrixCode: 'A01DP',
      value: 0.8,
      source: 'Règlement (UE) 2099/8',
    });
    expect(screen.queryByTestId('mrl-add-form')).toBeNull();
  });

  it('is the administrator’s, reached from the laboratories page, and lazy-loaded by its routes', async () => {
    renderWithProviders(<AppRoutes />, {
      user: testUser('NationalCoordinator'),
      path: '/referentiel/lmr',
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Accès refusé' })).toBeDefined();
    cleanup();
    renderWithProviders(<AppRoutes />, {
      user: testUser('Administrator'),
      path: '/referentiel/lmr',
    });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Limites maximales de résidus (LMR)' }),
    ).toBeDefined();
    cleanup();
    renderWithProviders(<LaboratoriesPage />, {
      user: testUser('Administrator'),
      path: '/laboratoires',
    });
    expect(
      screen.getByRole('link', { name: 'Limites maximales de résidus (LMR)' }).getAttribute('href'),
    ).toBe('/referentiel/lmr');
  });
});
