import { type Db, executor, inTransaction, withStartupLock } from '@maestro/database';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

/** The query builder of `executor`: the pool or the ambient transaction (knex types). */
type Executor = ReturnType<typeof executor>;
type Transaction = Extract<Executor, { executionPromise: unknown }>;
type RawBindings = Exclude<Parameters<Db['raw']>[1], undefined>;

/** How a queue retries and expires its jobs (pg-boss queue options, in seconds). */
export interface QueueOptions {
  /** Retries after the first attempt: `retryLimit + 1` attempts in all. */
  retryLimit?: number;
  /** Seconds before a retry; doubled at each retry (with jitter) when `retryBackoff`. */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** A job still running after this long is failed (and retried). */
  expireInSeconds?: number;
  /** How long a job waiting to run is kept before being dropped. Default 14 days. */
  retentionMinutes?: number;
}

export interface SendOptions {
  /** Seconds to wait before the job may run. */
  startAfterSeconds?: number;
  priority?: number;
}

export interface Job<T> {
  id: string;
  name: string;
  data: T;
  /** 0 for the first attempt, `retryLimit` for the last one. */
  retryCount: number;
  retryLimit: number;
  /** When true a failure is final: pg-boss will not run the job again. */
  isLastAttempt: boolean;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface JobQueue {
  /**
   * Declares a queue and its retry policy. Queues are created (or updated) in PostgreSQL at
   * start, or at once when the queue already runs; `send` and `work` need a declared queue.
   */
  defineQueue(name: string, options?: QueueOptions): Promise<void>;
  /**
   * Adds a job. Inside a `transaction(db, …)` the job is written by that transaction: it
   * exists if and only if the transaction commits. Returns the job id.
   */
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string>;
  /** Runs `handler` for each job of the queue (one at a time); a throw fails the attempt. */
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
  start(): Promise<void>;
  /** Stops fetching jobs, waits (bounded) for the running ones, then closes the pool. */
  stop(): Promise<void>;
  readonly started: boolean;
}

export interface JobQueueOptions {
  /** The application's database: its connection string, and its ambient transactions. */
  db: Db;
  logger: Logger;
  /** Defaults to the connection string of `db`'s configuration. */
  connectionString?: string;
  /** PostgreSQL schema of pg-boss's tables. */
  schema?: string;
  /** Connections of pg-boss's own pool. */
  poolMax?: number;
  /** How often an idle worker looks for jobs (seconds, at least 0.5). */
  pollingIntervalSeconds?: number;
  /** How long `stop` waits for running jobs before failing them (they are retried later). */
  stopTimeoutMs?: number;
  /**
   * pg-boss's background upkeep (expiring stuck jobs, archiving, cron): on in production,
   * off in tests, where it only slows a short-lived queue down.
   */
  maintenance?: boolean;
}

/** The connection string of a knex instance created by `createDb`. */
export function connectionStringOf(db: Db): string {
  const connection = (db.client.config as { connection?: unknown }).connection;
  if (typeof connection === 'string') return connection;
  const value = (connection as { connectionString?: unknown } | undefined)?.connectionString;
  if (typeof value !== 'string') {
    throw new Error('The job queue needs a connection string: pass connectionString.');
  }
  return value;
}

/**
 * pg-boss writes `$1`-style SQL; knex's raw queries take `?` bindings. Rewrites the first into
 * the second (a parameter used twice is bound twice), leaving quoted text and literal `?`
 * untouched, so that pg-boss's statement runs on the ambient knex transaction.
 */
export function toKnexRaw(text: string, values: unknown[]): { sql: string; bindings: unknown[] } {
  const bindings: unknown[] = [];
  let sql = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, i + 1);
      const stop = end === -1 ? text.length : end + 1;
      sql += text.slice(i, stop).replace(/\?/g, '\\?');
      i = stop;
    } else if (char === '$') {
      const parameter = /^\$(\d+)/.exec(text.slice(i));
      const tag = parameter ? null : /^\$[A-Za-z_]*\$/.exec(text.slice(i));
      if (parameter) {
        const value = values[Number(parameter[1]) - 1];
        bindings.push(value === undefined ? null : value);
        sql += '?';
        i += parameter[0].length;
      } else if (tag) {
        // A dollar-quoted body ($$ … $$) is copied as is.
        const end = text.indexOf(tag[0], i + tag[0].length);
        const stop = end === -1 ? text.length : end + tag[0].length;
        sql += text.slice(i, stop).replace(/\?/g, '\\?');
        i = stop;
      } else {
        sql += char;
        i += 1;
      }
    } else if (char === '?') {
      sql += '\\?';
      i += 1;
    } else {
      sql += char;
      i += 1;
    }
  }
  return { sql, bindings };
}

/** pg-boss's database interface over a knex query builder (a transaction, here). */
function knexExecutor(q: Executor): PgBoss.Db {
  return {
    async executeSql(text, values = []) {
      const { sql, bindings } = toKnexRaw(text, values);
      // createDb camelizes the keys of returned rows: pg-boss only reads `id` from a send.
      const result = (await q.raw(sql, bindings as RawBindings)) as { rows: unknown[] };
      return { rows: result.rows };
    },
  };
}

