import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createDb, withDatabase } from '@maestro/database';
import { startTestServer } from '@maestro/database/testing';

/**
 * Server cold start: time from spawning the API process to its first 200 on /api/health, and
 * its resident memory (RSS) once ready and after 200 health requests. The database already
 * exists and is migrated (the first run migrates it and is left out of the figures).
 * Target (../shared/benchmarks.md): ≤ 1 s to listen, ≤ 150 MB RSS.
 */
const runs = Number(process.env.RUNS ?? 7);
const rootDir = path.resolve(import.meta.dirname, '..');
const server = await startTestServer(rootDir, 54332);
const database = 'maestro_bench_startup';
const admin = createDb(server.adminUrl, { poolMax: 1 });
await admin.raw(`drop database if exists ${database} with (force)`);
await admin.raw(`create database ${database}`);
await admin.destroy();
const databaseUrl = withDatabase(server.adminUrl, database);

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
};

type Mode = 'compiled' | 'tsx';
const commands: Record<Mode, string[]> = {
  compiled: ['dist/main.js'],
  tsx: ['--import', 'tsx', 'src/main.ts'],
};

async function once(mode: Mode) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, commands[mode], {
    cwd: path.join(rootDir, 'server'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
    },
    stdio: 'ignore',
  });
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
    if (performance.now() - started > 30_000) throw new Error('server did not start in 30 s');
  }
  const readyMs = performance.now() - started;
  const readyRss = rssMb(child.pid!);
  for (let i = 0; i < 200; i++) await fetch(`http://127.0.0.1:${port}/api/health`);
  const loadedRss = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { readyMs, readyRss, loadedRss };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

execFileSync(process.execPath, ['build.mjs'], {
  cwd: path.join(rootDir, 'server'),
  stdio: 'inherit',
});
const figures: Record<string, number> = {};
for (const mode of ['compiled', 'tsx'] as const) {
  await once(mode); // migrates the database (first time) and warms the file cache
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(mode));
  const ready = results.map((r) => r.readyMs);
  figures[`startup.${mode}.ready_ms.median`] = quantile(ready, 0.5);
  figures[`startup.${mode}.ready_ms.max`] = Math.max(...ready);
  figures[`startup.${mode}.rss_mb.ready.median`] = quantile(
    results.map((r) => r.readyRss),
    0.5,
  );
  figures[`startup.${mode}.rss_mb.after_200_requests.median`] = quantile(
    results.map((r) => r.loadedRss),
    0.5,
  );
}
console.log(
  `startup: ${runs} runs per mode after one warm-up run; compiled = server/dist (production), tsx = development`,
);
for (const [name, value] of Object.entries(figures)) {
  console.log(`${name}: ${value.toFixed(1)} ${name.includes('_ms') ? 'ms' : 'MB'}`);
}
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, 'results', 'startup.json'),
  JSON.stringify({ runs, ...figures }, null, 2),
);

const cleanup = createDb(server.adminUrl, { poolMax: 1 });
await cleanup.raw(`drop database if exists ${database} with (force)`);
await cleanup.destroy();
await server.stop();
