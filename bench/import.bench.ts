import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { createDb, withDatabase } from '@maestro/database';
import { createMigratedDatabase, dropDatabase, startTestServer } from '@maestro/database/testing';
import { hashPassword } from '@maestro/server/password';
import { LaboratorySeedList, SubstanceList } from '@maestro/shared/referential';
import { ImportColumns } from '@maestro/shared/schema';
import { MemoryMailer } from '../server/src/adapters/mail';
import { createLocalStorage } from '../server/src/adapters/storage';
import { parseResultFile } from '../server/src/analyses/import/parser';
import { toCsv, toXlsx } from '../server/src/analyses/import/template';
import { insertSentSamples, type SentSample } from '../server/src/analyses/import/testData';
import {
  loadValidationContext,
  validateImportLines,
} from '../server/src/analyses/import/validation';
import { createApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createJobQueue } from '../server/src/jobs/queue';
import { createLogger } from '../server/src/logger';

/**
 * The laboratory result import at 1,000 and 10,000 lines, CSV and XLSX (see
 * ../shared/benchmarks.md).
 *
 * Data: samples sent to one laboratory, written straight into a fresh database (each with the
 * analysis of its copy 1), one sample per 10 lines: 10 multi-residue substances per sample,
 * 70 % ND, 20 % NQ, 10 % quantified (a third of those beyond the MRL). Each scenario has its own
 * samples, since its commit writes them.
 *
 * Measured in this process, which also runs the real application (createApp, listening on a
 * local port; pool of 10 connections):
 * - parse: `parseResultFile` alone (decode, CSV or XLSX reading, column mapping), median of 3;
 * - validate: the checks against the database alone (`loadValidationContext` — 3 queries — and
 *   `validateImportLines`), median of 3;
 * - preview: the upload over HTTP, `POST /api/analysis-imports` (read, parse, validate, store
 *   the original file and the import with its lines), median of 3 uploads of the same file;
 * - commit: `POST /api/analysis-imports/:id/commit` over HTTP (lock, re-check, write every
 *   analysis's results, submit), once: it writes.
 * Memory: the process's resident set (RSS) sampled every 10 ms by a worker thread (so that it is
 * sampled even while the main thread parses), the V8 heap in use sampled every 10 ms on the main
 * thread (a lower bound: no sample while the thread is busy), each as the peak during the phase
 * above the level at its start (after a full GC); and `process.resourceUsage().maxRSS`, the
 * process's peak since it started, read after each phase.
 */
const SIZES = (process.env.LINES ?? '1000,10000').split(',').map(Number);
const SUBSTANCES_PER_SAMPLE = 10;
const RUNS = 3;
const rootDir = path.resolve(import.meta.dirname, '..');
const password = 'Mot-de-passe-du-banc-1';
const laboratory = LaboratorySeedList[0]!;
const substances = SubstanceList.filter((s) => s.method === 'Multi')
  .slice(0, SUBSTANCES_PER_SAMPLE)
  .map((s) => s.code);

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

const figures: Record<string, number> = {};
const record = (name: string, value: number, unit: string) => {
  figures[name] = value;
  console.log(`${name}: ${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`);
};
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => bytes / 1024 / 1024;

// ---- memory --------------------------------------------------------------------------------

const rssSampler = new Worker(
  `const { parentPort } = require('node:worker_threads');
   let peak = 0;
   setInterval(() => { const rss = process.memoryUsage.rss(); if (rss > peak) peak = rss; }, 10);
   parentPort.on('message', (message) => {
     if (message === 'reset') { peak = process.memoryUsage.rss(); parentPort.postMessage(peak); }
     else parentPort.postMessage(peak);
   });`,
  { eval: true },
);
const ask = (message: 'reset' | 'read') =>
  new Promise<number>((resolve) => {
    rssSampler.once('message', resolve);
    rssSampler.postMessage(message);
  });

