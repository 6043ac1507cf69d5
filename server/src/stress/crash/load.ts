import { LaboratorySeedList, MatrixKindList, RegionCodeList } from '@maestro/shared/referential';
import type { Analysis, PlanKind, Prescription, ProgrammingPlan } from '@maestro/shared/schema';
import { ApiClient, type Journal, type Outcome, type WriteKind, type WriteResult } from './api';
import { type DemoReferences, reportOf, resultsOf, sampleContent } from './content';
import type { Random } from './random';
import type { CrashableServer } from './server';

/** What every client of the load shares. */
export interface LoadContext {
  server: CrashableServer;
  journal: Journal;
  random: Random;
  references: DemoReferences;
  stopping: () => boolean;
  /** Samples sent to the laboratory, for the laboratory clients. */
  sentSamples: string[];
  /** Analyses whose results are submitted, for the reviewer. */
  toReview: string[];
  /** The plan the national coordinator edits (a copy of the demo plan, next year). */
  workingPlan: { id: string | null };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A refusal the load does not expect is a defect of the load or of the server: stop there. */
function unexpected(kind: WriteKind, result: WriteResult<unknown>): never {
  throw new Error(
    `${kind}: unexpected answer ${result.status} ${JSON.stringify(result.body).slice(0, 600)}`,
  );
}

/** Known outcomes: acknowledged or cut go on; refused only with the statuses allowed. */
function settle(
  kind: WriteKind,
  result: WriteResult<unknown>,
  allowed: readonly number[] = [],
): Outcome {
  if (result.outcome === 'refused' && allowed.includes(result.status ?? 0)) return 'refused';
  if (result.outcome === 'refused' || result.outcome === 'failed') unexpected(kind, result);
  return result.outcome;
}

interface SampleState {
  status: string;
  version: number;
}

/**
 * A sampler: creates complete samples (1 to 3 items of three copies), submits and sends them
 * to the laboratory, one request at a time. After a cut it reads the sample again to know
 * where it stands (a creation cut and absent is left there).
 */
export async function samplerClient(context: LoadContext, name: string): Promise<void> {
  const { references, journal, server } = context;
  const random = context.random.fork(name);
  const api = new ApiClient(server, journal, name, references.emails.sampler, references.password);
  await api.login();
  const read = async (id: string): Promise<SampleState | null> => {
    const response = await api.get<SampleState>(`/api/samples/${id}`);
    if (response.status === 404) return null;
    if (response.status !== 200) throw new Error(`${name}: sample ${id} read ${response.status}`);
    return { status: response.body.status, version: response.body.version };
  };
  let count = 0;
  while (!context.stopping()) {
    count += 1;
    const id = random.uuid();
    const { content, expect } = sampleContent(references, `${name}-${count}`, random.int(1, 3));
    const created = await api.write<SampleState>('sample.create', 'post', '/api/samples', {
      json: { id, ...content },
      entityId: id,
      expect,
    });
    let state = settle('sample.create', created) === 'acknowledged' ? created.body : await read(id);
    while (state && !context.stopping()) {
      const kind = state.status === 'Draft' ? 'sample.submit' : 'sample.send';
      if (state.status !== 'Draft' && state.status !== 'Submitted') {
        context.sentSamples.push(id);
        break;
      }
      const result = await api.write<SampleState>(
        kind,
        'post',
        `/api/samples/${id}/${kind === 'sample.submit' ? 'submit' : 'send'}`,
        {
          json: { version: state.version },
          entityId: id,
          expect: { fromVersion: state.version, itemCount: expect.itemCount },
        },
      );
      state = settle(kind, result) === 'acknowledged' ? result.body : await read(id);
    }
  }
}

/**
 * A laboratory: takes the sent samples, and for each analysis records the reception, saves the
 * results, attaches the signed report and submits; about one in three is then corrected (a
 * second version). Each step starts from the analysis as the server has it.
 */
export async function laboratoryClient(context: LoadContext, name: string): Promise<void> {
  const { references, journal, server } = context;
  const api = new ApiClient(
    server,
    journal,
    name,
    references.emails.laboratory,
    references.password,
  );
  await api.login();
  while (!context.stopping()) {
    const sampleId = context.sentSamples.shift();
    if (!sampleId) {
      await pause(20);
      continue;
    }
    const analyses = await api.get<Analysis[]>(`/api/samples/${sampleId}/analyses`);
    if (analyses.status !== 200)
      throw new Error(`${name}: analyses of ${sampleId} read ${analyses.status}`);
    for (const { id } of analyses.body) {
      if (context.stopping()) return;
      await analyse(context, api, id);
    }
  }
}

async function analyse(context: LoadContext, api: ApiClient, id: string): Promise<void> {
  const random = context.random.fork(id);
  const corrected = random.chance(0.35);
  const substances = context.references.substances;
  const first = resultsOf(context.random.fork(`${id}-v1`), substances);
  const report = reportOf(id);
  let queuedForReview = false;
  let refusals = 0;
  while (!context.stopping()) {
    const response = await api.get<Analysis>(`/api/analyses/${id}`);
    if (response.status !== 200) throw new Error(`${api.name}: analysis ${id} ${response.status}`);
    const analysis = response.body;
    const url = `/api/analyses/${id}`;
    let kind: WriteKind;
    let result: WriteResult<Analysis>;
    if (analysis.status === 'Sent') {
      kind = 'analysis.receive';
      result = await api.write(kind, 'post', `${url}/reception`, {
        json: {
          version: analysis.version,
          receivedAt: new Date(Date.now() - 60_000).toISOString(),
          sealsIntact: true,
          quantitySufficient: true,
          temperatureCelsius: 4,
          notes: '',
        },
        entityId: id,
        expect: {},
      });
    } else if (analysis.status === 'Analysis' && analysis.resultVersion === 0) {
      kind = 'analysis.save';
      result = await api.write(kind, 'put', `${url}/results`, {
        json: { ...first.content, version: analysis.version },
        entityId: id,
        expect: { residues: first.residues },
      });
    } else if (analysis.status === 'Analysis' && analysis.report === null) {
      kind = 'analysis.report';
      result = await api.write(kind, 'put', `${url}/report?fileName=rapport-${id}.pdf`, {
        raw: report.body,
        contentType: 'application/pdf',
        entityId: id,
        expect: { sha256: report.sha256 },
      });
    } else if (analysis.status === 'Analysis') {
      kind = 'analysis.submit';
      result = await api.write(kind, 'post', `${url}/submit`, {
        json: { version: analysis.version },
        entityId: id,
        expect: { allNotDetected: first.residues.every((r) => r.kind === 'ND') },
      });
    } else if (corrected && analysis.resultVersion === 1) {
      if (analysis.status === 'InReview' && !queuedForReview) {
        // The reviewer may get there first: the two then race on the analysis's version.
        context.toReview.push(id);
        queuedForReview = true;
      }
      const next = resultsOf(context.random.fork(`${id}-v2`), substances);
      kind = 'analysis.correct';
      result = await api.write(kind, 'post', `${url}/corrections`, {
        json: {
          ...next.content,
          version: analysis.version,
          reason: 'Erreur de transcription corrigée',
        },
        entityId: id,
        expect: { resultVersion: 2, residues: next.residues },
      });
    } else {
      if (analysis.status === 'InReview') context.toReview.push(id);
      return;
    }
    // 409: the reviewer changed the analysis in between; read it again.
    if (settle(kind, result, [409]) === 'refused') {
      refusals += 1;
      if (refusals > 5) unexpected(kind, result);
    }
  }
}

/** A departmental coordinator: confirms the verdict of the submitted analyses. */
export async function reviewerClient(context: LoadContext, name: string): Promise<void> {
  const { references, journal, server } = context;
  const api = new ApiClient(
    server,
    journal,
    name,
    references.emails.departmental,
    references.password,
  );
  await api.login();
  while (!context.stopping()) {
    const id = context.toReview.shift();
    if (!id) {
      await pause(20);
      continue;
    }
    let refusals = 0;
    while (!context.stopping()) {
      const response = await api.get<Analysis>(`/api/analyses/${id}`);
      if (response.status !== 200) throw new Error(`${name}: analysis ${id} ${response.status}`);
      if (response.body.status !== 'InReview') break;
      const result = await api.write('analysis.review', 'post', `/api/analyses/${id}/review`, {
        json: { version: response.body.version, decision: 'Confirm', compliant: null, comment: '' },
        entityId: id,
        expect: {},
      });
      if (settle('analysis.review', result, [409]) === 'refused') {
        refusals += 1;
        if (refusals > 5) unexpected('analysis.review', result);
      }
    }
  }
}

const stages = ['PRODUCTION_PRIMAIRE_VEGETALE', 'MISE_SUR_LE_MARCHE'] as const;
const planKinds: readonly PlanKind[] = ['PPV', 'DAOA_SLAUGHTER', 'DAOA_BREEDING'];

/**
 * The national coordinator: copies the demo plan into next year's (the working plan), then
 * edits it — prescriptions changed (count, substances, instructions) or added, a region's
 * column of the national grid — and now and then copies the demo plan into another year
 * (a single transaction of a few hundred rows).
 */
export async function coordinatorClient(context: LoadContext, name: string): Promise<void> {
  const { references, journal, server } = context;
  const random = context.random.fork(name);
  const api = new ApiClient(server, journal, name, references.emails.national, references.password);
  await api.login();
  const copies: { year: number; kind: PlanKind }[] = [];
  for (let year = references.year + 2; year <= 2100; year += 1)
    for (const kind of planKinds) copies.push({ year, kind });

  /** Copies the demo plan; the plan once it exists (acknowledged, or cut and there). */
  const copy = async (year: number, kind: PlanKind, working: boolean): Promise<string | null> => {
    const result = await api.write<ProgrammingPlan>('plan.copy', 'post', '/api/programming-plans', {
      json: { year, kind, distributionKind: 'REGIONAL', copyFromPlanId: references.planId },
      entityId: null,
      expect: { year, kind, working },
    });
    if (settle('plan.copy', result) === 'acknowledged') return result.body?.id ?? null;
    const found = await api.get<ProgrammingPlan[]>(
      `/api/programming-plans?year=${year}&kind=${kind}`,
    );
    return found.body[0]?.id ?? null;
  };

  while (!context.workingPlan.id && !context.stopping())
    context.workingPlan.id = await copy(references.year + 1, 'PPV', true);
  const planId = context.workingPlan.id;
  if (!planId) return;
  let created = 0;

  while (!context.stopping()) {
    const roll = random.next();
    if (roll < 0.15) {
      const next = copies.shift();
      if (next) await copy(next.year, next.kind, false);
      continue;
    }
    const listed = await api.get<Prescription[]>(`/api/programming-plans/${planId}/prescriptions`);
    if (listed.status !== 200) throw new Error(`${name}: prescriptions ${listed.status}`);
    const prescriptions = listed.body;
    const substances = () =>
      random
        .subset(references.substances, 1)
        .map((substanceCode) => ({ substanceCode, method: 'Multi' as const }));
    if (roll < 0.3) {
      created += 1;
      const body = {
        context: random.pick(['Surveillance', 'Control'] as const),
        matrixKindCode: random.pick(MatrixKindList).code,
        stages: random.subset(stages, 1),
        sampleCount: random.int(1, 60),
        laboratoryChoice: random.pick(['National', 'Regional'] as const),
        substances: substances(),
        instructions: `Ligne ajoutée n°${created} par ${name}`,
      };
      const result = await api.write(
        'prescription.create',
        'post',
        `/api/programming-plans/${planId}/prescriptions`,
        {
          json: body,
          entityId: null,
          expect: body,
        },
      );
      settle('prescription.create', result);
    } else if (roll < 0.65) {
      const prescription = random.pick(prescriptions);
      const distributed = prescription.regions.reduce((total, line) => total + line.sampleCount, 0);
      const body = {
        context: prescription.context,
        matrixKindCode: prescription.matrixKindCode,
        stages: prescription.stages,
        sampleCount: Math.max(1, distributed) + random.int(0, 12),
        laboratoryChoice: prescription.laboratoryChoice,
        substances: substances(),
        instructions: `Consigne ${random.int(1, 1_000_000)}`,
        version: prescription.version,
      };
      const result = await api.write(
        'prescription.update',
        'put',
        `/api/prescriptions/${prescription.id}`,
        {
          json: body,
          entityId: prescription.id,
          expect: body,
        },
      );
      settle('prescription.update', result);
    } else {
      // Any region but the demo's, whose lines are split between departments.
      const regionCode = random.pick(RegionCodeList.filter((code) => code !== '84'));
      const lines = prescriptions.map((prescription) => {
        const existing = prescription.regions.find((line) => line.regionCode === regionCode);
        const distributed = prescription.regions.reduce(
          (total, line) => total + line.sampleCount,
          0,
        );
        const free = prescription.sampleCount - distributed + (existing?.sampleCount ?? 0);
        return {
          prescriptionId: prescription.id,
          sampleCount: random.int(0, Math.max(0, free)),
          laboratoryId: existing?.laboratoryId ?? random.pick(LaboratorySeedList).id,
          version: existing?.version ?? null,
        };
      });
      const result = await api.write(
        'plan.column',
        'put',
        `/api/programming-plans/${planId}/regions/${regionCode}`,
        { json: { lines }, entityId: planId, expect: { regionCode, lines } },
      );
      settle('plan.column', result);
    }
  }
}
