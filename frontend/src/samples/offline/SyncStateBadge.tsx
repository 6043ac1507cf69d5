import type { AlertProps } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { getSyncStatus } from './status';
import { sampleStore } from './store';
import type { LocalSample, SyncState } from './types';
import './offline.css';

export const SyncStateLabels: Record<SyncState, string> = {
  local: 'Brouillon local',
  pending: 'En attente',
  syncing: 'Envoi en cours',
  synced: 'Synchronisé',
  error: 'Erreur',
  conflict: 'Conflit',
};

const severities: Record<SyncState, AlertProps.Severity | 'new' | undefined> = {
  local: undefined,
  pending: 'new',
  syncing: 'info',
  synced: 'success',
  error: 'error',
  conflict: 'warning',
};

/** Sends a refused sample again (after a fix on the server, or a new session). */
export async function retrySample(id: string): Promise<void> {
  await sampleStore.clearError(id);
  await getSyncStatus().syncNow();
}

interface SyncStateBadgeProps {
  sample: LocalSample;
  /** Announce changes to screen readers (a sample's own page; not in a list). */
  live?: boolean;
  /** « Réessayer » (default: sends the sample again). */
  onRetry?: () => void;
}

/**
 * A sample's sync state: brouillon local, en attente, envoi en cours, synchronisé, erreur (with
 * the reason and « Réessayer »), conflit; and « pièces jointes manquantes » until every file
 * reached the server.
 */
export function SyncStateBadge({ sample, live = false, onRetry }: SyncStateBadgeProps) {
  const [retrying, setRetrying] = useState(false);
  const retry = () => {
    if (onRetry) {
      onRetry();
      return;
    }
    setRetrying(true);
    void retrySample(sample.id).finally(() => setRetrying(false));
  };
  return (
    <div
      className="maestro-sync-state"
      data-testid="sync-state"
      data-state={sample.syncState}
      {...(live ? { role: 'status', 'aria-live': 'polite' as const } : {})}
    >
      <Badge as="span" small severity={severities[sample.syncState]}>
        {SyncStateLabels[sample.syncState]}
      </Badge>
      {sample.pendingAttachments > 0 && (
        <Badge as="span" small severity="warning">
          Pièces jointes manquantes
        </Badge>
      )}
      {sample.syncState === 'error' && (
        <>
          <p className="maestro-sync-state__reason">{sample.error}</p>
          <Button size="small" priority="secondary" onClick={retry} disabled={retrying}>
            Réessayer
          </Button>
        </>
      )}
      {sample.syncState === 'conflict' && (
        <p className="maestro-sync-state__reason">
          Ce prélèvement a aussi été modifié sur le serveur : choisissez les valeurs à garder.
        </p>
      )}
    </div>
  );
}

export default SyncStateBadge;
