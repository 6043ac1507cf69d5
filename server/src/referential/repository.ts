import { type Db, executor } from '@maestro/database';
import type { FindMrlTableQuery, MrlKey, MrlRow } from '@maestro/shared/schema';

interface StoredMrl {
  substanceCode: string;
  matrixCode: string;
  value: number | string;
  source: string;
  version: number;
  updatedAt: Date;
}

const plainColumns = ['substanceCode', 'matrixCode', 'value', 'source', 'version', 'updatedAt'];
const columns = plainColumns.map((column) => `m.${column}`);

/** A row of the table; `corrected` once an administrator wrote it (the seed writes version 1). */
const toRow = (row: StoredMrl): MrlRow => ({
  substanceCode: row.substanceCode,
  matrixCode: row.matrixCode,
  value: Number(row.value),
  source: row.source,
  version: row.version,
  updatedAt: row.updatedAt,
  corrected: row.version > 1,
});

/** Lower case without French accents, on both sides of a search and for the order. */
const ACCENTED = 'àâäáãéèêëíìîïóòôöõúùûüçñÿœæ';
const PLAIN = 'aaaaaeeeeiiiiooooouuuucnyoa';
const FROM = ACCENTED + ACCENTED.toUpperCase();
const TO = PLAIN + PLAIN;
export const fold = (text: string) =>
  [...text.toLowerCase()].map((c) => TO[FROM.indexOf(c)] ?? c).join('');
/** The same in SQL; byte order ("C"), the same whatever the database's collation. */
const folded = (column: string) => `translate(lower(${column}), '${FROM}', '${TO}') collate "C"`;

export function createReferentialRepository(db: Db) {
  const q = () => executor(db);
  return {
    async findMrls(query: FindMrlTableQuery): Promise<{ items: MrlRow[]; total: number }> {
      const base = q()('mrls as m')
        .join('substances as s', 's.code', 'm.substanceCode')
        .join('matrices as x', 'x.code', 'm.matrixCode')
        .where((w) => {
          if (query.matrixCode) w.where('m.matrixCode', query.matrixCode);
          if (query.substanceCode) w.where('m.substanceCode', query.substanceCode);
          if (query.q) {
            const like = `%${fold(query.q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
            w.where((s) =>
              s
                .whereRaw(`${folded('s.label')} like ?`, [like])
                .orWhereRaw('lower(s.code) like ?', [like]),
            );
          }
        });
      const [rows, [{ total }]] = await Promise.all([
        base
          .clone()
          .select(columns)
          .orderByRaw(`${folded('s.label')}, ${folded('x.label')}, m.substance_code, m.matrix_code`)
          .limit(query.perPage)
          .offset((query.page - 1) * query.perPage),
        base.clone().count({ total: '*' }) as unknown as Promise<[{ total: number }]>,
      ]);
      return { items: (rows as StoredMrl[]).map(toRow), total };
    },

    async findMrl(key: MrlKey, options: { forUpdate?: boolean } = {}): Promise<MrlRow | null> {
      const query = q()('mrls as m').where({
        'm.substanceCode': key.substanceCode,
        'm.matrixCode': key.matrixCode,
      });
      if (options.forUpdate) query.forUpdate();
      const row = (await query.first(columns)) as StoredMrl | undefined;
      return row ? toRow(row) : null;
    },

    async substanceExists(code: string): Promise<boolean> {
      return (await q()('substances').where({ code }).first('code')) !== undefined;
    },

    async matrixExists(code: string): Promise<boolean> {
      return (await q()('matrices').where({ code }).first('code')) !== undefined;
    },

    /** Inserts an administrator's row; null when the pair is already in the table. */
    async insertMrl(
      values: MrlKey & { value: number; source: string; version: number },
    ): Promise<MrlRow | null> {
      const [row] = (await q()('mrls')
        .insert({ ...values, updatedAt: q().fn.now() })
        .onConflict(['substanceCode', 'matrixCode'])
        .ignore()
        .returning(plainColumns)) as StoredMrl[];
      return row ? toRow(row) : null;
    },

    /** Updates when the version matches; null when it does not (stale) or the pair is gone. */
    async updateMrl(
      key: MrlKey,
      version: number,
      values: { value: number; source: string },
    ): Promise<MrlRow | null> {
      const [row] = (await q()('mrls')
        .where({ substanceCode: key.substanceCode, matrixCode: key.matrixCode, version })
        .update({ ...values, version: version + 1, updatedAt: q().fn.now() })
        .returning(plainColumns)) as StoredMrl[];
      return row ? toRow(row) : null;
    },
  };
}

export type ReferentialRepository = ReturnType<typeof createReferentialRepository>;
