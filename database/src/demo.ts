import { LaboratorySeedList } from '@maestro/shared/referential';
import type { Role } from '@maestro/shared/schema';
import { RoleList } from '@maestro/shared/schema';
import { createFixtures } from '@maestro/shared/test';
import type { Db } from './connection';

// Kept apart from the referential seed: it loads the fixture generators (faker), which a
// production start never needs.

export const DEMO_PASSWORD = 'Maestro-Demo-2026';

export interface DemoAccount {
  email: string;
  role: Role;
  scope: string;
}

const demoEmails: Record<Role, string> = {
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

/** The demo e-mail of a role: one account per role, all with DEMO_PASSWORD. */
export const demoEmail = (role: Role): string => demoEmails[role];

/**
 * The demo data set, loaded on first start only (when no user exists): one account per role
 * in Auvergne-Rhône-Alpes / Rhône and the first laboratory, with names from the fixtures.
 */
export async function seedDemo(
  db: Db,
  hashPassword: (password: string) => Promise<string>,
): Promise<DemoAccount[] | null> {
  const [{ count }] = (await db('users').count({ count: '*' })) as [{ count: number }];
  if (count > 0) return null;
  const fixtures = createFixtures(2026);
  const laboratory = LaboratorySeedList[0];
  if (!laboratory) throw new Error('No laboratory in the referential');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: DemoAccount[] = [];
  await db.transaction(async (trx) => {
    for (const role of RoleList) {
      const user = fixtures.user(
        role,
        { regionCode: '84', departmentCode: '69', laboratoryId: laboratory.id },
        { email: demoEmails[role] },
      );
      await trx('users').insert({ ...user, passwordHash });
      const scope = user.departmentCode
        ? `département ${user.departmentCode}`
        : user.regionCode
          ? `région ${user.regionCode}`
          : user.laboratoryId
            ? `laboratoire ${laboratory.shortName}`
            : 'national';
      accounts.push({ email: user.email, role, scope });
    }
  });
  return accounts;
}
