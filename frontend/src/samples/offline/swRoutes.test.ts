import { buildPath, contract } from '@maestro/shared/contract';
import { describe, expect, it } from 'vitest';
import { CACHED_API_ROUTES, changesSession, isCachedApiRequest } from './swRoutes';

const id = '6f1e1a52-2d1c-4d8e-9b7a-0c1f2e3d4a5b';
const example = (path: string) => buildPath(path.replace(/:([A-Za-z]+)/g, id));

describe('what the service worker may serve from its cache', () => {
  const routes = Object.entries(contract).map(([operationId, route]) => ({
    operationId,
    method: route.method.toUpperCase(),
    path: example(route.path),
  }));
  const cached = routes
    .filter((route) => isCachedApiRequest(route.method, route.path))
    .map((route) => route.operationId);

  it('is the reference data only: session, plans, prescriptions, laboratories', () => {
    expect(cached.sort()).toEqual(
      [
        'findLaboratories',
        'findPrescriptions',
        'findProgrammingPlans',
        'getAuthConfig',
        'getProgrammingPlan',
        'getSession',
      ].sort(),
    );
  });

  it('has no pattern that matches no route of the contract', () => {
    for (const pattern of CACHED_API_ROUTES) {
      expect(routes.some((route) => route.method === 'GET' && pattern.test(route.path))).toBe(true);
    }
  });

  it('never serves samples, files or anything written from the cache', () => {
    expect(isCachedApiRequest('GET', `/api/samples/${id}`)).toBe(false);
    expect(isCachedApiRequest('GET', `/api/samples/${id}/attachments`)).toBe(false);
    expect(isCachedApiRequest('GET', '/api/samples')).toBe(false);
    expect(isCachedApiRequest('POST', '/api/programming-plans')).toBe(false);
    expect(isCachedApiRequest('GET', `/api/programming-plans/${id}/export`)).toBe(false);
  });

  it('forgets the cached data when the signed-in user changes', () => {
    expect(changesSession('POST', '/api/auth/login')).toBe(true);
    expect(changesSession('POST', '/api/auth/logout')).toBe(true);
    expect(changesSession('GET', '/api/auth/oidc/callback')).toBe(true);
    expect(changesSession('GET', '/api/auth/session')).toBe(false);
    expect(changesSession('POST', '/api/samples')).toBe(false);
  });
});
