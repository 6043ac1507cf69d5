import fc from 'fast-check';
import type { z } from 'zod';
import {
  hostileKeys,
  hostileKeyValues,
  hostileNumbers,
  hostileString,
  hostileStrings,
  longString,
  rawNumberLiterals,
  wrongTypeValues,
} from './hostile';

/**
 * A zod schema read as a tree the fuzzer can walk: which JSON value is valid where, and how to
 * break it. Only the shapes the contract uses are modelled in detail; anything else is `any`
 * (valid values then come from the schema's own verdict, see `validValue`).
 */
export type Node =
  | {
      kind: 'string';
      min: number;
      max: number | null;
      format: string | null;
      patterns: RegExp[];
      /** trim/toLowerCase: the value is rewritten before the length checks. */
      rewrites: boolean;
    }
  | {
      kind: 'number';
      int: boolean;
      min: number | null;
      minInclusive: boolean;
      max: number | null;
      maxInclusive: boolean;
    }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly (string | number)[] }
  | { kind: 'literal'; values: readonly unknown[] }
  | { kind: 'object'; fields: Record<string, Field>; strict: boolean }
  | { kind: 'array'; element: Field; min: number; max: number | null }
  | { kind: 'record'; key: Field; value: Field }
  | { kind: 'union'; options: Field[] }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'any' };

export interface Field {
  node: Node;
  /** Absent is valid (optional or defaulted). */
  optional: boolean;
  nullable: boolean;
  /** The zod schema of this position, wrappers included: the final judge of a value. */
  schema: z.ZodType;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  checks?: { _zod: { def: CheckDef } }[];
  format?: string;
  pattern?: RegExp;
  entries?: Record<string, string | number>;
  values?: unknown[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
}

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number;
  inclusive?: boolean;
}

const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

const cache = new WeakMap<z.ZodType, Field>();

/** The tree of a schema (memoised: the contract's schemas are shared between routes). */
export function describe(schema: z.ZodType): Field {
  const known = cache.get(schema);
  if (known) return known;
  let optional = false;
  let nullable = false;
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') {
      optional = true;
      current = def.innerType as z.ZodType;
    } else if (def.type === 'nullable') {
      nullable = true;
      current = def.innerType as z.ZodType;
    } else if (def.type === 'readonly' || def.type === 'catch') {
      current = def.innerType as z.ZodType;
    } else if (def.type === 'pipe') {
      // A transform after the schema (optionalText…): the input decides. Otherwise the output
      // is the stricter one (Email: rewrites, then the e-mail format).
      const out = def.out as z.ZodType;
      current = defOf(out).type === 'transform' ? (def.in as z.ZodType) : out;
    } else break;
  }
  const field: Field = { node: nodeOf(current), optional, nullable, schema };
  cache.set(schema, field);
  return field;
}

