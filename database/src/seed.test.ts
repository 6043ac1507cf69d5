import {
  DepartmentList,
  LaboratorySeedList,
  MatrixList,
  MrlList,
  RegionList,
  SubstanceList,
} from '@maestro/shared/referential';
import { RoleList } from '@maestro/shared/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './connection';
import { DEMO_PASSWORD, seedDemo } from './demo';
import { seedReferentials } from './seed';
import { createTestDatabase } from './testing';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(async () => drop());

const count = async (table: string) => Number((await db(table).count({ n: '*' }))[0]!.n);

describe('referential seed', () => {
  it('the template database holds every shipped referential', async () => {
    expect(await count('regions')).toBe(RegionList.length);
    expect(await count('departments')).toBe(DepartmentList.length);
    expect(await count('matrices')).toBe(MatrixList.length);
    expect(await count('substances')).toBe(SubstanceList.length);
    expect(await count('mrls')).toBe(MrlList.length);
    expect(await count('laboratories')).toBe(LaboratorySeedList.length);
    const overseas = await db('departments').where({ code: '976' }).first();
    expect(overseas).toMatchObject({ name: 'Mayotte', regionCode: '06' });
  });

  it('is skipped when nothing changed, and reloading keeps administrators’ corrections', async () => {
    expect(await seedReferentials(db)).toBe(false);
    const mrl = MrlList[0]!;
    await db('mrls')
      .where({ substanceCode: mrl.substanceCode, matrixCode: mrl.matrixCode })
      .update({ value: 42, version: 2 });
    await db('regions').where({ code: '84' }).update({ name: 'Renamed by hand' });
    await db('referentialState').delete();
    expect(await seedReferentials(db)).toBe(true);
    const kept = await db('mrls')
      .where({ substanceCode: mrl.substanceCode, matrixCode: mrl.matrixCode })
      .first();
    expect(kept.value).toBe(42);
    const region = await db('regions').where({ code: '84' }).first();
    expect(region.name).toBe('Auvergne-Rhône-Alpes');
    expect(await count('substances')).toBe(SubstanceList.length);
  });
});

describe('demo seed', () => {
  it('creates one account per role on an empty database, and nothing the second time', async () => {
    const accounts = await seedDemo(db, async (password) => `hashed:${password}`);
    expect(accounts?.map((a) => a.role)).toEqual(RoleList);
    const users = await db('users').select(
      'role',
      'regionCode',
      'departmentCode',
      'laboratoryId',
      'passwordHash',
    );
    expect(users).toHaveLength(RoleList.length);
    for (const user of users) expect(user.passwordHash).toBe(`hashed:${DEMO_PASSWORD}`);
    const sampler = users.find((u) => u.role === 'Sampler');
    expect(sampler).toMatchObject({ regionCode: '84', departmentCode: '69', laboratoryId: null });
    const lab = users.find((u) => u.role === 'LaboratoryUser');
    expect(lab).toMatchObject({
      regionCode: null,
      departmentCode: null,
      laboratoryId: LaboratorySeedList[0]!.id,
    });
    expect(await seedDemo(db, async () => 'x')).toBeNull();
  });
});
