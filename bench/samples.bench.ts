import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type Db, withDatabase } from '@maestro/database';
import { createMigratedDatabase, dropDatabase, startTestServer } from '@maestro/database/testing';
import { hashPassword } from '@maestro/server/password';
import {
  DepartmentList,
  LaboratorySeedList,
  MatrixKindList,
  MatrixList,
  type RegionCode,
  RegionShortCodes,
} from '@maestro/shared/referential';
import type { AuthUser, FindSamplesQuery, Role } from '@maestro/shared/schema';
import autocannon from 'autocannon';
import pg from 'pg';
import { createSampleListRepository } from '../server/src/samples/list';

/**
 * The sample list at 1,000,000 samples (see ../shared/benchmarks.md).
 *
 * Data: samples spread over the 101 departments (overseas less sampled), 3 yearly plans of 40
 * prescriptions (10 % out of programme), 20 samplers per department, realistic states (3 %
 * drafts, 60 % completed), sampling dates over each campaign, a laboratory per region. Seeded
 * in SQL (generate_series, fixed seed) with the triggers off, then the status counts rebuilt,
 * VACUUM ANALYZE. A second database holds 1,000 samples, for the figures the public tool was
 * measured at.
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

// ---- data ------------------------------------------------------------------------------------

/** Rough centres of the regions (their capitals), to place samples on the map. */
const regionCentres: Record<RegionCode, [number, number, number]> = {
  '01': [16.2, -61.6, 0.15],
  '02': [14.65, -61.0, 0.1],
  '03': [4.9, -52.8, 0.4],
  '04': [-21.1, 55.5, 0.15],
  '06': [-12.8, 45.15, 0.08],
  '11': [48.75, 2.45, 0.5],
  '24': [47.5, 1.7, 0.9],
  '27': [47.2, 5.2, 0.9],
  '28': [49.1, 0.2, 0.8],
  '32': [50.0, 2.7, 0.8],
  '44': [48.7, 5.9, 1.0],
  '52': [47.4, -0.9, 0.9],
  '53': [48.1, -2.9, 0.8],
  '75': [45.4, 0.3, 1.3],
  '76': [43.8, 2.3, 1.2],
  '84': [45.4, 4.6, 1.0],
  '93': [43.9, 6.0, 0.7],
  '94': [42.1, 9.1, 0.3],
};
const plans = [
  { year: 2024, status: 'Closed', id: '3b6c0b1e-2024-4000-8000-000000000001' },
  { year: 2025, status: 'Closed', id: '3b6c0b1e-2025-4000-8000-000000000001' },
  { year: 2026, status: 'Validated', id: '3b6c0b1e-2026-4000-8000-000000000001' },
];
const PRESCRIPTIONS_PER_PLAN = 40;
const SAMPLERS_PER_DEPARTMENT = 20;
const password = 'Mot-de-passe-du-banc-1';

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