/**
 * Background jobs on PostgreSQL with pg-boss (docs/decisions/0008-jobs-and-mail-outbox.md):
 * no other infrastructure, and jobs written in the same transaction as the business change.
 */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { db, logger } = options;
  const log = logger.child({ module: 'jobs' });
  const maintenance = options.maintenance ?? true;
  const boss = new PgBoss({
    connectionString: options.connectionString ?? connectionStringOf(db),
    schema: options.schema ?? 'pgboss',
    application_name: 'maestro-jobs',
    max: options.poolMax ?? 4,
    supervise: maintenance,
    schedule: maintenance,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
  });
  boss.on('error', (error) => log.error({ err: { message: error.message } }, 'job queue error'));

  const queues = new Map<string, QueueOptions>();
  const handlers = new Map<string, JobHandler<unknown>>();
  const workerIds = new Map<string, string[]>();
  let started = false;

  // pg-boss checks the options that are present: an undefined one must be absent.
  const toPgBossQueue = (name: string, queue: QueueOptions): PgBoss.Queue =>
    Object.fromEntries(
      Object.entries({
        name,
        retryLimit: queue.retryLimit,
        retryDelay: queue.retryDelaySeconds,
        retryBackoff: queue.retryBackoff,
        expireInSeconds: queue.expireInSeconds,
        retentionMinutes: queue.retentionMinutes,
      }).filter(([, value]) => value !== undefined),
    ) as unknown as PgBoss.Queue;

  const createQueue = async (name: string, queue: QueueOptions) => {
    // Instances starting together would deadlock in pg-boss's create_queue (each adds the same
    // partition and its foreign key): they take turns under the startup lock instead.
    await withStartupLock(db, async () => {
      // createQueue leaves an existing queue as it is: updateQueue applies a changed policy.
      await boss.createQueue(name, toPgBossQueue(name, queue));
      await boss.updateQueue(name, toPgBossQueue(name, queue));
    });
  };

  const startWorker = async (name: string, handler: JobHandler<unknown>) => {
    let workerId: string | undefined;
    const id = await boss.work<unknown>(
      name,
      { batchSize: 1, includeMetadata: true },
      async ([job]) => {
        if (!job) return;
        // A job was there, so others may be waiting: fetch again at once rather than after the
        // polling interval (else a backlog drains at one job per interval and per instance).
        if (workerId) boss.notifyWorker(workerId);
        const started = performance.now();
        try {
          await handler({
            id: job.id,
            name: job.name,
            data: job.data,
            retryCount: job.retryCount,
            retryLimit: job.retryLimit,
            isLastAttempt: job.retryCount >= job.retryLimit,
          });
          log.debug(
            { queue: name, jobId: job.id, ms: Math.round(performance.now() - started) },
            'job done',
          );
        } catch (error) {
          log.warn(
            {
              queue: name,
              jobId: job.id,
              attempt: job.retryCount + 1,
              of: job.retryLimit + 1,
              err: { message: (error as Error).message },
            },
            'job failed',
          );
          throw error;
        }
      },
    );
    workerId = id;
    workerIds.set(name, [...(workerIds.get(name) ?? []), id]);
  };

  /** Wakes this process's workers of a queue instead of waiting for their next poll. */
  const wake = (name: string) => {
    for (const id of workerIds.get(name) ?? []) boss.notifyWorker(id);
  };

  return {
    get started() {
      return started;
    },

    async defineQueue(name, queue = {}) {
      queues.set(name, queue);
      if (started) await createQueue(name, queue);
    },

    async send(name, data, sendOptions = {}) {
      if (!queues.has(name)) throw new Error(`Unknown job queue ${name}: defineQueue first.`);
      const options: PgBoss.SendOptions = {};
      if (sendOptions.startAfterSeconds !== undefined)
        options.startAfter = sendOptions.startAfterSeconds;
      if (sendOptions.priority !== undefined) options.priority = sendOptions.priority;
      if (inTransaction()) {
        const trx = executor(db) as Transaction;
        const id = await boss.send(name, data, { ...options, db: knexExecutor(trx) });
        if (!id) throw new Error(`Job not created: is the queue ${name} created?`);
        // Woken once the job is visible, that is after the commit.
        trx.executionPromise?.then(
          () => wake(name),
          () => {},
        );
        return id;
      }
      if (!started) throw new Error('The job queue is not started.');
      const id = await boss.send(name, data, options);
      if (!id) throw new Error(`Job not created: is the queue ${name} created?`);
      wake(name);
      return id;
    },

    async work(name, handler) {
      if (!queues.has(name)) throw new Error(`Unknown job queue ${name}: defineQueue first.`);
      if (handlers.has(name)) throw new Error(`The job queue ${name} already has a worker.`);
      handlers.set(name, handler as JobHandler<unknown>);
      if (started) await startWorker(name, handler as JobHandler<unknown>);
    },

    async start() {
      if (started) return;
      const begin = performance.now();
      await boss.start();
      for (const [name, queue] of queues) await createQueue(name, queue);
      for (const [name, handler] of handlers) await startWorker(name, handler);
      started = true;
      log.info(
        { queues: [...queues.keys()], ms: Math.round(performance.now() - begin) },
        'job queue started',
      );
    },

    async stop() {
      if (!started) return;
      started = false;
      workerIds.clear();
      await boss.stop({ graceful: true, wait: true, timeout: options.stopTimeoutMs ?? 10_000 });
      log.info('job queue stopped');
    },
  };
}
