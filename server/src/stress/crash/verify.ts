import type { Db } from '@maestro/database';
import { RegionCodeList } from '@maestro/shared/referential';
import type { Analysis, Prescription, ResultVersion, Sample } from '@maestro/shared/schema';
import type { ApiClient, Journal, WriteKind, WriteRecord } from './api';
import type { ResidueExpectation, SampleExpectation } from './content';

/** The audit event each write leaves in its transaction (matched by the request id). */
const auditOf: Record<WriteKind, { entity: string; action: string }> = {
  'sample.create': { entity: 'sample', action: 'create' },
  'sample.submit': { entity: 'sample', action: 'submit' },
  'sample.send': { entity: 'sample', action: 'send' },
  'analysis.receive': { entity: 'analysis', action: 'receive' },
  'analysis.save': { entity: 'analysis', action: 'saveResults' },
  'analysis.report': { entity: 'analysis', action: 'uploadReport' },
  'analysis.submit': { entity: 'analysis', action: 'submitResults' },
  'analysis.correct': { entity: 'analysis', action: 'correctResults' },
  'analysis.review': { entity: 'analysis', action: 'review' },
  'prescription.create': { entity: 'prescription', action: 'create' },
  'prescription.update': { entity: 'prescription', action: 'update' },
  'plan.column': { entity: 'programmingPlan', action: 'distributeToRegion' },
  'plan.copy': { entity: 'programmingPlan', action: 'copy' },
};

interface AuditRow {
  id: number;
  requestId: string | null;
  entity: string;
  entityId: string;
  action: string;
  after: Record<string, unknown> | null;
}

/** A write the database says committed, with the audit event that proves it. */
interface Committed {
  write: WriteRecord;
  event: AuditRow;
}

export interface JournalReport {
  violations: string[];
  /** Committed writes whose effect was compared with what they asked for. */
  verified: number;
  /** Writes cut by a kill: present (and complete) or absent. */
  cutPresent: number;
  cutAbsent: number;
  refusedChecked: number;
  records: { samples: number; analyses: number; prescriptions: number; plans: number };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (values: string[]) => [...values].sort();
const codes = (substances: unknown) =>
  sorted(
    ((substances as { substanceCode: string }[] | undefined) ?? []).map((s) => s.substanceCode),
  );

/**
 * Compares the journal with the database: every acknowledged write committed exactly once and
 * complete, every refused one absent, every cut one either absent or complete; then each
 * record's final state is the state its committed writes lead to, in their commit order.
 */
export async function verifyJournal(
  db: Db,
  journal: Journal,
  context: { workingPlanId: string | null; demoPlanId: string },
): Promise<JournalReport> {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);
  const writes = journal.writes;
  const byRequest = new Map<string, AuditRow[]>();
  const events: AuditRow[] = await db('auditEvents')
    .whereIn('entity', ['sample', 'analysis', 'prescription', 'programmingPlan'])
    .orderBy('id')
    .select('id', 'requestId', 'entity', 'entityId', 'action', 'after');
  for (const event of events) {
    const list = byRequest.get(event.requestId ?? '');
    if (list) list.push(event);
    else byRequest.set(event.requestId ?? '', [event]);
  }
  const known = new Set(writes.map((w) => w.requestId));
  const ghosts = events.filter((e) => !known.has(e.requestId ?? ''));
  if (ghosts.length > 0)
    fail(
      `changes in the audit trail that no request of the load made: ${ghosts.length}, e.g. ${JSON.stringify(ghosts[0])}`,
    );

  const report: JournalReport = {
    violations,
    verified: 0,
    cutPresent: 0,
    cutAbsent: 0,
    refusedChecked: 0,
    records: { samples: 0, analyses: 0, prescriptions: 0, plans: 0 },
  };
  const committed: Committed[] = [];
  for (const write of writes) {
    const { entity, action } = auditOf[write.kind];
    const matches = (byRequest.get(write.requestId) ?? []).filter(
      (e) =>
        e.entity === entity &&
        e.action === action &&
        (write.entityId === null || e.entityId === write.entityId),
    );
    const where = `${write.kind} ${write.requestId} (${write.entityId ?? 'new'})`;
    if (matches.length > 1) fail(`${where} committed ${matches.length} times`);
    const event = matches[0];
    switch (write.outcome) {
      case 'acknowledged':
        if (!event) fail(`${where} was acknowledged (${write.status}) but is not in the database`);
        break;
      case 'refused':
        report.refusedChecked += 1;
        if (event) fail(`${where} was refused (${write.status}) but is in the database`);
        break;
      case 'failed':
        fail(`${where} answered ${write.status}: ${JSON.stringify(write.response).slice(0, 300)}`);
        break;
      case 'cut':
        if (event) report.cutPresent += 1;
        else report.cutAbsent += 1;
        break;
      case 'pending':
        fail(`${where} never finished`);
        break;
    }
    if (event) committed.push({ write, event });
  }
  committed.sort((a, b) => a.event.id - b.event.id);
  for (const { write, event } of committed) checkAfter(write, event, fail);
  report.verified = committed.length;

