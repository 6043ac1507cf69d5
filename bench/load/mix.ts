import { randomUUID } from 'node:crypto';
import type { ResidueInput, SampleContent } from '@maestro/shared/schema';

/** The users of the mix, each logged in once (one session, shared by its connections). */
export type Actor =
  | 'national'
  | 'observer'
  | 'regional'
  | 'departmental'
  | 'sampler'
  | 'laboratory';

/** What the steps need to know of the data and the server. */
export interface MixData {
  /** Origin of the server, sent as `Origin` on writes as a browser does. */
  origin: string;
  cookies: Record<Actor, string>;
  userIds: Record<Actor, string>;
  currentPlanId: string;
  /** A region the national observer looks at (not the regional coordinator's). */
  observedRegion: string;
  /** A record the sampler can submit: complete, in its department, on the current plan. */
  sampleContent: () => SampleContent;
  /** Seeded samples of the sampler's department, for record reads. */
  samplerSampleIds: string[];
  /** Analyses of the laboratory in progress (« En cours d’analyse »), for result drafts. */
  labAnalysisIds: string[];
  /** The residues a result draft saves. */
  residues: ResidueInput[];
}

/** The state one connection keeps during one pass over the cycle. */
export interface StepContext {
  sampleId?: string;
  sampleVersion?: number;
  analysisId?: string;
  analysisVersion?: number;
}

export interface BuiltRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
}

/** One kind of request of the mix. */
export interface Step {
  name: string;
  actor: Actor;
  write: boolean;
  /** The route, for the printed mix. */
  route: string;
  /** The request; null when what it needs is missing (an earlier step of its flow failed). */
  build: (context: StepContext) => BuiltRequest | null;
  /** Reads what the next steps of the flow need (ids, versions) from a success. */
  onSuccess?: (body: string, context: StepContext) => void;
}

/**
 * A block of the cycle: one step, or a flow whose steps depend on the previous ones (create →
 * update → submit). A connection goes through every block of the cycle in turn; each starts at
 * its own block, so that connections do not all send the same request at the same moment.
 */
export type Block = Step[];

