import { createHash } from 'node:crypto';
import { contract, type RouteSpec } from '@maestro/shared/contract';
import { hasPermission } from '@maestro/shared/domain';
import { type AuthUser, Credentials } from '@maestro/shared/schema';
import fc from 'fast-check';
import type { z } from 'zod';
import { coerceForSchema } from '../../http/coerce';
import type { WireRequest } from './client';
import {
  asReceived,
  headerSafe,
  hostileFiles,
  hostileString,
  hostileStrings,
  nonJsonContentTypes,
  percentEncode,
  pick,
  undecodableSegments,
} from './hostile';
import {
  accepts,
  addExtra,
  breakValue,
  describe,
  extraArbitrary,
  type Field,
  mutationsArbitrary,
  RawLiteral,
  toJsonText,
  validArbitrary,
} from './schema';
import type { ScopedRecord, World } from './world';

/** Why the server must refuse a request: each generated request is built on one of them. */
export const Strategies = [
  'anonymous',
  'forbidden',
  'badOrigin',
  'malformedJson',
  'oversized',
  'wrongContentType',
  'invalidParams',
  'invalidQuery',
  'invalidBody',
  'unknownId',
  'otherScope',
  'wrongCredentials',
] as const;
export type Strategy = (typeof Strategies)[number];

/** The refusals each strategy expects; an empty list means any 4xx. */
const Expected: Record<Strategy, readonly number[]> = {
  anonymous: [401],
  forbidden: [403],
  badOrigin: [403],
  malformedJson: [400],
  oversized: [413],
  wrongContentType: [415],
  invalidParams: [400],
  invalidQuery: [400],
  invalidBody: [400],
  // The record is unknown or out of reach: 404 (or 403 for an action the role never takes);
  // checks of the body against the referentials (a region that does not exist) may come first.
  unknownId: [400, 403, 404],
  otherScope: [400, 403, 404],
  // 400 for a password the router refuses outright (a U+0000 character).
  wrongCredentials: [400, 401, 429],
};

const Weights: Record<Strategy, number> = {
  anonymous: 10,
  forbidden: 10,
  badOrigin: 4,
  malformedJson: 6,
  oversized: 0,
  wrongContentType: 6,
  invalidParams: 12,
  invalidQuery: 12,
  invalidBody: 14,
  unknownId: 10,
  otherScope: 10,
  wrongCredentials: 6,
};

export interface FuzzCase {
  operationId: string;
  strategy: Strategy;
  /** Who calls: an identity of the world, or a kind of anonymous call. */
  caller: string;
  request: WireRequest;
  expected: readonly number[];
  /** The `error` code the answer must carry, when the refusal fixes it. */
  expectedError?: string;
  /** Then check that the connection still serves a request (after a large refused body). */
  followUp?: boolean;
}

interface Caller {
  key: string;
  user: AuthUser | null;
  headers: Record<string, string>;
}

/** express.json's limit: beyond it the parser answers 413 before anything else. */
export const JSON_LIMIT = 1024 * 1024;
/** Above every upload limit of the contract (attachments 10 MB, result files 20 MB). */
export const BINARY_OVERSIZE = 20 * 1024 * 1024 + 1;

let oversizedJson: Buffer | null = null;
let oversizedBinary: Buffer | null = null;
const bigJson = () => {
  oversizedJson ??= Buffer.from(`{"a":"${'x'.repeat(JSON_LIMIT + 16)}"}`);
  return oversizedJson;
};
const bigBinary = () => {
  oversizedBinary ??= Buffer.alloc(BINARY_OVERSIZE, 0x25);
  return oversizedBinary;
};

// ————— The oracle: what the router will make of a request —————

type QueryValue = string | string[] | Record<string, string>;
type QueryModel = Record<string, QueryValue>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A JSON value as one string of a URL. */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof RawLiteral) return value.text;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  return toJsonText(value);
}

const safeSubKey = /^[A-Za-z$_][A-Za-z0-9$_]*$/;
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A value as the extended query parser (qs) returns it from the string `serializeQuery`
 * writes: strings, arrays of strings, or one level of object. Undefined keys are absent.
 */
function toQueryModel(value: unknown, keys: readonly string[]): QueryModel | null {
  if (!isPlainObject(value)) return null;
  const model: QueryModel = {};
  for (const key of keys) {
    if (!Object.hasOwn(value, key)) continue;
    const v = value[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      model[key] = v.slice(0, 10).map(scalar);
    } else if (isPlainObject(v) && !(v instanceof RawLiteral)) {
      const entries = Object.entries(v)
        .filter(([k]) => safeSubKey.test(k) && !reservedKeys.has(k))
        .slice(0, 3)
        .map(([k, inner]) => [k, scalar(inner)] as const);
      model[key] = entries.length > 0 ? Object.fromEntries(entries) : { x: 'y' };
    } else model[key] = scalar(v);
  }
  return model;
}

