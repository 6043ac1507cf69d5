import { type Db, executor } from '@maestro/database';
import type { FindUsersQuery, User } from '@maestro/shared/schema';

export interface UserRow extends User {
  passwordHash: string | null;
}

const columns = [
  'id',
  'email',
  'firstName',
  'lastName',
  'role',
  'regionCode',
  'departmentCode',
  'laboratoryId',
  'disabled',
  'version',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
];

export type UserValues = Omit<
  User,
  'id' | 'version' | 'createdAt' | 'updatedAt' | 'lastLoginAt'
> & {
  passwordHash?: string | null;
};

export function createUserRepository(db: Db) {
  const q = () => executor(db)('users');
  return {
    async findById(id: string): Promise<User | undefined> {
      return q().where({ id }).first(columns);
    },
    async findByEmailWithHash(email: string): Promise<UserRow | undefined> {
      return q()
        .whereRaw('lower(email) = lower(?)', [email])
        .first([...columns, 'passwordHash']);
    },
    async emailExists(email: string): Promise<boolean> {
      const row = await q().whereRaw('lower(email) = lower(?)', [email]).first('id');
      return row !== undefined;
    },
    async find(query: FindUsersQuery): Promise<{ items: User[]; total: number }> {
      const base = q().where((w) => {
        if (query.role) w.where({ role: query.role });
        if (query.regionCode) w.where({ regionCode: query.regionCode });
        if (query.disabled !== undefined) w.where({ disabled: query.disabled });
        if (query.q) {
          const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          w.where((s) =>
            s
              .whereILike('email', like)
              .orWhereILike('firstName', like)
              .orWhereILike('lastName', like),
          );
        }
      });
      const [items, [{ total }]] = await Promise.all([
        base
          .clone()
          .select(columns)
          .orderBy([{ column: 'lastName' }, { column: 'firstName' }, { column: 'id' }])
          .limit(query.perPage)
          .offset((query.page - 1) * query.perPage),
        base.clone().count({ total: '*' }) as unknown as Promise<[{ total: number }]>,
      ]);
      return { items, total };
    },
    async insert(values: UserValues): Promise<User> {
      const [row] = await q().insert(values).returning(columns);
      return row;
    },
    /** Updates when the version matches; undefined when it does not (stale). */
    async update(
      id: string,
      version: number,
      values: Partial<UserValues>,
    ): Promise<User | undefined> {
      const [row] = await q()
        .where({ id, version })
        .update({ ...values, version: version + 1, updatedAt: executor(db).fn.now() })
        .returning(columns);
      return row;
    },
    async touchLastLogin(id: string): Promise<void> {
      await q()
        .where({ id })
        .update({ lastLoginAt: executor(db).fn.now() });
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
