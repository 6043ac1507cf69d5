import {
  analysisRoutes,
  buildPath,
  type RouteSpec,
  referentialRoutes,
} from '@maestro/shared/contract';
import { roleHasPermission } from '@maestro/shared/domain';
import { type Role, RoleList } from '@maestro/shared/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { type request, useTestApp } from '../test/testApp';

/**
 * Every route of the analysis loop (analyses, imports, lab tokens, MRLs), driven by the contract
 * itself: a role without the route's permission gets 403, a malformed identifier in the path or a
 * malformed JSON body gets 400, each in the API's error shape and without writing anything.
 */
const t = useTestApp();
const routes = Object.entries({ ...analysisRoutes, ...referentialRoutes }) as [string, RouteSpec][];
const agents = new Map<Role, request.Agent>();

beforeAll(async () => {
  for (const role of RoleList) agents.set(role, (await t.loginAs(role)).agent);
});

const NOT_AN_ID = 'pas-un-identifiant';
const uuid = '00000000-0000-4000-8000-000000000000';

/** Path parameters: valid ones, or malformed where the schema wants an identifier. */
function paramsOf(spec: RouteSpec, malformed: boolean): Record<string, string> {
  const shape = (spec.params?.shape ?? {}) as Record<
    string,
    { safeParse: (v: unknown) => { success: boolean } }
  >;
  return Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => {
      const wantsId = !schema.safeParse(NOT_AN_ID).success;
      return [name, malformed && wantsId ? NOT_AN_ID : wantsId ? uuid : 'A01DJ'];
    }),
  );
}

const send = (agent: request.Agent, spec: RouteSpec, path: string) => {
  const call = agent[spec.method](path);
  if (spec.consumes === 'binary')
    return call
      .set('Content-Type', spec.bodyTypes?.[0] ?? 'application/octet-stream')
      .send(Buffer.from('x'));
  return spec.body ? call.send({ unexpected: true }) : call;
};

const expectApiError = (body: unknown) =>
  expect(body).toMatchObject({
    error: expect.any(String),
    message: expect.any(String),
    issues: expect.any(Array),
  });

const auditCount = async () => Number((await t.db('auditEvents').count({ n: '*' }))[0]?.n ?? 0);

describe('every route of the analysis loop', () => {
  it('answers 403 to each role without the permission, writing nothing', async () => {
    const before = await auditCount();
    let checked = 0;
    for (const [operationId, spec] of routes) {
      if (spec.access.kind !== 'permission') continue;
      const permission = spec.access.permission;
      for (const role of RoleList.filter((r) => !roleHasPermission(r, permission))) {
        const response = await send(
          agents.get(role) as request.Agent,
          spec,
          buildPath(spec.path, paramsOf(spec, false)),
        );
        expect(response.status, `${operationId} as ${role}`).toBe(403);
        expectApiError(response.body);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(await auditCount()).toBe(before);
  });

  it('answers 400 to a malformed identifier or body, writing nothing', async () => {
    const before = await auditCount();
    let checked = 0;
    for (const [operationId, spec] of routes) {
      if (spec.access.kind !== 'permission') continue;
      const permission = spec.access.permission;
      const role = RoleList.find((r) => roleHasPermission(r, permission)) as Role;
      const agent = agents.get(role) as request.Agent;
      const hasIdParam = Object.values(paramsOf(spec, true)).includes(NOT_AN_ID);
      if (hasIdParam) {
        const response = await send(agent, spec, buildPath(spec.path, paramsOf(spec, true)));
        expect(response.status, `${operationId}: malformed id`).toBe(400);
        expectApiError(response.body);
        expect(response.body.issues[0]?.path).toMatch(/^params\./);
        checked += 1;
      }
      if (spec.body && spec.consumes !== 'binary') {
        const response = await agent[spec.method](buildPath(spec.path, paramsOf(spec, false))).send(
          { unexpected: true },
        );
        expect(response.status, `${operationId}: malformed body`).toBe(400);
        expectApiError(response.body);
        expect(response.body.issues.length).toBeGreaterThan(0);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(await auditCount()).toBe(before);
  });
});
