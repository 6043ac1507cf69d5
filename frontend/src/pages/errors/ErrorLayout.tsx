import type { ReactNode, RefObject } from 'react';

interface ErrorLayoutProps {
  title: string;
  heading: RefObject<HTMLHeadingElement | null>;
  /** e.g. « Erreur 404 » */
  code?: string;
  lead: ReactNode;
  children?: ReactNode;
  actions: ReactNode;
}

/** The DSFR error page pattern: title, error code, explanation, ways out. */
export function ErrorLayout({ title, heading, code, lead, children, actions }: ErrorLayoutProps) {
  return (
    <div className="fr-container">
      <div className="fr-my-7w fr-mt-md-12w fr-mb-md-10w fr-grid-row fr-grid-row--gutters fr-grid-row--middle fr-grid-row--center">
        <div className="fr-py-0 fr-col-12 fr-col-md-8">
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {code && <p className="fr-text--sm fr-mb-3w">{code}</p>}
          <p className="fr-text--lead fr-mb-3w">{lead}</p>
          {children}
          <div className="fr-btns-group fr-btns-group--inline-md">{actions}</div>
        </div>
      </div>
    </div>
  );
}
