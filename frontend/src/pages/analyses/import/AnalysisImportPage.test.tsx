import type { ImportLine, ImportLinePage, ImportSummary } from '@maestro/shared/schema';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../../../app/routes';
import { renderWithProviders, testLaboratory, testUser } from '../../../test/render';
import AnalysisImportPage from './AnalysisImportPage';

const importId = '3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b';

const summary = (overrides: Partial<ImportSummary> = {}): ImportSummary => ({
  id: importId,
  laboratoryId: testLaboratory.id,
  fileName: 'résultats mars.csv',
  encoding: 'windows-1252',
  delimiter: ';',
  status: 'Previewed',
  lineCount: 14,
  counts: { Write: 12, Warning: 2, Error: 0 },
  analysisCount: 5,
  existingCount: 0,
  createdAt: '2026-03-12T10:00:00.000Z',
  committedAt: null,
  writtenResidues: null,
  ...overrides,
});

const line = (overrides: Partial<ImportLine>): ImportLine => ({
  line: 2,
  copyReference: 'ARA-26-00042-A-1',
  substanceCode: 'RF-1020-001-PPP',
  kind: 'Q',
  value: '0,05',
  outcome: 'Write',
  messages: [],
  existing: false,
  ...overrides,
});

const linePage = (items: ImportLine[], total = items.length): ImportLinePage => ({
  items,
  total,
  page: 1,
  perPage: 50,
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

interface Answers {
  upload: () => Response | Promise<Response>;
  summary: () => Response;
  lines: () => Response;
  commit: () => Response;
}
let answers: Answers;
const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = String(input);
  const method = init?.method ?? 'GET';
  if (method === 'POST' && /^\/api\/analysis-imports\?/.test(url)) return answers.upload();
  if (method === 'POST' && url === `/api/analysis-imports/${importId}/commit`)
    return answers.commit();
  if (url.startsWith(`/api/analysis-imports/${importId}/lines`)) return answers.lines();
  if (url === `/api/analysis-imports/${importId}`) return answers.summary();
  return Promise.reject(new Error(`Requête inattendue : ${method} ${url}`));
});
vi.stubGlobal('fetch', fetchMock);
// the lazy pages of the routes take more than a second on a busy machine
configure({ asyncUtilTimeout: 5000 });

const errorLines = linePage([
  line({}),
  line({
    line: 3,
    copyReference: 'ARA-26-00099-A-1',
    outcome: 'Error',
    messages: ['Référence inconnue : aucun exemplaire ARA-26-00099-A-1 adressé au laboratoire.'],
  }),
  line({
    line: 4,
    substanceCode: 'RF-9999-999-PPP',
    kind: 'Q',
    value: '',
    outcome: 'Error',
    messages: ['Substance inconnue.', 'Indiquez la valeur mesurée d’un résidu quantifié.'],
  }),
]);

beforeEach(() => {
  fetchMock.mockClear();
  answers = {
    upload: () => json(summary(), 201),
    summary: () => json(summary()),
    lines: () => json(linePage([line({})])),
    commit: () =>
      json(
        summary({
          status: 'Committed',
          committedAt: '2026-03-12T10:05:00.000Z',
          writtenResidues: 14,
        }),
      ),
  };
});
afterEach(cleanup);

const calls = (pattern: RegExp, method = 'GET') =>
  fetchMock.mock.calls.filter(
    ([input, init]) => pattern.test(String(input)) && (init?.method ?? 'GET') === method,
  );

function renderPage(path = '/analyses/import') {
  return renderWithProviders(<AnalysisImportPage />, { user: testUser('LaboratoryUser'), path });
}

function chooseFile(file: File) {
  fireEvent.change(screen.getByLabelText(/^Fichier de résultats/), { target: { files: [file] } });
}

const csvBytes = new Uint8Array([
  ...new TextEncoder().encode('reference_echantillon;code_substance;resultat;valeur\n'),
  // « ARA-26-00042;RF-1020-001-PPP;Q;0,05 » then a windows-1252 « é » (0xE9)
  ...new TextEncoder().encode('ARA-26-00042;RF-1020-001-PPP;Q;0,05;'),
  0xe9,
  0x0a,
]);

