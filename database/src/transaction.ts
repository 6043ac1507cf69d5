import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import type { Db } from './connection';

const ambient = new AsyncLocalStorage<Knex.Transaction>();

/**
 * Runs `work` in one transaction. Repositories called inside join it through `executor`;
 * a nested call reuses the outer transaction. Services own transactions, repositories never
 * start one.
 */
export async function transaction<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const current = ambient.getStore();
  if (current) return work();
  return db.transaction((trx) => ambient.run(trx, work));
}

/** The query builder to use now: the ambient transaction if any, the pool otherwise. */
export function executor(db: Db): Knex | Knex.Transaction {
  return ambient.getStore() ?? db;
}

export function inTransaction(): boolean {
  return ambient.getStore() !== undefined;
}

type Results<T extends readonly (() => PromiseLike<unknown>)[]> = {
  -readonly [K in keyof T]: Awaited<ReturnType<T[K]>>;
};

/**
 * Runs independent queries: concurrently on the pool, one after the other inside a
 * transaction (its single connection cannot run two queries at once).
 */
export async function queries<T extends readonly (() => PromiseLike<unknown>)[]>(
  ...thunks: T
): Promise<Results<T>> {
  if (inTransaction()) {
    const results: unknown[] = [];
    for (const thunk of thunks) results.push(await thunk());
    return results as Results<T>;
  }
  return (await Promise.all(thunks.map((thunk) => thunk()))) as Results<T>;
}
