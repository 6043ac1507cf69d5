import { createContext, type RefObject, useContext, useEffect, useRef } from 'react';

/** True once the user has moved from one page to another (not on the first load). */
export const RouteChangedContext = createContext<RefObject<boolean>>({ current: false });

export const documentTitle = (title: string): string => `${title} — Maestro`;

/**
 * Names the page (`document.title`) and, after a navigation, moves the focus to its title so
 * that a screen reader announces the new page and the keyboard starts from it.
 * Put the returned ref on the page's `<h1 tabIndex={-1}>`.
 */
export function usePageTitle(title: string) {
  const heading = useRef<HTMLHeadingElement>(null);
  const routeChanged = useContext(RouteChangedContext);
  useEffect(() => {
    document.title = documentTitle(title);
  }, [title]);
  useEffect(() => {
    if (routeChanged.current) heading.current?.focus();
  }, [routeChanged]);
  return heading;
}
