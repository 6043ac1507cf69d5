import { z } from 'zod';
import { Id, Version } from '../common/common';
import { Role, RoleScope } from './role';

const Name = z
  .string()
  .trim()
  .min(1, { message: 'Ce champ est obligatoire.' })
  .max(100, { message: '100 caractères au plus.' });

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Adresse e-mail invalide.' }).max(254));

export const RegionCodeField = z.string().regex(/^\d{2}$/, { message: 'Code région invalide.' });
export const DepartmentCodeField = z
  .string()
  .regex(/^(\d{2}|2A|2B|97\d)$/, { message: 'Code département invalide.' });

/** The scope fields of a user, checked against the role. */
const ScopeFields = z.object({
  role: Role,
  regionCode: RegionCodeField.nullable(),
  departmentCode: DepartmentCodeField.nullable(),
  laboratoryId: Id.nullable(),
});

type ScopeFieldsValue = z.infer<typeof ScopeFields>;

/** Adds an issue per scope field that does not fit the role. */
export function checkUserScope(value: ScopeFieldsValue, ctx: z.RefinementCtx): void {
  const kind = RoleScope[value.role];
  const need = (field: 'regionCode' | 'departmentCode' | 'laboratoryId', message: string) => {
    if (value[field] === null) ctx.addIssue({ code: 'custom', path: [field], message });
  };
  const forbid = (field: 'regionCode' | 'departmentCode' | 'laboratoryId') => {
    if (value[field] !== null)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: 'Ce rôle ne comporte pas ce périmètre : laissez ce champ vide.',
      });
  };
  if (kind === 'National') {
    forbid('regionCode');
    forbid('departmentCode');
    forbid('laboratoryId');
  } else if (kind === 'Region') {
    need('regionCode', 'La région est obligatoire pour ce rôle.');
    forbid('departmentCode');
    forbid('laboratoryId');
  } else if (kind === 'Department') {
    need('departmentCode', 'Le département est obligatoire pour ce rôle.');
    forbid('laboratoryId');
  } else {
    need('laboratoryId', 'Le laboratoire est obligatoire pour ce rôle.');
    forbid('regionCode');
    forbid('departmentCode');
  }
}

export const User = z.object({
  id: Id,
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: Role,
  regionCode: z.string().nullable(),
  departmentCode: z.string().nullable(),
  laboratoryId: Id.nullable(),
  disabled: z.boolean(),
  version: Version,
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
  lastLoginAt: z.coerce.date().nullable(),
});
export type User = z.infer<typeof User>;

/** What the session knows of the signed-in user (the header shows it). */
export const AuthUser = User.pick({
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  role: true,
  regionCode: true,
  departmentCode: true,
  laboratoryId: true,
});
export type AuthUser = z.infer<typeof AuthUser>;

export const Password = z
  .string()
  .min(12, { message: 'Le mot de passe doit comporter au moins 12 caractères.' })
  .max(200, { message: 'Le mot de passe doit comporter au plus 200 caractères.' });

export const UserToCreate = ScopeFields.extend({
  email: Email,
  firstName: Name,
  lastName: Name,
  password: Password.optional(),
}).superRefine(checkUserScope);
export type UserToCreate = z.infer<typeof UserToCreate>;

export const UserToUpdate = ScopeFields.extend({
  firstName: Name,
  lastName: Name,
  disabled: z.boolean(),
  password: Password.optional(),
  version: Version,
}).superRefine(checkUserScope);
export type UserToUpdate = z.infer<typeof UserToUpdate>;

export const FindUsersQuery = z.object({
  q: z.string().trim().max(100).optional(),
  role: Role.optional(),
  regionCode: RegionCodeField.optional(),
  disabled: z.boolean().optional(),
  page: z.number().int().min(1).default(1),
  perPage: z.number().int().min(1).max(100).default(20),
});
export type FindUsersQuery = z.infer<typeof FindUsersQuery>;

export const Credentials = z.object({
  email: Email,
  password: z.string().min(1, { message: 'Le mot de passe est obligatoire.' }).max(200),
});
export type Credentials = z.infer<typeof Credentials>;
