import { Button } from '@codegouvfr/react-dsfr/Button';
import { usePageTitle } from '../../app/pageTitle';
import { ErrorLayout } from './ErrorLayout';

const isChunkLoadError = (error: unknown): boolean =>
  error instanceof Error &&
  /dynamically imported module|Importing a module script|module script failed/i.test(error.message);

/**
 * What the error boundary shows: an unexpected error, or a page whose code could not be
 * downloaded (e.g. a new version was deployed meanwhile). Reloading is the way out.
 */
export function ErrorPage({ error }: { error: unknown }) {
  const heading = usePageTitle('Une erreur est survenue');
  return (
    <ErrorLayout
      title="Une erreur est survenue"
      heading={heading}
      lead={
        isChunkLoadError(error)
          ? 'Cette page n’a pas pu être chargée : une nouvelle version de Maestro est peut-être disponible, ou la connexion a été interrompue. Réessayez.'
          : 'Désolé, le service a rencontré un problème inattendu. Vous pouvez réessayer ; si le problème persiste, contactez l’assistance en précisant l’heure et la page concernée.'
      }
      actions={
        <>
          <Button iconId="fr-icon-refresh-line" onClick={() => window.location.reload()}>
            Réessayer
          </Button>
          <Button priority="secondary" linkProps={{ to: '/', reloadDocument: true }}>
            Retour à l’accueil
          </Button>
        </>
      }
    />
  );
}

/** The same page when the frame itself failed: no header, no footer. */
export function RootErrorPage({ error }: { error: unknown }) {
  return (
    <main id="contenu">
      <ErrorPage error={error} />
    </main>
  );
}
