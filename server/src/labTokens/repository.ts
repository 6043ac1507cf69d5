import { type Db, executor } from '@maestro/database';
import type { LabToken } from '@maestro/shared/schema';

/** A token as stored: never its value, only its SHA-256 (`tokenHash`, kept out of answers). */
interface LabTokenRow {
  id: string;
  laboratoryId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What bearer authentication needs of a valid token and its laboratory. */
export interface ActiveLabToken {
  id: string;
  laboratoryId: string;
  name: string;
  prefix: string;
  laboratoryShortName: string;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

const toLabToken = (row: LabTokenRow): LabToken => ({
  id: row.id,
  laboratoryId: row.laboratoryId,
  name: row.name,
  prefix: row.prefix,
  createdAt: iso(row.createdAt) as string,
  createdByName: row.createdByName,
  lastUsedAt: iso(row.lastUsedAt),
  revokedAt: iso(row.revokedAt),
});

export function createLabTokenRepository(db: Db) {
  const listed = () =>
    executor(db)('labTokens as t')
      .leftJoin('users as u', 'u.id', 't.createdBy')
      .select(
        't.id',
        't.laboratoryId',
        't.name',
        't.prefix',
        't.createdAt',
        't.lastUsedAt',
        't.revokedAt',
        db.raw(`nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), '')
          as created_by_name`),
      );

  return {
    async laboratoryExists(laboratoryId: string): Promise<boolean> {
      return (await executor(db)('laboratories').where({ id: laboratoryId }).first('id')) != null;
    },

    /** The laboratory's tokens, active ones first, then the most recent. */
    async findByLaboratory(laboratoryId: string): Promise<LabToken[]> {
      const rows = (await listed()
        .where('t.laboratoryId', laboratoryId)
        .orderByRaw('t.revoked_at is not null, t.created_at desc, t.id')) as LabTokenRow[];
      return rows.map(toLabToken);
    },

    async find(laboratoryId: string, id: string): Promise<LabToken | null> {
      const row = (await listed().where({ 't.id': id, 't.laboratoryId': laboratoryId }).first()) as
        | LabTokenRow
        | undefined;
      return row ? toLabToken(row) : null;
    },

    async insert(values: {
      laboratoryId: string;
      name: string;
      prefix: string;
      tokenHash: string;
      createdBy: string | null;
    }): Promise<string> {
      const [row] = await executor(db)('labTokens').insert(values).returning('id');
      return (row as { id: string }).id;
    },

    /** Locks the token row; null when it is not this laboratory's. */
    async lock(
      laboratoryId: string,
      id: string,
    ): Promise<{ id: string; revokedAt: Date | null } | null> {
      const row = await executor(db)('labTokens')
        .where({ id, laboratoryId })
        .forUpdate()
        .first('id', 'revokedAt');
      return (row as { id: string; revokedAt: Date | null } | undefined) ?? null;
    },

    async revoke(id: string, revokedBy: string | null): Promise<void> {
      await executor(db)('labTokens')
        .where({ id })
        .whereNull('revokedAt')
        .update({ revokedAt: db.fn.now(), revokedBy });
    },

    /** A token that is not revoked, with its laboratory, by the hash of its value: one query. */
    async findActiveByHash(tokenHash: string): Promise<ActiveLabToken | null> {
      const row = await executor(db)('labTokens as t')
        .join('laboratories as l', 'l.id', 't.laboratoryId')
        .where('t.tokenHash', tokenHash)
        .whereNull('t.revokedAt')
        .first(
          't.id',
          't.laboratoryId',
          't.name',
          't.prefix',
          'l.shortName as laboratoryShortName',
        );
      return (row as ActiveLabToken | undefined) ?? null;
    },

    /** Records a use, at most once a minute per token (a cheap conditional UPDATE). */
    async touch(id: string): Promise<void> {
      await executor(db)('labTokens')
        .where({ id })
        .whereNull('revokedAt')
        .where((w) =>
          w.whereNull('lastUsedAt').orWhereRaw("last_used_at < now() - interval '1 minute'"),
        )
        .update({ lastUsedAt: db.fn.now() });
    },
  };
}

export type LabTokenRepository = ReturnType<typeof createLabTokenRepository>;
