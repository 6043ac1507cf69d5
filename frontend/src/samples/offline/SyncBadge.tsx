import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useEffect, useState } from 'react';
import { isStale, useOfflineSync, useSyncStatus } from './status';
import './offline.css';

const time = new Intl.DateTimeFormat('fr-FR', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});
const dayAndTime = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});

/** « à 14:32 » today, « le 3 mars à 14:32 » before. */
export function formatSyncTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay ? `à ${time.format(date)}` : `le ${dayAndTime.format(date)}`;
}

/** « 1 en attente », « 3 en attente ». */
export const pendingLabel = (pending: number) => `${pending} en attente`;

/**
 * The sampler's sync status, in a slim bar under the header (on every screen size): what waits for the network, when the last sync
 * succeeded, and « Synchroniser maintenant ». Changes are announced politely to screen readers.
 * Runs the sync engine for the user while shown.
 */
export function SyncBadge({ userId }: { userId: string }) {
  useOfflineSync(userId);
  const status = useSyncStatus();
  const [manual, setManual] = useState(false);
  const [, setTick] = useState(0);
  // The "older than 3 days" warning and the time of day stay right on a page left open.
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 60_000);
    return () => clearInterval(timer);
  }, []);

  const syncNow = () => {
    setManual(true);
    void status.syncNow().finally(() => setManual(false));
  };
  const busy = status.syncing || manual;
  const toCheck = status.errors + status.conflicts;

  return (
    <section
      className="maestro-sync-bar"
      aria-label="Synchronisation des prélèvements"
      data-testid="sync-badge"
    >
      <div className="fr-container maestro-sync">
        <div className="maestro-sync__status" role="status" aria-live="polite" aria-atomic="true">
          <span className="maestro-sync__badges">
            {status.pending > 0 ? (
              <Badge as="span" small severity="new" noIcon>
                {pendingLabel(status.pending)}
              </Badge>
            ) : (
              <Badge as="span" small severity="success">
                Synchronisé
              </Badge>
            )}
            {!status.online && (
              <Badge as="span" small severity="info" noIcon>
                Hors ligne
              </Badge>
            )}
            {toCheck > 0 && (
              <Badge as="span" small severity="error" noIcon>
                {toCheck} à vérifier
              </Badge>
            )}
          </span>
          <span className="maestro-sync__detail">
            {busy
              ? 'Synchronisation en cours…'
              : status.lastSyncedAt
                ? `Dernière synchronisation ${formatSyncTime(status.lastSyncedAt)}`
                : 'Aucune synchronisation sur cet appareil'}
          </span>
          {status.authRequired && (
            <span className="maestro-sync__warning">
              Session expirée : reconnectez-vous pour synchroniser.
            </span>
          )}
          {isStale(status.oldestUnsyncedAt) && (
            <span className="maestro-sync__warning">
              Des prélèvements attendent depuis plus de 3 jours : synchronisez-les ou exportez-les.
            </span>
          )}
        </div>
        <Button
          size="small"
          priority="tertiary"
          iconId="fr-icon-refresh-line"
          onClick={syncNow}
          disabled={busy}
          aria-busy={busy}
        >
          Synchroniser maintenant
        </Button>
      </div>
    </section>
  );
}

export default SyncBadge;