function serializeQuery(model: QueryModel, extras: readonly [string, string][] = []): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(model)) {
    const k = percentEncode(key);
    if (Array.isArray(value)) {
      if (value.length === 1) parts.push(`${k}%5B%5D=${percentEncode(value[0] as string)}`);
      else for (const item of value) parts.push(`${k}=${percentEncode(item)}`);
    } else if (typeof value === 'object') {
      for (const [sub, inner] of Object.entries(value))
        parts.push(`${k}%5B${percentEncode(sub)}%5D=${percentEncode(inner)}`);
    } else parts.push(`${k}=${percentEncode(value)}`);
  }
  for (const [key, value] of extras) parts.push(`${percentEncode(key)}=${percentEncode(value)}`);
  return parts.join('&');
}

const received = (model: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(model)) {
    if (typeof value === 'string') out[key] = asReceived(value);
    else if (Array.isArray(value)) out[key] = value.map((v) => asReceived(v));
    else if (isPlainObject(value))
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, asReceived(v as string)]),
      );
  }
  return out;
};

/** Whether the router's validation accepts these URL values (coerced as the router does). */
const urlAccepts = (schema: z.ZodObject, model: Record<string, unknown>) =>
  accepts(schema, coerceForSchema(schema, received(model)));

type BodyVerdict = 'parser' | 'valid' | 'invalid';

/** What express.json (strict) then the route's schema make of a JSON text. */
function bodyVerdict(schema: z.ZodType | undefined, text: string): BodyVerdict {
  if (!/^[ \t\n\r]*[[{]/.test(text)) return 'parser';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'parser';
  }
  if (!schema) return 'valid';
  return accepts(schema, parsed) ? 'valid' : 'invalid';
}

const routeEntries = Object.entries(contract) as [string, RouteSpec][];

const patternSegments = new Map<string, string[]>();

function matches(pattern: string, path: string): boolean {
  let expected = patternSegments.get(pattern);
  if (!expected) {
    expected = pattern.split('/');
    patternSegments.set(pattern, expected);
  }
  const actual = path.split('/');
  if (expected.length !== actual.length) return false;
  return expected.every((segment, i) => {
    const value = actual[i] as string;
    return segment.startsWith(':') ? value !== '' : segment.toLowerCase() === value.toLowerCase();
  });
}

/**
 * Express matches in declaration order: a path an earlier route of the same method matches
 * would reach that route instead (a sample id of `export`…). Such paths are not generated.
 */
function reachesRoute(spec: RouteSpec, path: string): boolean {
  for (const [, other] of routeEntries) {
    if (other === spec) return matches(spec.path, path);
    if (other.method === spec.method && matches(other.path, path)) return false;
  }
  return false;
}

function buildUrlPath(spec: RouteSpec, params: Record<string, string>, raw: Set<string>) {
  return spec.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name] ?? '';
    return raw.has(name) ? value : percentEncode(value);
  });
}

// ————— Routes —————

export interface RouteUnderTest {
  operationId: string;
  spec: RouteSpec;
  params: Field | null;
  query: Field | null;
  body: Field | null;
  binary: boolean;
  paramNames: string[];
  /** Parameters an unknown value can be made for: identifiers, or values the world lists. */
  unknowable: string[];
  permitted: Caller[];
  forbidden: Caller[];
  /** Records of the world some permitted caller may not reach, with those callers. */
  outOfScope: { record: ScopedRecord; callers: Caller[] }[];
  /** Valid inputs drawn once per route (see `fillPools`): requests start from them. */
  pools: Pools;
}

/**
 * Valid params (real or generated), params naming unknown records, valid queries and valid
 * bodies of a route. Drawing them once per route and building every request from them keeps
 * generation cheap (valid bodies under refinements may take several attempts each).
 */
interface Pools {
  params: Record<string, string>[];
  unknownParams: Record<string, string>[];
  query: QueryModel[];
  bodyTexts: string[];
}

const POOL_SIZE = 150;

const isIdSchema = (field: Field) =>
  field.node.kind === 'string' && (field.node.format === 'uuid' || field.node.format === 'guid');

function sessionCallers(world: World): Caller[] {
  return world.sessions.map((s) => ({ key: s.key, user: s.user, headers: { Cookie: s.cookie } }));
}

function tokenCallers(world: World): Caller[] {
  return world.tokens.map((t) => ({
    key: t.key,
    user: t.user,
    headers: { Authorization: `Bearer ${t.token}` },
  }));
}

