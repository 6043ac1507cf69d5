import { describe, expect, it } from 'vitest';
import {
  type DistributionKind,
  DistributionKindList,
  type PlanAction,
  PlanActionList,
  type PlanStatus,
  PlanStatusList,
} from '../schema/programming/plan';
import { type Role, RoleList } from '../schema/user/role';
import {
  availablePlanActions,
  canComment,
  canEditNationalProgramming,
  canEditRegionalProgramming,
  canReadPlan,
  decidePlanAction,
  type PlanState,
} from './programmingPlan';

const userOf = (role: Role) => ({
  role,
  regionCode: [
    'RegionalCoordinator',
    'RegionalObserver',
    'DepartmentalCoordinator',
    'DepartmentalObserver',
    'Sampler',
  ].includes(role)
    ? '84'
    : null,
  departmentCode: ['DepartmentalCoordinator', 'DepartmentalObserver', 'Sampler'].includes(role)
    ? '69'
    : null,
});

const planOf = (status: PlanStatus, distributionKind: DistributionKind): PlanState => ({
  status,
  distributionKind,
  regionalStatuses:
    status === 'InProgress'
      ? []
      : [
          {
            regionCode: '84',
            status:
              status === 'SubmittedToRegion'
                ? 'Pending'
                : distributionKind === 'REGIONAL'
                  ? 'Approved'
                  : 'SubmittedToDepartments',
          },
          {
            regionCode: '11',
            status:
              status === 'SubmittedToRegion'
                ? 'Pending'
                : distributionKind === 'REGIONAL'
                  ? 'Approved'
                  : 'SubmittedToDepartments',
          },
        ],
});

/** The only combinations the state machine allows, written out by hand. */
const allowed: {
  action: PlanAction;
  role: Role;
  status: PlanStatus;
  kind: DistributionKind;
  to: PlanStatus;
}[] = [
  {
    action: 'submitToRegions',
    role: 'NationalCoordinator',
    status: 'InProgress',
    kind: 'REGIONAL',
    to: 'SubmittedToRegion',
  },
  {
    action: 'submitToRegions',
    role: 'NationalCoordinator',
    status: 'InProgress',
    kind: 'DEPARTMENTAL',
    to: 'SubmittedToRegion',
  },
  {
    action: 'approve',
    role: 'RegionalCoordinator',
    status: 'SubmittedToRegion',
    kind: 'REGIONAL',
    to: 'SubmittedToRegion',
  },
  {
    action: 'submitToDepartments',
    role: 'RegionalCoordinator',
    status: 'SubmittedToRegion',
    kind: 'DEPARTMENTAL',
    to: 'SubmittedToRegion',
  },
  {
    action: 'validate',
    role: 'NationalCoordinator',
    status: 'ApprovedByRegion',
    kind: 'REGIONAL',
    to: 'Validated',
  },
  {
    action: 'validate',
    role: 'NationalCoordinator',
    status: 'SubmittedToDepartments',
    kind: 'DEPARTMENTAL',
    to: 'Validated',
  },
  {
    action: 'close',
    role: 'NationalCoordinator',
    status: 'Validated',
    kind: 'REGIONAL',
    to: 'Closed',
  },
  {
    action: 'close',
    role: 'NationalCoordinator',
    status: 'Validated',
    kind: 'DEPARTMENTAL',
    to: 'Closed',
  },
];

