import type { Db } from '@maestro/database';

/**
 * What a refused request may legitimately change, and nothing else:
 * - `sessions`: sessions are rolling; reading one pushes its expiry back (at most once a
 *   minute), whatever the answer to the request.
 * - `rate_limits`: a refused login counts against the login rate limit: that is its purpose.
 * - `lab_tokens.last_used_at`: a valid API token records its use (at most once a minute) as
 *   soon as it authenticates, before the request is validated. Only that column is left out.
 * (pg-boss keeps its jobs in its own schema, not in `public`.)
 */
const excludedTables = new Set(['sessions', 'rate_limits']);
const excludedColumns: Record<string, string[]> = { lab_tokens: ['last_used_at'] };

/** Per table of the `public` schema: a digest of every row (so counts and contents). */
export type Snapshot = Map<string, string[]>;

export async function snapshot(db: Db): Promise<Snapshot> {
  const tables: { name: string }[] = (
    await db.raw(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    )
  ).rows;
  const result: Snapshot = new Map();
  for (const { name: table } of tables) {
    if (excludedTables.has(table)) continue;
    const columns = excludedColumns[table] ?? [];
    const row = columns.length
      ? `(to_jsonb(t) ${columns.map(() => '- ?').join(' ')})::text`
      : 't::text';
    const rows: { digest: string }[] = (
      await db.raw(`select md5(${row}) as digest from ?? as t order by 1`, [...columns, table])
    ).rows;
    result.set(
      table,
      rows.map((r) => r.digest),
    );
  }
  return result;
}

/** The tables whose rows differ, with how many rows appeared and disappeared. */
export function compare(before: Snapshot, after: Snapshot): string[] {
  const differences: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(table) ?? [];
    const b = after.get(table) ?? [];
    const left = new Map<string, number>();
    for (const digest of a) left.set(digest, (left.get(digest) ?? 0) + 1);
    let added = 0;
    for (const digest of b) {
      const count = left.get(digest) ?? 0;
      if (count > 0) left.set(digest, count - 1);
      else added += 1;
    }
    const removed = [...left.values()].reduce((sum, n) => sum + n, 0);
    if (added > 0 || removed > 0)
      differences.push(
        `${table}: ${a.length} → ${b.length} rows (${added} new or changed, ${removed} gone or changed)`,
      );
  }
  return differences;
}

export const rowCount = (s: Snapshot): number =>
  [...s.values()].reduce((sum, rows) => sum + rows.length, 0);