export function routesUnderTest(world: World): RouteUnderTest[] {
  return routeEntries.map(([operationId, spec]) => {
    const sessions = sessionCallers(world);
    const tokens = tokenCallers(world);
    let permitted: Caller[];
    let forbidden: Caller[] = [];
    const access = spec.access;
    if (access.kind === 'public')
      permitted = [...sessions, { key: 'anonymous', user: null, headers: {} }];
    else if (access.kind === 'authenticated') permitted = sessions;
    else {
      permitted = [
        ...sessions.filter((s) => hasPermission(s.user, access.permission)),
        ...(access.labToken ? tokens.filter((t) => hasPermission(t.user, access.permission)) : []),
      ];
      forbidden = sessions.filter((s) => !hasPermission(s.user, access.permission));
    }
    const params = spec.params ? describe(spec.params) : null;
    const paramNames = Object.keys(spec.params?.shape ?? {});
    const paramFields =
      params?.node.kind === 'object' ? params.node.fields : ({} as Record<string, Field>);
    const unknowable = paramNames.filter(
      (name) => isIdSchema(paramFields[name] as Field) || world.knownValues[name] !== undefined,
    );
    const outOfScope = world.records
      .filter((record) => paramNames.includes(record.param))
      .map((record) => ({
        record,
        callers: permitted.filter((c) => c.user !== null && !record.reachable(c.user)),
      }))
      .filter((entry) => entry.callers.length > 0);
    return {
      operationId,
      spec,
      params,
      query: spec.query ? describe(spec.query) : null,
      body: spec.body && spec.consumes !== 'binary' ? describe(spec.body) : null,
      binary: spec.consumes === 'binary',
      paramNames,
      unknowable,
      permitted,
      forbidden,
      outOfScope,
      pools: { params: [], unknownParams: [], query: [], bodyTexts: [] },
    };
  });
}

// ————— Building blocks —————

const unsafe = (spec: RouteSpec) => spec.method !== 'get';

/** Headers that change nothing to the refusal: hostile request ids, languages, forwarding. */
const garnishes: readonly Record<string, string>[] = (() => {
  const ids = hostileStrings.map(headerSafe);
  const accepts = ['*/*', 'text/html', 'application/xml', '../../', 'application/json'];
  const languages = ['fr-FR', 'en;q=0.1', '*', 'xx-\u00e9'];
  const forwarded = ['10.0.0.1', '127.0.0.1, 203.0.113.9', "' or 1=1 --"];
  return Array.from({ length: 97 }, (_, i) => {
    const headers: Record<string, string> = {};
    if (i % 2) headers['X-Request-Id'] = ids[i % ids.length] as string;
    if (i % 3 === 0) headers.Accept = accepts[i % accepts.length] as string;
    if (i % 5 < 2) headers['Accept-Language'] = languages[i % languages.length] as string;
    if (i % 7 < 2) headers['X-Forwarded-For'] = forwarded[i % forwarded.length] as string;
    if (i % 4 === 1) headers['User-Agent'] = ids[(i * 7) % ids.length] as string;
    return headers;
  });
})();
const garnish = pick(garnishes);

/** Well-formed API tokens that no laboratory holds. */
const unknownTokens = Array.from(
  { length: 16 },
  (_, i) => `mlab_${createHash('sha256').update(`inconnu-${i}`).digest('base64url')}`,
);

function paramArbitrary(
  route: RouteUnderTest,
  world: World,
  name: string,
  mode: 'any' | 'unknown',
): fc.Arbitrary<string> {
  const fields = (route.params?.node.kind === 'object' ? route.params.node.fields : {}) as Record<
    string,
    Field
  >;
  const field = fields[name] as Field;
  const known = world.knownValues[name] ?? [];
  const valid = validArbitrary({ ...field, nullable: false }, 'url').map(scalar);
  if (mode === 'unknown') {
    if (isIdSchema(field)) return fc.uuid();
    const set = new Set(known);
    return valid.filter((value) => !set.has(asReceived(value).trim()));
  }
  return known.length > 0
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: valid })
    : valid;
}

/** One of a pool; a strategy that needs an empty pool fails its probe and is left out. */
function fromPool<T>(pool: readonly T[], what: string): fc.Arbitrary<T> {
  if (pool.length === 0)
    return fc.constant(null).map(() => {
      throw new Error(`no ${what} could be generated`);
    });
  return fc.integer({ min: 0, max: pool.length - 1 }).map((i) => pool[i] as T);
}

/** Params the router accepts: real ids or generated values, or unknown ids. */
function validParams(
  route: RouteUnderTest,
  mode: 'any' | 'unknown' = 'any',
): fc.Arbitrary<Record<string, string>> {
  if (route.paramNames.length === 0) return fc.constant({});
  return mode === 'any'
    ? fromPool(route.pools.params, 'valid params')
    : fromPool(route.pools.unknownParams, 'params of unknown records');
}

function paramsArbitrary(
  route: RouteUnderTest,
  world: World,
  mode: 'any' | 'unknown',
): fc.Arbitrary<Record<string, string>> {
  if (route.paramNames.length === 0) return fc.constant({});
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const name of route.paramNames)
    model[name] = paramArbitrary(
      route,
      world,
      name,
      mode === 'unknown' && route.unknowable.includes(name) ? 'unknown' : 'any',
    );
  return fc
    .record(model)
    .filter(
      (params) =>
        urlAccepts(route.spec.params as z.ZodObject, params) &&
        reachesRoute(route.spec, buildUrlPath(route.spec, params, new Set())),
    );
}