function nodeOf(schema: z.ZodType): Node {
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  switch (def.type) {
    case 'string': {
      const node: Extract<Node, { kind: 'string' }> = {
        kind: 'string',
        min: 0,
        max: null,
        format: def.format ?? null,
        patterns: def.pattern ? [def.pattern] : [],
        rewrites: false,
      };
      for (const check of checks) {
        if (check.check === 'min_length') node.min = Math.max(node.min, check.minimum ?? 0);
        else if (check.check === 'max_length')
          node.max = Math.min(node.max ?? Infinity, check.maximum ?? Infinity);
        else if (check.check === 'length_equals') {
          node.min = check.length ?? 0;
          node.max = check.length ?? null;
        } else if (check.check === 'string_format') {
          if (check.format && check.format !== 'regex') node.format = check.format;
          if (check.pattern) node.patterns.push(check.pattern);
        } else if (check.check === 'overwrite') node.rewrites = true;
      }
      return node;
    }
    case 'number': {
      const node: Extract<Node, { kind: 'number' }> = {
        kind: 'number',
        int: false,
        min: null,
        minInclusive: true,
        max: null,
        maxInclusive: true,
      };
      for (const check of checks) {
        if (check.check === 'number_format' && /int/.test(check.format ?? '')) node.int = true;
        else if (check.check === 'greater_than' && check.value !== undefined) {
          if (node.min === null || check.value >= node.min) {
            node.min = check.value;
            node.minInclusive = check.inclusive ?? true;
          }
        } else if (check.check === 'less_than' && check.value !== undefined) {
          if (node.max === null || check.value <= node.max) {
            node.max = check.value;
            node.maxInclusive = check.inclusive ?? true;
          }
        }
      }
      return node;
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', values: Object.values(def.entries ?? {}) };
    case 'literal':
      return { kind: 'literal', values: def.values ?? [] };
    case 'object': {
      const fields: Record<string, Field> = {};
      for (const [key, value] of Object.entries(def.shape ?? {})) fields[key] = describe(value);
      const strict = def.catchall ? defOf(def.catchall).type === 'never' : false;
      return { kind: 'object', fields, strict };
    }
    case 'array': {
      let min = 0;
      let max: number | null = null;
      for (const check of checks) {
        if (check.check === 'min_length') min = check.minimum ?? 0;
        else if (check.check === 'max_length') max = check.maximum ?? null;
      }
      return { kind: 'array', element: describe(def.element as z.ZodType), min, max };
    }
    case 'record':
      return {
        kind: 'record',
        key: describe(def.keyType as z.ZodType),
        value: describe(def.valueType as z.ZodType),
      };
    case 'union':
      return { kind: 'union', options: (def.options ?? []).map(describe) };
    case 'intersection': {
      const left = describe(def.left as z.ZodType).node;
      const right = describe(def.right as z.ZodType).node;
      if (left.kind === 'object' && right.kind === 'object')
        return {
          kind: 'object',
          fields: { ...left.fields, ...right.fields },
          strict: left.strict || right.strict,
        };
      return { kind: 'any' };
    }
    case 'null':
      return { kind: 'null' };
    case 'undefined':
    case 'void':
      return { kind: 'undefined' };
    default:
      return { kind: 'any' };
  }
}

export const accepts = (schema: z.ZodType, value: unknown): boolean =>
  schema.safeParse(value).success;

/**
 * `arbitrary` kept to the values `schema` accepts. A position whose generator never hits
 * (a schema this model does not understand) throws after many misses rather than looping.
 */
function keepValid<T>(arbitrary: fc.Arbitrary<T>, schema: z.ZodType): fc.Arbitrary<T> {
  let misses = 0;
  return arbitrary.filter((value) => {
    if (accepts(schema, value)) {
      misses = 0;
      return true;
    }
    misses += 1;
    if (misses > 2_000) throw new Error('No valid value generated for a schema position');
    return false;
  });
}

export type Where = 'body' | 'url';

const dateBetween = fc.date({
  min: new Date('1000-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59Z'),
  noInvalidDate: true,
});

function validString(node: Extract<Node, { kind: 'string' }>, where: Where): fc.Arbitrary<string> {
  switch (node.format) {
    case 'uuid':
    case 'guid':
      return fc.uuid();
    case 'email':
      return fc
        .tuple(
          fc.stringMatching(/^[a-z0-9][a-z0-9._'+-]{0,20}[a-z0-9]$/),
          fc.constantFrom('exemple.fr', 'laboratoire.test', 'xn--bcher-kva.example'),
        )
        .map(([local, domain]) => `${local.replace(/\.\.+/g, '.')}@${domain}`);
    case 'datetime':
      return fc
        .tuple(dateBetween, fc.constantFrom('Z', '+02:00', '-11:30', '+00:00'))
        .map(([date, offset]) => date.toISOString().replace('Z', offset === 'Z' ? 'Z' : offset));
    case 'date':
      return dateBetween.map((date) => date.toISOString().slice(0, 10));
    default:
      break;
  }
  const pattern = node.patterns[0];
  if (pattern) return fc.stringMatching(pattern);
  const max = node.max ?? (where === 'url' ? 300 : 5_000);
  const min = node.min;
  const fit = (value: string) => (value.length >= min && value.length <= max ? [value] : []);
  const hostileFits = hostileStrings.flatMap(fit);
  return fc.oneof(
    { weight: 4, arbitrary: hostileString(where) },
    ...(hostileFits.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...hostileFits) }] : []),
    {
      weight: 3,
      arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, 40)) }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('é', 'x', '<', '\u{1F600}', "'")
        .map((motif) => longString(motif, Math.max(min, max))),
    },
  );
}

