import type {
  DistributionKind,
  PlanAction,
  PlanStatus,
  RegionalPlanStatus,
} from '../schema/programming/plan';
import type { AuthUser } from '../schema/user/user';

type ScopedUser = Pick<AuthUser, 'role' | 'regionCode' | 'departmentCode'>;

export interface PlanState {
  status: PlanStatus;
  distributionKind: DistributionKind;
  /** One entry per region that has samples programmed (set when the plan is sent to regions). */
  regionalStatuses: readonly { regionCode: string; status: RegionalPlanStatus }[];
}

export type PlanDecision =
  | {
      allowed: true;
      /** The plan's status after the action. */
      status: PlanStatus;
      /** The acting region's new status, for a regional action. */
      regionStatus?: { regionCode: string; status: RegionalPlanStatus };
    }
  | { allowed: false; kind: 'forbidden' | 'state' | 'distribution'; reason: string };

const refuse = (kind: 'forbidden' | 'state' | 'distribution', reason: string): PlanDecision => ({
  allowed: false,
  kind,
  reason,
});

/** What the region's action is called, and the status it leads to, for each distribution kind. */
export const RegionalActionOf: Record<
  DistributionKind,
  { action: PlanAction; regionStatus: RegionalPlanStatus; planStatus: PlanStatus }
> = {
  REGIONAL: { action: 'approve', regionStatus: 'Approved', planStatus: 'ApprovedByRegion' },
  DEPARTMENTAL: {
    action: 'submitToDepartments',
    regionStatus: 'SubmittedToDepartments',
    planStatus: 'SubmittedToDepartments',
  },
};

/**
 * The plan's state machine: may `user` take `action` on `plan` now, and where does it lead?
 * `distributionProblems` are the distribution rules the action needs (see distribution.ts):
 * national sums for `submitToRegions`, the acting region's departmental sums for a regional
 * action; any problem refuses the action with the first one as the reason.
 */
export function decidePlanAction(
  action: PlanAction,
  plan: PlanState,
  user: ScopedUser,
  distributionProblems: readonly string[] = [],
): PlanDecision {
  switch (action) {
    case 'submitToRegions': {
      if (user.role !== 'NationalCoordinator') {
        return refuse(
          'forbidden',
          'Seul le coordinateur national peut envoyer la programmation aux régions.',
        );
      }
      if (plan.status !== 'InProgress') {
        return refuse('state', 'Cette programmation a déjà été envoyée aux régions.');
      }
      if (distributionProblems.length > 0) return refuse('distribution', distributionProblems[0]!);
      return { allowed: true, status: 'SubmittedToRegion' };
    }
    case 'approve':
    case 'submitToDepartments': {
      const expected = RegionalActionOf[plan.distributionKind];
      if (user.role !== 'RegionalCoordinator' || !user.regionCode) {
        return refuse(
          'forbidden',
          action === 'approve'
            ? 'Seul le coordinateur régional peut approuver la programmation de sa région.'
            : 'Seul le coordinateur régional peut envoyer la programmation à ses départements.',
        );
      }
      if (action !== expected.action) {
        return refuse(
          'state',
          plan.distributionKind === 'REGIONAL'
            ? 'Cette programmation est répartie par région : la région l’approuve, sans l’envoyer aux départements.'
            : 'Cette programmation est répartie par département : la région l’envoie à ses départements.',
        );
      }
      if (plan.status !== 'SubmittedToRegion') {
        return refuse(
          'state',
          plan.status === 'InProgress'
            ? 'Cette programmation n’a pas encore été envoyée aux régions.'
            : 'Les régions ne peuvent plus modifier cette programmation.',
        );
      }
      const mine = plan.regionalStatuses.find((r) => r.regionCode === user.regionCode);
      if (!mine)
        return refuse('state', 'Aucun prélèvement n’est programmé pour votre région dans ce plan.');
      if (mine.status !== 'Pending') {
        return refuse(
          'state',
          action === 'approve'
            ? 'Votre région a déjà approuvé cette programmation.'
            : 'Votre région a déjà envoyé cette programmation à ses départements.',
        );
      }
      if (distributionProblems.length > 0) return refuse('distribution', distributionProblems[0]!);
      const othersDone = plan.regionalStatuses.every(
        (r) => r.regionCode === user.regionCode || r.status === expected.regionStatus,
      );
      return {
        allowed: true,
        status: othersDone ? expected.planStatus : 'SubmittedToRegion',
        regionStatus: { regionCode: user.regionCode, status: expected.regionStatus },
      };
    }
    case 'validate': {
      if (user.role !== 'NationalCoordinator') {
        return refuse('forbidden', 'Seul le coordinateur national peut valider la programmation.');
      }
      const ready = RegionalActionOf[plan.distributionKind].planStatus;
      if (plan.status !== ready) {
        if (plan.status === 'SubmittedToRegion') {
          const waiting = plan.regionalStatuses.filter((r) => r.status === 'Pending').length;
          return refuse(
            'state',
            `${waiting} région${waiting > 1 ? 's n’ont' : ' n’a'} pas encore ${
              plan.distributionKind === 'REGIONAL' ? 'approuvé' : 'réparti'
            } sa programmation : la campagne ne peut pas encore être ouverte.`,
          );
        }
        return refuse(
          'state',
          plan.status === 'InProgress'
            ? 'Cette programmation doit d’abord être envoyée aux régions.'
            : 'Cette programmation a déjà été validée.',
        );
      }
      return { allowed: true, status: 'Validated' };
    }
    case 'close': {
      if (user.role !== 'NationalCoordinator') {
        return refuse('forbidden', 'Seul le coordinateur national peut clôturer la campagne.');
      }
      if (plan.status !== 'Validated') {
        return refuse(
          'state',
          plan.status === 'Closed'
            ? 'Cette campagne est déjà clôturée.'
            : 'Seule une campagne en cours peut être clôturée.',
        );
      }
      return { allowed: true, status: 'Closed' };
    }
  }
}

