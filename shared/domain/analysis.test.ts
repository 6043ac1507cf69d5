import { describe, expect, it } from 'vitest';
import { type AnalysisStatus, AnalysisStatusList } from '../schema/analysis/analysis';
import type { Role } from '../schema/user/role';
import { RoleList } from '../schema/user/role';
import {
  type AnalysisAction,
  canActAsLaboratory,
  canReadAnalysis,
  canReadImport,
  canReviewAnalysis,
  decideAnalysisAction,
} from './analysis';
import { canReadSample } from './sample';

const actions: AnalysisAction[] = [
  'receive',
  'reject',
  'saveResults',
  'submitResults',
  'correctResults',
  'uploadReport',
  'review',
  'reevaluate',
];

/** The next status of each allowed pair; every other pair is refused. */
const allowed: Partial<Record<`${AnalysisStatus}:${AnalysisAction}`, AnalysisStatus>> = {
  'Sent:receive': 'Analysis',
  'Sent:reject': 'NotAdmissible',
  'Analysis:saveResults': 'Analysis',
  'Analysis:submitResults': 'InReview',
  'Analysis:uploadReport': 'Analysis',
  'InReview:correctResults': 'InReview',
  'InReview:uploadReport': 'InReview',
  'InReview:review': 'Completed',
  'InReview:reevaluate': 'InReview',
  'Completed:correctResults': 'InReview',
  'Completed:uploadReport': 'Completed',
  'Completed:reevaluate': 'Completed',
};

/** The reason given for each refused pair. */
const refusals: Partial<Record<`${AnalysisStatus}:${AnalysisAction}`, RegExp>> = {
  'NotAdmissible:receive': /déjà enregistrée/,
  'Analysis:receive': /déjà enregistrée/,
  'InReview:receive': /déjà enregistrée/,
  'Completed:receive': /déjà enregistrée/,
  'NotAdmissible:reject': /déjà enregistrée/,
  'Analysis:reject': /déjà enregistrée/,
  'InReview:reject': /déjà enregistrée/,
  'Completed:reject': /déjà enregistrée/,
  'Sent:saveResults': /d’abord la réception/,
  'NotAdmissible:saveResults': /non recevable/,
  'InReview:saveResults': /corrigez-les avec un motif/,
  'Completed:saveResults': /corrigez-les avec un motif/,
  'Sent:submitResults': /d’abord la réception/,
  'NotAdmissible:submitResults': /non recevable/,
  'InReview:submitResults': /déjà transmis/,
  'Completed:submitResults': /déjà transmis/,
  'Sent:correctResults': /Seuls des résultats transmis/,
  'Analysis:correctResults': /Seuls des résultats transmis/,
  'NotAdmissible:correctResults': /non recevable/,
  'Sent:uploadReport': /d’abord la réception/,
  'NotAdmissible:uploadReport': /non recevable/,
  'Sent:review': /pas encore transmis/,
  'Analysis:review': /pas encore transmis/,
  'NotAdmissible:review': /non recevable/,
  'Completed:review': /déjà validée/,
  'Sent:reevaluate': /pas transmis/,
  'Analysis:reevaluate': /pas transmis/,
  'NotAdmissible:reevaluate': /non recevable/,
};

describe('decideAnalysisAction', () => {
  const pairs = AnalysisStatusList.flatMap((status) =>
    actions.map((action) => [status, action] as const),
  );

  it.each(pairs)('%s × %s', (status, action) => {
    const decision = decideAnalysisAction(status, action);
    const next = allowed[`${status}:${action}`];
    if (next) {
      expect(decision).toEqual({ allowed: true, next });
    } else {
      expect(decision.allowed).toBe(false);
      if (!decision.allowed) {
        expect(decision.reason.length).toBeGreaterThan(10);
        const reason = refusals[`${status}:${action}`];
        if (reason) expect(decision.reason).toMatch(reason);
      }
    }
  });

  it('names a reason for every refused pair', () => {
    const refused = pairs.filter(([status, action]) => !allowed[`${status}:${action}`]);
    for (const [status, action] of refused)
      expect(refusals[`${status}:${action}`], `${status} × ${action}`).toBeDefined();
  });

  it('completes a submission whose residues are all ND', () => {
    expect(decideAnalysisAction('Analysis', 'submitResults', { allNotDetected: true })).toEqual({
      allowed: true,
      next: 'Completed',
    });
    expect(decideAnalysisAction('Analysis', 'submitResults', { allNotDetected: false })).toEqual({
      allowed: true,
      next: 'InReview',
    });
    expect(decideAnalysisAction('Sent', 'submitResults', { allNotDetected: true }).allowed).toBe(
      false,
    );
  });
});

