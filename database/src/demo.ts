import {
  DepartmentList,
  LaboratorySeedList,
  RegionCodeList,
  SubstanceList,
} from '@maestro/shared/referential';
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
    await seedDemoPlan(trx as unknown as Db, new Date().getFullYear());
  });
  return accounts;
}

/** Matrix kinds and stages of the demo plan's prescriptions. */
const demoPrescriptions = [
  { matrixKindCode: 'A01DH', stages: ['PRODUCTION_PRIMAIRE_VEGETALE'], perRegion: 6 },
  { matrixKindCode: 'A01BT', stages: ['MISE_SUR_LE_MARCHE'], perRegion: 4 },
  { matrixKindCode: 'A00KR', stages: ['PRODUCTION_PRIMAIRE_VEGETALE'], perRegion: 5 },
] as const;

/**
 * A pesticide plan of the current year, validated (in campaign): three prescriptions spread over
 * every region, the Auvergne-Rhône-Alpes share split between its departments, one laboratory
 * per regional line. Samplers can start samples from it at once.
 */
export async function seedDemoPlan(db: Db, year: number): Promise<void> {
  const [plan] = await db('programmingPlans')
    .insert({ year, kind: 'PPV', distributionKind: 'REGIONAL', status: 'Validated' })
    .returning('id');
  await db('programmingPlanRegions').insert(
    RegionCodeList.map((regionCode) => ({ planId: plan.id, regionCode, status: 'Approved' })),
  );
  const multi = SubstanceList.filter((s) => s.method === 'Multi').slice(0, 12);
  for (const [index, line] of demoPrescriptions.entries()) {
    const [prescription] = await db('prescriptions')
      .insert({
        planId: plan.id,
        context: 'Surveillance',
        matrixKindCode: line.matrixKindCode,
        stages: [...line.stages],
        sampleCount: line.perRegion * RegionCodeList.length,
        laboratoryChoice: 'National',
      })
      .returning('id');
    await db('prescriptionSubstances').insert(
      multi.map((s) => ({
        prescriptionId: prescription.id,
        substanceCode: s.code,
        method: 'Multi',
      })),
    );
    await db('regionalPrescriptions').insert(
      RegionCodeList.map((regionCode, r) => ({
        prescriptionId: prescription.id,
        regionCode,
        sampleCount: line.perRegion,
        laboratoryId: (
          LaboratorySeedList[(r + index) % LaboratorySeedList.length] ?? LaboratorySeedList[0]
        )?.id,
      })),
    );
    // The region's share: half in the Rhône, one sample in each of the next departments.
    const departments = DepartmentList.filter((d) => d.regionCode === '84');
    const rhone = Math.ceil(line.perRegion / 2);
    let left = line.perRegion - rhone;
    await db('departmentalPrescriptions').insert(
      departments.map((d) => {
        let sampleCount = 0;
        if (d.code === '69') sampleCount = rhone;
        else if (left > 0) {
          sampleCount = 1;
          left -= 1;
        }
        return {
          prescriptionId: prescription.id,
          regionCode: '84',
          departmentCode: d.code,
          sampleCount,
        };
      }),
    );
  }
}