  await verifySamples(db, writes, committed, report, fail);
  await verifyAnalyses(db, writes, committed, report, fail);
  await verifyProgramming(db, writes, committed, context, report, fail);
  return report;
}

/** What the audit event recorded must be what the request asked for. */
function checkAfter(write: WriteRecord, event: AuditRow, fail: (message: string) => void) {
  const after = event.after ?? {};
  const expect = write.expect;
  const where = `${write.kind} ${write.requestId}`;
  const differs = (what: string, actual: unknown, expected: unknown) => {
    if (!sameJson(actual, expected))
      fail(`${where}: ${what} is ${JSON.stringify(actual)}, asked ${JSON.stringify(expected)}`);
  };
  switch (write.kind) {
    case 'analysis.save':
      differs('residue count', after.residueCount, (expect.residues as unknown[]).length);
      break;
    case 'analysis.report':
      differs('report hash', after.sha256, expect.sha256);
      break;
    case 'analysis.correct':
      differs('result version', after.resultVersion, expect.resultVersion);
      break;
    case 'prescription.create':
    case 'prescription.update':
      differs('sample count', after.sampleCount, expect.sampleCount);
      differs('instructions', after.instructions, expect.instructions);
      differs('substances', codes(after.substances), codes(expect.substances));
      differs(
        'version',
        after.version,
        write.kind === 'prescription.update' ? (expect.version as number) + 1 : 1,
      );
      break;
    case 'plan.column': {
      differs('region', after.regionCode, expect.regionCode);
      const lines = (after.lines ?? []) as {
        prescriptionId: string;
        sampleCount: number;
        laboratoryId: string | null;
      }[];
      for (const line of expect.lines as typeof lines) {
        const stored = lines.find((l) => l.prescriptionId === line.prescriptionId);
        differs(
          `line ${line.prescriptionId}`,
          stored && [stored.sampleCount, stored.laboratoryId],
          [line.sampleCount, line.laboratoryId],
        );
      }
      break;
    }
    case 'plan.copy':
      differs('plan', [after.year, after.kind], [expect.year, expect.kind]);
      break;
    default:
      break;
  }
}

const committedOf = (committed: Committed[], kind: WriteKind, entityId: string) =>
  committed.filter((c) => c.write.kind === kind && c.write.entityId === entityId);

