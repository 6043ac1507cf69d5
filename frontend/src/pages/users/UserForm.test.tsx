import { departmentsOfRegion } from '@maestro/shared/referential';
import { type Role, RoleList } from '@maestro/shared/schema';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { testLaboratory } from '../../test/render';
import { UserForm } from './UserForm';
import {
  changeUserForm,
  emptyUserForm,
  scopeFieldsFor,
  toUserToCreate,
  toUserToUpdate,
  type UserFormValues,
} from './userForm';

afterEach(cleanup);

function Harness({
  initial,
  mode = 'create',
}: {
  initial: UserFormValues;
  mode?: 'create' | 'edit';
}) {
  const [values, setValues] = useState(initial);
  return (
    <UserForm
      mode={mode}
      values={values}
      onChange={setValues}
      errors={{}}
      laboratories={[testLaboratory]}
      onSubmit={() => {}}
      submitting={false}
      submitLabel="Créer l’utilisateur"
      cancel={<button type="button">Annuler</button>}
    />
  );
}

/** The selects of the form, by the start of their accessible name. */
const selectNamed = (name: RegExp) => screen.getByRole('combobox', { name });

const visibleScope = (): string[] => {
  const found: string[] = [];
  if (document.getElementById('user-regionCode')) found.push('region');
  if (document.getElementById('user-departmentCode')) found.push('department');
  if (document.getElementById('user-laboratoryId')) found.push('laboratory');
  return found;
};

const expectedScope: Record<Role, string[]> = {
  Administrator: [],
  NationalCoordinator: [],
  NationalObserver: [],
  RegionalCoordinator: ['region'],
  RegionalObserver: ['region'],
  DepartmentalCoordinator: ['region', 'department'],
  DepartmentalObserver: ['region', 'department'],
  Sampler: ['region', 'department'],
  LaboratoryUser: ['laboratory'],
};

describe('scope fields of the user form', () => {
  it.each(RoleList)('shows the scope fields of %s', (role) => {
    render(<Harness initial={{ ...emptyUserForm, role }} />);
    expect(visibleScope()).toEqual(expectedScope[role]);
    const names = screen.getAllByRole('combobox').map((select) => select.getAttribute('name'));
    expect(names).toEqual([
      'role',
      ...expectedScope[role].map(
        (field) =>
          ({ region: 'regionCode', department: 'departmentCode', laboratory: 'laboratoryId' })[
            field
          ],
      ),
    ]);
    if (expectedScope[role].length === 0)
      expect(screen.getByTestId('scope-national')).toBeDefined();
    // Every field has a label.
    for (const field of document.querySelectorAll('input, select')) {
      expect(
        field.id === '' ? null : document.querySelector(`label[for="${field.id}"]`),
      ).not.toBeNull();
    }
  });

  it('changes the scope fields when the role changes', () => {
    render(<Harness initial={emptyUserForm} />);
    expect(visibleScope()).toEqual([]);
    const role = selectNamed(/^Rôle/);
    fireEvent.change(role, { target: { value: 'Sampler' } });
    expect(visibleScope()).toEqual(['region', 'department']);
    fireEvent.change(role, { target: { value: 'LaboratoryUser' } });
    expect(visibleScope()).toEqual(['laboratory']);
    fireEvent.change(role, { target: { value: 'RegionalObserver' } });
    expect(visibleScope()).toEqual(['region']);
    fireEvent.change(role, { target: { value: 'NationalObserver' } });
    expect(visibleScope()).toEqual([]);
  });

  it('filters the departments by the chosen region', () => {
    render(<Harness initial={{ ...emptyUserForm, role: 'Sampler' }} />);
    const department = selectNamed(/^Département/);
    const allDepartments = within(department).getAllByRole('option').length - 1;
    expect(allDepartments).toBe(101);
    fireEvent.change(selectNamed(/^Région \(facultatif\)/), { target: { value: '84' } });
    const options = within(department)
      .getAllByRole('option')
      .map((option) => option.getAttribute('value'))
      .filter((value) => value !== '');
    expect(options).toEqual(departmentsOfRegion('84').map((d) => d.code));
    expect(options).toContain('69');
    expect(options).not.toContain('75');
  });

  it('offers the laboratories by short name', () => {
    render(<Harness initial={{ ...emptyUserForm, role: 'LaboratoryUser' }} />);
    const laboratory = selectNamed(/^Laboratoire/);
    expect(within(laboratory).getByRole('option', { name: /LDA 69/ })).toBeDefined();
  });

  it('asks the e-mail on creation only', () => {
    render(<Harness initial={emptyUserForm} />);
    expect(document.getElementById('user-email')).not.toBeNull();
    cleanup();
    render(<Harness initial={{ ...emptyUserForm, role: 'Sampler' }} mode="edit" />);
    expect(document.getElementById('user-email')).toBeNull();
  });
});