function validNumber(node: Extract<Node, { kind: 'number' }>): fc.Arbitrary<number> {
  const low = node.min ?? -1e9;
  const high = node.max ?? 1e9;
  if (node.int) {
    const min = Math.ceil(node.minInclusive ? low : low + 1);
    const max = Math.floor(node.maxInclusive ? high : high - 1);
    return fc.integer({
      min: Math.max(min, Number.MIN_SAFE_INTEGER),
      max: Math.min(max, Number.MAX_SAFE_INTEGER),
    });
  }
  // Mostly "round" decimals (schemas may cap the number of decimals), some raw doubles.
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .integer({ min: 0, max: 1_000_000 })
        .map((n) => Number((low + ((high - low) * n) / 1_000_000).toFixed(3))),
    },
    {
      weight: 1,
      arbitrary: fc.double({
        min: low,
        max: high,
        noNaN: true,
        noDefaultInfinity: true,
        minExcluded: !node.minInclusive,
        maxExcluded: !node.maxInclusive,
      }),
    },
  );
}

/** Valid values of a position (leaves filtered by their own schema). */
export function validArbitrary(field: Field, where: Where): fc.Arbitrary<unknown> {
  let core: fc.Arbitrary<unknown>;
  const node = field.node;
  switch (node.kind) {
    case 'string':
      core = keepValid(validString(node, where), leafSchema(field));
      break;
    case 'number':
      core = keepValid(validNumber(node), leafSchema(field));
      break;
    case 'boolean':
      core = fc.boolean();
      break;
    case 'enum':
      core = fc.constantFrom(...node.values);
      break;
    case 'literal':
      core = fc.constantFrom(...node.values);
      break;
    case 'object': {
      const entries = Object.entries(node.fields);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, child] of entries) model[key] = validArbitrary(child, where);
      const required = entries.filter(([, child]) => !child.optional).map(([key]) => key);
      core = keepValid(fc.record(model, { requiredKeys: required }), leafSchema(field));
      break;
    }
    case 'array': {
      const maxLength = Math.min(node.max ?? node.min + 3, node.min + 3);
      core = fc.array(validArbitrary(node.element, where), { minLength: node.min, maxLength });
      break;
    }
    case 'record': {
      const key = node.key.node;
      if (key.kind === 'enum') {
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const value of key.values) model[String(value)] = validArbitrary(node.value, where);
        core = fc.record(model, { requiredKeys: [] });
      } else
        core = fc.dictionary(
          validArbitrary(node.key, where) as fc.Arbitrary<string>,
          validArbitrary(node.value, where),
          { maxKeys: 3 },
        );
      break;
    }
    case 'union':
      core = fc.oneof(...node.options.map((option) => validArbitrary(option, where)));
      break;
    case 'null':
      core = fc.constant(null);
      break;
    case 'undefined':
      core = fc.constant(undefined);
      break;
    default:
      core = keepValid(fc.jsonValue({ maxDepth: 2 }), field.schema);
  }
  if (field.nullable) core = fc.option(core, { nil: null, freq: 5 });
  return core;
}

/** The schema of a position without its optional/nullable wrappers, for a leaf filter. */
function leafSchema(field: Field): z.ZodType {
  let current = field.schema;
  for (;;) {
    const def = defOf(current);
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(def.type))
      current = def.innerType as z.ZodType;
    else return current;
  }
}

