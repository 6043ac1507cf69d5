import { describe, expect, it } from 'vitest';
import { type Role, RoleList } from '../schema/user/role';
import {
  hasPermission,
  impersonationRefusal,
  isInScope,
  navigationFor,
  PermissionList,
  roleHasPermission,
} from './permissions';

describe('permissions', () => {
  it('matches the reviewed role × permission matrix', () => {
    // One line per permission, one column per role: a change of rights shows in review.
    const short: Record<Role, string> = {
      Administrator: 'Admin',
      NationalCoordinator: 'NatCoord',
      NationalObserver: 'NatObs',
      RegionalCoordinator: 'RegCoord',
      RegionalObserver: 'RegObs',
      DepartmentalCoordinator: 'DepCoord',
      DepartmentalObserver: 'DepObs',
      Sampler: 'Sampler',
      LaboratoryUser: 'Lab',
    };
    const header = ['permission'.padEnd(40), ...RoleList.map((role) => short[role].padEnd(9))].join(
      '',
    );
    const rows = PermissionList.map((permission) =>
      [
        permission.padEnd(40),
        ...RoleList.map((role) => (roleHasPermission(role, permission) ? 'x' : '.').padEnd(9)),
      ]
        .join('')
        .trimEnd(),
    );
    expect(`\n${[header.trimEnd(), ...rows].join('\n')}\n`).toMatchSnapshot();
  });

  it('only the administrator manages users', () => {
    expect(RoleList.filter((role) => roleHasPermission(role, 'user.manage'))).toEqual([
      'Administrator',
    ]);
  });

  it('refuses everything to nobody', () => {
    expect(hasPermission(null, 'sample.read')).toBe(false);
    expect(hasPermission(undefined, 'referential.read')).toBe(false);
  });

  it('checks the scope of a record for each scope kind', () => {
    const base = { regionCode: null, departmentCode: null, laboratoryId: null };
    const national = { ...base, role: 'NationalObserver' as const };
    const regional = { ...base, role: 'RegionalCoordinator' as const, regionCode: '84' };
    const departmental = {
      ...base,
      role: 'Sampler' as const,
      regionCode: '84',
      departmentCode: '69',
    };
    const lab = { ...base, role: 'LaboratoryUser' as const, laboratoryId: 'lab-1' };
    const record = { regionCode: '84', departmentCode: '69', laboratoryId: 'lab-1' };
    const elsewhere = { regionCode: '11', departmentCode: '75', laboratoryId: 'lab-2' };

    expect(isInScope(national, elsewhere)).toBe(true);
    expect(isInScope(regional, record)).toBe(true);
    expect(isInScope(regional, elsewhere)).toBe(false);
    expect(isInScope(departmental, record)).toBe(true);
    expect(isInScope(departmental, { ...record, departmentCode: '01' })).toBe(false);
    expect(isInScope(lab, record)).toBe(true);
    expect(isInScope(lab, elsewhere)).toBe(false);
    expect(isInScope(regional, {})).toBe(false);
  });

  it('builds the navigation from the permissions', () => {
    expect(navigationFor('Administrator')).toContain('users');
    expect(navigationFor('Sampler')).not.toContain('users');
    expect(navigationFor('LaboratoryUser')).not.toContain('programming');
    for (const role of RoleList) expect(navigationFor(role)[0]).toBe('home');
  });
});

describe('impersonationRefusal', () => {
  const account = (id: string, role: Role, disabled = false) => ({ id, role, disabled });
  it('lets an administrator act as any active account but their own and other administrators’', () => {
    const admin = account('a', 'Administrator');
    expect(impersonationRefusal(admin, account('s', 'Sampler'))).toBeNull();
    expect(impersonationRefusal(admin, account('l', 'LaboratoryUser'))).toBeNull();
    expect(impersonationRefusal(admin, account('a', 'Administrator'))).toBe('self');
    expect(impersonationRefusal(admin, account('d', 'Sampler', true))).toBe('disabled');
    expect(impersonationRefusal(admin, account('b', 'Administrator'))).toBe('administrator');
    for (const role of RoleList.filter((r) => r !== 'Administrator'))
      expect(impersonationRefusal(account('x', role), account('s', 'Sampler'))).toBe('notAllowed');
  });
});
