import type { FrIconClassName } from '@codegouvfr/react-dsfr/fr';
import { type Permission, PermissionLabels, RolePermissions } from '@maestro/shared/domain';
import type { Role } from '@maestro/shared/schema';

type PrefixOf<P> = P extends `${infer Prefix}.${string}` ? Prefix : never;
/** The notion a permission is about: `sample.create` → `sample`. */
type PermissionPrefix = PrefixOf<Permission>;

export type HomeArea =
  | 'programming'
  | 'samples'
  | 'analyses'
  | 'dashboard'
  | 'users'
  | 'laboratories'
  | 'referentials';

const AreaOfPrefix: Record<PermissionPrefix, HomeArea> = {
  programmingPlan: 'programming',
  sample: 'samples',
  analysis: 'analyses',
  dashboard: 'dashboard',
  user: 'users',
  laboratory: 'laboratories',
  labToken: 'laboratories',
  referential: 'referentials',
};

interface AreaDefinition {
  title: string;
  iconId: FrIconClassName;
  /** The page of the area, once it exists. */
  path: string | null;
  /** The permission the page needs, when not every role of the area may open it. */
  pathPermission?: Permission;
}

export const HomeAreas: Record<HomeArea, AreaDefinition> = {
  programming: { title: 'Programmation', iconId: 'fr-icon-calendar-line', path: '/programmation' },
  samples: { title: 'Prélèvements', iconId: 'fr-icon-test-tube-line', path: '/prelevements' },
  analyses: { title: 'Analyses', iconId: 'fr-icon-microscope-line', path: '/analyses' },
  dashboard: { title: 'Tableau de bord', iconId: 'fr-icon-bar-chart-box-line', path: null },
  users: { title: 'Utilisateurs', iconId: 'fr-icon-team-line', path: '/utilisateurs' },
  laboratories: {
    title: 'Laboratoires',
    iconId: 'fr-icon-building-line',
    path: '/laboratoires',
    pathPermission: 'labToken.manage',
  },
  referentials: {
    title: 'Référentiels',
    iconId: 'fr-icon-book-2-line',
    path: '/referentiel/lmr',
    pathPermission: 'referential.manage',
  },
};

const areaOrder = Object.keys(HomeAreas) as HomeArea[];

export const areaOf = (permission: Permission): HomeArea =>
  AreaOfPrefix[permission.split('.')[0] as PermissionPrefix];

export interface RoleArea extends AreaDefinition {
  area: HomeArea;
  /** What the role may do there, in French. */
  abilities: string[];
}

/** What a role may do, grouped by area, in a stable order. */
export function roleAreas(role: Role): RoleArea[] {
  const abilities = new Map<HomeArea, string[]>();
  for (const permission of RolePermissions[role]) {
    const area = areaOf(permission);
    abilities.set(area, [...(abilities.get(area) ?? []), PermissionLabels[permission]]);
  }
  return areaOrder.flatMap((area) => {
    const labels = abilities.get(area);
    if (!labels) return [];
    const { pathPermission, ...definition } = HomeAreas[area];
    const path =
      pathPermission && !RolePermissions[role].includes(pathPermission) ? null : definition.path;
    return [{ area, ...definition, path, abilities: labels }];
  });
}