// ————— Breaking a value —————

export type Path = readonly (string | number)[];

/** A number literal written as is into the JSON text (see `toJsonText`). */
export class RawLiteral {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `\u0001raw:${this.text}\u0001`;
  }
}

/** The JSON text of a value, raw literals included. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  return text.replace(/"\\u0001raw:([^\\"]*)\\u0001"/g, (_, literal: string) => literal);
}

/** Sets an own property even when the key is `__proto__`. */
function put(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (value && typeof value === 'object' && !(value instanceof RawLiteral)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) put(out, key, cloneValue((value as never)[key]));
    return out;
  }
  return value;
}

const DELETE = Symbol('delete');

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value === DELETE ? undefined : value;
  const copy = cloneValue(root) as Record<string | number, unknown>;
  let cursor = copy;
  for (const step of path.slice(0, -1)) cursor = cursor[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === DELETE) {
    if (Array.isArray(cursor)) cursor.splice(last as number, 1);
    else delete cursor[last];
  } else if (typeof last === 'string') put(cursor as Record<string, unknown>, last, value);
  else cursor[last] = value;
  return copy;
}

interface Site {
  path: Path;
  field: Field;
  value: unknown;
  present: boolean;
}

/** The positions of a value, with the schema that rules each. */
function sitesOf(field: Field, value: unknown, path: Path = [], out: Site[] = []): Site[] {
  out.push({ path, field, value, present: value !== undefined });
  const node = field.node;
  if (node.kind === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(node.fields)) {
      const childValue = (value as Record<string, unknown>)[key];
      if (Object.hasOwn(value, key)) sitesOf(child, childValue, [...path, key], out);
      else out.push({ path: [...path, key], field: child, value: undefined, present: false });
    }
  } else if (node.kind === 'array' && Array.isArray(value)) {
    value.slice(0, 3).forEach((item, index) => {
      sitesOf(node.element, item, [...path, index], out);
    });
  }
  return out;
}

const isPlainObject = (value: unknown) =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Replacements that should break a position (each is checked against the schema after). */
function breakersOf(site: Site, where: Where): unknown[] {
  const { field, value } = site;
  const node = field.node;
  const out: unknown[] = [];
  if (!field.optional && site.present) out.push(DELETE);
  if (!field.nullable) out.push(null);
  switch (node.kind) {
    case 'string': {
      if (node.max !== null) {
        out.push(longString('x', node.max + 1));
        out.push(longString('\u{1F600}', node.max + 2));
        if (where === 'body') out.push(longString("' or 1=1 -- ", 100_000));
      }
      if (node.min > 0) out.push('', '   ');
      if (node.format || node.patterns.length > 0)
        out.push(...hostileStrings.filter((_, i) => i % 3 === 0));
      out.push(1, 0, -1, true, [], {}, [typeof value === 'string' ? value : 'x']);
      break;
    }
    case 'number': {
      const { min, max } = node;
      if (min !== null) out.push(min - 1, node.int ? min - 0.5 : min - 1e-9, -1e308);
      if (max !== null) out.push(max + 1, 1e308);
      if (node.int) out.push((min ?? 0) + 0.5);
      out.push(...rawNumberLiterals.slice(0, 3).map((literal) => new RawLiteral(literal)));
      out.push(String(typeof value === 'number' ? value : 1), 'NaN', '', true, [], {});
      out.push(...hostileNumbers.filter((_, i) => i % 4 === 0));
      break;
    }
    case 'boolean':
      out.push('true', 'false', 1, 0, 'yes', '', []);
      break;
    case 'enum':
    case 'literal': {
      const first = String(node.kind === 'enum' ? node.values[0] : node.values[0]);
      out.push(first.toLowerCase(), first.toUpperCase(), ` ${first}`, `${first}\u0000`, '', 0);
      out.push(...hostileStrings.filter((_, i) => i % 4 === 1));
      break;
    }
    case 'object':
      out.push([], 'x', 1, true, [value]);
      break;
    case 'array': {
      const sample = Array.isArray(value) && value.length > 0 ? value[0] : 'x';
      if (node.max !== null && node.max < 20_000)
        out.push(Array.from({ length: node.max + 1 }, () => cloneValue(sample)));
      if (node.min > 0) out.push([]);
      out.push({ 0: sample }, 'x', 1, [[sample]], [null], [...wrongTypeValues]);
      break;
    }
    case 'record':
      out.push([], 'x', { inconnu: 'x' });
      break;
    case 'null':
      out.push(0, '', false, {});
      break;
    default:
      out.push(...wrongTypeValues);
  }
  return out;
}

