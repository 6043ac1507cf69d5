import type { z } from 'zod';

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType };

const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/** The schema under optional/nullable/default wrappers, and whether it accepts "absent". */
function unwrap(schema: z.ZodType): { core: z.ZodType; optional: boolean } {
  let current = schema;
  let optional = false;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') {
      optional = true;
      current = def.innerType as z.ZodType;
    } else if (def.type === 'nullable' || def.type === 'readonly' || def.type === 'catch') {
      current = def.innerType as z.ZodType;
    } else if (def.type === 'pipe') {
      current = def.in as z.ZodType;
    } else {
      return { core: current, optional };
    }
  }
}

function coerceValue(schema: z.ZodType, value: unknown): unknown {
  const { core } = unwrap(schema);
  const def = defOf(core);
  if (def.type === 'array') {
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => coerceValue(def.element as z.ZodType, v));
  }
  if (typeof value !== 'string') return value;
  if (def.type === 'number' || def.type === 'bigint') {
    const trimmed = value.trim();
    const n = Number(trimmed);
    return trimmed !== '' && Number.isFinite(n) ? n : value;
  }
  if (def.type === 'boolean') {
    if (value === 'true') return true;
    if (value === 'false') return false;
  }
  return value;
}

/**
 * Turns the strings of a URL (path parameters, query string) into the types the schema
 * expects, once, at the boundary: numbers, booleans, arrays. An empty value of an optional
 * field counts as absent. Unknown keys are dropped here and refused by nothing: the schema
 * decides. Values that cannot be coerced are left as they are for the schema to refuse.
 */
export function coerceForSchema(
  schema: z.ZodObject,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = raw[key];
    if (value === undefined) continue;
    const { optional } = unwrap(field as z.ZodType);
    if (optional && value === '') continue;
    out[key] = coerceValue(field as z.ZodType, value);
  }
  return out;
}
