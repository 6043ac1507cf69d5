import { Departments, Regions } from '@maestro/shared/referential';
import { type AuthUser, type Laboratory, RoleScope } from '@maestro/shared/schema';

type ScopedUser = Pick<AuthUser, 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;

export const regionName = (code: string | null): string | null =>
  code === null ? null : (Regions[code]?.name ?? `Région ${code}`);

export const departmentName = (code: string | null): string | null => {
  if (code === null) return null;
  const department = Departments[code];
  return department ? `${department.name} (${department.code})` : `Département ${code}`;
};

/**
 * The scope of a user in words: « National », a region's name, a department's name and code,
 * or the laboratory's short name (its id while the laboratories are loading).
 */
export function scopeLabel(
  user: ScopedUser,
  laboratories: readonly Laboratory[] | undefined,
): string {
  switch (RoleScope[user.role]) {
    case 'National':
      return 'National';
    case 'Region':
      return regionName(user.regionCode) ?? 'Région non renseignée';
    case 'Department':
      return departmentName(user.departmentCode) ?? 'Département non renseigné';
    case 'Laboratory': {
      if (user.laboratoryId === null) return 'Laboratoire non renseigné';
      const laboratory = laboratories?.find((candidate) => candidate.id === user.laboratoryId);
      return laboratory ? laboratory.shortName : 'Laboratoire';
    }
  }
}
