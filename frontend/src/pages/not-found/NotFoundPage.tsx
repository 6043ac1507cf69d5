import { Button } from '@codegouvfr/react-dsfr/Button';
import { usePageTitle } from '../../app/pageTitle';
import { ErrorLayout } from '../errors/ErrorLayout';

/** Any address the web app does not know. */
export default function NotFoundPage() {
  const heading = usePageTitle('Page non trouvée');
  return (
    <ErrorLayout
      title="Page non trouvée"
      heading={heading}
      code="Erreur 404"
      lead="La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée."
      actions={<Button linkProps={{ to: '/' }}>Page d’accueil</Button>}
    >
      <p className="fr-mb-5w">
        Si vous avez tapé l’adresse web dans le navigateur, vérifiez qu’elle est correcte. La page
        n’est peut-être plus disponible. Dans ce cas, pour continuer votre visite, vous pouvez
        consulter notre page d’accueil.
      </p>
    </ErrorLayout>
  );
}
