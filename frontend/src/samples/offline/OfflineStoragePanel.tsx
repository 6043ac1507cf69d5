import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { downloadUnsynced } from './escape';
import { needsInstallAdvice, useStoragePersistence } from './hooks';
import { isStale, useSyncStatus } from './status';

/**
 * What the agent should know about this browser's storage (for the samples' pages): whether
 * it is persistent, usage against quota, the iOS advice to install the app, unsynced data
 * older than 3 days, and the export of unsynced samples.
 */
export function OfflineStoragePanel({ ownerId }: { ownerId: string }) {
  const storage = useStoragePersistence(ownerId);
  const status = useSyncStatus();
  const [exportMessage, setExportMessage] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const exportNow = () => {
    setExporting(true);
    downloadUnsynced(ownerId)
      .then(
        (count) =>
          setExportMessage(
            count === 0
              ? 'Aucun prélèvement à exporter : tout est synchronisé.'
              : `${count} prélèvement${count > 1 ? 's' : ''} exporté${count > 1 ? 's' : ''}.`,
          ),
        () => setExportMessage('L’export a échoué : réessayez.'),
      )
      .finally(() => setExporting(false));
  };

  return (
    <div className="fr-mb-4w" data-testid="offline-storage">
      {needsInstallAdvice() && (
        <Alert
          className="fr-mb-2w"
          severity="info"
          small
          description="Sur iPhone et iPad, Safari efface les données d’un site non consulté pendant 7 jours : installez Maestro sur l’écran d’accueil (Partager, puis « Sur l’écran d’accueil ») pour garder vos prélèvements hors ligne."
        />
      )}
      {isStale(status.oldestUnsyncedAt) && (
        <Alert
          className="fr-mb-2w"
          severity="warning"
          small
          description="Des prélèvements de cet appareil ne sont pas synchronisés depuis plus de 3 jours : connectez-vous à un réseau pour les envoyer, ou exportez-les."
        />
      )}
      {storage.nearlyFull && (
        <Alert
          className="fr-mb-2w"
          severity="warning"
          small
          description="L’espace de stockage du navigateur est presque plein : synchronisez ou exportez vos prélèvements."
        />
      )}
      <p className="fr-text--sm fr-mb-1w">
        {storage.granted === true
          ? 'Stockage persistant accordé : le navigateur ne supprimera pas vos prélèvements.'
          : storage.granted === false
            ? 'Stockage persistant non accordé : le navigateur pourrait supprimer vos données s’il manque de place. Synchronisez régulièrement.'
            : 'Stockage persistant : non demandé pour l’instant.'}
        {storage.usageText && ` Espace utilisé : ${storage.usageText}.`}
      </p>
      <Button
        size="small"
        priority="secondary"
        iconId="fr-icon-download-line"
        onClick={exportNow}
        disabled={exporting}
      >
        Exporter les prélèvements non synchronisés
      </Button>
      <p role="status" className="fr-text--sm fr-mt-1w">
        {exportMessage}
      </p>
    </div>
  );
}

export default OfflineStoragePanel;
