import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type Db, withDatabase } from '@maestro/database';
import { createMigratedDatabase, dropDatabase, startTestServer } from '@maestro/database/testing';
import { hashPassword } from '@maestro/server/password';
import type { AuthUser, FindSamplesQuery, Role } from '@maestro/shared/schema';
import autocannon from 'autocannon';
import pg from 'pg';
import { createSampleListRepository } from '../server/src/samples/list';
import { password, plans, seedSamples } from './sampleSeed';

/**
 * The sample list at 1,000,000 samples (see ../shared/benchmarks.md).
 *
 * Data: `seedSamples` (./sampleSeed.ts): samples spread over the 101 departments, 3 yearly
 * plans of 40 prescriptions, 20 samplers per department, realistic states, seeded in SQL with a
 * fixed seed, then the status counts rebuilt, VACUUM ANALYZE. A second database holds 1,000
 * samples, for the figures the public tool was measured at.
 *
 * The real server runs in its own process (`server/src/main.ts` through tsx, pool of 20
 * connections, 30 s statement timeout); autocannon measures from this process with the
 * session cookie of each user. Latencies are recorded per response (p50/p95/p99 over every
 * response of the run). Each run: a warm-up of WARMUP_S seconds, then DURATION_S seconds.
 * Beside each list figure, the floor: the very SQL statement the server sends for that page
 * (captured from the repository), replayed through `pg` with a pool of the same size, at the
 * same concurrency, for the same duration; and the repository alone in this process (knex,
 * one connection, no HTTP, no session), 100 sequential calls after 10 warm-up ones.
 * The query plans of every scenario (EXPLAIN ANALYZE) go to bench/results/samples-plans.txt.
 */
const SAMPLES = Number(process.env.SAMPLES ?? 1_000_000);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const WARMUP_S = Number(process.env.WARMUP_S ?? 3);
const POOL = 20;
const rootDir = path.resolve(import.meta.dirname, '..');

const figures: Record<string, number> = {};
const units: Record<string, string> = {};
const record = (name: string, value: number, unit: string) => {
  figures[name] = value;
  units[name] = unit;
  console.log(`${name}: ${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`);
};
const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function loginUsers(db: Db) {
  const hash = await hashPassword(password);
  const accounts: { key: string; role: Role; regionCode?: string; departmentCode?: string }[] = [
    { key: 'national', role: 'NationalCoordinator' },
    { key: 'regional', role: 'RegionalCoordinator', regionCode: '84' },
    { key: 'sampler', role: 'Sampler', regionCode: '84', departmentCode: '69' },
  ];
  const users: Record<string, AuthUser> = {};
  for (const account of accounts) {
    const [user] = await db('users')
      .insert({
        email: `${account.key}@bench.test`,
        firstName: 'Banc',
        lastName: account.key,
        role: account.role,
        regionCode: account.regionCode ?? null,
        departmentCode: account.departmentCode ?? null,
        passwordHash: hash,
      })
      .returning([
        'id',
        'email',
        'firstName',
        'lastName',
        'role',
        'regionCode',
        'departmentCode',
        'laboratoryId',
      ]);
    users[account.key] = user as AuthUser;
  }
  return users as Record<'national' | 'regional' | 'sampler', AuthUser>;
}

// ---- the server, in its own process -----------------------------------------------------------

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

async function startApp(databaseUrl: string, dataDir: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(rootDir, 'server'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: String(POOL),
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      DATA_DIR: dataDir,
      LOGIN_RATE_LIMIT_MAX: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600 || child.exitCode !== null) throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { base, stop, pid: child.pid };
}

async function login(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// ---- measures ---------------------------------------------------------------------------------

interface Measure {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errors: number;
  requests: number;
}

async function http(url: string, cookie: string, connections: number): Promise<Measure> {
  const run = (duration: number, latencies?: number[]) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url, connections, duration, headers: { cookie }, timeout: 30 },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      if (latencies)
        instance.on('response', (_client, statusCode, _bytes, responseTime) => {
          if (statusCode === 200) latencies.push(responseTime);
        });
    });
  await run(WARMUP_S);
  const latencies: number[] = [];
  const result = await run(DURATION_S, latencies);
  latencies.sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    rps: result.requests.total / DURATION_S,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/** The statements the repository sends for a page, captured once. */
async function statementsOf(db: Db, user: AuthUser, query: FindSamplesQuery) {
  const statements: { sql: string; bindings: unknown[] }[] = [];
  const capture = (q: { sql: string; bindings?: unknown[] }) =>
    statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', capture);
  await createSampleListRepository(db).findPage(user, query);
  db.off('query', capture);
  return statements;
}

/** The floor: the same statements through `pg`, concurrently as the server runs them. */
async function floor(
  pool: pg.Pool,
  statements: { sql: string; bindings: unknown[] }[],
  connections: number,
): Promise<Measure> {
  const run = async (seconds: number, latencies: number[]) => {
    const deadline = performance.now() + seconds * 1000;
    let errors = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          try {
            await Promise.all(statements.map((s) => pool.query(s.sql, s.bindings)));
            latencies.push(performance.now() - started);
          } catch {
            errors++;
          }
        }
      }),
    );
    return errors;
  };
  await run(WARMUP_S, []);
  const latencies: number[] = [];
  const errors = await run(DURATION_S, latencies);
  latencies.sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    rps: latencies.length / DURATION_S,
    errors,
    requests: latencies.length,
  };
}

const reportMeasure = (name: string, m: Measure) => {
  record(`${name}.p50`, m.p50, 'ms');
  record(`${name}.p95`, m.p95, 'ms');
  record(`${name}.p99`, m.p99, 'ms');
  record(`${name}.throughput`, m.rps, 'req/s');
  record(`${name}.errors`, m.errors, 'errors');
};