async function seed(db: Db, count: number): Promise<void> {
  const labs = LaboratorySeedList.map((l) => l.id);
  const regionIndex = new Map(Object.keys(regionCentres).map((code, i) => [code, i]));
  // a v4-shaped uuid from a text, so that the same seed gives the same ids
  await db.raw(`
    create function pg_temp.bench_uuid(text) returns uuid language sql immutable as
    $$ select overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`);
  await db.raw(`
    create temp table bench_departments (
      code text primary key, region_code text, short text, lat float8, lon float8, spread float8,
      lab uuid, lab2 uuid
    )`);
  await db('bench_departments').insert(
    DepartmentList.map((d) => {
      const [lat, lon, spread] = regionCentres[d.regionCode as RegionCode];
      const i = regionIndex.get(d.regionCode) ?? 0;
      return {
        code: d.code,
        regionCode: d.regionCode,
        short: RegionShortCodes[d.regionCode as RegionCode],
        lat,
        lon,
        spread,
        lab: labs[i % labs.length],
        lab2: labs[(i + 3) % labs.length],
      };
    }),
  );
  // Overseas departments take fewer samples: each metropolitan department is drawn 10 times
  // out of the weighted list, each overseas one 3 times.
  const weighted = DepartmentList.flatMap((d) =>
    Array<string>(d.code.length === 3 ? 3 : 10).fill(d.code),
  );

  await db('programmingPlans').insert(
    plans.map((p) => ({
      id: p.id,
      year: p.year,
      kind: 'PPV',
      distributionKind: 'REGIONAL',
      status: p.status,
    })),
  );
  const prescriptions = plans.flatMap((p) =>
    Array.from({ length: PRESCRIPTIONS_PER_PLAN }, (_, i) => {
      const kind = MatrixKindList[i % MatrixKindList.length]!;
      return {
        id: `3b6c0b1e-${p.year}-4000-8000-${String(i + 1).padStart(12, '0')}`,
        planId: p.id,
        context: i % 4 === 3 ? 'Control' : 'Surveillance',
        matrixKindCode: kind.code,
        stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
        sampleCount: 1000,
      };
    }),
  );
  await db('prescriptions').insert(prescriptions);
  await db.raw(`
    create temp table bench_prescriptions (
      year int, idx int, id uuid, context text, matrix_kind_code text, matrix_code text,
      primary key (year, idx)
    )`);
  await db('bench_prescriptions').insert(
    prescriptions.map((p, n) => ({
      year: plans.find((plan) => plan.id === p.planId)!.year,
      idx: n % PRESCRIPTIONS_PER_PLAN,
      id: p.id,
      context: p.context,
      matrixKindCode: p.matrixKindCode,
      matrixCode: MatrixList.find((m) => m.kindCode === p.matrixKindCode)?.code ?? null,
    })),
  );

  // 20 samplers per department (no password: they never log in)
  await db.raw(`
    insert into users (id, email, first_name, last_name, role, region_code, department_code)
    select pg_temp.bench_uuid('sampler-' || d.code || '-' || k), 'preleveur-' || lower(d.code) || '-' || k || '@bench.test',
      (array['Camille','Dominique','Claude','Alex','Sacha','Lou','Jean','Marie'])[1 + k % 8],
      (array['Martin','Bernard','Thomas','Petit','Robert','Richard','Durand','Dubois','Moreau','Laurent'])[1 + (k * 7 + length(d.code)) % 10],
      'Sampler', d.region_code, d.code
    from bench_departments d cross join generate_series(0, ${SAMPLERS_PER_DEPARTMENT - 1}) k`);

  // The samples, in batches of 100,000, triggers (and foreign-key checks) off.
  await db.raw('set session_replication_role = replica');
  await db.raw('select setseed(0.2027)');
  const batch = 100_000;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await db.raw(`
      insert into samples (id, reference, status, step, programming_plan_id, prescription_id,
        context, out_of_programme_reason, legal_context, company_siret, company_name,
        company_postal_code, company_city, latitude, longitude, region_code, department_code,
        sampler_id, matrix_kind_code, matrix_code, stage, part_sampled, sampled_at,
        laboratory_id, creation_hash, created_by, created_at, updated_at, submitted_at, sent_at)
      select
        pg_temp.bench_uuid('sample-' || x.g),
        d.short || '-' || (x.year % 100) || '-' || lpad(x.g::text, 7, '0'),
        x.status,
        case when x.status = 'Draft' then 'Items' else 'Summary' end,
        case when x.programmed then (array[${plans.map((p) => sqlText(p.id)).join(',')}]::uuid[])[x.year - 2023] end,
        case when x.programmed then p.id end,
        case when x.programmed then p.context else (array['LocalPlan','Investigation','ControlSupport'])[1 + x.g % 3] end,
        case when x.programmed then null else 'Suite à un signalement' end,
        case when x.g % 20 = 0 then 'B' else 'A' end,
        lpad(((x.g::bigint * 7919) % 99999999999999)::text, 14, '0'),
        (array['EARL','GAEC','SCEA','Domaine','Vergers','Ferme','Maraîchers','SARL'])[1 + x.g % 8] || ' '
          || (array['des Collines','du Moulin','Saint-Jean','de la Vallée','Martin','des Sources','du Lac','Beausoleil','les Tilleuls','du Château'])[1 + (x.g / 8) % 10]
          || ' ' || (x.g % 997),
        lpad((x.g % 95000 + 1000)::text, 5, '0'),
        'Commune ' || (x.g % 500),
        case when x.located then d.lat + (x.r1 - 0.5) * d.spread end,
        case when x.located then d.lon + (x.r2 - 0.5) * d.spread * 1.4 end,
        d.region_code,
        d.code,
        pg_temp.bench_uuid('sampler-' || d.code || '-' || x.sampler),
        p.matrix_kind_code,
        case when x.r1 < 0.7 then p.matrix_code end,
        'PRODUCTION_PRIMAIRE_VEGETALE',
        case when x.r2 < 0.5 then 'FRUIT' else 'WHOLE_PLANT' end,
        x.sampled_at,
        case when x.status = 'Draft' and x.r1 < 0.5 then null when x.r2 < 0.85 then d.lab else d.lab2 end,
        'bench',
        pg_temp.bench_uuid('sampler-' || d.code || '-' || x.sampler),
        coalesce(x.sampled_at, x.campaign) - interval '1 hour',
        coalesce(x.sampled_at, x.campaign) + x.r3 * interval '40 days',
        case when x.status <> 'Draft' then coalesce(x.sampled_at, x.campaign) + interval '2 hours' end,
        case when x.status not in ('Draft', 'Submitted') then coalesce(x.sampled_at, x.campaign) + interval '1 day' end
      from (
        select y.*,
          make_timestamptz(y.year, 2, 1, 8, 0, 0, 'Europe/Paris') as campaign,
          case when y.status = 'Draft' and y.r3 < 0.5 then null
            else make_timestamptz(y.year, 2, 1, 8, 0, 0, 'Europe/Paris') + y.r4 * interval '300 days' end as sampled_at
        from (
          select g,
            (array[${weighted.map(sqlText).join(',')}])[1 + floor(random() * ${weighted.length})::int] as department,
            2024 + width_bucket(random(), array[0.3, 0.65]::float8[]) as year,
            (array['Draft','Submitted','Sent','NotAdmissible','Analysis','InReview','Completed'])[
              1 + width_bucket(random(), array[0.03, 0.05, 0.15, 0.16, 0.31, 0.40]::float8[])] as status,
            random() < 0.9 as programmed,
            random() < 0.95 as located,
            floor(random() * ${PRESCRIPTIONS_PER_PLAN})::int as prescription,
            floor(random() * ${SAMPLERS_PER_DEPARTMENT})::int as sampler,
            random() as r1, random() as r2, random() as r3, random() as r4
          from generate_series(${from}, ${to}) g
        ) y
      ) x
      join bench_departments d on d.code = x.department
      join bench_prescriptions p on p.year = x.year and p.idx = x.prescription`);
    process.stdout.write(`\r  seeded ${to.toLocaleString('fr-FR')} samples`);
  }
  process.stdout.write('\n');
  await db.raw('set session_replication_role = origin');
  await db.raw('select sample_counts_rebuild()');
  await db.raw('vacuum analyze');
  // write the load out now, not while measuring
  await db.raw('checkpoint');
}

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
    await seed(db, count);
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
