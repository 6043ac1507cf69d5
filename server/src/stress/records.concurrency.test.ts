import { randomUUID } from 'node:crypto';
import { LaboratorySeedList, regionOfDepartment, SubstanceList } from '@maestro/shared/referential';
import type { ResidueInput, SampleContent } from '@maestro/shared/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { completeSampleContent } from '../test/sampleContent';
import { type request, useTestApp } from '../test/testApp';
import { firedTogether, releasedTogether } from './shared/lockRace';
import { tablesContaining } from './shared/textSearch';

/**
 * Proof under concurrency (`pnpm test:concurrency`), through the real application on a real
 * PostgreSQL:
 * - two users saving the same record from the same version: one wins, the other gets 409, and
 *   nothing of the loser's is written anywhere — for every kind of record that carries a version;
 * - 100 samples created and submitted at once by several samplers: 100 references, no gap, no
 *   duplicate;
 * - an offline creation replayed 10 times (at once, then one after the other): one sample.
 *
 * Half the rounds are "gated": the test holds the record's row lock, waits until both requests
 * are blocked on it in PostgreSQL, and releases them together; the other half are simply fired
 * in the same tick. The fixtures' seed (printed) drives every random choice: `TEST_SEED=<n>`.
 */

const t = useTestApp();
const ROUNDS = 20;
const SUBMISSIONS = 100;
const REPLAYS = 10;
const laboratories = LaboratorySeedList;

type Response = request.Response;
type Agent = request.Agent;

let validatedPlanId = '';
let samplingPrescriptionId = '';
let draftPlanId = '';
let matrixCode = '';
let substanceCode = '';

/** Every marker written by a request that lost its round: none may be found afterwards. */
const loserMarkers: string[] = [];
const figures: string[] = [];

const random = () => t.fixtures.faker;
const marker = (kind: string, round: number, who: 'A' | 'B') =>
  `${kind}-${String(round).padStart(2, '0')}-${who}-${random().string.alphanumeric(8)}`;

/** A random subset (at least one) of `list`, in the list's order. */
function someOf<T>(list: readonly T[], max: number): T[] {
  const count = random().number.int({ min: 1, max });
  return random()
    .helpers.arrayElements(list as T[], count)
    .sort((a, b) => list.indexOf(a) - list.indexOf(b));
}

interface RoundOutcome {
  round: number;
  gated: boolean;
  statuses: number[];
  winner: 'A' | 'B';
}

/**
 * One round: A and B send their change with the same base version, gated on the record's row
 * lock on even rounds, fired freely on odd ones, in a random order. Checks exactly one 2xx and
 * one 409 VersionConflict, and answers who won.
 */
async function race(
  round: number,
  lock: (trx: typeof t.db) => Promise<unknown>,
  a: () => PromiseLike<Response>,
  b: () => PromiseLike<Response>,
): Promise<RoundOutcome & { responses: { A: Response; B: Response } }> {
  const gated = round % 2 === 0;
  const bFirst = random().datatype.boolean();
  const ordered = bFirst ? [b, a] : [a, b];
  const answers = gated
    ? await releasedTogether(t.db, lock, ordered)
    : await firedTogether(ordered);
  const [A, B] = (bFirst ? [answers[1], answers[0]] : answers) as [Response, Response];
  const statuses = [A.status, B.status];
  expect(
    [...statuses].sort(),
    `round ${round}: ${JSON.stringify([A.body, B.body]).slice(0, 800)}`,
  ).toEqual([200, 409]);
  const loser = A.status === 409 ? A : B;
  expect(loser.body.error).toBe('VersionConflict');
  return { round, gated, statuses, winner: A.status === 200 ? 'A' : 'B', responses: { A, B } };
}

function summarise(kind: string, outcomes: RoundOutcome[]) {
  const gated = outcomes.filter((o) => o.gated).length;
  const winsA = outcomes.filter((o) => o.winner === 'A').length;
  const line = `${kind}: ${outcomes.length} rounds (${gated} released together at the row lock, ${outcomes.length - gated} fired in one tick) → ${outcomes.length} × 200 and ${outcomes.length} × 409; A won ${winsA}, B won ${outcomes.length - winsA}`;
  figures.push(line);
  console.info(line);
}