describe('user form values', () => {
  it('lists the scope fields of each role', () => {
    expect(scopeFieldsFor('')).toEqual([]);
    expect(scopeFieldsFor('Administrator')).toEqual([]);
    expect(scopeFieldsFor('RegionalCoordinator')).toEqual(['regionCode']);
    expect(scopeFieldsFor('Sampler')).toEqual(['regionCode', 'departmentCode']);
    expect(scopeFieldsFor('LaboratoryUser')).toEqual(['laboratoryId']);
  });

  it('drops a scope that no longer fits the role, and a department outside the region', () => {
    const sampler = {
      ...emptyUserForm,
      role: 'Sampler' as const,
      regionCode: '84',
      departmentCode: '69',
    };
    expect(changeUserForm(sampler, 'role', 'LaboratoryUser')).toMatchObject({
      regionCode: '',
      departmentCode: '',
    });
    expect(changeUserForm(sampler, 'regionCode', '11')).toMatchObject({
      regionCode: '11',
      departmentCode: '',
    });
    expect(changeUserForm({ ...sampler, regionCode: '' }, 'departmentCode', '75')).toMatchObject({
      regionCode: '11',
      departmentCode: '75',
    });
  });

  it('builds the creation of a sampler in the Rhône', () => {
    const parsed = toUserToCreate({
      ...emptyUserForm,
      email: 'Nouveau.Preleveur@Maestro.test',
      firstName: 'Alex',
      lastName: 'Durand',
      role: 'Sampler',
      departmentCode: '69',
      password: 'un-mot-de-passe-solide',
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        email: 'nouveau.preleveur@maestro.test',
        firstName: 'Alex',
        lastName: 'Durand',
        role: 'Sampler',
        regionCode: '84',
        departmentCode: '69',
        laboratoryId: null,
        password: 'un-mot-de-passe-solide',
      },
    });
  });

  it('reports the missing scope, role and a short password in French', () => {
    const missingDepartment = toUserToCreate({
      ...emptyUserForm,
      email: 'a@maestro.test',
      firstName: 'A',
      lastName: 'B',
      role: 'Sampler',
    });
    expect(missingDepartment).toEqual({
      ok: false,
      errors: { departmentCode: 'Le département est obligatoire pour ce rôle.' },
    });
    const missingRole = toUserToCreate({
      ...emptyUserForm,
      email: 'a@maestro.test',
      firstName: 'A',
      lastName: 'B',
    });
    expect(missingRole.ok ? {} : missingRole.errors).toEqual({ role: 'Le rôle est obligatoire.' });
    const shortPassword = toUserToUpdate(
      {
        ...emptyUserForm,
        firstName: 'A',
        lastName: 'B',
        role: 'NationalObserver',
        password: 'court',
      },
      { disabled: false, version: 3 },
    );
    expect(shortPassword.ok ? {} : shortPassword.errors).toEqual({
      password: 'Le mot de passe doit comporter au moins 12 caractères.',
    });
  });

  it('sends the version and the account state on update', () => {
    const parsed = toUserToUpdate(
      {
        ...emptyUserForm,
        firstName: 'A',
        lastName: 'B',
        role: 'RegionalObserver',
        regionCode: '84',
      },
      { disabled: true, version: 7 },
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        firstName: 'A',
        lastName: 'B',
        role: 'RegionalObserver',
        regionCode: '84',
        departmentCode: null,
        laboratoryId: null,
        disabled: true,
        version: 7,
      },
    });
  });
});