const toQueryString = (query: Partial<FindSamplesQuery>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
};

interface Scenario {
  name: string;
  user: 'national' | 'regional' | 'sampler';
  query: Partial<FindSamplesQuery>;
  connections: number[];
}

async function measureDatabase(label: string, count: number, scenarios: Scenario[]) {
  const database = `maestro_bench_samples_${label}`;
  await createMigratedDatabase(server.adminUrl, database);
  const url = withDatabase(server.adminUrl, database);
  const db = createDb(url, { poolMax: 1, statementTimeoutMs: 0 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-bench-'));
  let app: Awaited<ReturnType<typeof startApp>> | null = null;
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  // idle clients are cut when the database is dropped at the end
  pool.on('error', () => {});
  const plansText: string[] = [];
  try {
    const started = performance.now();
    await seedSamples(db, count);
    record(`samples.${label}.seed_s`, (performance.now() - started) / 1000, 's');
    const users = await loginUsers(db);
    app = await startApp(url, dataDir);
    const cookies = {
      national: await login(app.base, 'national@bench.test'),
      regional: await login(app.base, 'regional@bench.test'),
      sampler: await login(app.base, 'sampler@bench.test'),
    };
    const reader = createDb(url, { poolMax: 4 });
    try {
      for (const scenario of scenarios) {
        const query = FindSamplesQueryDefaults(scenario.query);
        const statements = await statementsOf(reader, users[scenario.user], query);
        // the plans, for the record
        for (const s of statements) {
          const explained = await pool.query(
            `explain (analyze, buffers, format text) ${s.sql}`,
            s.bindings,
          );
          plansText.push(
            `-- ${label} ${scenario.name}\n${s.sql}\n${JSON.stringify(s.bindings)}\n${explained.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
          );
        }
        const url = `${app.base}/api/samples?${toQueryString(scenario.query)}`;
        const check = await fetch(url, { headers: { cookie: cookies[scenario.user] } });
        const body = (await check.json()) as { total: number; items: unknown[] };
        if (!check.ok) throw new Error(`${scenario.name}: ${check.status} ${JSON.stringify(body)}`);
        record(`samples.${label}.${scenario.name}.total`, body.total, 'samples');
        // the repository alone, in this process (no HTTP, no session): 10 warm-up calls, 100 runs
        const repository = createSampleListRepository(reader);
        const times: number[] = [];
        for (let i = 0; i < 110; i++) {
          const started = performance.now();
          await repository.findPage(users[scenario.user], query);
          if (i >= 10) times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        record(`samples.${label}.${scenario.name}.repository.p50`, quantile(times, 0.5), 'ms');
        record(`samples.${label}.${scenario.name}.repository.p95`, quantile(times, 0.95), 'ms');
        for (const connections of scenario.connections) {
          reportMeasure(
            `samples.${label}.${scenario.name}.http.c${connections}`,
            await http(url, cookies[scenario.user], connections),
          );
          reportMeasure(
            `samples.${label}.${scenario.name}.sql_floor.c${connections}`,
            await floor(pool, statements, connections),
          );
        }
      }
    } finally {
      await reader.destroy();
    }
  } finally {
    if (app) await app.stop();
    await pool.end();
    await db.destroy();
    await dropDatabase(server.adminUrl, database);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return plansText;
}

function FindSamplesQueryDefaults(query: Partial<FindSamplesQuery>): FindSamplesQuery {
  return { sort: '-updatedAt', page: 1, perPage: 20, ...query } as FindSamplesQuery;
}

// ---- the run ----------------------------------------------------------------------------------

const server = await startTestServer(rootDir, 54334);
// the machine is shared: say how busy it was
record('samples.loadavg_1min.start', loadavg()[0] ?? 0, 'processes');
const currentPlan = plans[2]!.id;
const connections = (process.env.CONNECTIONS ?? '1,10,50').split(',').map(Number);
const allPlans: string[] = [];
try {
  console.log(
    `samples: ${SAMPLES.toLocaleString('fr-FR')} samples, server pool ${POOL}, runs of ${WARMUP_S} s warm-up + ${DURATION_S} s, Node ${process.version}`,
  );
  allPlans.push(
    ...(await measureDatabase(SAMPLES === 1_000_000 ? '1m' : `n${SAMPLES}`, SAMPLES, [
      { name: 'national_page1', user: 'national', query: {}, connections },
      {
        name: 'national_filtered',
        user: 'national',
        query: {
          programmingPlanId: currentPlan,
          status: ['Sent', 'Analysis', 'InReview'],
          sort: '-sampledAt',
          page: 2,
        },
        connections,
      },
      { name: 'regional_page1', user: 'regional', query: {}, connections },
      { name: 'sampler_page1', user: 'sampler', query: {}, connections: [1] },
      { name: 'national_search', user: 'national', query: { q: 'moulin 42' }, connections: [1] },
    ])),
  );
  allPlans.push(
    ...(await measureDatabase('1k', 1000, [
      { name: 'national_page1', user: 'national', query: {}, connections: [50] },
      { name: 'sampler_page1', user: 'sampler', query: {}, connections: [1] },
    ])),
  );
} finally {
  await server.stop();
}
record('samples.loadavg_1min.end', loadavg()[0] ?? 0, 'processes');

mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, 'results', 'samples.json'),
  JSON.stringify(
    { samples: SAMPLES, durationS: DURATION_S, warmupS: WARMUP_S, pool: POOL, ...figures },
    null,
    2,
  ),
);
writeFileSync(path.join(import.meta.dirname, 'results', 'samples-plans.txt'), allPlans.join('\n'));
