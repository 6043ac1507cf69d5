import { usePageTitle } from '../../app/pageTitle';

/** The accessibility statement required of public services (RGAA). */
export default function AccessibilityPage() {
  const heading = usePageTitle('Déclaration d’accessibilité');
  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1 ref={heading} tabIndex={-1}>
            Déclaration d’accessibilité
          </h1>
          <p>
            Le ministère de l’Agriculture et de la Souveraineté alimentaire s’engage à rendre ses
            services numériques accessibles, conformément à l’article 47 de la loi n° 2005-102 du 11
            février 2005. Cette déclaration d’accessibilité s’applique au service Maestro.
          </p>
          <h2>État de conformité</h2>
          <p>
            Maestro est <strong>non conforme</strong> avec le référentiel général d’amélioration de
            l’accessibilité (RGAA) : aucun audit n’a encore été réalisé. Le service est conçu avec
            le système de design de l’État et vérifié automatiquement à chaque évolution ; un audit
            est prévu.
          </p>
          <h2>Retour d’information et contact</h2>
          <p>
            Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez l’administrateur
            de Maestro de votre structure pour être orienté vers une alternative accessible ou
            obtenir le contenu sous une autre forme.
          </p>
          <h2>Voies de recours</h2>
          <p>
            Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu ou à
            une fonctionnalité du service, que vous nous le signalez et que vous ne parvenez pas à
            obtenir une réponse de notre part, vous êtes en droit de saisir le Défenseur des droits.
          </p>
        </div>
      </div>
    </div>
  );
}
