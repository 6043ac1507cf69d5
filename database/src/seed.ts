import {
  DepartmentList,
  LaboratorySeedList,
  MatrixKindList,
  MatrixList,
  MrlList,
  RegionList,
  SubstanceList,
} from '@maestro/shared/referential';
import type { Role } from '@maestro/shared/schema';
import { RoleList } from '@maestro/shared/schema';
import { createFixtures } from '@maestro/shared/test';
import type { Db } from './connection';

async function upsert(
  db: Db,
  table: string,
  rows: Record<string, unknown>[],
  key: string,
  merge?: string[],
) {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const query = db(table).insert(chunk).onConflict(key);
    await (merge ? query.merge(merge) : query.merge());
  }
}

/**
 * Loads every referential. Idempotent: run at each start, it inserts what is missing and
 * refreshes labels, never deleting what users may reference. MRLs already corrected by an
 * administrator (version > 1) are kept as they are.
 */
export async function seedReferentials(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    const t = trx as unknown as Db;
    await upsert(
      t,
      'regions',
      RegionList.map((r) => ({ ...r })),
      'code',
    );
    await upsert(
      t,
      'departments',
      DepartmentList.map((d) => ({ ...d })),
      'code',
    );
    await upsert(
      t,
      'matrixKinds',
      MatrixKindList.map((k) => ({ ...k })),
      'code',
    );
    await upsert(
      t,
      'matrices',
      MatrixList.map((m) => ({ ...m })),
      'code',
    );
    await upsert(
      t,
      'substances',
      SubstanceList.map((s) => ({ ...s })),
      'code',
    );
    for (const mrl of MrlList) {
      await trx.raw(
        `insert into mrls (substance_code, matrix_code, value, source) values (?, ?, ?, ?)
         on conflict (substance_code, matrix_code) do update set value = excluded.value, source = excluded.source
         where mrls.version = 1`,
        [mrl.substanceCode, mrl.matrixCode, mrl.value, mrl.source],
      );
    }
    await upsert(
      t,
      'laboratories',
      LaboratorySeedList.map((l) => ({ ...l })),
      'id',
    );
  });
}

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
