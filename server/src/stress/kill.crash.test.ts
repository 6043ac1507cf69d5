import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@maestro/database/testing';
import { expect, it } from 'vitest';
import { freePort } from '../test/spawnServer';
import { ApiClient, Journal, WriteKinds } from './crash/api';
import { loadDemoReferences } from './crash/content';
import { checkInvariants } from './crash/invariants';
import {
  coordinatorClient,
  type LoadContext,
  laboratoryClient,
  reviewerClient,
  samplerClient,
} from './crash/load';
import { crashSeed, createRandom } from './crash/random';
import { CrashableServer } from './crash/server';
import { verifyJournal, verifyThroughApi } from './crash/verify';

/** Kills of the server under load (`CRASH_KILLS` to change it; at least 5). */
const KILLS = Math.max(5, Number(process.env.CRASH_KILLS) || 6);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * `pnpm test:crash`: the real server as a child process on its own database, a mixed write
 * load over HTTP (samplers creating, submitting and sending samples; laboratories receiving
 * analyses and submitting, then correcting, results with their residues; a departmental
 * coordinator confirming verdicts; the national coordinator editing and copying plans), and
 * `kill -9` at random moments while writes are on the wire, then a restart on the same
 * database and port. Every write carries its own X-Request-Id, which the server keeps in the
 * audit trail of the transaction it commits: at the end, each acknowledged write must be in the
 * database exactly as asked, each refused one absent, each cut one absent or complete; and the
 * rules a partial record would break hold over the whole database after every kill.
 */
it('keeps every acknowledged write, whole, across kill -9 of the server', async () => {
  const seed = crashSeed();
  console.info(`crash seed: CRASH_SEED=${seed}`);
  const random = createRandom(seed);
  const started = Date.now();
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'maestro-crash-'));
  const server = new CrashableServer({
    databaseUrl: database.url,
    port: await freePort(),
    env: { SEED_DEMO: 'true', DATA_DIR: dataDir, LOGIN_RATE_LIMIT_MAX: '10000' },
  });
  const violations: string[] = [];
  try {
    await server.start();
    const references = await loadDemoReferences(database.db);
    const journal = new Journal(seed);
    let stopping = false;
    const context: LoadContext = {
      server,
      journal,
      random,
      references,
      stopping: () => stopping,
      sentSamples: [],
      toReview: [],
      workingPlan: { id: null },
    };
    let failure: unknown = null;
    const clients = [
      samplerClient(context, 'sampler1'),
      samplerClient(context, 'sampler2'),
      laboratoryClient(context, 'lab1'),
      laboratoryClient(context, 'lab2'),
      reviewerClient(context, 'reviewer'),
      coordinatorClient(context, 'national'),
    ].map((client) =>
      client.catch((error: unknown) => {
        failure ??= error;
        stopping = true;
      }),
    );

    const kills: { requests: number; writes: number }[] = [];
    const restarts: number[] = [];
    let invariantsChecked = 0;
    for (let round = 1; round <= KILLS && !failure; round += 1) {
      // Some load first, once the clients cut by the last kill are back.
      await server.resumed(20_000);
      await pause(random.int(2000, 4500));
      if (failure) break;
      // A moment when writes are on the wire: some of them get cut in their transaction.
      await server.writesOnTheWire(random.int(1, 3), 2000);
      kills.push({ requests: server.inFlight, writes: server.writesInFlight });
      await server.kill();
      const after = await checkInvariants(database.db, dataDir);
      invariantsChecked += after.checked;
      violations.push(...after.violations.map((v) => `after kill ${round}: ${v}`));
      const restart = Date.now();
      await server.start();
      restarts.push(Date.now() - restart);
    }
    await server.resumed(20_000);
    await pause(random.int(1000, 2000));
    stopping = true;
    await Promise.all(clients);
    if (failure) throw failure;
    const loadSeconds = (Date.now() - started) / 1000;

    await server.stop();
    const final = await checkInvariants(database.db, dataDir);
    invariantsChecked += final.checked;
    violations.push(...final.violations.map((v) => `at the end: ${v}`));
    violations.push(...journal.unexpectedErrors.map((e) => `connection lost while up: ${e}`));
    const verified = await verifyJournal(database.db, journal, {
      workingPlanId: context.workingPlan.id,
      demoPlanId: references.planId,
    });
    violations.push(...verified.violations);

    // A fresh server on the same database: the application shows what the database holds.
    await server.start();
    const reader = new ApiClient(
      server,
      new Journal(seed),
      'verifier',
      references.emails.national,
      references.password,
    );
    await reader.login();
    const api = await verifyThroughApi(database.db, reader, journal, context.workingPlan.id);
    violations.push(...api.violations);
    await server.stop();

    const cut = journal.writes.filter((w) => w.outcome === 'cut').length;
    const perKind = WriteKinds.map((kind) => {
      const counts = (['acknowledged', 'refused', 'cut'] as const).map((o) =>
        journal.count(kind, o),
      );
      return `    ${kind.padEnd(20)} ${String(counts[0]).padStart(5)} acknowledged ${String(counts[1]).padStart(4)} refused ${String(counts[2]).padStart(3)} cut`;
    });
    console.info(
      [
        `crash test (seed ${seed}): ${kills.length} kills survived, in flight at each kill (requests/writes): ${kills.map((k) => `${k.requests}/${k.writes}`).join(' ')}`,
        `  restarts (ms, until /api/health answers): ${restarts.join(' ')}`,
        `  requests sent: ${journal.requests} (${journal.writes.length} writes, ${journal.reads} reads, ${journal.logins} logins) in ${loadSeconds.toFixed(0)} s`,
        '  writes per kind:',
        ...perKind,
        `  writes verified against the database: ${verified.verified} committed (acknowledged or cut and present), ${verified.refusedChecked} refused and absent`,
        `  cut by a kill: ${cut} — ${verified.cutPresent} present and complete, ${verified.cutAbsent} absent`,
        `  records checked: ${verified.records.samples} samples, ${verified.records.analyses} analyses, ${verified.records.prescriptions} prescriptions, ${verified.records.plans} plans; ${api.read} read again through the API of a fresh server`,
        `  invariant checks: ${invariantsChecked} (after each kill and at the end), violations: ${violations.length}`,
        `  total ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ].join('\n'),
    );

    expect(violations).toEqual([]);
    expect(kills.length).toBeGreaterThanOrEqual(5);
    // The kills did land in the middle of writes, and each family of writes was acknowledged
    // (the rarer kinds — corrections, reviews, copies — depend on the machine's pace).
    expect(cut).toBeGreaterThan(0);
    for (const kind of [
      'sample.create',
      'sample.submit',
      'sample.send',
      'analysis.receive',
      'analysis.save',
      'analysis.submit',
      'prescription.update',
      'plan.column',
    ] as const)
      expect(journal.count(kind, 'acknowledged'), kind).toBeGreaterThan(0);
  } catch (error) {
    console.error(`server output:\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    await server.stop().catch(() => {});
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