/** The actions a user could take now (the UI shows these buttons; problems are checked on click). */
export function availablePlanActions(plan: PlanState, user: ScopedUser): PlanAction[] {
  const actions: PlanAction[] = [
    'submitToRegions',
    'approve',
    'submitToDepartments',
    'validate',
    'close',
  ];
  return actions.filter((action) => decidePlanAction(action, plan, user).allowed);
}

const regionStatusOf = (plan: PlanState, regionCode: string | null) =>
  plan.regionalStatuses.find((r) => r.regionCode === regionCode)?.status;

/** Whether a user may see a plan at all. */
export function canReadPlan(user: ScopedUser, plan: PlanState): boolean {
  switch (user.role) {
    case 'Administrator':
    case 'NationalCoordinator':
    case 'NationalObserver':
      return true;
    case 'RegionalCoordinator':
    case 'RegionalObserver':
      return plan.status !== 'InProgress';
    case 'DepartmentalCoordinator':
    case 'DepartmentalObserver':
      return (
        plan.status === 'Validated' ||
        plan.status === 'Closed' ||
        (plan.distributionKind === 'DEPARTMENTAL' &&
          regionStatusOf(plan, user.regionCode) === 'SubmittedToDepartments')
      );
    case 'Sampler':
      return plan.status === 'Validated' || plan.status === 'Closed';
    case 'LaboratoryUser':
      return false;
  }
}

/** Prescriptions and the national split between regions: the national coordinator, while in progress. */
export function canEditNationalProgramming(user: ScopedUser, plan: PlanState): boolean {
  return user.role === 'NationalCoordinator' && plan.status === 'InProgress';
}

/** The split of a region's counts between its departments, and labs where delegated. */
export function canEditRegionalProgramming(
  user: ScopedUser,
  plan: PlanState,
  regionCode: string,
): boolean {
  return (
    user.role === 'RegionalCoordinator' &&
    user.regionCode === regionCode &&
    plan.status === 'SubmittedToRegion' &&
    regionStatusOf(plan, regionCode) === 'Pending'
  );
}

/** The comment thread of a region's line: that region's coordinator and the national coordinator. */
export function canComment(user: ScopedUser, plan: PlanState, regionCode: string): boolean {
  if (plan.status === 'InProgress' || plan.status === 'Closed') return false;
  if (user.role === 'NationalCoordinator') return true;
  return user.role === 'RegionalCoordinator' && user.regionCode === regionCode;
}