function validQuery(route: RouteUnderTest): fc.Arbitrary<QueryModel> {
  if (!route.query) return fc.constant({});
  return fromPool(route.pools.query, 'valid query');
}

function queryArbitrary(route: RouteUnderTest): fc.Arbitrary<QueryModel> {
  const query = route.query;
  if (!query) return fc.constant({});
  const keys = Object.keys(route.spec.query?.shape ?? {});
  return validArbitrary(query, 'url')
    .map((value) => toQueryModel(value, keys))
    .filter(
      (model): model is QueryModel =>
        model !== null && urlAccepts(route.spec.query as z.ZodObject, model),
    );
}

/** Query keys a route does not know: stripped, but they must not pollute anything either. */
function extraQuery(route: RouteUnderTest): fc.Arbitrary<[string, string][]> {
  const keys = new Set(Object.keys(route.spec.query?.shape ?? {}).map((k) => k.toLowerCase()));
  const base = (key: string) => key.split('[')[0]?.toLowerCase() ?? '';
  return fc.array(
    fc.tuple(
      fc
        .constantFrom(
          '__proto__[fuzzPolluted]',
          'constructor[prototype][fuzzPolluted]',
          '__proto__',
          'a[b][c][d][e][f][g]',
          '$where',
          'page[$gt]',
          'utf8',
          ...hostileStrings.slice(0, 12),
        )
        .filter((key) => key !== '' && !keys.has(base(key))),
      hostileString('url'),
    ),
    { maxLength: 3 },
  );
}

function validBodyText(route: RouteUnderTest): fc.Arbitrary<string> {
  if (!route.body) return fc.constant('');
  return fromPool(route.pools.bodyTexts, 'valid body');
}

function bodyTextArbitrary(route: RouteUnderTest): fc.Arbitrary<string> {
  const body = route.body;
  if (!body) return fc.constant('');
  return validArbitrary(body, 'body')
    .map(toJsonText)
    .filter((text) => bodyVerdict(route.spec.body, text) === 'valid');
}

/** A JSON body the schema refuses (the parser may refuse it first: 400 either way). */
function brokenBodyText(route: RouteUnderTest, wellFormed: boolean): fc.Arbitrary<string> {
  const body = route.body;
  if (!body) return fc.constant('');
  return fc
    .tuple(
      validBodyText(route).map((text) => JSON.parse(text) as unknown),
      mutationsArbitrary,
      fc.option(extraArbitrary, { nil: undefined }),
    )
    .map(([base, mutations, extra]) => {
      const schema = route.spec.body;
      const refused = (value: unknown) => {
        const verdict = bodyVerdict(schema, toJsonText(value));
        return verdict === 'invalid' || (!wellFormed && verdict === 'parser');
      };
      const broken = breakValue(body, base, mutations, refused, 'body', [[], [{}]]);
      if (broken === undefined) return null;
      const withExtra = extra ? addExtra(broken, extra) : broken;
      return refused(withExtra) ? toJsonText(withExtra) : toJsonText(broken);
    })
    .filter((text): text is string => text !== null);
}

/** Any well-formed JSON body: valid, invalid, or a bag of hostile keys. */
function anyJsonBody(route: RouteUnderTest): fc.Arbitrary<string> {
  const hostileObject = fc.array(extraArbitrary, { maxLength: 4 }).map((extras) => {
    let value: unknown = {};
    for (const extra of extras) value = addExtra(value, extra);
    return toJsonText(value);
  });
  if (!route.body) return hostileObject;
  return fc.oneof(validBodyText(route), brokenBodyText(route, true), hostileObject);
}

const jsonType = fc.constantFrom('application/json', 'application/json; charset=utf-8');

interface Parts {
  params: Record<string, string>;
  rawParams?: Set<string>;
  query: QueryModel;
  extraQuery: [string, string][];
  headers: Record<string, string>;
  body?: Buffer;
  chunked?: boolean;
}

function finish(
  route: RouteUnderTest,
  strategy: Strategy,
  caller: Caller | string,
  parts: Parts,
  expectedError?: string,
): FuzzCase | null {
  const path = buildUrlPath(route.spec, parts.params, parts.rawParams ?? new Set());
  if (!parts.rawParams?.size && !reachesRoute(route.spec, path)) return null;
  const query = serializeQuery(parts.query, parts.extraQuery);
  const full = query ? `${path}?${query}` : path;
  // Node refuses request heads over 16 kB itself (431), before any application code.
  if (full.length > 12_000) return null;
  const headers = { ...parts.headers, ...(typeof caller === 'string' ? {} : caller.headers) };
  let expected = Expected[strategy];
  const contentType = (headers['Content-Type'] ?? '').toLowerCase();
  if (parts.body && contentType.startsWith('application/json') && parts.body.length > JSON_LIMIT)
    expected = [413];
  return {
    operationId: route.operationId,
    strategy,
    caller: typeof caller === 'string' ? caller : caller.key,
    request: {
      method: route.spec.method,
      path: full,
      headers,
      body: parts.body,
      chunked: parts.chunked,
    },
    expected,
    expectedError,
    followUp: strategy === 'oversized',
  };
}

