import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { request, useTestApp } from '../test/testApp';

/**
 * GET /api/companies through the whole application, the public directory being a local stub
 * that answers in the shape of the "API Recherche d'entreprises" (values invented).
 */

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const directoryAnswer = {
  results: [
    {
      siren: '812345676',
      nom_complet: 'LES JARDINS DU BEAUJOLAIS',
      activite_principale: '01.13Z',
      siege: {
        siret: '81234567600017',
        activite_principale: '01.13Z',
        adresse: '12 ROUTE DES MARAICHERS 69400 VILLEFRANCHE-SUR-SAONE',
        code_postal: '69400',
        libelle_commune: 'VILLEFRANCHE-SUR-SAONE',
        departement: '69',
        latitude: '45.989612',
        longitude: '4.718437',
      },
      matching_etablissements: [],
    },
  ],
  total_results: 1,
  page: 1,
  per_page: 20,
  total_pages: 1,
};

const answering: Behaviour = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(directoryAnswer));
};

let behaviour: Behaviour = answering;
let calls = 0;
const stub = createServer((req, res) => {
  calls++;
  behaviour(req, res);
});
await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));

const t = useTestApp({
  COMPANY_SEARCH_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
  COMPANY_SEARCH_TIMEOUT_MS: '500',
});

afterAll(async () => {
  stub.closeAllConnections();
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

beforeEach(() => {
  behaviour = answering;
  calls = 0;
});

describe('companies: access', () => {
  it('answers 401 to anonymous callers', async () => {
    const response = await request(t.app).get('/api/companies?q=jardins').expect(401);
    expect(response.body.error).toBe('Unauthenticated');
    expect(calls).toBe(0);
  });

  it('answers 403 to roles that do not create samples', async () => {
    for (const role of ['LaboratoryUser', 'NationalCoordinator'] as const) {
      const { agent } = await t.loginAs(role);
      const response = await agent.get('/api/companies?q=jardins');
      expect(response.status, role).toBe(403);
      expect(response.body.error).toBe('Forbidden');
    }
    expect(calls).toBe(0);
  });

  it('answers 400 with a French message to a search too short', async () => {
    const { agent } = await t.loginAs('Sampler');
    const response = await agent.get('/api/companies?q=%20ab%20').expect(400);
    expect(response.body).toMatchObject({
      error: 'ValidationError',
      issues: [{ path: 'query.q', message: 'La recherche doit comporter au moins 3 caractères.' }],
    });
    const missing = await agent.get('/api/companies').expect(400);
    expect(missing.body.issues[0].path).toBe('query.q');
    const badDepartment = await agent.get('/api/companies?q=jardins&departmentCode=6').expect(400);
    expect(badDepartment.body.issues).toEqual([
      { path: 'query.departmentCode', message: 'Code département invalide.' },
    ]);
    expect(calls).toBe(0);
  });
});

describe('companies: sampler', () => {
  it('answers the companies of the directory', async () => {
    const { agent } = await t.loginAs('Sampler');
    const response = await agent
      .get('/api/companies')
      .query({ q: 'jardins beaujolais', departmentCode: '69' })
      .expect(200);
    expect(response.body).toEqual({
      available: true,
      companies: [
        {
          siret: '81234567600017',
          siren: '812345676',
          name: 'LES JARDINS DU BEAUJOLAIS',
          address: '12 ROUTE DES MARAICHERS',
          postalCode: '69400',
          city: 'VILLEFRANCHE-SUR-SAONE',
          departmentCode: '69',
          nafCode: '01.13Z',
          latitude: 45.989612,
          longitude: 4.718437,
        },
      ],
    });
    expect(calls).toBe(1);
  });

  it('answers available:false when the directory is down', async () => {
    const { agent } = await t.loginAs('Sampler');
    behaviour = (req) => req.socket.destroy();
    const cut = await agent.get('/api/companies?q=fromagerie').expect(200);
    expect(cut.body).toEqual({ companies: [], available: false });

    behaviour = () => {
      // Never answers: the configured 500 ms timeout applies.
    };
    const startedAt = Date.now();
    const silent = await agent.get('/api/companies?q=boulangerie').expect(200);
    expect(silent.body).toEqual({ companies: [], available: false });
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });
});
