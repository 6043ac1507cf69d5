import { z } from 'zod';

export const Role = z.enum([
  'Administrator',
  'NationalCoordinator',
  'NationalObserver',
  'RegionalCoordinator',
  'RegionalObserver',
  'DepartmentalCoordinator',
  'DepartmentalObserver',
  'Sampler',
  'LaboratoryUser',
]);
export type Role = z.infer<typeof Role>;
export const RoleList = Role.options;

export const RoleLabels: Record<Role, string> = {
  Administrator: 'Administrateur national',
  NationalCoordinator: 'Coordinateur national',
  NationalObserver: 'Observateur national',
  RegionalCoordinator: 'Coordinateur régional',
  RegionalObserver: 'Observateur régional',
  DepartmentalCoordinator: 'Coordinateur départemental',
  DepartmentalObserver: 'Observateur départemental',
  Sampler: 'Préleveur',
  LaboratoryUser: 'Laboratoire',
};

export const ScopeKind = z.enum(['National', 'Region', 'Department', 'Laboratory']);
export type ScopeKind = z.infer<typeof ScopeKind>;
export const ScopeKindList = ScopeKind.options;
export const ScopeKindLabels: Record<ScopeKind, string> = {
  National: 'National',
  Region: 'Région',
  Department: 'Département',
  Laboratory: 'Laboratoire',
};

/** The scope each role needs. */
export const RoleScope: Record<Role, ScopeKind> = {
  Administrator: 'National',
  NationalCoordinator: 'National',
  NationalObserver: 'National',
  RegionalCoordinator: 'Region',
  RegionalObserver: 'Region',
  DepartmentalCoordinator: 'Department',
  DepartmentalObserver: 'Department',
  Sampler: 'Department',
  LaboratoryUser: 'Laboratory',
};
