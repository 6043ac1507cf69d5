import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDb, withDatabase } from '@maestro/database';
import { createMigratedDatabase, dropDatabase, startTestServer } from '@maestro/database/testing';
import { createApp } from '@maestro/server';
import { loadConfig } from '@maestro/server/config';
import { createLogger } from '@maestro/server/logger';
import { hashPassword } from '@maestro/server/password';
import {
  departmentsOfRegion,
  LaboratorySeedList,
  MatrixKindList,
  RegionCodeList,
  StageList,
  SubstanceList,
} from '@maestro/shared/referential';
import { createFixtures } from '@maestro/shared/test';
import { MemoryMailer } from '../server/src/adapters/mail';
import { createProgrammingRepository } from '../server/src/programming/repository';

/**
 * The national distribution grid of a big plan: 300 prescriptions × 18 regions (a regional
 * line for every region) × their 101 departments (a departmental line for every department),
 * 15 substances per prescription, seeded in bulk. The real application listens on a local
 * port; every figure is a real HTTP request with the national coordinator's session.
 * (a) GET …/prescriptions (the whole grid): 5 warm-up calls, then median and p95 over 50.
 * (b) PUT …/regions/84 (one region's column, 300 lines, every count changed, current versions
 *     sent): 2 warm-up saves, then median and p95 over 20.
 * Beside them, to show where the time goes: the repository's read alone (in process, no HTTP,
 * no validation), the same SQL statements replayed through a raw `pg` connection (the floor),
 * and the CSV and XLSX exports of the same grid.
 */
const PRESCRIPTIONS = Number(process.env.PRESCRIPTIONS ?? 300);
const GRID_RUNS = 50;
const SAVE_RUNS = 20;
const EXPORT_RUNS = 10;
const seed = Number(process.env.BENCH_SEED ?? 2027);
const rootDir = path.resolve(import.meta.dirname, '..');

const server = await startTestServer(rootDir, 54333);
const database = 'maestro_bench_programming';
await createMigratedDatabase(server.adminUrl, database);
const db = createDb(withDatabase(server.adminUrl, database), { poolMax: 10 });

// ---- data, in bulk --------------------------------------------------------------------------
const seedStarted = performance.now();
const { faker, user } = createFixtures(seed);
const password = 'Mot-de-passe-du-banc-1';
const national = user('NationalCoordinator');
const [{ id: userId }] = await db('users')
  .insert({ ...national, passwordHash: await hashPassword(password) })
  .returning('id');
const [{ id: planId }] = await db('programmingPlans')
  .insert({
    year: 2027,
    kind: 'PPV',
    distributionKind: 'REGIONAL',
    status: 'InProgress',
    createdBy: userId,
  })
  .returning('id');

const mono = SubstanceList.filter((s) => s.method === 'Mono');
const multi = SubstanceList.filter((s) => s.method === 'Multi');
const prescriptions: Record<string, unknown>[] = [];
const substances: Record<string, unknown>[] = [];
const regional: Record<string, unknown>[] = [];
const departmental: Record<string, unknown>[] = [];
for (let i = 0; i < PRESCRIPTIONS; i++) {
  const id = faker.string.uuid();
  let nationalCount = 0;
  for (const regionCode of RegionCodeList) {
    let regionCount = 0;
    for (const department of departmentsOfRegion(regionCode)) {
      const count = faker.number.int({ min: 1, max: 3 });
      regionCount += count;
      departmental.push({
        prescriptionId: id,
        regionCode,
        departmentCode: department.code,
        sampleCount: count,
      });
    }
    nationalCount += regionCount;
    regional.push({
      prescriptionId: id,
      regionCode,
      sampleCount: regionCount,
      laboratoryId: faker.helpers.arrayElement(LaboratorySeedList).id,
    });
  }
  prescriptions.push({
    id,
    planId,
    context: i % 4 === 0 ? 'Control' : 'Surveillance',
    matrixKindCode: MatrixKindList[i % MatrixKindList.length]!.code,
    stages: faker.helpers.arrayElements(StageList, { min: 1, max: 2 }),
    // one sample of head-room, so that the saves below may add one in region 84
    sampleCount: nationalCount + 1,
    laboratoryChoice: 'National',
    instructions: faker.lorem.sentence(),
  });
  for (const s of [
    ...faker.helpers.arrayElements(mono, 3),
    ...faker.helpers.arrayElements(multi, 12),
  ]) {
    substances.push({ prescriptionId: id, substanceCode: s.code, method: s.method });
  }
}
const insert = async (table: string, rows: Record<string, unknown>[]) => {
  for (let i = 0; i < rows.length; i += 5000) await db(table).insert(rows.slice(i, i + 5000));
};
await insert('prescriptions', prescriptions);
await insert('prescriptionSubstances', substances);
await insert('regionalPrescriptions', regional);
await insert('departmentalPrescriptions', departmental);
await db.raw('analyze');
const seedMs = performance.now() - seedStarted;

