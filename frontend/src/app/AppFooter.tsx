import { headerFooterDisplayItem } from '@codegouvfr/react-dsfr/Display';
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { brandTop, homeLinkProps } from './AppHeader';

export function AppFooter() {
  return (
    <Footer
      id="pied-de-page"
      brandTop={brandTop}
      homeLinkProps={homeLinkProps}
      accessibility="non compliant"
      accessibilityLinkProps={{ to: '/accessibilite' }}
      contentDescription="Maestro permet de programmer, de réaliser et de suivre les plans de surveillance et de contrôle de la chaîne alimentaire : programmation nationale et régionale, prélèvements, analyses en laboratoire et résultats."
      bottomItems={[
        <a key="api" className="fr-footer__bottom-link" href="/api/docs">
          Documentation de l’API
        </a>,
        headerFooterDisplayItem,
      ]}
    />
  );
}