/** Body and content type when the body is not what the strategy is about. */
function incidentalBody(
  route: RouteUnderTest,
  mode: 'accepted' | 'any',
): fc.Arbitrary<{ body?: Buffer; headers: Record<string, string> }> {
  if (route.binary) {
    const types = route.spec.bodyTypes ?? [];
    const type =
      mode === 'accepted'
        ? fc.constantFrom(...types)
        : fc.constantFrom(...types, ...nonJsonContentTypes);
    return fc
      .tuple(type, fc.constantFrom(...hostileFiles))
      .map(([t, bytes]) => ({ body: bytes, headers: { 'Content-Type': t } }));
  }
  const withBody = fc
    .tuple(jsonType, anyJsonBody(route))
    .map(([t, text]) => ({ body: Buffer.from(text), headers: { 'Content-Type': t } }));
  if (route.body || route.spec.method !== 'get') return withBody;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ headers: {} }) },
    { weight: 1, arbitrary: withBody },
  );
}

// ————— Strategies —————

type Builder = (route: RouteUnderTest, world: World) => fc.Arbitrary<FuzzCase | null> | null;

const anonymousCallers = (route: RouteUnderTest, world: World): fc.Arbitrary<Caller> => {
  const variants: fc.Arbitrary<Caller>[] = [
    fc.constant({ key: 'anonymous', user: null, headers: {} }),
    fc
      .tuple(fc.stringMatching(/^[0-9a-f]{10,40}$/), hostileString('url'))
      .map(([sid, garbage]) => ({
        key: 'anonymous (forged cookie)',
        user: null,
        headers: {
          Cookie: `maestro.sid=s%3A${sid}.${percentEncode(garbage).slice(0, 200)}; other=1`,
        },
      })),
    fc
      .oneof(
        pick(unknownTokens),
        hostileString('url').map((s) => headerSafe(s)),
        fc.constant(world.revokedToken),
        fc.constant(''),
      )
      .map((token) => ({
        key: 'anonymous (unknown, malformed or revoked token)',
        user: null,
        headers: { Authorization: `Bearer ${token}` },
      })),
    fc.constant({
      key: 'anonymous (basic auth)',
      user: null,
      headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' },
    }),
  ];
  // A valid token where the lab API does not apply: it must be ignored (401).
  if (
    !(route.spec.access.kind === 'permission' && route.spec.access.labToken) &&
    world.tokens.length
  )
    variants.push(
      fc.constantFrom(...tokenCallers(world)).map((caller) => ({
        ...caller,
        key: `${caller.key} outside the lab API`,
        user: null,
      })),
    );
  return fc.oneof(...variants);
};