/** Audit events of an entity (all records of that entity when `entityId` is null). */
async function auditCount(
  entity: string,
  entityId: string | null,
  action: string,
): Promise<number> {
  const [row] = await t
    .db('auditEvents')
    .where({ entity, action })
    .modify((query) => {
      if (entityId !== null) query.where({ entityId });
    })
    .count<{ count: string }[]>('* as count');
  return Number(row?.count ?? 0);
}

async function versionOf(table: string, where: Record<string, unknown>): Promise<number> {
  const row = await t.db(table).where(where).first('version');
  return row.version;
}

const sampleReferences = () => ({
  planId: validatedPlanId,
  prescriptionId: samplingPrescriptionId,
  laboratoryId: laboratories[0]!.id,
});

/** A complete record whose free texts and seal numbers carry `mark`. */
function sampleContent(mark: string | null, overrides: Partial<SampleContent> = {}): SampleContent {
  const items = mark ? random().number.int({ min: 1, max: 3 }) : 1;
  const content = completeSampleContent(
    sampleReferences(),
    { matrixCode, substances: [{ substanceCode, method: 'Multi' }], ...overrides },
    items,
  );
  if (mark) {
    content.contextNotes = mark;
    content.ownerName = mark;
    content.items.forEach((item) => {
      item.copies.forEach((copy) => {
        copy.sealNumber = `${mark}-${item.itemNumber}-${copy.copyNumber}`;
      });
    });
  }
  return content;
}

let samplerA: Agent;
let samplerB: Agent;
let nationalA: Agent;
let nationalB: Agent;
let labA: Agent;
let labB: Agent;
let adminA: Agent;
let adminB: Agent;

beforeAll(async () => {
  const [plan] = await t
    .db('programmingPlans')
    .insert({ year: 2026, kind: 'PPV', distributionKind: 'REGIONAL', status: 'Validated' })
    .returning('id');
  validatedPlanId = plan.id;
  const [prescription] = await t
    .db('prescriptions')
    .insert({
      planId: validatedPlanId,
      context: 'Surveillance',
      matrixKindCode: 'A01DH',
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: 500,
    })
    .returning('id');
  samplingPrescriptionId = prescription.id;
  const [draft] = await t
    .db('programmingPlans')
    .insert({ year: 2027, kind: 'PPV', distributionKind: 'REGIONAL', status: 'InProgress' })
    .returning('id');
  draftPlanId = draft.id;
  matrixCode = (await t.db('matrices').where({ kindCode: 'A01DH' }).first('code')).code;
  substanceCode = (await t.db('substances').where({ method: 'Multi' }).first('code')).code;

  const rhone = { regionCode: '84', departmentCode: '69' };
  samplerA = (await t.loginAs('Sampler', rhone)).agent;
  samplerB = (await t.loginAs('Sampler', rhone)).agent;
  nationalA = (await t.loginAs('NationalCoordinator')).agent;
  nationalB = (await t.loginAs('NationalCoordinator')).agent;
  labA = (await t.loginAs('LaboratoryUser', { laboratoryId: laboratories[0]!.id })).agent;
  labB = (await t.loginAs('LaboratoryUser', { laboratoryId: laboratories[0]!.id })).agent;
  adminA = (await t.loginAs('Administrator')).agent;
  adminB = (await t.loginAs('Administrator')).agent;
});

