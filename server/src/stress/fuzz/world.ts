import { randomUUID } from 'node:crypto';
import { seedDemoPlan } from '@maestro/database/demo';
import {
  canReadAnalysis,
  canReadImport,
  canReadPlan,
  canReadSample,
  type PlanState,
} from '@maestro/shared/domain';
import { LaboratorySeedList } from '@maestro/shared/referential';
import type { AuthUser, Role, SampleContent, SampleStatus } from '@maestro/shared/schema';
import { labTokenUser } from '../../http/labTokenAuth';
import { completeSampleContent } from '../../test/sampleContent';
import { TEST_PASSWORD, type TestContext } from '../../test/testApp';
import type { Client, WireResponse } from './client';

/** A signed-in user of the fuzzed world, with the session cookie it got by logging in. */
export interface SessionIdentity {
  key: string;
  user: AuthUser;
  cookie: string;
}

/** A laboratory's API token (`Authorization: Bearer mlab_…`), acting as a laboratory user. */
export interface TokenIdentity {
  key: string;
  token: string;
  user: AuthUser;
}

/**
 * A real record and the path parameters that name it, with who may reach it: the shared scope
 * rules decide, so that "another scope's id" is one the server must refuse (404 or 403).
 */
export interface ScopedRecord {
  label: string;
  /** The parameter naming the record itself. */
  param: string;
  params: Record<string, string>;
  reachable: (user: AuthUser) => boolean;
}

export interface World {
  sessions: SessionIdentity[];
  tokens: TokenIdentity[];
  revokedToken: string;
  records: ScopedRecord[];
  /** Real values per parameter name, to start malformed requests from real ids. */
  knownValues: Record<string, string[]>;
  /** E-mails for refused logins: two real accounts and two unknown ones. */
  loginEmails: string[];
  /** Origins the server accepts for a state-changing request. */
  ownOrigins: string[];
  summary: Record<string, number>;
}

/** The fields the world reads from the API's answers. */
interface Answer {
  id: string;
  version: number;
  token: string;
  prefix: string;
  name: string;
  laboratoryId: string;
  items: { copyReference: string }[];
}

const labA = LaboratorySeedList[0]!;
const labB = LaboratorySeedList[1]!;

/** Every role at least once, and the other scopes the refusals need. */
const identities: { key: string; role: Role; scope?: Record<string, string> }[] = [
  { key: 'Administrator', role: 'Administrator' },
  { key: 'NationalCoordinator', role: 'NationalCoordinator' },
  { key: 'NationalObserver', role: 'NationalObserver' },
  { key: 'RegionalCoordinator/84', role: 'RegionalCoordinator', scope: { regionCode: '84' } },
  { key: 'RegionalObserver/84', role: 'RegionalObserver', scope: { regionCode: '84' } },
  { key: 'RegionalCoordinator/11', role: 'RegionalCoordinator', scope: { regionCode: '11' } },
  {
    key: 'DepartmentalCoordinator/69',
    role: 'DepartmentalCoordinator',
    scope: { regionCode: '84', departmentCode: '69' },
  },
  {
    key: 'DepartmentalObserver/69',
    role: 'DepartmentalObserver',
    scope: { regionCode: '84', departmentCode: '69' },
  },
  {
    key: 'DepartmentalCoordinator/38',
    role: 'DepartmentalCoordinator',
    scope: { regionCode: '84', departmentCode: '38' },
  },
  { key: 'Sampler/69', role: 'Sampler', scope: { regionCode: '84', departmentCode: '69' } },
  { key: 'Sampler/38', role: 'Sampler', scope: { regionCode: '84', departmentCode: '38' } },
  { key: 'Sampler/75', role: 'Sampler', scope: { regionCode: '11', departmentCode: '75' } },
  { key: 'LaboratoryUser/A', role: 'LaboratoryUser', scope: { laboratoryId: labA.id } },
  { key: 'LaboratoryUser/B', role: 'LaboratoryUser', scope: { laboratoryId: labB.id } },
];

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/**
 * Builds the world the fuzzer attacks, through the API wherever a route exists (fixtures for
 * the users and the validated demo plan): a validated plan and one in progress, samples in
 * three departments of two regions (drafts and sent ones), analyses for two laboratories, an
 * attachment, mail deliveries, a result import, a comment and its notification, API tokens
 * (one revoked), and a signed-in user of every role.
 */