/** Runs `work` and answers its time with the memory it took above the level at its start. */
async function measured<T>(work: () => Promise<T>) {
  gc();
  const rssStart = await ask('reset');
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  const heapTimer = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 10);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  clearInterval(heapTimer);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const rssPeak = await ask('read');
  return {
    result,
    ms,
    rssPeakMb: mb(rssPeak),
    rssDeltaMb: mb(rssPeak - rssStart),
    heapDeltaMb: mb(heapPeak - heapStart),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

// ---- data ----------------------------------------------------------------------------------

/** The result lines of `samples`: 10 substances each, deterministic kinds and values. */
function resultRows(samples: SentSample[]): string[][] {
  const rows: string[][] = [[...ImportColumns]];
  let n = 0;
  for (const sample of samples)
    for (const substance of substances) {
      n++;
      const draw = (n * 7919) % 100;
      const kind = draw < 70 ? 'ND' : draw < 90 ? 'NQ' : 'Q';
      // a third of the quantified values beyond 2 × the default MRL (0.01 mg/kg)
      const value = kind === 'Q' ? (draw % 3 === 0 ? '0,035' : '0,004') : '';
      rows.push([
        sample.copyReference,
        substance,
        kind,
        value,
        'mg/kg',
        '0,002',
        '',
        '',
        '02/03/2026',
        kind === 'Q' ? 'Confirmé par un second passage' : '',
      ]);
    }
  return rows;
}

// ---- the run -------------------------------------------------------------------------------

const server = await startTestServer(rootDir, 54336);
const database = 'maestro_bench_import';
await createMigratedDatabase(server.adminUrl, database);
const url = withDatabase(server.adminUrl, database);
const db = createDb(url, { poolMax: 10, statementTimeoutMs: 0 });
const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-bench-import-'));
const logger = createLogger('silent');
const jobs = createJobQueue({ db, logger, maintenance: false });
let http: Server | null = null;
const table: string[][] = [];

try {
  record('import.loadavg_1min.start', loadavg()[0] ?? 0, 'processes');
  const hash = await hashPassword(password);
  const [labUser] = await db('users')
    .insert({
      email: 'laboratoire@bench.test',
      firstName: 'Banc',
      lastName: 'Laboratoire',
      role: 'LaboratoryUser',
      laboratoryId: laboratory.id,
      passwordHash: hash,
    })
    .returning('id');
  const [sampler] = await db('users')
    .insert({
      email: 'preleveur@bench.test',
      firstName: 'Banc',
      lastName: 'Préleveur',
      role: 'Sampler',
      regionCode: '84',
      departmentCode: '69',
    })
    .returning('id');
  if (!labUser || !sampler) throw new Error('users not created');

  await jobs.start();
  const app = await createApp({
    db,
    config: loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      LOGIN_RATE_LIMIT_MAX: '1000',
    }),
    logger,
    mailer: new MemoryMailer(),
    jobs,
    storage: createLocalStorage(path.join(dataDir, 'files')),
  });
  http = createServer(app);
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'laboratoire@bench.test', password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

  console.log(
    `import: ${SIZES.join(' and ')} lines, CSV and XLSX, ${SUBSTANCES_PER_SAMPLE} lines per sample, Node ${process.version}`,
  );
  for (const lines of SIZES) {
    for (const format of ['csv', 'xlsx'] as const) {
      const name = `import.${format}.${lines}`;
      const seeded = performance.now();
      const samples = await insertSentSamples(db, {
        laboratoryId: laboratory.id,
        samplerId: sampler.id as string,
        count: Math.ceil(lines / SUBSTANCES_PER_SAMPLE),
        status: 'Analysis',
      });
      await db.raw('analyze');
      record(`${name}.seed_s`, (performance.now() - seeded) / 1000, 's');
      const rows = resultRows(samples).slice(0, lines + 1);
      const content = format === 'csv' ? toCsv(rows) : await toXlsx(rows);
      record(`${name}.file_bytes`, content.length, 'bytes');

      // parse alone, then validate alone (in process, no HTTP)
      const parses = [];
      for (let i = 0; i < RUNS; i++)
        parses.push(await measured(() => parseResultFile(content, 'auto')));
      const parsed = parses[0]!.result;
      if (parsed.lines.length !== lines)
        throw new Error(`${name}: ${parsed.lines.length} lines read`);
      const validations = [];
      for (let i = 0; i < RUNS; i++)
        validations.push(
          await measured(async () => {
            const context = await loadValidationContext(db, laboratory.id, parsed.lines, {
              today: new Date().toISOString().slice(0, 10),
            });
            return validateImportLines(parsed.lines, context);
          }),
        );
      const counts = validations[0]!.result.counts;
      if (counts.Error > 0) throw new Error(`${name}: ${counts.Error} lines in error`);

      // preview over HTTP
      const previews = [];
      for (let i = 0; i < RUNS; i++)
        previews.push(
          await measured(async () => {
            const response = await fetch(
              `${base}/api/analysis-imports?fileName=resultats.${format}`,
              {
                method: 'POST',
                headers: {
                  cookie,
                  'content-type':
                    format === 'csv'
                      ? 'text/csv'
                      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                },
                body: content as unknown as Uint8Array<ArrayBuffer>,
              },
            );
            const body = (await response.json()) as { id: string; counts: typeof counts };
            if (response.status !== 201)
              throw new Error(`${name} preview: ${JSON.stringify(body)}`);
            return body;
          }),
        );

      // commit over HTTP, once
      const importId = previews[previews.length - 1]!.result.id;
      const commit = await measured(async () => {
        const response = await fetch(`${base}/api/analysis-imports/${importId}/commit`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ existing: 'Keep' }),
        });
        const body = (await response.json()) as { writtenResidues: number };
        if (response.status !== 200) throw new Error(`${name} commit: ${JSON.stringify(body)}`);
        return body;
      });
      const written = await db('analysisResidues')
        .whereIn(
          'analysisId',
          samples.map((s) => s.analysisId),
        )
        .count({ n: '*' })
        .first();
      if (Number(written?.n) !== lines) throw new Error(`${name}: ${written?.n} residues written`);

      const parse = median(parses.map((m) => m.ms));
      const validate = median(validations.map((m) => m.ms));
      const preview = median(previews.map((m) => m.ms));
      record(`${name}.parse_ms.median`, parse, 'ms');
      record(`${name}.validate_ms.median`, validate, 'ms');
      record(`${name}.preview_http_ms.median`, preview, 'ms');
      record(`${name}.commit_http_ms`, commit.ms, 'ms');
      record(`${name}.written_residues`, commit.result.writtenResidues, 'residues');
      record(`${name}.lines_warning`, counts.Warning, 'lines');
      const peak = (series: { rssDeltaMb: number; heapDeltaMb: number }[]) => ({
        rss: Math.max(...series.map((m) => m.rssDeltaMb)),
        heap: Math.max(...series.map((m) => m.heapDeltaMb)),
      });
      const memory = {
        parse: peak(parses),
        validate: peak(validations),
        preview: peak(previews),
        commit: peak([commit]),
      };
      for (const [phase, m] of Object.entries(memory)) {
        record(`${name}.${phase}.peak_rss_delta_mb`, m.rss, 'MB');
        record(`${name}.${phase}.peak_heap_delta_mb`, m.heap, 'MB');
      }
      record(`${name}.process_peak_rss_mb`, commit.rssPeakMb, 'MB');
      record(`${name}.max_rss_mb`, commit.maxRssMb, 'MB');
      table.push([
        format.toUpperCase(),
        lines.toLocaleString('fr-FR'),
        `${(content.length / 1024).toFixed(0)} Ko`,
        parse.toFixed(0),
        validate.toFixed(0),
        preview.toFixed(0),
        commit.ms.toFixed(0),
        `+${memory.preview.rss.toFixed(0)} / +${memory.preview.heap.toFixed(0)}`,
        `+${memory.commit.rss.toFixed(0)} / +${memory.commit.heap.toFixed(0)}`,
        commit.maxRssMb.toFixed(0),
      ]);
    }
  }
  record('import.loadavg_1min.end', loadavg()[0] ?? 0, 'processes');
} finally {
  if (http) await new Promise<void>((resolve) => http?.close(() => resolve()));
  await jobs.stop();
  await db.destroy();
  await dropDatabase(server.adminUrl, database);
  await server.stop();
  await rssSampler.terminate();
  rmSync(dataDir, { recursive: true, force: true });
}

const head = [
  'format',
  'lignes',
  'fichier',
  'parse ms',
  'contrôle ms',
  'aperçu HTTP ms',
  'écriture HTTP ms',
  'aperçu RSS/tas Mo',
  'écriture RSS/tas Mo',
  'maxRSS Mo',
];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
console.log(
  `\n${[line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(line)].join('\n')}`,
);
console.log(
  'parse, contrôle : médianes de 3 en processus ; aperçu : médiane de 3 envois HTTP ; écriture : 1 envoi HTTP.\n' +
    'RSS/tas : pic au-dessus du niveau de départ de la phase (RSS échantillonné toutes les 10 ms par un thread, tas V8 toutes les 10 ms sur le thread principal) ; maxRSS : pic du processus depuis son démarrage.',
);

mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, 'results', 'import.json'),
  JSON.stringify(
    { sizes: SIZES, substancesPerSample: SUBSTANCES_PER_SAMPLE, runs: RUNS, ...figures },
    null,
    2,
  ),
);