async function verifySamples(
  db: Db,
  writes: WriteRecord[],
  committed: Committed[],
  report: JournalReport,
  fail: (message: string) => void,
) {
  const ids = [
    ...new Set(writes.filter((w) => w.kind === 'sample.create').map((w) => w.entityId!)),
  ];
  const rows: {
    id: string;
    reference: string;
    status: string;
    contextNotes: string | null;
    submittedAt: Date | null;
    sentAt: Date | null;
  }[] = await db('samples').whereIn('id', ids);
  const items: {
    sampleId: string;
    itemNumber: number;
    copyNumber: number;
    sealNumber: string;
    quantity: number;
    unit: string;
  }[] = await db('sampleItems').whereIn('sampleId', ids);
  const analyses: { sampleId: string; itemNumber: number }[] = await db('analyses')
    .whereIn('sampleId', ids)
    .where({ counterAnalysis: false });
  const mails: { subjectId: string; kind: string }[] = await db('mailDeliveries').whereIn(
    'subjectId',
    ids,
  );
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    const creations = committedOf(committed, 'sample.create', id);
    const creation = creations[0];
    if (!creation) {
      if (row) fail(`sample ${id} exists but its creation never committed`);
      continue;
    }
    if (!row) {
      fail(`sample ${id}: its creation committed but the sample is not there`);
      continue;
    }
    report.records.samples += 1;
    const expect = creation.write.expect as SampleExpectation;
    const acknowledged = creation.write.response as Sample | null;
    if (creation.write.outcome === 'acknowledged' && acknowledged?.reference !== row.reference)
      fail(`sample ${id}: reference ${row.reference}, acknowledged ${acknowledged?.reference}`);
    if (row.contextNotes !== expect.contextNotes)
      fail(`sample ${id}: notes « ${row.contextNotes} », written « ${expect.contextNotes} »`);
    const own = items.filter((i) => i.sampleId === id);
    const seals = own.map((i) => `${i.itemNumber}-${i.copyNumber}:${i.sealNumber}`).sort();
    if (!sameJson(seals, expect.seals))
      fail(`sample ${id}: items ${JSON.stringify(seals)}, written ${JSON.stringify(expect.seals)}`);
    if (own.some((i) => i.quantity !== 1.5 || i.unit !== 'KG'))
      fail(`sample ${id}: an item lost its quantity or unit`);

    const submitted = committedOf(committed, 'sample.submit', id).length;
    const sent = committedOf(committed, 'sample.send', id).length;
    if (submitted > 1 || sent > 1) fail(`sample ${id}: submitted ${submitted}×, sent ${sent}×`);
    if (
      submitted > 0 !== (row.submittedAt !== null) ||
      (submitted === 0) !== (row.status === 'Draft')
    )
      fail(
        `sample ${id}: ${row.status}, submitted at ${row.submittedAt}, committed submissions ${submitted}`,
      );
    const opened = analyses.filter((a) => a.sampleId === id).length;
    const requests = mails.filter((m) => m.subjectId === id && m.kind === 'sample.analysisRequest');
    const toOwner = mails.filter(
      (m) => m.subjectId === id && m.kind === 'sample.ownerSupportDocument',
    );
    if (sent > 0) {
      if (
        row.sentAt === null ||
        opened !== expect.itemCount ||
        requests.length !== 1 ||
        toOwner.length !== 1
      )
        fail(
          `sample ${id}: sent, but sent at ${row.sentAt}, ${opened} analyses for ${expect.itemCount} items, ${requests.length}+${toOwner.length} mails`,
        );
    } else if (row.sentAt !== null || opened > 0 || requests.length + toOwner.length > 0) {
      fail(`sample ${id}: not sent, but sent at ${row.sentAt}, ${opened} analyses, mails queued`);
    }
  }
}

interface AnalysisState {
  status: string;
  received: boolean;
  resultVersion: number;
  sha256: string | null;
  residues: Map<number, ResidueExpectation[]>;
}

async function verifyAnalyses(
  db: Db,
  writes: WriteRecord[],
  committed: Committed[],
  report: JournalReport,
  fail: (message: string) => void,
) {
  const sampleIds = [
    ...new Set(writes.filter((w) => w.kind === 'sample.create').map((w) => w.entityId!)),
  ];
  const rows: {
    id: string;
    status: string;
    receivedAt: Date | null;
    resultVersion: number;
    reportSha256: string | null;
  }[] = await db('analyses').whereIn('sampleId', sampleIds);
  const touched = new Set(
    writes.filter((w) => w.kind.startsWith('analysis.')).map((w) => w.entityId),
  );
  for (const id of touched)
    if (!rows.some((r) => r.id === id)) fail(`analysis ${id} was written to but does not exist`);
  const residues: {
    analysisId: string;
    resultVersion: number;
    residueNumber: number;
    substanceCode: string;
    kind: string;
    value: number | null;
  }[] = await db('analysisResidues')
    .whereIn(
      'analysisId',
      rows.map((r) => r.id),
    )
    .orderBy(['analysisId', 'resultVersion', 'residueNumber']);
  for (const row of rows) {
    report.records.analyses += 1;
    const state: AnalysisState = {
      status: 'Sent',
      received: false,
      resultVersion: 0,
      sha256: null,
      residues: new Map(),
    };
    for (const { write } of committed.filter((c) => c.write.entityId === row.id)) {
      const expect = write.expect;
      switch (write.kind) {
        case 'analysis.receive':
          state.status = 'Analysis';
          state.received = true;
          break;
        case 'analysis.save':
          state.resultVersion = Math.max(state.resultVersion, 1);
          state.residues.set(1, expect.residues as ResidueExpectation[]);
          break;
        case 'analysis.report':
          state.sha256 = expect.sha256 as string;
          break;
        case 'analysis.submit':
          state.status = expect.allNotDetected ? 'Completed' : 'InReview';
          break;
        case 'analysis.correct':
          state.resultVersion = expect.resultVersion as number;
          state.residues.set(state.resultVersion, expect.residues as ResidueExpectation[]);
          state.status = 'InReview';
          break;
        case 'analysis.review':
          state.status = 'Completed';
          break;
        default:
          break;
      }
    }
    const actual = {
      status: row.status,
      received: row.receivedAt !== null,
      resultVersion: row.resultVersion,
      sha256: row.reportSha256,
    };
    const expected = {
      status: state.status,
      received: state.received,
      resultVersion: state.resultVersion,
      sha256: state.sha256,
    };
    if (!sameJson(actual, expected))
      fail(
        `analysis ${row.id} is ${JSON.stringify(actual)}, its committed writes lead to ${JSON.stringify(expected)}`,
      );
    const versions = new Set(
      residues.filter((r) => r.analysisId === row.id).map((r) => r.resultVersion),
    );
    for (const version of new Set([...versions, ...state.residues.keys()])) {
      const stored = residues
        .filter((r) => r.analysisId === row.id && r.resultVersion === version)
        .map((r) => ({ substanceCode: r.substanceCode, kind: r.kind, value: r.value }));
      const written = state.residues.get(version) ?? [];
      if (!sameJson(stored, written))
        fail(
          `analysis ${row.id} v${version}: residues ${JSON.stringify(stored)}, written ${JSON.stringify(written)}`,
        );
    }
  }
}