export interface Mutation {
  site: number;
  breaker: number;
}

export interface Extra {
  pathPick: number;
  key: string;
  value: unknown;
}

/** A small deterministic generator (mulberry32) to unfold one generated number into several. */
export function unfold(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * One to three mutations, unfolded from a single number: generating tens of thousands of
 * requests stays cheap, and shrinking goes toward 0 (the first site, the first breaker).
 */
export const mutationsArbitrary: fc.Arbitrary<Mutation[]> = fc.nat().map((n) => {
  const next = unfold(n);
  const count = 1 + (next() % 3);
  return Array.from({ length: count }, () => ({ site: next(), breaker: next() }));
});

const extraValues: readonly unknown[] = [
  ...hostileKeyValues,
  ...hostileStrings.filter((_, i) => i % 5 === 0),
];

/** An unexpected key and its value, unfolded from one number. */
export const extraArbitrary: fc.Arbitrary<Extra> = fc.nat().map((n) => {
  const next = unfold(n);
  return {
    pathPick: next(),
    key: hostileKeys[next() % hostileKeys.length] as string,
    value: extraValues[next() % extraValues.length],
  };
});

/** Adds an unexpected key to one object of the value (alone, it may be stripped and pass). */
export function addExtra(value: unknown, extra: Extra): unknown {
  const objects: Path[] = [];
  const walk = (current: unknown, path: Path) => {
    if (isPlainObject(current)) {
      objects.push(path);
      for (const key of Object.keys(current as object))
        walk((current as Record<string, unknown>)[key], [...path, key]);
    } else if (Array.isArray(current))
      for (const [i, v] of current.slice(0, 2).entries()) walk(v, [...path, i]);
  };
  walk(value, []);
  if (objects.length === 0) return value;
  const path = objects[extra.pathPick % objects.length] as Path;
  const copy = cloneValue(value);
  let cursor = copy as Record<string | number, unknown>;
  for (const step of path) cursor = cursor[step] as Record<string | number, unknown>;
  put(cursor as Record<string, unknown>, extra.key, extra.value);
  return copy;
}

/**
 * Breaks a valid value with the mutations given, one after the other, until `invalid` says it
 * is refused; then, if need be, every site and breaker in turn (deterministic). Undefined when
 * nothing breaks it (the schema accepts anything).
 */
export function breakValue(
  field: Field,
  base: unknown,
  mutations: readonly Mutation[],
  invalid: (value: unknown) => boolean,
  where: Where,
  rootBreakers: readonly unknown[] = [],
): unknown | undefined {
  let value = base;
  for (const mutation of mutations) {
    const sites = sitesOf(field, value);
    const site = sites[mutation.site % sites.length] as Site;
    const breakers = breakersOf(site, where);
    if (breakers.length === 0) continue;
    value = setAt(value, site.path, breakers[mutation.breaker % breakers.length]);
    if (invalid(value)) return value;
  }
  for (const site of sitesOf(field, base)) {
    for (const breaker of breakersOf(site, where)) {
      const candidate = setAt(base, site.path, breaker);
      if (invalid(candidate)) return candidate;
    }
  }
  for (const breaker of rootBreakers) if (invalid(breaker)) return breaker;
  return undefined;
}
