import { Faker, fr } from '@faker-js/faker';
import type { Role } from '../schema/user/role';
import { RoleScope } from '../schema/user/role';

/** The seed of this run: `TEST_SEED` replays a run, otherwise a fresh one is drawn. */
export function testSeed(): number {
  const fromEnv = Number(process.env.TEST_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0
    ? fromEnv
    : Math.floor(Math.random() * 1_000_000) + 1;
}

export interface UserFixture {
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  regionCode: string | null;
  departmentCode: string | null;
  laboratoryId: string | null;
}

export interface ScopeChoice {
  regionCode?: string;
  departmentCode?: string;
  laboratoryId?: string;
}

/**
 * The one set of generators used by unit tests, HTTP tests, the demo seed and the browser
 * journeys. Same seed, same data.
 */
export function createFixtures(seed: number) {
  const faker = new Faker({ locale: [fr] });
  faker.seed(seed);
  let counter = 0;

  function user(
    role: Role,
    scope: ScopeChoice = {},
    overrides: Partial<UserFixture> = {},
  ): UserFixture {
    counter += 1;
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const kind = RoleScope[role];
    const slug = `${firstName}.${lastName}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    return {
      email: `${slug}.${counter}@maestro.test`,
      firstName,
      lastName,
      role,
      regionCode: kind === 'Region' || kind === 'Department' ? (scope.regionCode ?? '84') : null,
      departmentCode: kind === 'Department' ? (scope.departmentCode ?? '69') : null,
      laboratoryId: kind === 'Laboratory' ? (scope.laboratoryId ?? null) : null,
      ...overrides,
    };
  }

  return { faker, seed, user };
}

export type Fixtures = ReturnType<typeof createFixtures>;