// ---- the real application on a local port ---------------------------------------------------
const config = loadConfig({
  NODE_ENV: 'test',
  APP_URL: 'http://localhost:3199',
  LOG_LEVEL: 'warn',
  LOGIN_RATE_LIMIT_MAX: '1000',
});
const app = await createApp({
  db,
  config,
  logger: createLogger(config.LOG_LEVEL),
  mailer: new MemoryMailer(),
});
const listener = app.listen(0, '127.0.0.1');
await new Promise((resolve) => listener.once('listening', resolve));
const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: national.email, password }),
});
if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
const cookie = login.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');

async function call(method: string, url: string, body?: unknown) {
  const started = performance.now();
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${bytes.toString()}`);
  return { ms, bytes };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const figures: Record<string, number> = {};
const units: Record<string, string> = {};
const record = (name: string, value: number, unit: string) => {
  figures[name] = value;
  units[name] = unit;
};

// ---- (a) the full grid ----------------------------------------------------------------------
const gridUrl = `/api/programming-plans/${planId}/prescriptions`;
let grid = Buffer.alloc(0);
for (let i = 0; i < 5; i++) grid = (await call('GET', gridUrl)).bytes;
const gridTimes: number[] = [];
for (let i = 0; i < GRID_RUNS; i++) gridTimes.push((await call('GET', gridUrl)).ms);
const parsed = JSON.parse(grid.toString()) as {
  id: string;
  regions: {
    prescriptionId: string;
    regionCode: string;
    sampleCount: number;
    laboratoryId: string;
    version: number;
  }[];
  departments: unknown[];
}[];
if (parsed.length !== PRESCRIPTIONS) throw new Error(`grid has ${parsed.length} prescriptions`);
record('programming.grid.http_ms.median', quantile(gridTimes, 0.5), 'ms');
record('programming.grid.http_ms.p95', quantile(gridTimes, 0.95), 'ms');
record('programming.grid.response_kb', grid.length / 1024, 'KB');
record('programming.grid.response_gzip_kb', gzipSync(grid).length / 1024, 'KB');
record('programming.grid.regional_lines', parsed.flatMap((p) => p.regions).length, 'lines');
record('programming.grid.departmental_lines', parsed.flatMap((p) => p.departments).length, 'lines');

// the repository alone (same queries, no HTTP, no validation, no JSON)
const repository = createProgrammingRepository(db);
const repoTimes: number[] = [];
for (let i = 0; i < 5 + GRID_RUNS; i++) {
  const started = performance.now();
  await repository.findPrescriptions(planId, {}, {});
  if (i >= 5) repoTimes.push(performance.now() - started);
}
record('programming.grid.repository_ms.median', quantile(repoTimes, 0.5), 'ms');
record('programming.grid.repository_ms.p95', quantile(repoTimes, 0.95), 'ms');

// the floor: the very statements the repository sends, replayed through a raw `pg` connection
// (no knex, no row post-processing), one after the other
const statements: { sql: string; bindings: unknown[] }[] = [];
const capture = (query: { sql: string; bindings?: unknown[] }) =>
  statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
db.on('query', capture);
await repository.findPrescriptions(planId, {}, {});
db.off('query', capture);
const connection = (await db.client.acquireConnection()) as {
  query: (sql: string, bindings: unknown[]) => Promise<unknown>;
};
const floorTimes: number[] = [];
try {
  for (let i = 0; i < 5 + GRID_RUNS; i++) {
    const started = performance.now();
    for (const { sql, bindings } of statements) await connection.query(sql, bindings);
    if (i >= 5) floorTimes.push(performance.now() - started);
  }
} finally {
  await db.client.releaseConnection(connection);
}
record('programming.grid.sql_floor_ms.median', quantile(floorTimes, 0.5), 'ms');
record('programming.grid.sql_floor_ms.p95', quantile(floorTimes, 0.95), 'ms');

// ---- (b) saving region 84's column ----------------------------------------------------------
const columnUrl = `/api/programming-plans/${planId}/regions/84`;
let column = parsed.map((p) => p.regions.find((r) => r.regionCode === '84')!);
const baseCounts = new Map(column.map((line) => [line.prescriptionId, line.sampleCount]));
const saveTimes: number[] = [];
for (let i = 0; i < 2 + SAVE_RUNS; i++) {
  const extra = i % 2 === 0 ? 1 : 0; // every save changes every line
  const { ms, bytes } = await call('PUT', columnUrl, {
    lines: column.map((line) => ({
      prescriptionId: line.prescriptionId,
      sampleCount: baseCounts.get(line.prescriptionId)! + extra,
      laboratoryId: line.laboratoryId,
      version: line.version,
    })),
  });
  column = JSON.parse(bytes.toString());
  if (column.length !== PRESCRIPTIONS) throw new Error(`column has ${column.length} lines`);
  if (i >= 2) saveTimes.push(ms);
}
record('programming.save_region_column.http_ms.median', quantile(saveTimes, 0.5), 'ms');
record('programming.save_region_column.http_ms.p95', quantile(saveTimes, 0.95), 'ms');

// ---- the exports of the same grid -----------------------------------------------------------
for (const format of ['csv', 'xlsx'] as const) {
  const url = `/api/programming-plans/${planId}/export?format=${format}`;
  let size = 0;
  for (let i = 0; i < 2; i++) size = (await call('GET', url)).bytes.length;
  const times: number[] = [];
  for (let i = 0; i < EXPORT_RUNS; i++) times.push((await call('GET', url)).ms);
  record(`programming.export_${format}.http_ms.median`, quantile(times, 0.5), 'ms');
  record(`programming.export_${format}.http_ms.p95`, quantile(times, 0.95), 'ms');
  record(`programming.export_${format}.size_kb`, size / 1024, 'KB');
}

console.log(
  `programming: ${PRESCRIPTIONS} prescriptions × ${RegionCodeList.length} regions × their departments, seed ${seed}, seeded in ${(seedMs / 1000).toFixed(1)} s, Node ${process.version}`,
);
console.log(
  `runs: grid 5 warm-up + ${GRID_RUNS}; repository and SQL floor 5 + ${GRID_RUNS} each; saves 2 warm-up + ${SAVE_RUNS}; exports 2 warm-up + ${EXPORT_RUNS} each`,
);
for (const [name, value] of Object.entries(figures)) {
  console.log(`${name}: ${Number.isInteger(value) ? value : value.toFixed(1)} ${units[name]}`);
}
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, 'results', 'programming.json'),
  JSON.stringify(
    {
      prescriptions: PRESCRIPTIONS,
      seed,
      runs: { grid: GRID_RUNS, saves: SAVE_RUNS, exports: EXPORT_RUNS },
      ...figures,
    },
    null,
    2,
  ),
);

listener.closeAllConnections();
await new Promise((resolve) => listener.close(resolve));
await db.destroy();
await dropDatabase(server.adminUrl, database);
await server.stop();
