import type { Db } from '@maestro/database';

/** How many other sessions of this database wait on a lock right now. */
async function lockWaiters(db: Db): Promise<number> {
  const result = await db.raw(
    `select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
  );
  return Number(result.rows[0]?.waiting ?? 0);
}

/**
 * Fires `requests` while the test holds a row lock (taken by `lock` in a transaction of its
 * own), waits until every one of them is blocked on a lock in PostgreSQL, then lets them all go
 * at the same instant. The requests have then all passed their checks done before locking and
 * really compete for the record: no interleaving of the event loop can serialise them.
 *
 * Throws if a request answers before reaching the lock (it was refused earlier), or if they
 * are not all waiting within `timeoutMs`.
 */
export async function releasedTogether<T>(
  db: Db,
  /** Takes the lock on the transaction it is given (a knex transaction is a `Db`). */
  lock: (trx: Db) => Promise<unknown>,
  requests: (() => PromiseLike<T>)[],
  timeoutMs = 30_000,
): Promise<T[]> {
  let all: Promise<PromiseSettledResult<T>[]> | null = null;
  let answered = false;
  await db.transaction(async (trx) => {
    await lock(trx);
    const pending = requests.map((request) => Promise.resolve(request()));
    const noteAnswer = () => {
      answered = true;
    };
    for (const promise of pending) promise.then(noteAnswer, noteAnswer);
    all = Promise.allSettled(pending);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await lockWaiters(db)) >= requests.length) break;
      if (answered) throw new Error('a request answered before reaching the lock');
      if (Date.now() > deadline)
        throw new Error(`the ${requests.length} requests were not all waiting on the lock`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  const settled = await (all as unknown as Promise<PromiseSettledResult<T>[]>);
  return settled.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/** Fires `requests` in the same tick, with no gate: whatever interleaving the server makes. */
export async function firedTogether<T>(requests: (() => PromiseLike<T>)[]): Promise<T[]> {
  return Promise.all(requests.map((request) => request()));
}
