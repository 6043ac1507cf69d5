import type { Db } from '@maestro/database';

/**
 * The tables of the application's schema whose rows contain one of `needles` anywhere (any
 * column, JSON included, through the row's text form), with the number of such rows. Needles
 * must be plain tokens: letters, digits and dashes.
 */
export async function tablesContaining(db: Db, needles: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (needles.length === 0) return found;
  for (const needle of needles)
    if (!/^[A-Za-z0-9-]+$/.test(needle)) throw new Error(`not a plain token: ${needle}`);
  const pattern = needles.join('|');
  const tables = await db.raw(
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  for (const { tableName } of tables.rows as { tableName: string }[]) {
    const result = await db.raw(
      `select count(*)::int as hits from "${tableName}" as row_ where row_::text ~ ?`,
      [pattern],
    );
    const hits = Number(result.rows[0]?.hits ?? 0);
    if (hits > 0) found.set(tableName, hits);
  }
  return found;
}
