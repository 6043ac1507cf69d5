import { createHash } from 'node:crypto';
import {
  DepartmentList,
  LaboratorySeedList,
  MatrixKindList,
  MatrixList,
  MrlList,
  RegionList,
  SubstanceList,
} from '@maestro/shared/referential';
import type { Db } from './connection';

async function upsert(
  db: Db,
  table: string,
  rows: Record<string, unknown>[],
  key: string,
  merge?: string[],
) {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const query = db(table).insert(chunk).onConflict(key);
    await (merge ? query.merge(merge) : query.merge());
  }
}

/**
 * Loads every referential. Idempotent: run at each start, it inserts what is missing and
 * refreshes labels, never deleting what users may reference. MRLs already corrected by an
 * administrator (version > 1) are kept as they are. Skipped when the shipped lists did not change
 * since the last load (checksum).
 */
export async function seedReferentials(db: Db): Promise<boolean> {
  const checksum = createHash('sha256')
    .update(
      JSON.stringify([
        RegionList,
        DepartmentList,
        MatrixKindList,
        MatrixList,
        SubstanceList,
        MrlList,
        LaboratorySeedList,
      ]),
    )
    .digest('hex');
  const loaded = await db('referentialState').where({ name: 'referentials' }).first('checksum');
  if (loaded?.checksum === checksum) return false;
  await db.transaction(async (trx) => {
    const t = trx as unknown as Db;
    await upsert(
      t,
      'regions',
      RegionList.map((r) => ({ ...r })),
      'code',
    );
    await upsert(
      t,
      'departments',
      DepartmentList.map((d) => ({ ...d })),
      'code',
    );
    await upsert(
      t,
      'matrixKinds',
      MatrixKindList.map((k) => ({ ...k })),
      'code',
    );
    await upsert(
      t,
      'matrices',
      MatrixList.map((m) => ({ ...m })),
      'code',
    );
    await upsert(
      t,
      'substances',
      SubstanceList.map((s) => ({ ...s })),
      'code',
    );
    for (const mrl of MrlList) {
      await trx.raw(
        `insert into mrls (substance_code, matrix_code, value, source) values (?, ?, ?, ?)
         on conflict (substance_code, matrix_code) do update set value = excluded.value, source = excluded.source
         where mrls.version = 1`,
        [mrl.substanceCode, mrl.matrixCode, mrl.value, mrl.source],
      );
    }
    await upsert(
      t,
      'laboratories',
      LaboratorySeedList.map((l) => ({ ...l })),
      'id',
    );
    await trx('referentialState')
      .insert({ name: 'referentials', checksum, loadedAt: trx.fn.now() })
      .onConflict('name')
      .merge();
  });
  return true;
}
