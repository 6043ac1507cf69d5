import { z } from 'zod';
import type { Role } from '../schema/user/role';
import type { AuthUser } from '../schema/user/user';

export const Permission = z.enum([
  'user.read',
  'user.manage',
  'user.impersonate',
  'laboratory.read',
  'laboratory.manage',
  'labToken.manage',
  'referential.read',
  'referential.manage',
  'programmingPlan.read',
  'programmingPlan.manage',
  'programmingPlan.submit',
  'programmingPlan.validate',
  'programmingPlan.close',
  'programmingPlan.comment',
  'programmingPlan.distributeToDepartments',
  'programmingPlan.approve',
  'sample.read',
  'sample.create',
  'sample.update',
  'sample.send',
  'analysis.read',
  'analysis.receive',
  'analysis.submitResults',
  'analysis.review',
  'dashboard.read',
]);
export type Permission = z.infer<typeof Permission>;
export const PermissionList = Permission.options;

export const PermissionLabels: Record<Permission, string> = {
  'user.read': 'Consulter les utilisateurs',
  'user.manage': 'Gérer les utilisateurs',
  'user.impersonate': 'Se connecter en tant qu’un utilisateur (support)',
  'laboratory.read': 'Consulter les laboratoires',
  'laboratory.manage': 'Gérer les laboratoires',
  'labToken.manage': 'Gérer les jetons d’API des laboratoires',
  'referential.read': 'Consulter les référentiels',
  'referential.manage': 'Modifier les référentiels',
  'programmingPlan.read': 'Consulter la programmation',
  'programmingPlan.manage': 'Créer et modifier la programmation nationale',
  'programmingPlan.submit': 'Envoyer la programmation aux régions',
  'programmingPlan.validate': 'Valider la programmation',
  'programmingPlan.close': 'Clôturer la campagne',
  'programmingPlan.comment': 'Commenter la programmation',
  'programmingPlan.distributeToDepartments': 'Répartir entre les départements',
  'programmingPlan.approve': 'Approuver la programmation régionale',
  'sample.read': 'Consulter les prélèvements',
  'sample.create': 'Créer des prélèvements',
  'sample.update': 'Modifier des prélèvements',
  'sample.send': 'Envoyer des prélèvements au laboratoire',
  'analysis.read': 'Consulter les analyses',
  'analysis.receive': 'Enregistrer la réception au laboratoire',
  'analysis.submitResults': 'Saisir et transmettre des résultats',
  'analysis.review': 'Valider les analyses',
  'dashboard.read': 'Consulter le tableau de bord',
};

const readAll: Permission[] = [
  'programmingPlan.read',
  'sample.read',
  'analysis.read',
  'dashboard.read',
  'laboratory.read',
  'referential.read',
];

/** What each role may do, regardless of the record (the record's scope is checked apart). */
export const RolePermissions: Record<Role, readonly Permission[]> = {
  Administrator: [
    ...readAll,
    'user.read',
    'user.manage',
    'user.impersonate',
    'laboratory.manage',
    'labToken.manage',
    'referential.manage',
  ],
  NationalCoordinator: [
    ...readAll,
    'programmingPlan.manage',
    'programmingPlan.submit',
    'programmingPlan.validate',
    'programmingPlan.close',
    'programmingPlan.comment',
    'analysis.review',
  ],
  NationalObserver: [...readAll],
  RegionalCoordinator: [
    ...readAll,
    'programmingPlan.comment',
    'programmingPlan.distributeToDepartments',
    'programmingPlan.approve',
    'analysis.review',
  ],
  RegionalObserver: [...readAll],
  DepartmentalCoordinator: [...readAll, 'analysis.review'],
  DepartmentalObserver: [...readAll],
  Sampler: [
    'programmingPlan.read',
    'sample.read',
    'sample.create',
    'sample.update',
    'sample.send',
    'analysis.read',
    'dashboard.read',
    'laboratory.read',
    'referential.read',
  ],
  LaboratoryUser: [
    'sample.read',
    'analysis.read',
    'analysis.receive',
    'analysis.submitResults',
    'dashboard.read',
    'laboratory.read',
    'referential.read',
  ],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return RolePermissions[role].includes(permission);
}

export function hasPermission(
  user: Pick<AuthUser, 'role'> | null | undefined,
  permission: Permission,
): boolean {
  return user != null && roleHasPermission(user.role, permission);
}

/** Why an administrator may not act as an account for support, or null when they may. */
export type ImpersonationRefusal = 'notAllowed' | 'self' | 'disabled' | 'administrator';

/**
 * Support: an administrator may act as any active account but their own and other
 * administrators' (each administrator acts under their own name).
 */
export function impersonationRefusal(
  administrator: Pick<AuthUser, 'id' | 'role'>,
  target: Pick<AuthUser, 'id' | 'role'> & { disabled: boolean },
): ImpersonationRefusal | null {
  if (!hasPermission(administrator, 'user.impersonate')) return 'notAllowed';
  if (target.id === administrator.id) return 'self';
  if (target.disabled) return 'disabled';
  if (hasPermission(target, 'user.impersonate')) return 'administrator';
  return null;
}

/** Where a record lives, as far as scope is concerned. Missing parts are not checked. */
export interface RecordScope {
  regionCode?: string | null;
  departmentCode?: string | null;
  laboratoryId?: string | null;
}

type ScopedUser = Pick<AuthUser, 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;

/**
 * Whether a user's scope covers a record. National roles see everything; regional roles
 * records of their region; departmental roles records of their department; laboratory users
 * records addressed to their laboratory. The department's region must be given for a
 * regional user to see a departmental record.
 */
export function isInScope(user: ScopedUser, record: RecordScope): boolean {
  switch (user.role) {
    case 'Administrator':
    case 'NationalCoordinator':
    case 'NationalObserver':
      return true;
    case 'RegionalCoordinator':
    case 'RegionalObserver':
      return record.regionCode != null && record.regionCode === user.regionCode;
    case 'DepartmentalCoordinator':
    case 'DepartmentalObserver':
    case 'Sampler':
      return record.departmentCode != null && record.departmentCode === user.departmentCode;
    case 'LaboratoryUser':
      return record.laboratoryId != null && record.laboratoryId === user.laboratoryId;
  }
}

/** Navigation entries of the web app; each shows only to roles that hold its permission. */
export const NavigationEntry = z.enum([
  'home',
  'programming',
  'samples',
  'analyses',
  'dashboard',
  'laboratories',
  'users',
]);
export type NavigationEntry = z.infer<typeof NavigationEntry>;

export const NavigationPermission: Record<NavigationEntry, Permission | null> = {
  home: null,
  programming: 'programmingPlan.read',
  samples: 'sample.read',
  analyses: 'analysis.read',
  dashboard: 'dashboard.read',
  laboratories: 'laboratory.manage',
  users: 'user.manage',
};

export function navigationFor(role: Role): NavigationEntry[] {
  return NavigationEntry.options.filter((entry) => {
    const permission = NavigationPermission[entry];
    return permission === null || roleHasPermission(role, permission);
  });
}
