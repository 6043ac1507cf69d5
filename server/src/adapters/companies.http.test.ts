import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPANY_SEARCH_LIMIT, createCompanyDirectory } from './companies';

/**
 * The company directory adapter against a local HTTP stub that answers in the shape of the
 * "API Recherche d'entreprises" (values invented for the tests).
 */

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const json =
  (body: unknown, status = 200): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

const establishment = (overrides: Record<string, unknown> = {}) => ({
  siret: '81234567600017',
  activite_principale: '01.13Z',
  adresse: '12 ROUTE DES MARAICHERS 69400 VILLEFRANCHE-SUR-SAONE',
  code_postal: '69400',
  commune: '69264',
  libelle_commune: 'VILLEFRANCHE-SUR-SAONE',
  departement: '69',
  region: '84',
  est_siege: true,
  etat_administratif: 'A',
  latitude: '45.989612',
  longitude: '4.718437',
  ...overrides,
});

const result = (overrides: Record<string, unknown> = {}) => ({
  siren: '812345676',
  nom_complet: 'LES JARDINS DU BEAUJOLAIS',
  nom_raison_sociale: 'LES JARDINS DU BEAUJOLAIS',
  activite_principale: '01.13Z',
  nombre_etablissements: 2,
  siege: establishment(),
  matching_etablissements: [] as unknown[],
  ...overrides,
});

const answer = (results: unknown[]) => ({
  results,
  total_results: results.length,
  page: 1,
  per_page: 20,
  total_pages: 1,
});

let server: Server;
let baseUrl = '';
let behaviour: Behaviour = json(answer([]));
const requests: URL[] = [];
const logs: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'warn' },
  { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
);

const directory = (options: { timeoutMs?: number; url?: string; cacheTtlMs?: number } = {}) =>
  createCompanyDirectory({
    baseUrl: options.url ?? baseUrl,
    timeoutMs: options.timeoutMs ?? 2000,
    logger,
    cacheTtlMs: options.cacheTtlMs ?? 0,
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', baseUrl));
    behaviour(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests.length = 0;
  logs.length = 0;
});

describe('company directory: answers', () => {
  it('searches by name and maps the matching establishments', async () => {
    behaviour = json(
      answer([
        result({
          matching_etablissements: [
            establishment({
              siret: '81234567600025',
              est_siege: false,
              adresse: 'ZA DES BROTTEAUX 69220 BELLEVILLE-EN-BEAUJOLAIS',
              code_postal: '69220',
              libelle_commune: 'BELLEVILLE-EN-BEAUJOLAIS',
              activite_principale: null,
              latitude: 46.1089,
              longitude: '4.7493',
            }),
          ],
        }),
        result({
          siren: '529876542',
          nom_complet: 'FROMAGERIE DES MONTS (FDM)',
          activite_principale: '10.51C',
          siege: establishment({
            siret: '52987654200018',
            activite_principale: '10.51C',
            adresse: 'LIEU-DIT LE BOURG',
            code_postal: '2A000',
            libelle_commune: 'AJACCIO',
            departement: '2A',
            latitude: '',
            longitude: 'abc',
          }),
        }),
      ]),
    );
    const found = await directory().search({ q: '  jardins beaujolais ' });
    expect(found.available).toBe(true);
    expect(found.companies).toEqual([
      {
        siret: '81234567600025',
        siren: '812345676',
        name: 'LES JARDINS DU BEAUJOLAIS',
        address: 'ZA DES BROTTEAUX',
        postalCode: '69220',
        city: 'BELLEVILLE-EN-BEAUJOLAIS',
        departmentCode: '69',
        nafCode: '01.13Z',
        latitude: 46.1089,
        longitude: 4.7493,
      },
      {
        siret: '52987654200018',
        siren: '529876542',
        name: 'FROMAGERIE DES MONTS (FDM)',
        address: 'LIEU-DIT LE BOURG',
        postalCode: '2A000',
        city: 'AJACCIO',
        departmentCode: '2A',
        nafCode: '10.51C',
        latitude: null,
        longitude: null,
      },
    ]);
    expect(requests).toHaveLength(1);
    const sent = requests[0]!;
    expect(sent.pathname).toBe('/search');
    expect(sent.searchParams.get('q')).toBe('jardins beaujolais');
    expect(sent.searchParams.get('page')).toBe('1');
    expect(sent.searchParams.get('per_page')).toBe(String(COMPANY_SEARCH_LIMIT));
    expect(sent.searchParams.has('departement')).toBe(false);
  });

  it('searches by SIRET (typed with spaces) and keeps the establishment of that SIRET', async () => {
    behaviour = json(
      answer([
        result({
          matching_etablissements: [
            establishment({ siret: '81234567600033', est_siege: false }),
            establishment({ siret: '81234567600025', est_siege: false }),
          ],
        }),
      ]),
    );
    const found = await directory().search({ q: '812 345 676 00025' });
    expect(requests[0]!.searchParams.get('q')).toBe('81234567600025');
    expect(found).toEqual({
      available: true,
      companies: [expect.objectContaining({ siret: '81234567600025', siren: '812345676' })],
    });
  });

  it('by SIRET, answers the head office when the directory does not list that establishment', async () => {
    behaviour = json(answer([result()]));
    const found = await directory().search({ q: '81234567600099' });
    expect(found.companies.map((c) => c.siret)).toEqual(['81234567600017']);
  });

  it('searches by SIREN and keeps only that company', async () => {
    behaviour = json(answer([result(), result({ siren: '529876542', siege: null })]));
    const found = await directory().search({ q: '812345676' });
    expect(requests[0]!.searchParams.get('q')).toBe('812345676');
    expect(found.companies.map((c) => c.siren)).toEqual(['812345676']);
  });

  it('passes the department filter on and drops establishments of another department', async () => {
    behaviour = json(
      answer([
        result({
          matching_etablissements: [
            establishment({ siret: '81234567600025', departement: '01', code_postal: '01000' }),
            establishment({ siret: '81234567600033' }),
          ],
        }),
      ]),
    );
    const found = await directory().search({ q: 'jardins', departmentCode: '69' });
    expect(requests[0]!.searchParams.get('departement')).toBe('69');
    expect(found.companies.map((c) => c.siret)).toEqual(['81234567600033']);
  });

  it('skips malformed entries and keeps the others', async () => {
    behaviour = json(
      answer([
        null,
        'not a company',
        { siren: 'ABC', nom_complet: 'SIREN INVALIDE', siege: establishment() },
        result({ nom_complet: null, nom_raison_sociale: null }),
        // A matching establishment without SIRET: the head office answers instead.
        result({ matching_etablissements: [{ adresse: 'SANS SIRET' }, 42] }),
        // A SIRET of another company (corrupt data) and no head office: nothing to answer.
        result({
          siren: '529876542',
          siege: establishment(),
          matching_etablissements: 'not an array',
        }),
        result({
          siren: '529876542',
          nom_complet: 'FROMAGERIE DES MONTS',
          siege: establishment({
            siret: '52987654200042',
            adresse: 42,
            code_postal: '',
            libelle_commune: null,
            departement: 'Rhône',
            activite_principale: ['10.51C'],
            latitude: 123,
            longitude: null,
          }),
        }),
      ]),
    );
    const found = await directory().search({ q: 'entreprises' });
    expect(found.available).toBe(true);
    expect(found.companies).toEqual([
      expect.objectContaining({ siret: '81234567600017', name: 'LES JARDINS DU BEAUJOLAIS' }),
      {
        siret: '52987654200042',
        siren: '529876542',
        name: 'FROMAGERIE DES MONTS',
        address: null,
        postalCode: null,
        city: null,
        departmentCode: null,
        nafCode: '01.13Z',
        latitude: null,
        longitude: null,
      },
    ]);
  });

  it(`answers ${COMPANY_SEARCH_LIMIT} establishments at most`, async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      establishment({ siret: `812345676${String(i).padStart(5, '0')}` }),
    );
    behaviour = json(answer([result({ matching_etablissements: many })]));
    const found = await directory().search({ q: 'jardins' });
    expect(found.companies).toHaveLength(COMPANY_SEARCH_LIMIT);
  });

  it('reuses a successful answer for a while, not a failure', async () => {
    const cached = directory({ cacheTtlMs: 60_000 });
    behaviour = json(answer([result()]));
    const first = await cached.search({ q: 'Jardins' });
    const second = await cached.search({ q: 'jardins' });
    expect(second).toEqual(first);
    expect(requests).toHaveLength(1);

    behaviour = json({ message: 'indisponible' }, 503);
    expect((await cached.search({ q: 'fromagerie' })).available).toBe(false);
    behaviour = json(answer([]));
    expect(await cached.search({ q: 'fromagerie' })).toEqual({ companies: [], available: true });
    expect(requests).toHaveLength(3);
  });
});

