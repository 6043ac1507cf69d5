import path from 'node:path';
import type { Role } from '@maestro/shared/schema';

/** The password of every demo account (database/src/seed.ts). */
export const DEMO_PASSWORD = 'Maestro-Demo-2026';

/** One demo account per role, all in Auvergne-Rhône-Alpes / Rhône or the first laboratory. */
export const DemoEmails: Record<Role, string> = {
  Administrator: 'administrateur@maestro.test',
  NationalCoordinator: 'coordinateur.national@maestro.test',
  NationalObserver: 'observateur.national@maestro.test',
  RegionalCoordinator: 'coordinateur.ara@maestro.test',
  RegionalObserver: 'observateur.ara@maestro.test',
  DepartmentalCoordinator: 'coordinateur.rhone@maestro.test',
  DepartmentalObserver: 'observateur.rhone@maestro.test',
  Sampler: 'preleveur.rhone@maestro.test',
  LaboratoryUser: 'laboratoire@maestro.test',
};

/** The stored login of a role, written by the setup project. */
export const authFile = (role: Role): string =>
  path.join(import.meta.dirname, '.auth', `${role}.json`);