const query = (params: Record<string, string | number | string[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  return search.toString();
};

const get = (path: string): BuiltRequest => ({ method: 'GET', path });

const read = (name: string, actor: Actor, path: string): Step => ({
  name,
  actor,
  write: false,
  route: `GET ${path}`,
  build: () => get(path),
});

/** Takes `version` (and `id`) of a JSON answer. */
const versionOf = (body: string) => {
  const parsed = JSON.parse(body) as { id?: unknown; version?: unknown };
  if (typeof parsed.version !== 'number') throw new Error(`no version in ${body.slice(0, 200)}`);
  return { id: typeof parsed.id === 'string' ? parsed.id : undefined, version: parsed.version };
};

/** A counter shared by every connection: each takes the next id of a list, in turn. */
function roundRobin(ids: string[], label: string) {
  if (ids.length === 0) throw new Error(`no ${label} to work on`);
  let next = 0;
  return () => ids[next++ % ids.length]!;
}

/**
 * The cycle of the load test: what the national, regional and departmental coordinators, a
 * national observer, a sampler and a laboratory user do, in the proportions of one pass.
 *
 * Writes are valid by construction, so that an error means a fault: a sample is created under
 * a fresh id, saved and submitted with the version each answer gave; a result draft is saved on
 * an analysis in progress with the version just read. Each draft takes the next analysis of a
 * list far longer than the number of connections, so two connections never hold the same one.
 */
export function buildCycle(data: MixData): Block[] {
  const plan = data.currentPlanId;
  const nextSeededSample = roundRobin(data.samplerSampleIds, 'seeded sample');
  const nextAnalysis = roundRobin(data.labAnalysisIds, 'analysis in progress');
  const today = () => new Date().toISOString().slice(0, 10);

  const createSample: Step = {
    name: 'sampler.sample.create',
    actor: 'sampler',
    write: true,
    route: 'POST /api/samples',
    build: (context) => {
      context.sampleId = randomUUID();
      context.sampleVersion = undefined;
      return {
        method: 'POST',
        path: '/api/samples',
        body: { id: context.sampleId, ...data.sampleContent() },
      };
    },
    onSuccess: (body, context) => {
      context.sampleVersion = versionOf(body).version;
    },
  };
  const updateSample: Step = {
    name: 'sampler.sample.update',
    actor: 'sampler',
    write: true,
    route: 'PUT /api/samples/:id',
    build: (context) =>
      context.sampleId && context.sampleVersion !== undefined
        ? {
            method: 'PUT',
            path: `/api/samples/${context.sampleId}`,
            body: {
              ...data.sampleContent(),
              matrixNotes: 'Fruits prélevés en bordure de parcelle.',
              version: context.sampleVersion,
            },
          }
        : null,
    onSuccess: (body, context) => {
      context.sampleVersion = versionOf(body).version;
    },
  };
  const submitSample: Step = {
    name: 'sampler.sample.submit',
    actor: 'sampler',
    write: true,
    route: 'POST /api/samples/:id/submit',
    build: (context) =>
      context.sampleId && context.sampleVersion !== undefined
        ? {
            method: 'POST',
            path: `/api/samples/${context.sampleId}/submit`,
            body: { version: context.sampleVersion },
          }
        : null,
  };
  const readSample: Step = {
    name: 'sampler.sample.read',
    actor: 'sampler',
    write: false,
    route: 'GET /api/samples/:id',
    build: () => get(`/api/samples/${nextSeededSample()}`),
  };
  const readAnalysis: Step = {
    name: 'laboratory.analysis.read',
    actor: 'laboratory',
    write: false,
    route: 'GET /api/analyses/:id',
    build: (context) => {
      context.analysisId = nextAnalysis();
      context.analysisVersion = undefined;
      return get(`/api/analyses/${context.analysisId}`);
    },
    onSuccess: (body, context) => {
      context.analysisVersion = versionOf(body).version;
    },
  };
  const saveResults: Step = {
    name: 'laboratory.analysis.draft',
    actor: 'laboratory',
    write: true,
    route: 'PUT /api/analyses/:id/results',
    build: (context) =>
      context.analysisId && context.analysisVersion !== undefined
        ? {
            method: 'PUT',
            path: `/api/analyses/${context.analysisId}/results`,
            body: {
              analysedAt: today(),
              methods: ['Multi'],
              residues: data.residues,
              notes: 'Saisie en cours.',
              version: context.analysisVersion,
            },
          }
        : null,
  };

  const badge = (actor: Actor) =>
    read(`${actor}.notifications.unread`, actor, `/api/notifications?${query({ perPage: 1 })}`);

  return [
    // national coordinator and observer: the whole country, filtered, a few pages in
    [read('national.samples.page1', 'national', '/api/samples')],
    [badge('national')],
    [
      read(
        'national.samples.filtered',
        'national',
        `/api/samples?${query({
          programmingPlanId: plan,
          status: ['Sent', 'Analysis', 'InReview'],
          sort: '-sampledAt',
          page: 2,
        })}`,
      ),
    ],
    [
      read(
        'observer.samples.region',
        'observer',
        `/api/samples?${query({ regionCode: data.observedRegion, page: 3 })}`,
      ),
    ],
    [read('observer.plans', 'observer', '/api/programming-plans')],
    // regional coordinator: its region's list, what awaits its review, the plan's progress
    [read('regional.samples.page1', 'regional', '/api/samples')],
    [
      read(
        'regional.samples.inReview',
        'regional',
        `/api/samples?${query({ programmingPlanId: plan, status: ['InReview'] })}`,
      ),
    ],
    [
      read(
        'regional.plan.prescriptions',
        'regional',
        `/api/programming-plans/${plan}/prescriptions`,
      ),
    ],
    [read('regional.plan.realised', 'regional', `/api/programming-plans/${plan}/realised`)],
    // departmental coordinator
    [read('departmental.samples.page1', 'departmental', '/api/samples')],
    [read('departmental.notifications', 'departmental', '/api/notifications')],
    // sampler: its own samples, its department's, a record, and a sample created, saved, submitted
    [read('sampler.session', 'sampler', '/api/auth/session')],
    [
      read(
        'sampler.samples.mine',
        'sampler',
        `/api/samples?${query({ samplerId: data.userIds.sampler })}`,
      ),
    ],
    [read('sampler.samples.department', 'sampler', '/api/samples')],
    [readSample],
    [createSample, updateSample, submitSample],
    [badge('sampler')],
    // laboratory user: its analyses, its samples, a result draft
    [read('laboratory.session', 'laboratory', '/api/auth/session')],
    [read('laboratory.analyses.page1', 'laboratory', '/api/analyses')],
    [
      read(
        'laboratory.analyses.inProgress',
        'laboratory',
        `/api/analyses?${query({ status: ['Analysis'] })}`,
      ),
    ],
    [read('laboratory.samples.page1', 'laboratory', '/api/samples')],
    [readAnalysis, saveResults],
    [badge('laboratory')],
  ];
}

/** Every step of a cycle, once each, in order. */
export const stepsOf = (cycle: Block[]): Step[] => cycle.flat();