const builders: Record<Strategy, Builder> = {
  anonymous: (route, world) => {
    if (route.spec.access.kind === 'public') return null;
    return fc
      .record({
        caller: anonymousCallers(route, world),
        params: validParams(route),
        query: validQuery(route),
        extra: extraQuery(route),
        body: incidentalBody(route, 'any'),
        garnish,
      })
      .map((r) =>
        finish(route, 'anonymous', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: r.extra,
          headers: { ...r.garnish, ...r.body.headers },
          body: r.body.body,
        }),
      );
  },

  forbidden: (route, _world) => {
    if (route.forbidden.length === 0) return null;
    return fc
      .record({
        caller: fc.constantFrom(...route.forbidden),
        params: validParams(route),
        query: validQuery(route),
        extra: extraQuery(route),
        body: incidentalBody(route, 'any'),
        garnish,
      })
      .map((r) =>
        finish(route, 'forbidden', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: r.extra,
          headers: { ...r.garnish, ...r.body.headers },
          body: r.body.body,
        }),
      );
  },

  badOrigin: (route, world) => {
    if (!unsafe(route.spec)) return null;
    const callers = [...sessionCallers(world), { key: 'anonymous', user: null, headers: {} }];
    return fc
      .record({
        caller: fc.constantFrom(...callers),
        origin: fc
          .oneof(
            fc.constantFrom(
              'https://evil.example',
              'null',
              'http://localhost.evil.example',
              'http://127.0.0.1',
              'file://',
              'https://maestro.example.evil',
            ),
            hostileString('url').map(headerSafe),
          )
          .filter((origin) => !world.ownOrigins.includes(origin)),
        params: validParams(route),
        query: validQuery(route),
        body: incidentalBody(route, 'any'),
      })
      .map((r) =>
        finish(
          route,
          'badOrigin',
          r.caller,
          {
            params: r.params,
            query: r.query,
            extraQuery: [],
            headers: { ...r.body.headers, Origin: r.origin },
            body: r.body.body,
          },
          'InvalidOrigin',
        ),
      );
  },

  malformedJson: (route, world) => {
    const broken = fc.oneof(
      fc.constantFrom(
        '{',
        '{"a":',
        '{"a":1,}',
        "{'a':1}",
        '[1,2',
        '{"a":"\\x"}',
        '{"a":NaN}',
        '{"a":undefined}',
        '{"__proto__":',
        '{"a":1}garbage',
        ']',
        '<xml/>',
        '"une chaîne"',
        '123',
        'null',
        'true',
        '\u0000',
        '{"a":"\u0000\u0001"',
        `${'['.repeat(50_000)}`,
      ),
      hostileString('body').filter(
        (s) => s.trim() !== '' && bodyVerdict(undefined, s) === 'parser',
      ),
      // A valid body cut short.
      ...(route.body
        ? [
            fc
              .tuple(validBodyText(route), fc.double({ min: 0.05, max: 0.95, noNaN: true }))
              .map(([text, cut]) => text.slice(0, Math.floor(text.length * cut)))
              .filter((s) => s.trim() !== '' && bodyVerdict(undefined, s) === 'parser'),
          ]
        : []),
    );
    return fc
      .record({
        caller: fc.constantFrom(...route.permitted, ...sessionCallers(world)),
        params: validParams(route),
        query: validQuery(route),
        text: broken,
        type: jsonType,
      })
      .map((r) =>
        finish(route, 'malformedJson', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: [],
          headers: { 'Content-Type': r.type },
          body: Buffer.from(r.text),
        }),
      );
  },

  oversized: (route, world) => {
    if (route.binary) {
      if (route.permitted.length === 0) return null;
      // An upload over every limit, where the caller may write: the size is what is refused.
      return fc
        .record({
          caller: fc.constantFrom(...route.permitted),
          query: validQuery(route),
          type: fc.constantFrom(...(route.spec.bodyTypes ?? [])),
          chunked: fc.boolean(),
          pick: fc.nat(),
          fallback: validParams(route),
        })
        .map((r) => {
          const reachable = world.records.filter(
            (record) =>
              route.paramNames.includes(record.param) &&
              r.caller.user !== null &&
              record.reachable(r.caller.user),
          );
          const record = reachable[r.pick % Math.max(1, reachable.length)];
          const params = { ...r.fallback, ...(record?.params ?? {}) };
          for (const name of Object.keys(params))
            if (!route.paramNames.includes(name)) delete params[name];
          const built = finish(route, 'oversized', r.caller, {
            params,
            query: r.query,
            extraQuery: [],
            headers: { 'Content-Type': r.type },
            body: bigBinary(),
            chunked: r.chunked,
          });
          // Unknown or unreachable records answer 404 before the size is counted: any 4xx.
          return built ? { ...built, expected: [] } : null;
        });
    }
    return fc
      .record({
        caller: fc.constantFrom(...route.permitted, ...sessionCallers(world)),
        params: validParams(route),
        query: validQuery(route),
        chunked: fc.boolean(),
      })
      .map((r) =>
        finish(route, 'oversized', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: [],
          headers: { 'Content-Type': 'application/json' },
          body: bigJson(),
          chunked: r.chunked,
        }),
      );
  },

  wrongContentType: (route, _world) => {
    if (!route.binary && !route.body) return null;
    if (route.permitted.length === 0) return null;
    const accepted = new Set((route.spec.bodyTypes ?? []).map((t) => t.toLowerCase()));
    const type = fc
      .oneof(
        fc.constantFrom(...nonJsonContentTypes),
        hostileString('url').map(headerSafe),
        fc.constant(undefined),
      )
      .filter((t) => {
        if (t === undefined) return route.binary;
        const base = t.split(';')[0]?.trim().toLowerCase() ?? '';
        return base !== 'application/json' && !accepted.has(base) && !/json/i.test(t);
      });
    const body = route.binary
      ? fc.constantFrom(...hostileFiles)
      : anyJsonBody(route).map((text) => Buffer.from(text || '{}'));
    return fc
      .record({
        caller: fc.constantFrom(...route.permitted),
        params: validParams(route),
        query: validQuery(route),
        type,
        body,
      })
      .map((r) =>
        finish(route, 'wrongContentType', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: [],
          headers: r.type === undefined ? {} : { 'Content-Type': r.type },
          body: r.body.length > 0 ? r.body : Buffer.from('x'),
        }),
      );
  },

  invalidParams: (route, _world) => {
    const field = route.params;
    if (!field || route.permitted.length === 0) return null;
    const schema = route.spec.params as z.ZodObject;
    const names = route.paramNames;
    const toModel = (value: unknown): Record<string, string> | null => {
      if (!isPlainObject(value)) return null;
      const model: Record<string, string> = {};
      for (const name of names) {
        const s = scalar(value[name]);
        if (s === '') return null;
        model[name] = s;
      }
      return model;
    };
    const broken = fc.tuple(validParams(route), mutationsArbitrary).map(([base, mutations]) => {
      const refused = (value: unknown) => {
        const model = toModel(value);
        return (
          model !== null &&
          !urlAccepts(schema, model) &&
          reachesRoute(route.spec, buildUrlPath(route.spec, model, new Set()))
        );
      };
      const value = breakValue(field, base, mutations, refused, 'url');
      return value === undefined ? null : { params: toModel(value), raw: new Set<string>() };
    });
    // Segments no decoder reads, written raw on the wire.
    const undecodable = fc
      .tuple(validParams(route), fc.constantFrom(...names), fc.constantFrom(...undecodableSegments))
      .map(([base, name, segment]) => ({
        params: { ...base, [name]: segment } as Record<string, string> | null,
        raw: new Set([name]),
      }));
    return fc
      .record({
        caller: fc.constantFrom(...route.permitted),
        params: fc.oneof({ weight: 5, arbitrary: broken }, { weight: 1, arbitrary: undecodable }),
        query: validQuery(route),
        extra: extraQuery(route),
        body: incidentalBody(route, 'accepted'),
        garnish,
      })
      .map((r) =>
        r.params?.params
          ? finish(route, 'invalidParams', r.caller, {
              params: r.params.params,
              rawParams: r.params.raw,
              query: r.query,
              extraQuery: r.extra,
              headers: { ...r.garnish, ...r.body.headers },
              body: r.body.body,
            })
          : null,
      );
  },

  invalidQuery: (route, _world) => {
    const field = route.query;
    if (!field || route.permitted.length === 0) return null;
    const schema = route.spec.query as z.ZodObject;
    const keys = Object.keys(schema.shape);
    const broken = fc.tuple(validQuery(route), mutationsArbitrary).map(([base, mutations]) => {
      const refused = (value: unknown) => {
        const model = toQueryModel(value, keys);
        return model !== null && !urlAccepts(schema, model);
      };
      const value = breakValue(field, base, mutations, refused, 'url');
      return value === undefined ? null : toQueryModel(value, keys);
    });
    return fc
      .record({
        caller: fc.constantFrom(...route.permitted),
        params: validParams(route),
        query: broken,
        extra: extraQuery(route),
        body: incidentalBody(route, 'accepted'),
        garnish,
      })
      .map((r) =>
        r.query
          ? finish(route, 'invalidQuery', r.caller, {
              params: r.params,
              query: r.query,
              extraQuery: r.extra,
              headers: { ...r.garnish, ...r.body.headers },
              body: r.body.body,
            })
          : null,
      );
  },

  invalidBody: (route, _world) => {
    if (!route.body || route.permitted.length === 0) return null;
    return fc
      .record({
        caller: fc.constantFrom(...route.permitted),
        params: validParams(route),
        query: validQuery(route),
        text: fc.oneof(
          { weight: 8, arbitrary: brokenBodyText(route, false) },
          // No body at all, or an empty one: nothing is not a valid input either.
          { weight: 1, arbitrary: fc.constantFrom('', '{}', '[]') },
        ),
        type: jsonType,
        garnish,
      })
      .map((r) => {
        if (r.text !== '' && bodyVerdict(route.spec.body, r.text) === 'valid') return null;
        if (r.text === '' && accepts(route.spec.body as z.ZodType, undefined)) return null;
        return finish(route, 'invalidBody', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: [],
          headers: { ...r.garnish, ...(r.text === '' ? {} : { 'Content-Type': r.type }) },
          body: r.text === '' ? undefined : Buffer.from(r.text),
        });
      });
  },

  unknownId: (route, _world) => {
    if (route.unknowable.length === 0 || route.permitted.length === 0) return null;
    const callers = route.permitted.filter((c) => c.user !== null);
    if (callers.length === 0) return null;
    return fc
      .record({
        caller: fc.constantFrom(...callers),
        params: validParams(route, 'unknown'),
        query: validQuery(route),
        extra: extraQuery(route),
        body: route.binary
          ? incidentalBody(route, 'accepted')
          : route.body
            ? fc
                .tuple(jsonType, validBodyText(route))
                .map(([t, text]) => ({ body: Buffer.from(text), headers: { 'Content-Type': t } }))
            : incidentalBody(route, 'any'),
        garnish,
      })
      .map((r) =>
        finish(route, 'unknownId', r.caller, {
          params: r.params,
          query: r.query,
          extraQuery: r.extra,
          headers: { ...r.garnish, ...r.body.headers },
          body: r.body.body,
        }),
      );
  },

  otherScope: (route, _world) => {
    if (route.outOfScope.length === 0) return null;
    return fc
      .record({
        target: fc.constantFrom(...route.outOfScope),
        pick: fc.nat(),
        query: validQuery(route),
        body: route.binary
          ? incidentalBody(route, 'accepted')
          : route.body
            ? fc
                .tuple(jsonType, validBodyText(route))
                .map(([t, text]) => ({ body: Buffer.from(text), headers: { 'Content-Type': t } }))
            : incidentalBody(route, 'any'),
        rest: validParams(route, 'unknown'),
        garnish,
      })
      .map((r) => {
        const caller = r.target.callers[r.pick % r.target.callers.length] as Caller;
        const params: Record<string, string> = { ...r.rest };
        for (const name of route.paramNames)
          if (r.target.record.params[name] !== undefined)
            params[name] = r.target.record.params[name] as string;
        return finish(route, 'otherScope', caller, {
          params,
          query: r.query,
          extraQuery: [],
          headers: { ...r.garnish, ...r.body.headers },
          body: r.body.body,
        });
      });
  },

  wrongCredentials: (route, world) => {
    if (route.spec.body !== Credentials) return null;
    return fc
      .record({
        email: fc.constantFrom(...world.loginEmails),
        case: fc.constantFrom('lower', 'upper', 'spaced'),
        password: hostileString('body').filter((p) => p.length >= 1 && p.length <= 200),
        caller: fc.constantFrom<Caller>(
          { key: 'anonymous', user: null, headers: {} },
          ...sessionCallers(world),
        ),
      })
      .map((r) => {
        const email =
          r.case === 'upper'
            ? r.email.toUpperCase()
            : r.case === 'spaced'
              ? ` ${r.email} `
              : r.email;
        const text = JSON.stringify({ email, password: r.password });
        if (bodyVerdict(Credentials, text) !== 'valid') return null;
        return finish(route, 'wrongCredentials', r.caller, {
          params: {},
          query: {},
          extraQuery: [],
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(text),
        });
      });
  },
};

