import { type NavigationEntry, navigationFor } from '@maestro/shared/domain';
import type { Role } from '@maestro/shared/schema';

export const NavigationLabels: Record<NavigationEntry, string> = {
  home: 'Accueil',
  programming: 'Programmation',
  samples: 'Prélèvements',
  analyses: 'Analyses',
  dashboard: 'Tableau de bord',
  laboratories: 'Laboratoires',
  users: 'Utilisateurs',
};

/** Where each entry leads; null while its pages are not built (the entry is then hidden). */
export const NavigationPaths: Record<NavigationEntry, string | null> = {
  home: '/',
  programming: '/programmation',
  samples: '/prelevements',
  analyses: '/analyses',
  dashboard: null,
  laboratories: '/laboratoires',
  users: '/utilisateurs',
};

export interface NavigationLink {
  entry: NavigationEntry;
  label: string;
  path: string;
}

/** The navigation of a role: the entries its permissions open, that have a page. */
export function navigationLinks(role: Role): NavigationLink[] {
  return navigationFor(role).flatMap((entry) => {
    const path = NavigationPaths[entry];
    return path === null ? [] : [{ entry, label: NavigationLabels[entry], path }];
  });
}

/** Whether a navigation entry is the current section of the app. */
export function isCurrentSection(path: string, pathname: string): boolean {
  return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}
