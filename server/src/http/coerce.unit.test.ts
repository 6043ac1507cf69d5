import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coerceForSchema } from './coerce';

const Query = z.object({
  page: z.number().int().min(1).default(1),
  perPage: z.number().int().optional(),
  disabled: z.boolean().optional(),
  role: z.enum(['A', 'B']).optional(),
  tags: z.array(z.string()).optional(),
  years: z.array(z.number()).optional(),
  q: z.string().optional(),
  at: z.number().nullable().optional(),
});

describe('coerceForSchema', () => {
  it('turns URL strings into numbers, booleans and arrays', () => {
    expect(
      coerceForSchema(Query, { page: '3', disabled: 'true', tags: 'x', years: ['2025', '2026'] }),
    ).toEqual({
      page: 3,
      disabled: true,
      tags: ['x'],
      years: [2025, 2026],
    });
    expect(coerceForSchema(Query, { disabled: 'false', at: '4.5' })).toEqual({
      disabled: false,
      at: 4.5,
    });
  });

  it('leaves what cannot be coerced for the schema to refuse', () => {
    const coerced = coerceForSchema(Query, { page: 'abc', disabled: 'yes' });
    expect(coerced).toEqual({ page: 'abc', disabled: 'yes' });
    const result = Query.safeParse(coerced);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['disabled', 'page']);
  });

  it('treats an empty optional value as absent and drops unknown keys', () => {
    expect(coerceForSchema(Query, { q: '', role: '', page: '', other: '1' })).toEqual({});
    expect(Query.parse(coerceForSchema(Query, { q: '' }))).toEqual({ page: 1 });
  });

  it('keeps strings as strings', () => {
    expect(coerceForSchema(Query, { q: '42', role: 'B' })).toEqual({ q: '42', role: 'B' });
  });

  it('does not turn blank or infinite numbers into numbers', () => {
    expect(coerceForSchema(Query, { perPage: ' ', at: 'Infinity' })).toEqual({
      perPage: ' ',
      at: 'Infinity',
    });
  });
});