export async function buildWorld(t: TestContext, client: Client, baseUrl: string): Promise<World> {
  const call = async (
    cookie: string | null,
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<WireResponse & { json: () => Answer }> => {
    const headers: Record<string, string> = {};
    if (cookie) headers.Cookie = cookie;
    let payload: Buffer | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    }
    const response = await client.send({ method, path, headers, body: payload });
    return { ...response, json: () => JSON.parse(response.body.toString('utf8')) as Answer };
  };
  const ok = async (
    label: string,
    promise: Promise<WireResponse & { json: () => Answer }>,
    status = 200,
  ) => {
    const response = await promise;
    if (response.status !== status)
      throw new Error(
        `world: ${label} answered ${response.status}: ${response.body.toString().slice(0, 500)}`,
      );
    return response.json();
  };

  // Users of every role (fixtures), each signed in once through the API.
  const sessions: SessionIdentity[] = [];
  for (const identity of identities) {
    const user = await t.insertUser(identity.role, identity.scope ?? {});
    const response = await call(null, 'post', '/api/auth/login', {
      email: user.email,
      password: TEST_PASSWORD,
    });
    const setCookie = response.headers['set-cookie']?.[0];
    if (response.status !== 200 || !setCookie)
      throw new Error(`world: login of ${identity.key} answered ${response.status}`);
    sessions.push({
      key: identity.key,
      cookie: setCookie.split(';')[0] as string,
      user: {
        id: user.id,
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        role: user.role,
        regionCode: user.regionCode,
        departmentCode: user.departmentCode,
        laboratoryId: user.laboratoryId,
      },
    });
  }
  const as = (key: string) => {
    const session = sessions.find((s) => s.key === key);
    if (!session) throw new Error(`world: no identity ${key}`);
    return session.cookie;
  };

  // The campaign: the demo's validated plan (fixtures), and next year's plan in progress.
  const year = new Date().getFullYear();
  await seedDemoPlan(t.db, year);
  const validated = await t.db('programmingPlans').where({ year }).first('id');
  const validatedPrescription = await t
    .db('prescriptions')
    .where({ planId: validated.id, matrixKindCode: 'A01DH' })
    .first('id');
  const national = as('NationalCoordinator');
  const inProgress = await ok(
    'createProgrammingPlan',
    call(national, 'post', '/api/programming-plans', {
      year: year + 1,
      kind: 'PPV',
      distributionKind: 'REGIONAL',
    }),
    201,
  );
  await ok(
    'createPrescription',
    call(national, 'post', `/api/programming-plans/${inProgress.id}/prescriptions`, {
      context: 'Control',
      matrixKindCode: 'A01DH',
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: 12,
      laboratoryChoice: 'National',
      substances: [],
      instructions: 'Prélever avant récolte.',
    }),
    201,
  );
  // A region asks a question on its line: a comment, and a notification for the national level.
  await ok(
    'createPrescriptionComment',
    call(
      as('RegionalCoordinator/84'),
      'post',
      `/api/prescriptions/${validatedPrescription.id}/regions/84/comments`,
      { body: 'Pouvons-nous reporter deux prélèvements au trimestre suivant ?' },
    ),
    201,
  );

  // Samples: drafts and sent ones, in the Rhône, the Isère and Paris, for two laboratories.
  const references = { planId: validated.id, prescriptionId: validatedPrescription.id };
  const matrix = await t.db('matrices').where({ kindCode: 'A01DH' }).orderBy('code').first('code');
  const substances: { substanceCode: string; method: 'Multi' | 'Mono' }[] = await t
    .db('prescriptionSubstances')
    .where({ prescriptionId: validatedPrescription.id })
    .select('substanceCode', 'method');
  const sample = async (
    sampler: string,
    laboratoryId: string,
    overrides: Partial<SampleContent>,
    send: boolean,
  ) => {
    const cookie = as(sampler);
    const created = await ok(
      `createSample as ${sampler}`,
      call(cookie, 'post', '/api/samples', {
        id: randomUUID(),
        ...completeSampleContent(
          { ...references, laboratoryId },
          { matrixCode: matrix.code, substances, ...overrides },
        ),
      }),
      201,
    );
    if (!send) return created.id as string;
    const submitted = await ok(
      'submitSample',
      call(cookie, 'post', `/api/samples/${created.id}/submit`, { version: created.version }),
    );
    await ok(
      'sendSample',
      call(cookie, 'post', `/api/samples/${created.id}/send`, { version: submitted.version }),
    );
    return created.id as string;
  };
  const draft = await sample('Sampler/69', labA.id, {}, false);
  await ok(
    'uploadSampleAttachment',
    call(
      as('Sampler/69'),
      'post',
      `/api/samples/${draft}/attachments?fileName=parcelle.png&caption=Vue%20de%20la%20parcelle`,
      PNG,
      'image/png',
    ),
    201,
  );
  await sample('Sampler/69', labA.id, {}, true);
  await sample('Sampler/38', labB.id, { departmentCode: '38' }, true);
  await sample('Sampler/75', labB.id, { departmentCode: '75' }, false);

  // A result import previewed by laboratory A.
  const sentToA = (await ok('findAnalyses', call(as('LaboratoryUser/A'), 'get', '/api/analyses')))
    .items[0];
  const csv = [
    'reference_echantillon;code_substance;resultat;valeur;unite;lq;lmr;incertitude;date_analyse;commentaire',
    `${sentToA?.copyReference ?? 'INCONNU'};RF-0001-001-PPP;ND;;mg/kg;0.01;;;${new Date().toISOString().slice(0, 10)};`,
  ].join('\r\n');
  await ok(
    'previewAnalysisImport',
    call(
      as('LaboratoryUser/A'),
      'post',
      '/api/analysis-imports?fileName=resultats.csv',
      Buffer.from(csv),
      'text/csv',
    ),
    201,
  );

  // API tokens: one per laboratory, and a third one revoked.
  const admin = as('Administrator');
  const token = async (laboratoryId: string, name: string) =>
    ok(
      'createLabToken',
      call(admin, 'post', `/api/laboratories/${laboratoryId}/tokens`, { name }),
      201,
    );
  const tokenA = await token(labA.id, 'LIMS du laboratoire A');
  const tokenB = await token(labB.id, 'LIMS du laboratoire B');
  const revoked = await token(labA.id, 'Ancien LIMS');
  const revokedAnswer = await call(
    admin,
    'delete',
    `/api/laboratories/${labA.id}/tokens/${revoked.id}`,
  );
  if (revokedAnswer.status !== 204) throw new Error('world: revokeLabToken failed');
  const tokens: TokenIdentity[] = [
    {
      key: 'token/A',
      token: tokenA.token,
      user: labTokenUser({ ...tokenA, laboratoryShortName: '' }),
    },
    {
      key: 'token/B',
      token: tokenB.token,
      user: labTokenUser({ ...tokenB, laboratoryShortName: '' }),
    },
  ];

  // The mail outbox works in the background: wait until every delivery is settled, so that
  // the database only changes through the fuzzed requests from now on.
  for (let attempt = 0; ; attempt++) {
    const pending = await t.db('mailDeliveries').where({ status: 'Pending' }).count({ n: '*' });
    if (Number(pending[0]?.n) === 0) break;
    if (attempt > 300) throw new Error('world: mail deliveries still pending after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    sessions,
    tokens,
    revokedToken: revoked.token,
    ...(await recordsOf(t)),
    loginEmails: [
      ...['Administrator', 'Sampler/69'].map(
        (key) => sessions.find((s) => s.key === key)?.user.email ?? '',
      ),
      'inconnu@maestro.test',
      'personne@exemple.fr',
    ],
    ownOrigins: [new URL(baseUrl).origin],
  };
}

/** The records of the database and who may reach each, from the shared scope rules. */
async function recordsOf(t: TestContext) {
  const db = t.db;
  const records: ScopedRecord[] = [];
  const knownValues: Record<string, string[]> = {};
  const know = (param: string, value: string) => {
    knownValues[param] ??= [];
    knownValues[param].push(value);
  };

  const plans: { id: string; status: PlanState['status']; distributionKind: string }[] = await db(
    'programmingPlans',
  ).select('id', 'status', 'distributionKind');
  const planRegions: { planId: string; regionCode: string; status: string }[] = await db(
    'programmingPlanRegions',
  ).select('planId', 'regionCode', 'status');
  const planStates = new Map<string, PlanState>(
    plans.map((plan) => [
      plan.id,
      {
        status: plan.status,
        distributionKind: plan.distributionKind as PlanState['distributionKind'],
        regionalStatuses: planRegions
          .filter((r) => r.planId === plan.id)
          .map((r) => ({ regionCode: r.regionCode, status: r.status as 'Pending' })),
      },
    ]),
  );
  for (const plan of plans) {
    const state = planStates.get(plan.id) as PlanState;
    know('planId', plan.id);
    records.push({
      label: `plan ${plan.status}`,
      param: 'planId',
      params: { planId: plan.id },
      reachable: (user) => canReadPlan(user, state),
    });
  }
  const prescriptions: { id: string; planId: string }[] = await db('prescriptions').select(
    'id',
    'planId',
  );
  for (const prescription of prescriptions) {
    const state = planStates.get(prescription.planId) as PlanState;
    know('prescriptionId', prescription.id);
    records.push({
      label: `prescription of a plan ${state.status}`,
      param: 'prescriptionId',
      params: { prescriptionId: prescription.id },
      reachable: (user) => canReadPlan(user, state),
    });
  }

  const samples: {
    id: string;
    status: SampleStatus;
    regionCode: string;
    departmentCode: string | null;
    laboratoryId: string | null;
  }[] = await db('samples').select('id', 'status', 'regionCode', 'departmentCode', 'laboratoryId');
  const analyses: { id: string; sampleId: string; laboratoryId: string }[] = await db(
    'analyses',
  ).select('id', 'sampleId', 'laboratoryId');
  const sampleReachable = new Map<string, (user: AuthUser) => boolean>();
  for (const sample of samples) {
    const labs = analyses.filter((a) => a.sampleId === sample.id).map((a) => a.laboratoryId);
    const reachable = (user: AuthUser) => canReadSample(user, sample, labs);
    sampleReachable.set(sample.id, reachable);
    know('sampleId', sample.id);
    records.push({
      label: `sample ${sample.status} ${sample.departmentCode}`,
      param: 'sampleId',
      params: { sampleId: sample.id },
      reachable,
    });
  }
  for (const analysis of analyses) {
    const sample = samples.find((s) => s.id === analysis.sampleId);
    const scope = {
      laboratoryId: analysis.laboratoryId,
      regionCode: sample?.regionCode ?? '',
      departmentCode: sample?.departmentCode ?? null,
    };
    know('analysisId', analysis.id);
    records.push({
      label: `analysis ${scope.departmentCode}`,
      param: 'analysisId',
      params: { analysisId: analysis.id },
      reachable: (user) => canReadAnalysis(user, scope),
    });
  }
  const children: { table: string; param: string; parent: string }[] = [
    { table: 'sampleAttachments', param: 'attachmentId', parent: 'sampleId' },
    { table: 'mailDeliveries', param: 'deliveryId', parent: 'subjectId' },
  ];
  for (const child of children) {
    const rows: { id: string; parent: string }[] = await db(child.table).select(
      'id',
      `${child.parent} as parent`,
    );
    for (const row of rows) {
      const reachable = sampleReachable.get(row.parent);
      know(child.param, row.id);
      if (reachable)
        records.push({
          label: `${child.param} of a sample`,
          param: child.param,
          params: { sampleId: row.parent, [child.param]: row.id },
          reachable,
        });
    }
  }
  const imports: { id: string; laboratoryId: string }[] = await db('analysisImports').select(
    'id',
    'laboratoryId',
  );
  for (const row of imports) {
    know('importId', row.id);
    records.push({
      label: 'result import',
      param: 'importId',
      params: { importId: row.id },
      reachable: (user) => canReadImport(user, row.laboratoryId),
    });
  }
  const notifications: { id: string; userId: string }[] = await db('notifications').select(
    'id',
    'userId',
  );
  for (const row of notifications) {
    know('notificationId', row.id);
    records.push({
      label: 'notification',
      param: 'notificationId',
      params: { notificationId: row.id },
      reachable: (user) => user.id === row.userId,
    });
  }
  const tokens: { id: string; laboratoryId: string }[] = await db('labTokens').select(
    'id',
    'laboratoryId',
  );
  for (const row of tokens) {
    know('tokenId', row.id);
    know('laboratoryId', row.laboratoryId);
  }
  for (const lab of LaboratorySeedList) know('laboratoryId', lab.id);
  const mrls: { substanceCode: string; matrixCode: string }[] = await db('mrls').select(
    'substanceCode',
    'matrixCode',
  );
  for (const code of new Set(mrls.map((m) => m.substanceCode))) know('substanceCode', code);
  for (const code of new Set(mrls.map((m) => m.matrixCode))) know('matrixCode', code);
  for (const row of await db('regions').select('code')) know('regionCode', row.code);

  const summary: Record<string, number> = {
    plans: plans.length,
    prescriptions: prescriptions.length,
    samples: samples.length,
    analyses: analyses.length,
    imports: imports.length,
    notifications: notifications.length,
    tokens: tokens.length,
  };
  return { records, knownValues, summary };
}
