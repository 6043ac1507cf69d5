import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { RoleLabels } from '@maestro/shared/schema';
import { Link } from 'react-router';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { scopeLabel } from '../../app/scope';
import { useCurrentUser } from '../../app/session';
import { roleAreas } from './areas';
import { RoleIntro } from './roleIntro';

/** The home page of a signed-in user: who they are for Maestro, and what they may do. */
export default function HomePage() {
  const user = useCurrentUser();
  const laboratories = useLaboratories();
  const heading = usePageTitle('Accueil');
  const areas = roleAreas(user.role);

  return (
    <div className="fr-container fr-my-6w">
      <h1 ref={heading} tabIndex={-1}>
        Bonjour {user.firstName}
      </h1>
      <ul className="fr-badges-group fr-mb-3w" aria-label="Votre profil">
        <li data-testid="home-role">
          <Badge severity="info" noIcon>
            {RoleLabels[user.role]}
          </Badge>
        </li>
        <li data-testid="home-scope">
          <Badge noIcon>{scopeLabel(user, laboratories.data)}</Badge>
        </li>
      </ul>
      <p className="fr-text--lead fr-mb-6w">{RoleIntro[user.role]}</p>

      <h2>Ce que vous pouvez faire</h2>
      <ul className="fr-grid-row fr-grid-row--gutters maestro-areas">
        {areas.map((area) => (
          <li key={area.area} className="fr-col-12 fr-col-md-6 fr-col-lg-4">
            <div className="fr-card fr-card--no-arrow" data-testid={`area-${area.area}`}>
              <div className="fr-card__body">
                <div className="fr-card__content">
                  <h3 className="fr-card__title">
                    <span className={`${area.iconId} fr-mr-1w`} aria-hidden="true" />
                    {area.title}
                  </h3>
                  <ul className="fr-card__desc maestro-permission-list">
                    {area.abilities.map((ability) => (
                      <li key={ability}>{ability}</li>
                    ))}
                  </ul>
                  {area.path === null && (
                    <div className="fr-card__start">
                      <p className="fr-badge fr-badge--sm fr-badge--no-icon">Bientôt disponible</p>
                    </div>
                  )}
                </div>
                {area.path !== null && (
                  <div className="fr-card__footer">
                    <Link className="fr-btn fr-btn--secondary fr-btn--sm" to={area.path}>
                      Accéder à « {area.title} »
                    </Link>
                  </div>
                )}
              </div>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