describe('plan state machine', () => {
  it('allows exactly the listed transitions, for every action × role × status × distribution kind', () => {
    let checked = 0;
    for (const action of PlanActionList) {
      for (const role of RoleList) {
        for (const status of PlanStatusList) {
          for (const kind of DistributionKindList) {
            const decision = decidePlanAction(action, planOf(status, kind), userOf(role));
            const expected = allowed.find(
              (a) =>
                a.action === action && a.role === role && a.status === status && a.kind === kind,
            );
            const where = `${action} by ${role} on ${status}/${kind}`;
            expect(decision.allowed, where).toBe(expected !== undefined);
            if (decision.allowed) expect(decision.status, where).toBe(expected?.to);
            else expect(decision.reason, where).toMatch(/^[A-ZÀ-Ý0-9«]/);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBe(PlanActionList.length * RoleList.length * PlanStatusList.length * 2);
  });

  it('refuses with "forbidden" for a role that never takes the action, "state" otherwise', () => {
    const plan = planOf('InProgress', 'REGIONAL');
    const sampler = decidePlanAction('submitToRegions', plan, userOf('Sampler'));
    expect(sampler).toMatchObject({ allowed: false, kind: 'forbidden' });
    const again = decidePlanAction(
      'submitToRegions',
      planOf('Validated', 'REGIONAL'),
      userOf('NationalCoordinator'),
    );
    expect(again).toEqual({
      allowed: false,
      kind: 'state',
      reason: 'Cette programmation a déjà été envoyée aux régions.',
    });
  });

  it('moves the plan on when the last region acts, not before', () => {
    const plan: PlanState = {
      status: 'SubmittedToRegion',
      distributionKind: 'REGIONAL',
      regionalStatuses: [
        { regionCode: '84', status: 'Pending' },
        { regionCode: '11', status: 'Pending' },
      ],
    };
    const first = decidePlanAction('approve', plan, userOf('RegionalCoordinator'));
    expect(first).toEqual({
      allowed: true,
      status: 'SubmittedToRegion',
      regionStatus: { regionCode: '84', status: 'Approved' },
    });
    const last = decidePlanAction(
      'approve',
      {
        ...plan,
        regionalStatuses: [
          { regionCode: '84', status: 'Pending' },
          { regionCode: '11', status: 'Approved' },
        ],
      },
      userOf('RegionalCoordinator'),
    );
    expect(last).toMatchObject({ allowed: true, status: 'ApprovedByRegion' });

    const departmental = decidePlanAction(
      'submitToDepartments',
      {
        ...plan,
        distributionKind: 'DEPARTMENTAL',
        regionalStatuses: [{ regionCode: '84', status: 'Pending' }],
      },
      userOf('RegionalCoordinator'),
    );
    expect(departmental).toEqual({
      allowed: true,
      status: 'SubmittedToDepartments',
      regionStatus: { regionCode: '84', status: 'SubmittedToDepartments' },
    });
  });

  it('refuses a region that already acted, or that has no samples in the plan', () => {
    const plan: PlanState = {
      status: 'SubmittedToRegion',
      distributionKind: 'REGIONAL',
      regionalStatuses: [
        { regionCode: '84', status: 'Approved' },
        { regionCode: '11', status: 'Pending' },
      ],
    };
    expect(decidePlanAction('approve', plan, userOf('RegionalCoordinator'))).toMatchObject({
      allowed: false,
      reason: 'Votre région a déjà approuvé cette programmation.',
    });
    expect(
      decidePlanAction('approve', plan, { ...userOf('RegionalCoordinator'), regionCode: '53' }),
    ).toMatchObject({
      allowed: false,
      reason: 'Aucun prélèvement n’est programmé pour votre région dans ce plan.',
    });
  });

  it('refuses the other distribution kind’s regional action with an explanation', () => {
    const regional = planOf('SubmittedToRegion', 'REGIONAL');
    expect(
      decidePlanAction('submitToDepartments', regional, userOf('RegionalCoordinator')),
    ).toMatchObject({
      allowed: false,
      kind: 'state',
      reason: expect.stringMatching(/répartie par région/),
    });
  });

  it('refuses on the first distribution problem', () => {
    const decision = decidePlanAction(
      'submitToRegions',
      planOf('InProgress', 'REGIONAL'),
      userOf('NationalCoordinator'),
      ['premier problème', 'second'],
    );
    expect(decision).toEqual({ allowed: false, kind: 'distribution', reason: 'premier problème' });
  });

  it('says how many regions are still to act before validation', () => {
    const plan: PlanState = {
      status: 'SubmittedToRegion',
      distributionKind: 'REGIONAL',
      regionalStatuses: [
        { regionCode: '84', status: 'Pending' },
        { regionCode: '11', status: 'Pending' },
        { regionCode: '53', status: 'Approved' },
      ],
    };
    expect(decidePlanAction('validate', plan, userOf('NationalCoordinator'))).toMatchObject({
      allowed: false,
      reason:
        '2 régions n’ont pas encore approuvé sa programmation : la campagne ne peut pas encore être ouverte.',
    });
  });

  it('lists the actions available to a user', () => {
    expect(
      availablePlanActions(planOf('InProgress', 'REGIONAL'), userOf('NationalCoordinator')),
    ).toEqual(['submitToRegions']);
    expect(
      availablePlanActions(
        planOf('SubmittedToRegion', 'DEPARTMENTAL'),
        userOf('RegionalCoordinator'),
      ),
    ).toEqual(['submitToDepartments']);
    expect(
      availablePlanActions(planOf('Validated', 'REGIONAL'), userOf('RegionalObserver')),
    ).toEqual([]);
  });
});

describe('plan visibility and editing', () => {
  it('shows each plan to the roles that may see it at each status', () => {
    // A regional plan is never "sent to departments", a departmental one never "approved by regions".
    const impossible: Record<DistributionKind, PlanStatus> = {
      REGIONAL: 'SubmittedToDepartments',
      DEPARTMENTAL: 'ApprovedByRegion',
    };
    const matrix = Object.fromEntries(
      DistributionKindList.map((kind) => [
        kind,
        Object.fromEntries(
          RoleList.map((role) => [
            role,
            PlanStatusList.filter((status) => status !== impossible[kind])
              .filter((status) => canReadPlan(userOf(role), planOf(status, kind)))
              .join(' '),
          ]),
        ),
      ]),
    );
    expect(matrix).toEqual({
      REGIONAL: {
        Administrator: 'InProgress SubmittedToRegion ApprovedByRegion Validated Closed',
        NationalCoordinator: 'InProgress SubmittedToRegion ApprovedByRegion Validated Closed',
        NationalObserver: 'InProgress SubmittedToRegion ApprovedByRegion Validated Closed',
        RegionalCoordinator: 'SubmittedToRegion ApprovedByRegion Validated Closed',
        RegionalObserver: 'SubmittedToRegion ApprovedByRegion Validated Closed',
        DepartmentalCoordinator: 'Validated Closed',
        DepartmentalObserver: 'Validated Closed',
        Sampler: 'Validated Closed',
        LaboratoryUser: '',
      },
      DEPARTMENTAL: {
        Administrator: 'InProgress SubmittedToRegion SubmittedToDepartments Validated Closed',
        NationalCoordinator: 'InProgress SubmittedToRegion SubmittedToDepartments Validated Closed',
        NationalObserver: 'InProgress SubmittedToRegion SubmittedToDepartments Validated Closed',
        RegionalCoordinator: 'SubmittedToRegion SubmittedToDepartments Validated Closed',
        RegionalObserver: 'SubmittedToRegion SubmittedToDepartments Validated Closed',
        DepartmentalCoordinator: 'SubmittedToDepartments Validated Closed',
        DepartmentalObserver: 'SubmittedToDepartments Validated Closed',
        Sampler: 'Validated Closed',
        LaboratoryUser: '',
      },
    });
  });

  it('lets only the national coordinator edit the national programming, while in progress', () => {
    for (const role of RoleList) {
      for (const status of PlanStatusList) {
        expect(
          canEditNationalProgramming(userOf(role), planOf(status, 'REGIONAL')),
          `${role} ${status}`,
        ).toBe(role === 'NationalCoordinator' && status === 'InProgress');
      }
    }
  });

  it('lets a regional coordinator edit their own region’s split only while it is theirs to act', () => {
    const plan = planOf('SubmittedToRegion', 'DEPARTMENTAL');
    expect(canEditRegionalProgramming(userOf('RegionalCoordinator'), plan, '84')).toBe(true);
    expect(canEditRegionalProgramming(userOf('RegionalCoordinator'), plan, '11')).toBe(false);
    expect(canEditRegionalProgramming(userOf('RegionalObserver'), plan, '84')).toBe(false);
    expect(canEditRegionalProgramming(userOf('NationalCoordinator'), plan, '84')).toBe(false);
    expect(
      canEditRegionalProgramming(
        userOf('RegionalCoordinator'),
        planOf('SubmittedToDepartments', 'DEPARTMENTAL'),
        '84',
      ),
    ).toBe(false);
  });

  it('opens the comment thread of a region to that region and the national level, between submission and closing', () => {
    for (const status of PlanStatusList) {
      const plan = planOf(status, 'REGIONAL');
      const open = status !== 'InProgress' && status !== 'Closed';
      expect(canComment(userOf('NationalCoordinator'), plan, '84'), status).toBe(open);
      expect(canComment(userOf('RegionalCoordinator'), plan, '84'), status).toBe(open);
      expect(canComment(userOf('RegionalCoordinator'), plan, '11'), status).toBe(false);
      expect(canComment(userOf('RegionalObserver'), plan, '84'), status).toBe(false);
      expect(canComment(userOf('NationalObserver'), plan, '84'), status).toBe(false);
    }
  });
});
