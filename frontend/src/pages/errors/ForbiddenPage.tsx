import { Button } from '@codegouvfr/react-dsfr/Button';
import { usePageTitle } from '../../app/pageTitle';
import { ErrorLayout } from './ErrorLayout';

/** Shown to a signed-in user who opens a page that their role does not give access to. */
export function ForbiddenPage() {
  const heading = usePageTitle('Accès refusé');
  return (
    <ErrorLayout
      title="Accès refusé"
      heading={heading}
      code="Erreur 403"
      lead="Votre rôle ne donne pas accès à cette page."
      actions={<Button linkProps={{ to: '/' }}>Retour à l’accueil</Button>}
    >
      <p className="fr-mb-5w">
        Si vous pensez devoir y accéder, demandez à l’administrateur de Maestro de vérifier votre
        rôle et votre périmètre.
      </p>
    </ErrorLayout>
  );
}