describe('two users save the same record from the same version', () => {
  it('a sample draft, by two samplers of the same department', async () => {
    const created = await samplerA
      .post('/api/samples')
      .send({ id: randomUUID(), ...sampleContent(null) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const version = await versionOf('samples', { id });
      const audits = await auditCount('sample', id, 'update');
      const content = {
        A: sampleContent(marker('sample', round, 'A')),
        B: sampleContent(marker('sample', round, 'B')),
      };
      const outcome = await race(
        round,
        (trx) => trx('samples').where({ id }).forUpdate().first('id'),
        () => samplerA.put(`/api/samples/${id}`).send({ ...content.A, version }),
        () => samplerB.put(`/api/samples/${id}`).send({ ...content.B, version }),
      );
      outcomes.push(outcome);
      const won = content[outcome.winner];
      const lost = content[outcome.winner === 'A' ? 'B' : 'A'];
      loserMarkers.push(lost.contextNotes as string);
      const answer = outcome.responses[outcome.winner].body;
      expect(answer.version).toBe(version + 1);
      expect(answer.contextNotes).toBe(won.contextNotes);

      const row = await t.db('samples').where({ id }).first();
      expect(row.version).toBe(version + 1);
      expect(row.contextNotes).toBe(won.contextNotes);
      expect(row.ownerName).toBe(won.ownerName);
      const seals = (
        await t.db('sampleItems').where({ sampleId: id }).orderBy(['itemNumber', 'copyNumber'])
      ).map((item: { sealNumber: string }) => item.sealNumber);
      expect(seals).toEqual(
        won.items.flatMap((item) => item.copies.map((copy) => copy.sealNumber)),
      );
      expect(await auditCount('sample', id, 'update')).toBe(audits + 1);
    }
    summarise('sample draft', outcomes);
  });

  it('a prescription, by two national coordinators', async () => {
    const body = (mark: string) => ({
      context: random().helpers.arrayElement(['Surveillance', 'Control']),
      matrixKindCode: 'A01DH',
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: random().number.int({ min: 1, max: 60 }),
      laboratoryChoice: random().helpers.arrayElement(['National', 'Regional']),
      substances: someOf(SubstanceList, 5).map((s) => ({
        substanceCode: s.code,
        method: s.method,
      })),
      instructions: mark,
    });
    const created = await nationalA
      .post(`/api/programming-plans/${draftPlanId}/prescriptions`)
      .send(body('création'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const version = await versionOf('prescriptions', { id });
      const audits = await auditCount('prescription', id, 'update');
      const content = {
        A: body(marker('prescription', round, 'A')),
        B: body(marker('prescription', round, 'B')),
      };
      const outcome = await race(
        round,
        (trx) => trx('prescriptions').where({ id }).forUpdate().first('id'),
        () => nationalA.put(`/api/prescriptions/${id}`).send({ ...content.A, version }),
        () => nationalB.put(`/api/prescriptions/${id}`).send({ ...content.B, version }),
      );
      outcomes.push(outcome);
      const won = content[outcome.winner];
      loserMarkers.push(content[outcome.winner === 'A' ? 'B' : 'A'].instructions);
      expect(outcome.responses[outcome.winner].body.version).toBe(version + 1);

      const row = await t.db('prescriptions').where({ id }).first();
      expect(row).toMatchObject({
        version: version + 1,
        instructions: won.instructions,
        sampleCount: won.sampleCount,
        context: won.context,
        laboratoryChoice: won.laboratoryChoice,
      });
      const substances = await t
        .db('prescriptionSubstances')
        .where({ prescriptionId: id })
        .orderBy('substanceCode')
        .select('substanceCode');
      expect(substances.map((s: { substanceCode: string }) => s.substanceCode)).toEqual(
        won.substances.map((s) => s.substanceCode).sort(),
      );
      expect(await auditCount('prescription', id, 'update')).toBe(audits + 1);
    }
    summarise('prescription', outcomes);
  });

  it('a region’s line of the national split, by two national coordinators', async () => {
    const created = await nationalA
      .post(`/api/programming-plans/${draftPlanId}/prescriptions`)
      .send({
        context: 'Surveillance',
        matrixKindCode: 'A01DH',
        stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
        sampleCount: 1000,
        laboratoryChoice: 'National',
        substances: [],
        instructions: '',
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const prescriptionId = created.body.id as string;
    const url = `/api/programming-plans/${draftPlanId}/regions/84`;
    const first = await nationalA.put(url).send({
      lines: [{ prescriptionId, sampleCount: 1, laboratoryId: laboratories[0]!.id, version: null }],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const line = await t
        .db('regionalPrescriptions')
        .where({ prescriptionId, regionCode: '84' })
        .first();
      const audits = await auditCount('programmingPlan', draftPlanId, 'distributeToRegion');
      // Two different changes, both different from the line as it is (else no write is due).
      const counts = random().helpers.arrayElements(
        Array.from({ length: 999 }, (_, i) => i + 1).filter((n) => n !== line.sampleCount),
        2,
      );
      const proposal = (n: number) => ({
        prescriptionId,
        sampleCount: counts[n]!,
        laboratoryId: random().helpers.arrayElement(laboratories).id,
        version: line.version as number,
      });
      const content = { A: proposal(0), B: proposal(1) };
      const outcome = await race(
        round,
        (trx) => trx('programmingPlans').where({ id: draftPlanId }).forUpdate().first('id'),
        () => nationalA.put(url).send({ lines: [content.A] }),
        () => nationalB.put(url).send({ lines: [content.B] }),
      );
      outcomes.push(outcome);
      const won = content[outcome.winner];
      const row = await t
        .db('regionalPrescriptions')
        .where({ prescriptionId, regionCode: '84' })
        .first();
      expect(row).toMatchObject({
        version: line.version + 1,
        sampleCount: won.sampleCount,
        laboratoryId: won.laboratoryId,
      });
      expect(await auditCount('programmingPlan', draftPlanId, 'distributeToRegion')).toBe(
        audits + 1,
      );
    }
    summarise('regional line', outcomes);
  });

  it('the results draft of an analysis, by two users of the same laboratory', async () => {
    const created = await samplerA
      .post('/api/samples')
      .send({ id: randomUUID(), ...sampleContent(null) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sampleUrl = `/api/samples/${created.body.id}`;
    const submitted = await samplerA
      .post(`${sampleUrl}/submit`)
      .send({ version: created.body.version });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const sent = await samplerA.post(`${sampleUrl}/send`).send({ version: submitted.body.version });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const { id } = await t.db('analyses').where({ sampleId: created.body.id }).first('id');
    const received = await labA.post(`/api/analyses/${id}/reception`).send({
      version: await versionOf('analyses', { id }),
      receivedAt: new Date(Date.now() - 60_000).toISOString(),
      sealsIntact: true,
      quantitySufficient: true,
      temperatureCelsius: 4,
      notes: '',
    });
    expect(received.status, JSON.stringify(received.body)).toBe(200);

    const results = (mark: string) => ({
      analysedAt: new Date().toISOString().slice(0, 10),
      methods: ['Multi'],
      notes: mark,
      residues: someOf(SubstanceList, 4).map((substance): ResidueInput => {
        const quantified = random().datatype.boolean();
        return {
          substanceCode: substance.code,
          kind: quantified ? 'Q' : 'ND',
          value: quantified
            ? random().number.float({ min: 0.01, max: 2, fractionDigits: 3 })
            : null,
          unit: 'mg/kg',
          loq: null,
          mrl: null,
          uncertaintyPercent: null,
          analytes: [],
          notes: mark,
          arfdExceeded: null,
          authorisedForUse: null,
          contaminationSources: '',
        };
      }),
    });
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const version = await versionOf('analyses', { id });
      const audits = await auditCount('analysis', id, 'saveResults');
      const content = {
        A: results(marker('results', round, 'A')),
        B: results(marker('results', round, 'B')),
      };
      const outcome = await race(
        round,
        (trx) => trx('analyses').where({ id }).forUpdate().first('id'),
        () => labA.put(`/api/analyses/${id}/results`).send({ ...content.A, version }),
        () => labB.put(`/api/analyses/${id}/results`).send({ ...content.B, version }),
      );
      outcomes.push(outcome);
      const won = content[outcome.winner];
      loserMarkers.push(content[outcome.winner === 'A' ? 'B' : 'A'].notes);
      expect(outcome.responses[outcome.winner].body.version).toBe(version + 1);

      const row = await t.db('analyses').where({ id }).first();
      expect(row).toMatchObject({ version: version + 1, notes: won.notes, resultVersion: 1 });
      const residues = await t
        .db('analysisResidues')
        .where({ analysisId: id, resultVersion: 1 })
        .orderBy('residueNumber');
      expect(residues.map((r: { substanceCode: string }) => r.substanceCode)).toEqual(
        won.residues.map((r) => r.substanceCode),
      );
      expect(residues.map((r: { value: number | null }) => r.value)).toEqual(
        won.residues.map((r) => r.value),
      );
      expect(new Set(residues.map((r: { notes: string }) => r.notes))).toEqual(
        new Set([won.notes]),
      );
      expect(await auditCount('analysis', id, 'saveResults')).toBe(audits + 1);
    }
    summarise('analysis results draft', outcomes);
  });

  it('a user, by two administrators', async () => {
    const target = await t.insertUser('DepartmentalObserver', {
      regionCode: '84',
      departmentCode: '69',
    });
    const body = (mark: string) => ({
      firstName: `Prénom ${mark}`,
      lastName: `Nom ${mark}`,
      role: 'DepartmentalObserver',
      regionCode: '84',
      departmentCode: '69',
      laboratoryId: null,
      disabled: false,
    });
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const version = await versionOf('users', { id: target.id });
      const audits = await auditCount('user', target.id, 'update');
      const marks = { A: marker('user', round, 'A'), B: marker('user', round, 'B') };
      const content = { A: body(marks.A), B: body(marks.B) };
      const outcome = await race(
        round,
        (trx) => trx('users').where({ id: target.id }).forUpdate().first('id'),
        () => adminA.put(`/api/users/${target.id}`).send({ ...content.A, version }),
        () => adminB.put(`/api/users/${target.id}`).send({ ...content.B, version }),
      );
      outcomes.push(outcome);
      const won = content[outcome.winner];
      loserMarkers.push(marks[outcome.winner === 'A' ? 'B' : 'A']);
      expect(outcome.responses[outcome.winner].body).toMatchObject({
        version: version + 1,
        firstName: won.firstName,
      });
      const row = await t.db('users').where({ id: target.id }).first();
      expect(row).toMatchObject({
        version: version + 1,
        firstName: won.firstName,
        lastName: won.lastName,
      });
      expect(await auditCount('user', target.id, 'update')).toBe(audits + 1);
    }
    summarise('user', outcomes);
  });

  it('a maximum residue limit, by two administrators', async () => {
    const key = await t
      .db('mrls')
      .whereNot({ matrixCode })
      .orderBy(['substanceCode', 'matrixCode'])
      .first('substanceCode', 'matrixCode');
    const url = `/api/referential/mrls/${key.substanceCode}/${key.matrixCode}`;
    const body = (mark: string) => ({
      value: random().number.float({ min: 0.001, max: 50, fractionDigits: 3 }),
      source: `Règlement (UE) ${mark}`,
    });
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const version = await versionOf('mrls', key);
      const audits = await auditCount('mrl', null, 'update');
      const marks = { A: marker('mrl', round, 'A'), B: marker('mrl', round, 'B') };
      const content = { A: body(marks.A), B: body(marks.B) };
      const outcome = await race(
        round,
        (trx) => trx('mrls').where(key).forUpdate().first('version'),
        () => adminA.put(url).send({ ...content.A, version }),
        () => adminB.put(url).send({ ...content.B, version }),
      );
      outcomes.push(outcome);
      const won = content[outcome.winner];
      loserMarkers.push(marks[outcome.winner === 'A' ? 'B' : 'A']);
      expect(outcome.responses[outcome.winner].body).toMatchObject({
        version: version + 1,
        source: won.source,
      });
      const row = await t.db('mrls').where(key).first();
      expect({ version: row.version, value: Number(row.value), source: row.source }).toEqual({
        version: version + 1,
        value: won.value,
        source: won.source,
      });
      expect(await auditCount('mrl', null, 'update')).toBe(audits + 1);
    }
    summarise('maximum residue limit', outcomes);
  });

  it('leaves nothing of the losers anywhere in the database', async () => {
    expect(loserMarkers.length).toBe(5 * ROUNDS);
    const found = await tablesContaining(t.db, loserMarkers);
    expect(Object.fromEntries(found)).toEqual({});
    const line = `losers' values: ${loserMarkers.length} markers searched in every table, found in none`;
    figures.push(line);
    console.info(line);
  });
});

describe('references under concurrent submissions', () => {
  it(`gives ${SUBMISSIONS} samples submitted at once ${SUBMISSIONS} consecutive references, no duplicate`, async () => {
    const departments: NonNullable<SampleContent['departmentCode']>[] = [
      '69',
      '69',
      '01',
      '38',
      '75',
      '35',
      '33',
    ];
    const samplers = await Promise.all(
      departments.map(async (departmentCode) => {
        const region = regionOfDepartment(departmentCode)!;
        const { agent } = await t.loginAs('Sampler', { regionCode: region.code, departmentCode });
        return { agent, departmentCode };
      }),
    );
    const year = new Date().getFullYear();
    const before = await t.db('sampleReferenceCounters').where({ year }).first('lastSerial');
    const serialBefore = Number(before?.lastSerial ?? 0);
    const started = performance.now();
    const chains = Array.from({ length: SUBMISSIONS }, async (_, i) => {
      const sampler = samplers[i % samplers.length]!;
      const body = {
        id: randomUUID(),
        ...sampleContent(null, { departmentCode: sampler.departmentCode }),
      };
      const created = await sampler.agent.post('/api/samples').send(body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const submitted = await sampler.agent
        .post(`/api/samples/${body.id}/submit`)
        .send({ version: created.body.version });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      expect(submitted.body.reference).toBe(created.body.reference);
      return {
        id: body.id,
        departmentCode: sampler.departmentCode,
        reference: submitted.body.reference as string,
      };
    });
    const done = await Promise.all(chains);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    // As the database holds them: read back, not taken from the answers.
    const rows: {
      id: string;
      reference: string;
      status: string;
      departmentCode: string;
      shortCode: string;
    }[] = await t
      .db('samples as s')
      .join('regions as r', 'r.code', 's.regionCode')
      .whereIn(
        's.id',
        done.map((d) => d.id),
      )
      .select('s.id', 's.reference', 's.status', 's.departmentCode', 'r.shortCode');
    expect(rows).toHaveLength(SUBMISSIONS);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['Submitted']));
    const yy = String(year % 100).padStart(2, '0');
    const serials = rows.map((row) => {
      const match = /^([A-Z]{3})-(\d{2})-(\d{5})$/.exec(row.reference);
      expect(match, row.reference).not.toBeNull();
      expect(match![1]).toBe(row.shortCode);
      expect(match![2]).toBe(yy);
      expect(row.departmentCode).toBe(done.find((d) => d.id === row.id)!.departmentCode);
      return Number(match![3]);
    });
    expect(new Set(rows.map((r) => r.reference)).size).toBe(SUBMISSIONS);
    // A national serial per year: the 100 next numbers, none skipped, none twice.
    expect([...serials].sort((a, b) => a - b)).toEqual(
      Array.from({ length: SUBMISSIONS }, (_, i) => serialBefore + i + 1),
    );
    const after = await t.db('sampleReferenceCounters').where({ year }).first('lastSerial');
    expect(Number(after.lastSerial)).toBe(serialBefore + SUBMISSIONS);
    const duplicates = await t.db.raw(
      'select reference, count(*) from samples group by reference having count(*) > 1',
    );
    expect(duplicates.rows).toEqual([]);
    const unique = await t.db.raw(
      `select indexdef from pg_indexes where tablename = 'samples' and indexdef ilike '%unique%(reference)%'`,
    );
    expect(unique.rows).toHaveLength(1);

    const byDepartment = Object.entries(
      rows.reduce<Record<string, number>>((acc, r) => {
        acc[r.departmentCode] = (acc[r.departmentCode] ?? 0) + 1;
        return acc;
      }, {}),
    )
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ');
    const min = Math.min(...serials);
    const max = Math.max(...serials);
    const line = `${SUBMISSIONS} samples created and submitted at once by ${samplers.length} samplers in ${new Set(departments).size} departments (${byDepartment}) in ${seconds} s → ${SUBMISSIONS} distinct references, serials ${String(min).padStart(5, '0')}…${String(max).padStart(5, '0')} without gap`;
    figures.push(line);
    console.info(line);
  });
});

describe('an offline creation replayed', () => {
  async function countsOf(id: string) {
    const [samples] = await t.db('samples').where({ id }).count<{ count: string }[]>('* as count');
    const [items] = await t
      .db('sampleItems')
      .where({ sampleId: id })
      .count<{ count: string }[]>('* as count');
    return {
      samples: Number(samples?.count),
      items: Number(items?.count),
      creations: await auditCount('sample', id, 'create'),
    };
  }

  async function serial(): Promise<number> {
    const row = await t
      .db('sampleReferenceCounters')
      .where({ year: new Date().getFullYear() })
      .first('lastSerial');
    return Number(row?.lastSerial ?? 0);
  }

  it(`creates one sample, whatever ${REPLAYS} replays at once then ${REPLAYS} one after the other`, async () => {
    const body = { id: randomUUID(), ...sampleContent(null) };
    const serialBefore = await serial();
    const atOnce = await firedTogether(
      Array.from({ length: REPLAYS }, () => () => samplerA.post('/api/samples').send(body)),
    );
    const inTurn: Response[] = [];
    for (let i = 0; i < REPLAYS; i += 1)
      inTurn.push(await samplerA.post('/api/samples').send(body));
    const all = [...atOnce, ...inTurn];
    for (const response of all) {
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body.id).toBe(body.id);
    }
    const references = new Set(all.map((r) => r.body.reference));
    expect(references.size).toBe(1);
    expect(new Set(all.map((r) => r.body.version))).toEqual(new Set([1]));
    expect(await countsOf(body.id)).toEqual({ samples: 1, items: 3, creations: 1 });
    // One reference consumed: a replay that lost the race never keeps a serial.
    expect(await serial()).toBe(serialBefore + 1);

    // Different content under the same id, or the same content from another sampler: 409.
    const other = await samplerA
      .post('/api/samples')
      .send({ ...body, contextNotes: 'autre contenu' });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/autre contenu/);
    const stranger = await samplerB.post('/api/samples').send(body);
    expect(stranger.status).toBe(409);
    const row = await t.db('samples').where({ id: body.id }).first();
    expect(row).toMatchObject({ version: 1, contextNotes: body.contextNotes });
    const line = `offline creation: ${REPLAYS} replays at once + ${REPLAYS} in turn → ${all.length} × 201, 1 sample (${[...references][0]}), 1 serial consumed; other content → 409, another sampler → 409`;
    figures.push(line);
    console.info(line);
  });

  it('when replays race a different content under the same id, one content wins whole', async () => {
    const outcomes = { replaysWon: 0, otherWon: 0 };
    for (let round = 0; round < 10; round += 1) {
      const body = { id: randomUUID(), ...sampleContent(null) };
      const different = { ...body, contextNotes: `différent-${round}` };
      const requests = Array.from(
        { length: REPLAYS },
        () => () => samplerA.post('/api/samples').send(body),
      );
      const at = random().number.int({ min: 0, max: REPLAYS });
      requests.splice(at, 0, () => samplerA.post('/api/samples').send(different));
      const answers = await firedTogether(requests);
      const otherAnswer = answers[at]!;
      const replays = answers.filter((_, i) => i !== at);
      const row = await t.db('samples').where({ id: body.id }).first();
      if (otherAnswer.status === 201) {
        outcomes.otherWon += 1;
        expect(replays.map((r) => r.status)).toEqual(replays.map(() => 409));
        expect(row.contextNotes).toBe(different.contextNotes);
      } else {
        outcomes.replaysWon += 1;
        expect(otherAnswer.status).toBe(409);
        expect(replays.map((r) => r.status)).toEqual(replays.map(() => 201));
        expect(new Set(replays.map((r) => r.body.reference)).size).toBe(1);
        expect(row.contextNotes).toBe(body.contextNotes);
      }
      expect(await countsOf(body.id)).toEqual({ samples: 1, items: 3, creations: 1 });
    }
    const line = `creation races (${REPLAYS} replays + 1 other content, 10 rounds): replays won ${outcomes.replaysWon}, other content won ${outcomes.otherWon}; always one sample, the losers 409`;
    figures.push(line);
    console.info(line);
    console.info(`\nconcurrency figures:\n- ${figures.join('\n- ')}`);
  });
});