describe('the result import page', () => {
  it('explains the expected file and offers the templates', () => {
    renderPage();
    expect(screen.getByRole('heading', { level: 1, name: 'Importer des résultats' })).toBeDefined();
    const columns = within(
      screen.getByRole('table', { name: 'Colonnes du fichier de résultats' }),
    ).getAllByRole('rowheader');
    expect(columns.map((cell) => cell.textContent)).toEqual([
      'reference_echantillon',
      'code_substance',
      'resultat',
      'valeur',
      'unite',
      'lq',
      'lmr',
      'incertitude',
      'date_analyse',
      'commentaire',
    ]);
    expect(document.body.textContent).toContain('virgule décimale');
    expect(screen.getByTestId('import-template-csv').getAttribute('href')).toBe(
      '/api/analysis-imports/template?format=csv',
    );
    expect(screen.getByTestId('import-template-xlsx').getAttribute('href')).toBe(
      '/api/analysis-imports/template?format=xlsx',
    );
    expect(screen.getByLabelText(/^Fichier de résultats/).getAttribute('accept')).toBe(
      '.csv,.xlsx,.txt',
    );
    const encodings = within(screen.getByLabelText(/^Encodage du fichier/))
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(encodings).toEqual(['Détection automatique', 'UTF-8', 'Windows-1252 (Excel français)']);
  });

  it('sends the file bytes with its name and encoding, showing the pending check', async () => {
    let answer: (response: Response) => void = () => {};
    answers.upload = () =>
      new Promise<Response>((resolve) => {
        answer = resolve;
      });
    renderPage();
    chooseFile(new File([csvBytes], 'résultats mars.csv', { type: 'application/vnd.ms-excel' }));
    fireEvent.change(screen.getByLabelText(/^Encodage du fichier/), {
      target: { value: 'windows-1252' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Contrôler le fichier' }));

    await waitFor(() => expect(calls(/^\/api\/analysis-imports\?/, 'POST')).toHaveLength(1));
    const [[url, init]] = calls(/^\/api\/analysis-imports\?/, 'POST') as [[string, RequestInit]];
    const query = new URLSearchParams(url.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({
      fileName: 'résultats mars.csv',
      encoding: 'windows-1252',
    });
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/vnd.ms-excel');
    const sent = new Uint8Array(await (init.body as Blob).arrayBuffer());
    expect(Array.from(sent)).toEqual(Array.from(csvBytes));

    // while the server checks the file
    expect(
      (screen.getByRole('button', { name: 'Contrôle en cours…' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(screen.getByTestId('import-progress').textContent).toContain(
      'Envoi et contrôle de « résultats mars.csv »',
    );

    answer(json(summary(), 201));
    const preview = await screen.findByTestId('import-preview');
    expect(within(preview).getByRole('heading', { level: 2 }).textContent).toBe(
      'Contrôle du fichier « résultats mars.csv »',
    );
    expect(screen.getByTestId('import-progress').textContent).toBe('');
    // the preview is read from the upload's answer, not fetched again
    expect(calls(new RegExp(`^/api/analysis-imports/${importId}$`))).toHaveLength(0);
    expect(await screen.findByTestId('import-line-2')).toBeDefined();
  });

  it('refuses a missing, foreign or empty file before sending anything', () => {
    renderPage();
    const check = screen.getByRole('button', { name: 'Contrôler le fichier' });
    fireEvent.click(check);
    expect(document.body.textContent).toContain('Choisissez le fichier de résultats à contrôler.');
    chooseFile(new File(['%PDF-1.7'], 'rapport.pdf', { type: 'application/pdf' }));
    fireEvent.click(check);
    expect(document.body.textContent).toContain('Ce type de fichier n’est pas accepté');
    chooseFile(new File([], 'vide.csv', { type: 'text/csv' }));
    fireEvent.click(check);
    expect(document.body.textContent).toContain('Ce fichier est vide.');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('shows why the server refused the file', async () => {
    answers.upload = () =>
      json(
        {
          error: 'ValidationError',
          message: 'Colonne manquante : code_substance.',
          issues: [],
        },
        400,
      );
    renderPage();
    chooseFile(new File([csvBytes], 'résultats.csv', { type: 'text/csv' }));
    fireEvent.click(screen.getByRole('button', { name: 'Contrôler le fichier' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Le fichier n’a pas pu être contrôlé');
    expect(alert.textContent).toContain('Colonne manquante : code_substance.');
    expect(screen.queryByTestId('import-preview')).toBeNull();
  });

  it('shows a preview with errors: the error alert, the lines and no way to write', async () => {
    answers.upload = () =>
      json(summary({ counts: { Write: 11, Warning: 1, Error: 2 }, existingCount: 1 }), 201);
    answers.lines = () => json(errorLines);
    renderPage();
    chooseFile(new File([csvBytes], 'résultats mars.csv', { type: 'text/csv' }));
    fireEvent.click(screen.getByRole('button', { name: 'Contrôler le fichier' }));

    const preview = await screen.findByTestId('import-preview');
    expect(preview.textContent).toContain(
      'Corrigez le fichier : 2 lignes en erreur. Rien n’a été écrit.',
    );
    expect(screen.getByTestId('import-count-Write').textContent).toBe('Sera écrite : 11');
    expect(screen.getByTestId('import-count-Warning').textContent).toBe('Avertissement : 1');
    expect(screen.getByTestId('import-count-Error').textContent).toBe('Erreur : 2');
    expect(screen.getByTestId('import-analyses').textContent).toBe(
      '5 analyses concernées, dont 1 a déjà des résultats',
    );
    // no commit, not even hidden in a modal; no keep/replace choice
    expect(screen.queryByRole('button', { name: /Écrire les résultats/, hidden: true })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Confirmer l’écriture', hidden: true })).toBeNull();
    expect(screen.queryByRole('radio')).toBeNull();

    const bad = await screen.findByTestId('import-line-4');
    expect(bad.textContent).toContain('RF-9999-999-PPP');
    expect(
      within(bad)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Substance inconnue.', 'Indiquez la valeur mesurée d’un résidu quantifié.']);
    expect(within(bad).getByText('Erreur')).toBeDefined();
    // a known substance is named, with its code
    expect(screen.getByTestId('import-line-2').textContent).toContain('Glyphosate');
    expect(screen.getByTestId('import-line-2').textContent).toContain('RF-1020-001-PPP');

    // the corrected file goes through the same input
    fireEvent.click(screen.getByRole('button', { name: 'Déposer le fichier corrigé' }));
    expect(document.activeElement).toBe(screen.getByLabelText(/^Fichier de résultats/));
  });

  it('filters the lines by outcome and pages through them', async () => {
    answers.summary = () =>
      json(summary({ lineCount: 120, counts: { Write: 100, Warning: 0, Error: 20 } }));
    answers.lines = () => json(linePage(errorLines.items, 120));
    renderPage(`/analyses/import?import=${importId}`);
    await screen.findByTestId('import-line-3');
    expect(screen.getByRole('navigation', { name: /pagination/i })).toBeDefined();
    const options = within(screen.getByLabelText('Afficher'))
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(options).toEqual([
      'Toutes les lignes (120)',
      'Sera écrite (100)',
      'Avertissement (0)',
      'Erreur (20)',
    ]);
    fireEvent.change(screen.getByLabelText('Afficher'), { target: { value: 'Error' } });
    await waitFor(() => {
      const last = calls(/\/lines\?/).at(-1);
      const query = new URLSearchParams(String(last?.[0]).split('?')[1]);
      expect(Object.fromEntries(query)).toEqual({ outcome: 'Error', page: '1', perPage: '50' });
    });
  });

  it('offers the keep/replace choice on a clean preview and commits the chosen one', async () => {
    answers.summary = () => json(summary({ existingCount: 2 }));
    answers.lines = () =>
      json(
        linePage([
          line({
            outcome: 'Warning',
            existing: true,
            messages: ['Des résultats existent déjà pour cet exemplaire.'],
          }),
        ]),
      );
    let body: unknown;
    answers.commit = () => {
      const [, init] = calls(/\/commit$/, 'POST').at(-1) ?? [];
      body = JSON.parse(String(init?.body));
      return json(
        summary({
          existingCount: 2,
          status: 'Committed',
          committedAt: '2026-03-12T10:05:00.000Z',
          writtenResidues: 14,
        }),
      );
    };
    renderPage(`/analyses/import?import=${importId}`);

    const commit = await screen.findByTestId('import-commit');
    expect(screen.queryByText(/Corrigez le fichier/)).toBeNull();
    expect(commit.textContent).toContain('Vérifiez les 2 avertissements');
    const keep = within(commit).getByRole('radio', { name: /^Conserver les résultats/ });
    const replace = within(commit).getByRole('radio', { name: /^Remplacer les résultats/ });
    expect((keep as HTMLInputElement).checked).toBe(true);
    fireEvent.click(replace);
    expect((replace as HTMLInputElement).checked).toBe(true);

    // the button opens the confirmation; nothing is sent before it is confirmed
    const write = within(commit).getByRole('button', { name: 'Écrire les résultats' });
    const modal = document.getElementById(write.getAttribute('aria-controls') ?? '');
    expect(modal?.tagName).toBe('DIALOG');
    expect(modal?.textContent).toContain('Résultats déjà présents : remplacés');
    fireEvent.click(write);
    expect(calls(/\/commit$/, 'POST')).toHaveLength(0);
    fireEvent.click(
      within(modal as HTMLElement).getByRole('button', {
        name: 'Confirmer l’écriture',
        hidden: true,
      }),
    );

    await waitFor(() => expect(body).toEqual({ existing: 'Replace' }));
    const done = await screen.findByText('Les résultats sont écrits');
    const notice = done.closest('.fr-alert') as HTMLElement;
    expect(notice.textContent).toContain('14 résultats écrits');
    expect(
      within(notice)
        .getByRole('link', { name: 'Voir les analyses à valider' })
        .getAttribute('href'),
    ).toBe('/analyses?statut=InReview');
    expect(
      within(notice)
        .getByRole('link', { name: /Télécharger le fichier d’origine/ })
        .getAttribute('href'),
    ).toBe(`/api/analysis-imports/${importId}/file`);
    // written: no second commit offered
    expect(screen.queryByTestId('import-commit')).toBeNull();
  });

  it('commits without a choice when no result exists, and shows a refusal (409)', async () => {
    answers.commit = () =>
      json({ error: 'Conflict', message: 'Cet import a déjà été écrit.', issues: [] }, 409);
    renderPage(`/analyses/import?import=${importId}`);
    const commit = await screen.findByTestId('import-commit');
    expect(within(commit).queryByRole('radio')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Confirmer l’écriture', hidden: true }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('L’écriture a été refusée : rien n’a été écrit');
    expect(alert.textContent).toContain('Cet import a déjà été écrit.');
    const [, init] = calls(/\/commit$/, 'POST')[0] ?? [];
    expect(JSON.parse(String(init?.body))).toEqual({ existing: 'Keep' });
    // the import is read again, as it is now
    await waitFor(() =>
      expect(calls(new RegExp(`^/api/analysis-imports/${importId}$`)).length).toBe(2),
    );
  });

  it('is reserved to the laboratories, and lazy-loaded by its route', async () => {
    renderWithProviders(<AppRoutes />, {
      user: testUser('RegionalCoordinator'),
      path: '/analyses/import',
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Accès refusé' })).toBeDefined();
    cleanup();
    renderWithProviders(<AppRoutes />, {
      user: testUser('LaboratoryUser'),
      path: '/analyses/import',
    });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Importer des résultats' }),
    ).toBeDefined();
  });
});