describe('company directory: outages', () => {
  it('answers available:false on an error status, and logs it without the search text', async () => {
    behaviour = json({ message: 'Internal Server Error' }, 500);
    expect(await directory().search({ q: 'Dupont Jean' })).toEqual({
      companies: [],
      available: false,
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ reason: 'status', status: 500, kind: 'name' });
    expect(JSON.stringify(logs)).not.toContain('Dupont');
  });

  it('answers available:false on a body that is not JSON, or not a search answer', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>maintenance</html>');
    };
    expect((await directory().search({ q: 'jardins' })).available).toBe(false);
    behaviour = json({ erreur: 'quota' });
    expect((await directory().search({ q: 'jardins' })).available).toBe(false);
    expect(logs.map((log) => log.reason)).toEqual(['SyntaxError', 'unexpected answer']);
  });

  it('answers available:false within the timeout when the directory never answers', async () => {
    behaviour = () => {
      // Keeps the request open: no answer at all.
    };
    const startedAt = Date.now();
    const found = await directory({ timeoutMs: 300 }).search({ q: 'jardins' });
    const elapsed = Date.now() - startedAt;
    expect(found).toEqual({ companies: [], available: false });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    expect(logs[0]).toMatchObject({ reason: 'TimeoutError' });
  });

  it('answers available:false within the timeout when the body stalls', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"results": [');
    };
    const startedAt = Date.now();
    const found = await directory({ timeoutMs: 300 }).search({ q: 'jardins' });
    expect(found.available).toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it('answers available:false when the connection is cut', async () => {
    behaviour = (req) => req.socket.destroy();
    expect((await directory().search({ q: 'jardins' })).available).toBe(false);
  });

  it('answers available:false when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const found = await directory({ url: `http://127.0.0.1:${port}` }).search({ q: 'jardins' });
    expect(found).toEqual({ companies: [], available: false });
    expect(logs[0]).toMatchObject({ reason: 'TypeError', code: 'ECONNREFUSED' });
  });
});
