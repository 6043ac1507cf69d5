import { DepartmentList, Departments, departmentsOfRegion } from '@maestro/shared/referential';
import {
  type Role,
  RoleScope,
  type User,
  type UserToCreate,
  UserToCreate as UserToCreateSchema,
  type UserToUpdate,
  UserToUpdate as UserToUpdateSchema,
} from '@maestro/shared/schema';

/** The fields of the form, as typed (strings; '' for nothing chosen). */
export interface UserFormValues {
  email: string;
  firstName: string;
  lastName: string;
  role: Role | '';
  regionCode: string;
  departmentCode: string;
  laboratoryId: string;
  password: string;
}

export type UserFormField = keyof UserFormValues;
export type UserFormErrors = Partial<Record<UserFormField, string>>;

export const emptyUserForm: UserFormValues = {
  email: '',
  firstName: '',
  lastName: '',
  role: '',
  regionCode: '',
  departmentCode: '',
  laboratoryId: '',
  password: '',
};

export const userFormValuesOf = (user: User): UserFormValues => ({
  email: user.email,
  firstName: user.firstName,
  lastName: user.lastName,
  role: user.role,
  regionCode: user.regionCode ?? '',
  departmentCode: user.departmentCode ?? '',
  laboratoryId: user.laboratoryId ?? '',
  password: '',
});

export type ScopeField = 'regionCode' | 'departmentCode' | 'laboratoryId';

/**
 * The scope fields a role needs. A departmental role also shows the region, which only
 * narrows the list of departments (the server takes the region from the department).
 */
export function scopeFieldsFor(role: Role | ''): ScopeField[] {
  if (role === '') return [];
  switch (RoleScope[role]) {
    case 'National':
      return [];
    case 'Region':
      return ['regionCode'];
    case 'Department':
      return ['regionCode', 'departmentCode'];
    case 'Laboratory':
      return ['laboratoryId'];
  }
}

/** The departments offered: those of the chosen region, or all of them. */
export const departmentOptions = (regionCode: string) =>
  regionCode === '' ? DepartmentList : departmentsOfRegion(regionCode);

/** The values after a change of field: a new role or region drops the scope that no longer fits. */
export function changeUserForm(
  values: UserFormValues,
  field: UserFormField,
  value: string,
): UserFormValues {
  const next = { ...values, [field]: value } as UserFormValues;
  if (field === 'role') {
    const fields = scopeFieldsFor(next.role);
    if (!fields.includes('regionCode')) next.regionCode = '';
    if (!fields.includes('departmentCode')) next.departmentCode = '';
    if (!fields.includes('laboratoryId')) next.laboratoryId = '';
  }
  if (field === 'regionCode' && next.departmentCode !== '') {
    if (Departments[next.departmentCode]?.regionCode !== value && value !== '')
      next.departmentCode = '';
  }
  if (field === 'departmentCode' && value !== '') {
    next.regionCode = Departments[value]?.regionCode ?? next.regionCode;
  }
  return next;
}

const orNull = (value: string): string | null => (value === '' ? null : value);

/** The scope sent to the API: only what the role needs, null elsewhere. */
export function scopeOf(values: UserFormValues) {
  const fields = scopeFieldsFor(values.role);
  const departmentCode = fields.includes('departmentCode') ? orNull(values.departmentCode) : null;
  const regionCode = departmentCode
    ? (Departments[departmentCode]?.regionCode ?? null)
    : fields.includes('regionCode') && !fields.includes('departmentCode')
      ? orNull(values.regionCode)
      : null;
  return {
    regionCode,
    departmentCode,
    laboratoryId: fields.includes('laboratoryId') ? orNull(values.laboratoryId) : null,
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: UserFormErrors };

const fieldsOfForm = new Set<string>(Object.keys(emptyUserForm));

function errorsOf(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): UserFormErrors {
  const errors: UserFormErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (fieldsOfForm.has(field) && !errors[field as UserFormField])
      errors[field as UserFormField] = issue.message;
  }
  return errors;
}

const roleRequired = { role: 'Le rôle est obligatoire.' } satisfies UserFormErrors;

/** The body of a creation, checked with the API's own schema. */
export function toUserToCreate(values: UserFormValues): Parsed<UserToCreate> {
  const parsed = UserToCreateSchema.safeParse({
    email: values.email,
    firstName: values.firstName,
    lastName: values.lastName,
    role: values.role === '' ? undefined : values.role,
    ...scopeOf(values),
    password: values.password === '' ? undefined : values.password,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = errorsOf(parsed.error.issues);
  return { ok: false, errors: values.role === '' ? { ...errors, ...roleRequired } : errors };
}

/** The body of an update, checked with the API's own schema. */
export function toUserToUpdate(
  values: UserFormValues,
  state: { disabled: boolean; version: number },
): Parsed<UserToUpdate> {
  const parsed = UserToUpdateSchema.safeParse({
    firstName: values.firstName,
    lastName: values.lastName,
    role: values.role === '' ? undefined : values.role,
    ...scopeOf(values),
    disabled: state.disabled,
    password: values.password === '' ? undefined : values.password,
    version: state.version,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = errorsOf(parsed.error.issues);
  return { ok: false, errors: values.role === '' ? { ...errors, ...roleRequired } : errors };
}

/** The field messages of an API error (`body.email` → email). */
export function apiFieldErrors(issueFor: (path: string) => string | undefined): UserFormErrors {
  const errors: UserFormErrors = {};
  for (const field of fieldsOfForm) {
    const message = issueFor(field);
    if (message) errors[field as UserFormField] = message;
  }
  return errors;
}