async function verifyProgramming(
  db: Db,
  writes: WriteRecord[],
  committed: Committed[],
  context: { workingPlanId: string | null; demoPlanId: string },
  report: JournalReport,
  fail: (message: string) => void,
) {
  // Copies: present and whole (the demo plan's lines, substances, regions and departments —
  // a copy leaves out the departments without samples), or absent.
  const shape = async (planId: string) => {
    const [result] = (
      await db.raw(
        `select (select count(*) from prescriptions where plan_id = :planId) as prescriptions,
                (select count(*) from prescription_substances s join prescriptions p on p.id = s.prescription_id
                  where p.plan_id = :planId) as substances,
                (select count(*) from regional_prescriptions r join prescriptions p on p.id = r.prescription_id
                  where p.plan_id = :planId) as regions,
                (select coalesce(sum(r.sample_count), 0) from regional_prescriptions r
                  join prescriptions p on p.id = r.prescription_id where p.plan_id = :planId) as regional_samples,
                (select count(*) from departmental_prescriptions d join prescriptions p on p.id = d.prescription_id
                  where p.plan_id = :planId and d.sample_count > 0) as departments,
                (select coalesce(sum(d.sample_count), 0) from departmental_prescriptions d
                  join prescriptions p on p.id = d.prescription_id where p.plan_id = :planId) as departmental_samples`,
        { planId },
      )
    ).rows as Record<string, number>[];
    return result;
  };
  const demo = await shape(context.demoPlanId);
  for (const write of writes.filter((w) => w.kind === 'plan.copy')) {
    const { year, kind, working } = write.expect as {
      year: number;
      kind: string;
      working: boolean;
    };
    const plan = await db('programmingPlans').where({ year, kind }).first('id', 'status');
    const copy = committed.find((c) => c.write === write);
    if (!copy) {
      // Another attempt for the same year may have committed (the working plan is retried).
      const other = committed.some(
        (c) =>
          c.write.kind === 'plan.copy' &&
          sameJson([c.write.expect.year, c.write.expect.kind], [year, kind]),
      );
      if (plan && !other) fail(`plan ${year} ${kind} exists but its copy never committed`);
      continue;
    }
    if (!plan || plan.id !== copy.event.entityId) {
      fail(`plan ${year} ${kind}: its copy committed but the plan is not there`);
      continue;
    }
    report.records.plans += 1;
    if (working) {
      if (plan.id !== context.workingPlanId)
        fail(`the working plan ${context.workingPlanId} is not the copy ${plan.id}`);
      continue;
    }
    const copied = await shape(plan.id);
    if (!sameJson(copied, demo))
      fail(
        `plan ${year} ${kind} is a partial copy: ${JSON.stringify(copied)} for ${JSON.stringify(demo)}`,
      );
  }

  const planId = context.workingPlanId;
  if (!planId) return;
  type PrescriptionRow = {
    id: string;
    planId: string;
    context: string;
    matrixKindCode: string;
    stages: string[];
    sampleCount: number;
    laboratoryChoice: string;
    instructions: string;
    version: number;
  };
  type Line = {
    prescriptionId: string;
    regionCode: string;
    sampleCount: number;
    laboratoryId: string | null;
  };
  const prescriptions: PrescriptionRow[] = await db('prescriptions').where({ planId });
  const demoPrescriptions: PrescriptionRow[] = await db('prescriptions').where({
    planId: context.demoPlanId,
  });
  const ids = [...prescriptions, ...demoPrescriptions].map((p) => p.id);
  const substances: { prescriptionId: string; substanceCode: string }[] = await db(
    'prescriptionSubstances',
  ).whereIn('prescriptionId', ids);
  const lines: Line[] = await db('regionalPrescriptions').whereIn('prescriptionId', ids);
  const departments: { prescriptionId: string; departmentCode: string; sampleCount: number }[] =
    await db('departmentalPrescriptions')
      .whereIn('prescriptionId', ids)
      .where('sampleCount', '>', 0)
      .orderBy('departmentCode');
  const substancesOf = (id: string) =>
    sorted(substances.filter((s) => s.prescriptionId === id).map((s) => s.substanceCode));
  const lineOf = (id: string, regionCode: string) => {
    const line = lines.find((l) => l.prescriptionId === id && l.regionCode === regionCode);
    return line ? [line.sampleCount, line.laboratoryId] : null;
  };
  const departmentsOf = (id: string) =>
    departments
      .filter((d) => d.prescriptionId === id)
      .map((d) => `${d.departmentCode}:${d.sampleCount}`);

  const creations = committed.filter((c) => c.write.kind === 'prescription.create');
  const created = new Set(creations.map((c) => c.event.entityId));
  if (prescriptions.length !== demoPrescriptions.length + creations.length)
    fail(
      `the working plan has ${prescriptions.length} prescriptions: ${demoPrescriptions.length} copied and ${creations.length} created were committed`,
    );
  /** The demo line a copied prescription comes from (one per matrix kind in the demo plan). */
  const origin = new Map<string, PrescriptionRow>();
  for (const prescription of prescriptions) {
    report.records.prescriptions += 1;
    if (!created.has(prescription.id)) {
      const source = demoPrescriptions.find(
        (d) => d.matrixKindCode === prescription.matrixKindCode,
      );
      if (!source) fail(`prescription ${prescription.id} is neither copied nor created`);
      else {
        origin.set(prescription.id, source);
        if (!sameJson(departmentsOf(prescription.id), departmentsOf(source.id)))
          fail(`prescription ${prescription.id}: its departmental split is not the copied one`);
      }
    }
    const last = committed
      .filter(
        (c) =>
          (c.write.kind === 'prescription.update' || c.write.kind === 'prescription.create') &&
          c.event.entityId === prescription.id,
      )
      .at(-1);
    // Never changed since the copy: still the demo line.
    const source = origin.get(prescription.id);
    const expect = last?.write.expect ?? {
      ...source,
      substances: source ? substancesOf(source.id).map((substanceCode) => ({ substanceCode })) : [],
    };
    const actual = {
      context: prescription.context,
      matrixKindCode: prescription.matrixKindCode,
      stages: prescription.stages,
      sampleCount: prescription.sampleCount,
      laboratoryChoice: prescription.laboratoryChoice,
      instructions: prescription.instructions,
      substances: substancesOf(prescription.id),
      version: prescription.version,
    };
    const expected = {
      context: expect.context,
      matrixKindCode: expect.matrixKindCode,
      stages: expect.stages,
      sampleCount: expect.sampleCount,
      laboratoryChoice: expect.laboratoryChoice,
      instructions: expect.instructions,
      substances: codes(expect.substances),
      version: last?.write.kind === 'prescription.update' ? (expect.version as number) + 1 : 1,
    };
    if (!sameJson(actual, expected))
      fail(
        `prescription ${prescription.id} is ${JSON.stringify(actual)}, ${last ? 'its last committed write' : 'the copy'} says ${JSON.stringify(expected)}`,
      );
  }

  // Each region's column as its last committed save left it, or as copied when none did.
  const columns = new Map<string, Committed>();
  for (const c of committed)
    if (c.write.kind === 'plan.column') columns.set(c.write.expect.regionCode as string, c);
  for (const regionCode of RegionCodeList) {
    const saved = (columns.get(regionCode)?.write.expect.lines ?? null) as
      | Omit<Line, 'regionCode'>[]
      | null;
    for (const prescription of prescriptions) {
      const line = saved?.find((l) => l.prescriptionId === prescription.id);
      const source = origin.get(prescription.id);
      const expected = line
        ? [line.sampleCount, line.laboratoryId]
        : !saved && source
          ? lineOf(source.id, regionCode)
          : null;
      const actual = lineOf(prescription.id, regionCode);
      if (!sameJson(actual, expected))
        fail(
          `region ${regionCode}, prescription ${prescription.id}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)} (${saved ? 'last committed column' : 'as copied'})`,
        );
    }
  }
}

