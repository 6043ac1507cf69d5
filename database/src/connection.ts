import knex, { type Knex } from 'knex';
import pg from 'pg';

// Decided once for the whole application (see docs/decisions/0003-database-conventions.md):
// int8 (counts, bigserial) come back as JS numbers — every value we store fits in 2^53 —,
// numeric as numbers, date as 'YYYY-MM-DD' strings that no time zone can shift.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number.parseFloat(value));
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Db = Knex;

const toSnake = (value: string): string => value.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCache = new Map<string, string>();
/** snake_case → camelCase, memoised: the same few hundred column names come back in every row. */
const toCamel = (value: string): string => {
  let camel = camelCache.get(value);
  if (camel === undefined) {
    camel = value.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (camelCache.size < 10_000) camelCache.set(value, camel);
  }
  return camel;
};

function camelizeRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object' || row instanceof Date || Array.isArray(row)) {
    return row;
  }
  const source = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in source) {
    out[toCamel(key)] = source[key];
  }
  return out;
}

export interface DbOptions {
  /** Maximum connections of this process's pool. */
  poolMax?: number;
  /** Per-statement timeout (ms): a runaway query is cancelled instead of holding a connection. */
  statementTimeoutMs?: number;
  applicationName?: string;
}

/**
 * The connection factory. snake_case in the database and camelCase in TypeScript are
 * converted here and nowhere else: identifiers on the way in, row keys on the way out.
 */
export function createDb(connectionString: string, options: DbOptions = {}): Db {
  return knex({
    client: 'pg',
    connection: {
      connectionString,
      application_name: options.applicationName ?? 'maestro',
      statement_timeout: options.statementTimeoutMs ?? 30_000,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: 10_000,
    wrapIdentifier: (value, origImpl) => (value === '*' ? value : origImpl(toSnake(value))),
    postProcessResponse: (result) => {
      if (Array.isArray(result)) return result.map(camelizeRow);
      if (result && typeof result === 'object' && Array.isArray(result.rows)) {
        // knex.raw: keep pg's result object, camelize its rows.
        return { ...result, rows: result.rows.map(camelizeRow) };
      }
      return camelizeRow(result);
    },
  });
}

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function checkDatabase(db: Db): Promise<{ ok: boolean; latencyMs: number }> {
  const start = performance.now();
  try {
    await db.raw('select 1');
    return { ok: true, latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  } catch {
    return { ok: false, latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  }
}