export interface RoutePlan {
  route: RouteUnderTest;
  arbitrary: fc.Arbitrary<FuzzCase>;
  strategies: Strategy[];
  /** Strategies that apply but for which no request could be generated. */
  skipped: Strategy[];
}

/**
 * The request generator of a route: every strategy that applies to it, weighted. A strategy
 * whose generator cannot produce a request (probe) is left out and reported.
 */
function fillPools(route: RouteUnderTest, world: World, seed: number) {
  const draw = <T>(arbitrary: fc.Arbitrary<T>, offset: number): T[] => {
    try {
      return fc.sample(arbitrary, { numRuns: POOL_SIZE, seed: seed + offset });
    } catch {
      return [];
    }
  };
  route.pools = {
    params: draw(paramsArbitrary(route, world, 'any'), 1),
    unknownParams: route.unknowable.length ? draw(paramsArbitrary(route, world, 'unknown'), 2) : [],
    query: route.query ? draw(queryArbitrary(route), 3) : [],
    bodyTexts: route.body ? draw(bodyTextArbitrary(route), 4) : [],
  };
}

export function planRoute(route: RouteUnderTest, world: World, seed: number): RoutePlan {
  fillPools(route, world, seed);
  const usable: { strategy: Strategy; arbitrary: fc.Arbitrary<FuzzCase | null> }[] = [];
  const skipped: Strategy[] = [];
  for (const strategy of Strategies) {
    const arbitrary = builders[strategy](route, world);
    if (!arbitrary) continue;
    try {
      const probe = fc.sample(arbitrary, { numRuns: 20, seed });
      if (probe.some((c) => c !== null)) usable.push({ strategy, arbitrary });
      else skipped.push(strategy);
    } catch {
      skipped.push(strategy);
    }
  }
  if (usable.length === 0) throw new Error(`No refusal can be generated for ${route.operationId}`);
  // Oversized bodies are costly (1 MB of JSON, 20 MB for an upload): one request in 200 (in
  // 300 for an upload), whatever the number of other strategies that apply to the route.
  const others = usable
    .filter((u) => u.strategy !== 'oversized')
    .reduce((sum, u) => sum + Weights[u.strategy] * 100, 0);
  const share = route.binary ? 300 : 200;
  const weight = (strategy: Strategy) =>
    strategy === 'oversized'
      ? Math.max(1, Math.round(others / (share - 1)))
      : Weights[strategy] * 100;
  const arbitrary = fc
    .oneof(...usable.map((u) => ({ weight: weight(u.strategy), arbitrary: u.arbitrary })))
    .filter((c): c is FuzzCase => c !== null);
  return { route, arbitrary, strategies: usable.map((u) => u.strategy), skipped };
}

/** Sensible per-route seeds from one run seed: a route's requests do not depend on the others. */
export function routeSeed(seed: number, operationId: string): number {
  let hash = seed | 0;
  for (const char of operationId) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}