/**
 * The same records read through the API of a freshly started server, as a national
 * coordinator: what the application shows is what the database holds.
 */
export async function verifyThroughApi(
  db: Db,
  api: ApiClient,
  journal: Journal,
  workingPlanId: string | null,
): Promise<{ violations: string[]; read: number }> {
  const violations: string[] = [];
  let read = 0;
  const ids = [
    ...new Set(journal.writes.filter((w) => w.kind === 'sample.create').map((w) => w.entityId!)),
  ];
  const samples: { id: string; reference: string; status: string; version: number }[] = await db(
    'samples',
  ).whereIn('id', ids);
  const analyses: { id: string; sampleId: string; status: string; resultVersion: number }[] =
    await db('analyses').whereIn('sampleId', ids);
  const residueCounts: { analysisId: string; resultVersion: number; count: number }[] = await db(
    'analysisResidues',
  )
    .whereIn(
      'analysisId',
      analyses.map((a) => a.id),
    )
    .groupBy('analysisId', 'resultVersion')
    .select('analysisId', 'resultVersion')
    .count({ count: '*' });

  const checks: (() => Promise<void>)[] = [];
  for (const row of samples)
    checks.push(async () => {
      const response = await api.get<Sample>(`/api/samples/${row.id}`);
      read += 1;
      const seen = response.body;
      if (
        response.status !== 200 ||
        seen.reference !== row.reference ||
        seen.status !== row.status ||
        seen.version !== row.version
      )
        violations.push(
          `API sample ${row.id}: ${response.status} ${seen.reference} ${seen.status} v${seen.version}, database ${row.reference} ${row.status} v${row.version}`,
        );
    });
  for (const row of analyses)
    checks.push(async () => {
      const [analysis, versions] = await Promise.all([
        api.get<Analysis>(`/api/analyses/${row.id}`),
        api.get<ResultVersion[]>(`/api/analyses/${row.id}/versions`),
      ]);
      read += 1;
      const counts = versions.body
        .map((v) => [v.resultVersion, v.residues.length])
        .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
      const stored = residueCounts
        .filter((r) => r.analysisId === row.id)
        .map((r) => [r.resultVersion, Number(r.count)])
        .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
      if (
        analysis.status !== 200 ||
        analysis.body.status !== row.status ||
        analysis.body.resultVersion !== row.resultVersion ||
        !sameJson(counts, stored)
      )
        violations.push(
          `API analysis ${row.id}: ${analysis.body.status} v${analysis.body.resultVersion} ${JSON.stringify(counts)}, database ${row.status} v${row.resultVersion} ${JSON.stringify(stored)}`,
        );
    });
  if (workingPlanId)
    checks.push(async () => {
      const response = await api.get<Prescription[]>(
        `/api/programming-plans/${workingPlanId}/prescriptions`,
      );
      read += 1;
      const rows: { id: string; sampleCount: number; version: number }[] = await db(
        'prescriptions',
      ).where({ planId: workingPlanId });
      const seen = response.body.map((p) => [p.id, p.sampleCount, p.version]).sort();
      const stored = rows.map((p) => [p.id, p.sampleCount, p.version]).sort();
      if (!sameJson(seen, stored))
        violations.push(`API prescriptions of the working plan differ from the database`);
    });
  // A few at a time: the server has two cores to share with this process.
  const queue = [...checks];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let check = queue.shift(); check; check = queue.shift()) await check();
    }),
  );
  return { violations, read };
}