type Scope = {
  regionCode: string | null;
  departmentCode: string | null;
  laboratoryId: string | null;
};
const user = (role: Role, scope: Partial<Scope> = {}) => ({
  id: 'u',
  role,
  regionCode: null,
  departmentCode: null,
  laboratoryId: null,
  ...scope,
});

const analysis = { laboratoryId: 'lab-a', regionCode: '84', departmentCode: '69' };

describe('canReadAnalysis', () => {
  it.each([
    ['Administrator', {}, true],
    ['NationalCoordinator', {}, true],
    ['NationalObserver', {}, true],
    ['RegionalCoordinator', { regionCode: '84' }, true],
    ['RegionalCoordinator', { regionCode: '11' }, false],
    ['RegionalObserver', { regionCode: '84' }, true],
    ['DepartmentalCoordinator', { regionCode: '84', departmentCode: '69' }, true],
    ['DepartmentalCoordinator', { regionCode: '84', departmentCode: '01' }, false],
    ['DepartmentalObserver', { regionCode: '84', departmentCode: '69' }, true],
    ['Sampler', { regionCode: '84', departmentCode: '69' }, true],
    ['Sampler', { regionCode: '84', departmentCode: '38' }, false],
    ['LaboratoryUser', { laboratoryId: 'lab-a' }, true],
    ['LaboratoryUser', { laboratoryId: 'lab-b' }, false],
  ] as const)('%s %j → %s', (role, scope, expected) => {
    expect(canReadAnalysis(user(role, scope), analysis)).toBe(expected);
  });
});

describe('canActAsLaboratory', () => {
  it('lets only the users of the addressed laboratory receive and enter results', () => {
    for (const action of ['receive', 'results'] as const) {
      expect(
        canActAsLaboratory(user('LaboratoryUser', { laboratoryId: 'lab-a' }), analysis, action),
      ).toBe(true);
      expect(
        canActAsLaboratory(user('LaboratoryUser', { laboratoryId: 'lab-b' }), analysis, action),
      ).toBe(false);
      for (const role of RoleList.filter((r) => r !== 'LaboratoryUser'))
        expect(
          canActAsLaboratory(
            user(role, { laboratoryId: 'lab-a', regionCode: '84', departmentCode: '69' }),
            analysis,
            action,
          ),
          role,
        ).toBe(false);
    }
  });
});

describe('canReviewAnalysis', () => {
  it.each([
    ['Administrator', {}, false],
    ['NationalCoordinator', {}, true],
    ['NationalObserver', {}, false],
    ['RegionalCoordinator', { regionCode: '84' }, true],
    ['RegionalCoordinator', { regionCode: '11' }, false],
    ['RegionalObserver', { regionCode: '84' }, false],
    ['DepartmentalCoordinator', { regionCode: '84', departmentCode: '69' }, true],
    ['DepartmentalCoordinator', { regionCode: '84', departmentCode: '01' }, false],
    ['DepartmentalObserver', { regionCode: '84', departmentCode: '69' }, false],
    ['Sampler', { regionCode: '84', departmentCode: '69' }, false],
    ['LaboratoryUser', { laboratoryId: 'lab-a' }, false],
  ] as const)('%s %j → %s', (role, scope, expected) => {
    expect(canReviewAnalysis(user(role, scope), analysis)).toBe(expected);
  });
});

describe('canReadSample for a counter-analysis laboratory', () => {
  const sample = {
    regionCode: '84',
    departmentCode: '69',
    laboratoryId: 'lab-a',
    status: 'Analysis' as const,
  };

  it('lets a laboratory holding an analysis of the sample read it', () => {
    const labB = user('LaboratoryUser', { laboratoryId: 'lab-b' });
    expect(canReadSample(labB, sample)).toBe(false);
    expect(canReadSample(labB, sample, ['lab-a', 'lab-b'])).toBe(true);
    expect(canReadSample(labB, sample, ['lab-a', 'lab-c'])).toBe(false);
    expect(canReadSample(labB, { ...sample, status: 'Submitted' }, ['lab-b'])).toBe(false);
  });

  it('changes nothing for the other roles', () => {
    expect(canReadSample(user('Sampler', { departmentCode: '01' }), sample, ['lab-a'])).toBe(false);
  });
});

describe('canReadImport', () => {
  const lab = '6b1c1b7e-2f8e-4c55-9d0a-0c4e5f6a7b8c';
  const other = '1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b';
  it.each([
    ['Administrator', null, true],
    ['NationalCoordinator', null, true],
    ['NationalObserver', null, true],
    ['RegionalCoordinator', null, false],
    ['DepartmentalCoordinator', null, false],
    ['Sampler', null, false],
    ['LaboratoryUser', lab, true],
    ['LaboratoryUser', other, false],
  ] as const)('%s of laboratory %s: %s', (role, laboratoryId, expected) => {
    expect(canReadImport({ role, laboratoryId }, lab)).toBe(expected);
  });
});
